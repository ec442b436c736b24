"""The emulator's custom objects, written from custom-objects-api.md with a plain httpx client,
in-process and over a socket."""

from __future__ import annotations

import pytest

BASE = "/api/v2/custom_objects"


def make_object(http, key="vehicle", **extra):
    body = {
        "custom_object": {
            "key": key,
            "title": key.title(),
            "title_pluralized": key.title() + "s",
            **extra,
        }
    }
    return http.post(BASE, json=body)


def make_field(http, obj="vehicle", **field):
    return http.post(f"{BASE}/{obj}/fields", json={"custom_object_field": field})


def test_objects_fields_and_their_envelopes(emulated):
    with emulated.http() as http:
        created = make_object(http, description="Cars")
        assert created.status_code == 201
        assert created.json()["custom_object"]["key"] == "vehicle"
        assert [o["key"] for o in http.get(BASE).json()["custom_objects"]] == ["vehicle"]
        field = make_field(http, key="make", type="text", title="Make")
        assert field.status_code == 201 and field.json()["custom_object_field"]["key"] == "make"
        listed = http.get(
            f"{BASE}/vehicle/fields", params={"include_standard_fields": "true"}
        ).json()
        keys = [f["key"] for f in listed["custom_object_fields"]]
        assert keys == ["standard::name", "standard::external_id", "make"]
        assert listed["meta"]["has_more"] is False and listed["links"]["next"] is None
        without = http.get(f"{BASE}/vehicle/fields", params={"include_standard_fields": "false"})
        assert [f["key"] for f in without.json()["custom_object_fields"]] == ["make"]
        patched = http.patch(f"{BASE}/vehicle", json={"custom_object": {"title": "Car"}})
        assert patched.json()["custom_object"]["title"] == "Car"
        assert http.get(f"{BASE}/nothing").json() == {
            "error": "RecordNotFound",
            "description": "Not found",
        }
        assert http.delete(f"{BASE}/vehicle/fields/make").status_code == 204
        assert http.delete(f"{BASE}/vehicle").status_code == 204


def test_fields_are_paginated_by_cursor_and_clients_must_follow(emulated):
    with emulated.http() as http:
        make_object(http)
        for i in range(5):
            make_field(http, key=f"f{i}", type="text", title=f"F{i}")
        seen, url, params = (
            [],
            f"{BASE}/vehicle/fields",
            {"page[size]": 2, "include_standard_fields": "true"},
        )
        while url:
            page = http.get(url, params=params).json()
            seen += [f["key"] for f in page["custom_object_fields"]]
            assert page["meta"]["has_more"] == bool(page["links"]["next"])
            url, params = page["links"]["next"], None
        assert seen == ["standard::name", "standard::external_id", "f0", "f1", "f2", "f3", "f4"]


def test_refusals_are_record_invalid_with_details(emulated):
    with emulated.http() as http:
        make_object(http)
        again = make_object(http)
        assert again.status_code == 422
        assert again.json()["details"]["key"][0]["error"] == "DuplicateValue"
        make_field(http, key="seats", type="integer", title="Seats")
        retyped = http.put(
            f"{BASE}/vehicle/fields/seats", json={"custom_object_field": {"type": "text"}}
        )
        assert (
            retyped.status_code == 422
            and retyped.json()["details"]["type"][0]["error"] == "Immutable"
        )
        twice = make_field(
            http,
            key="body",
            type="dropdown",
            title="Body",
            custom_field_options=[{"value": "a", "name": "A"}, {"value": "a", "name": "B"}],
        )
        assert twice.status_code == 422
        nowhere = make_field(
            http,
            key="owner",
            type="lookup",
            title="Owner",
            relationship_target_type="zen:custom_object:nothing",
        )
        assert nowhere.status_code == 422
        standard = http.delete(f"{BASE}/vehicle/fields/standard::name")
        assert standard.status_code == 422


def test_options_are_replaced_whole_and_removed_values_vanish(emulated):
    with emulated.http() as http:
        make_object(http)
        options = [{"value": "sedan", "name": "Sedan"}, {"value": "suv", "name": "SUV"}]
        field = make_field(
            http, key="body", type="dropdown", title="Body", custom_field_options=options
        )
        kept = field.json()["custom_object_field"]["custom_field_options"][0]
        record = {
            "custom_object_record": {"name": "AB-12", "custom_object_fields": {"body": "suv"}}
        }
        assert http.post(f"{BASE}/vehicle/records", json=record).status_code == 201
        replaced = http.put(
            f"{BASE}/vehicle/fields/body",
            json={
                "custom_object_field": {
                    "custom_field_options": [kept, {"id": None, "value": "van", "name": "Van"}]
                }
            },
        )
        values = [
            (o["value"], o["id"] is not None)
            for o in replaced.json()["custom_object_field"]["custom_field_options"]
        ]
        assert values == [("sedan", True), ("van", True)]
        assert replaced.json()["custom_object_field"]["custom_field_options"][0]["id"] == kept["id"]
        assert http.get(f"{BASE}/vehicle/records/count").json()["count"]["value"] == 1


def test_reorder_lookups_and_deleting_a_target(emulated):
    with emulated.http() as http:
        make_object(http, "garage")
        make_object(http)
        ids = [
            make_field(http, key=k, type="text", title=k).json()["custom_object_field"]["id"]
            for k in ("a", "b", "c")
        ]
        lookup = make_field(
            http,
            key="garage",
            type="lookup",
            title="Garage",
            relationship_target_type="zen:custom_object:garage",
        )
        assert lookup.status_code == 201
        reordered = http.put(
            f"{BASE}/vehicle/fields/reorder",
            json={
                "custom_object_field_ids": [
                    ids[2],
                    ids[0],
                    ids[1],
                    lookup.json()["custom_object_field"]["id"],
                ]
            },
        )
        assert reordered.status_code == 200
        fields = http.get(f"{BASE}/vehicle/fields").json()["custom_object_fields"]
        assert [f["key"] for f in fields] == ["c", "a", "b", "garage"]
        refused = http.delete(f"{BASE}/garage")
        assert refused.status_code == 422 and "vehicle.garage" in refused.text
        assert http.delete(f"{BASE}/vehicle/fields/garage").status_code == 204
        assert http.delete(f"{BASE}/garage").status_code == 204


def test_limits_with_live_counts_and_plan_tiers(emulator_factory):
    emulated = emulator_factory(plan_tier="team")
    with emulated.http() as http:
        for key in ("a1", "a2", "a3"):
            assert make_object(http, key).status_code == 201
        assert make_object(http, "a4").status_code == 422
        assert http.get(f"{BASE}/limits/object_limit").json() == {"count": 3, "limit": 3}
        make_field(http, "a1", key="f", type="text", title="F")
        assert http.get(f"{BASE}/a1/limits/field_limit").json() == {"count": 1, "limit": 100}
        for i in range(5):
            assert (
                make_field(
                    http,
                    "a1",
                    key=f"l{i}",
                    type="lookup",
                    title="L",
                    relationship_target_type="zen:user",
                ).status_code
                == 201
            )
        assert (
            make_field(
                http, "a1", key="l5", type="lookup", title="L", relationship_target_type="zen:user"
            ).status_code
            == 422
        )


def test_an_account_without_the_legacy_api(emulator_factory):
    emulated = emulator_factory(legacy=False)
    with emulated.http() as http:
        gone = http.get("/api/sunshine/objects/types")
        assert gone.status_code == 404 and "Legacy custom objects were removed" in gone.text
        assert http.get(BASE).status_code == 200


@pytest.mark.parametrize("method", ["POST", "PUT"])
def test_custom_object_writes_take_json_only(emulated, method):
    with emulated.http() as http:
        answer = http.request(
            method, BASE, content=b'{"custom_object": {}}', headers={"Content-Type": "text/plain"}
        )
        assert answer.status_code == 415
