"""The emulator against what ``zendesk-api.md`` documents, through a plain httpx client (not ours).

Every test runs twice: in-process (httpx's WSGI transport) and over a real loopback socket.
"""

from __future__ import annotations

import base64
import re
import time

import httpx
import pytest

TYPES = "/api/sunshine/objects/types"
RELS = "/api/sunshine/relationships/types"
RECORDS = "/api/sunshine/objects/records"
LIMITS = "/api/sunshine/limits"
SCHEMA = {"properties": {"id": {"type": "string"}, "name": {"type": "string"}}, "required": ["id"]}
ISO = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$")
QUOTA = {
    "errors": [
        {
            "code": "TooManyRequests",
            "status": "429",
            "title": "Too Many Requests",
            "message": "You have exceeded the maximum number of resources for this account",
        }
    ]
}


def create_type(http: httpx.Client, key: str, schema: dict | None = None) -> httpx.Response:
    return http.post(
        TYPES, json={"data": {"key": key, "schema": SCHEMA if schema is None else schema}}
    )


def detail(response: httpx.Response) -> list[str]:
    body = response.json()
    return [e.get("detail") or e.get("message") for e in body["errors"]]


def test_object_type_lifecycle_codes_envelopes_and_server_fields(emulated):
    with emulated.http() as http:
        empty = http.get(TYPES)
        assert empty.status_code == 200
        assert empty.json() == {"data": [], "links": {"previous": None, "next": None}}

        created = create_type(http, "product")
        assert created.status_code == 201
        item = created.json()["data"]
        assert item["key"] == "product"
        # Zendesk adds the immutable additionalProperties: false to every stored schema.
        assert item["schema"] == {**SCHEMA, "additionalProperties": False}
        assert ISO.match(item["created_at"]) and ISO.match(item["updated_at"])

        shown = http.get(f"{TYPES}/product")
        assert shown.status_code == 200 and shown.json()["data"] == item

        time.sleep(0.002)
        changed = {
            "properties": {**SCHEMA["properties"], "price": {"type": "number"}},
            "required": ["id"],
        }
        updated = http.put(f"{TYPES}/product", json={"data": {"schema": changed}})
        assert updated.status_code == 200
        after = updated.json()["data"]
        assert after["schema"] == {**changed, "additionalProperties": False}
        assert (
            after["created_at"] == item["created_at"] and after["updated_at"] > item["updated_at"]
        )
        assert after["version"] == item["version"] + 1

        deleted = http.delete(f"{TYPES}/product")
        assert deleted.status_code == 204 and deleted.content == b""
        gone = http.get(f"{TYPES}/product")
        assert gone.status_code == 404
        assert gone.headers["content-type"].startswith("application/json") and detail(gone)


@pytest.mark.parametrize(
    ("schema", "message"),
    [
        ({}, "The schema for a legacy object type cannot be empty."),
        ({"properties": {}}, "The properties element of a schema cannot be empty."),
        ({"foo": "bar"}, 'data.schema object has missing required properties (["properties"])'),
        (
            {"properties": {"id": {"type": "string"}}, "additionalProperties": True},
            "additionalProperties cannot be set to true",
        ),
        (
            {"properties": {"id": {"description": "ID of the product"}}},
            'data.schema object has missing required properties (["type"])',
        ),
        (
            {
                "$schema": "http://json-schema.org/draft/2019-09/schema#",
                "properties": {"id": {"type": "string"}},
            },
            (
                "data.schema object instance has properties which are not allowed by the schema: "
                '["$schema"]'
            ),
        ),
        (
            {
                "patternProperties": {"^[a-z]*$": {"type": "string"}},
                "properties": {"id": {"type": "string"}},
            },
            (
                "data.schema object instance has properties which are not allowed by the schema: "
                '["patternProperties"]'
            ),
        ),
    ],
)
def test_documented_schema_rules_answer_zendesks_messages(emulated, schema, message):
    with emulated.http() as http:
        response = create_type(http, "product", schema)
        assert 400 <= response.status_code < 500
        assert message in detail(response)
        assert http.get(f"{TYPES}/product").status_code == 404  # nothing was stored


@pytest.mark.parametrize(
    "name", ["_id", "*", "a\bb", "a\fb", "a\nb", "a\rb", "a\tb", "a\u0007b", "a\u0013b", ""]
)
def test_property_naming_rules_apply_at_every_level(emulated, name):
    with emulated.http() as http:
        top = create_type(http, "flat", {"properties": {name: {"type": "string"}}})
        nested = create_type(
            http,
            "deep",
            {"properties": {"outer": {"type": "object", "properties": {name: {"type": "string"}}}}},
        )
        assert 400 <= top.status_code < 500 and 400 <= nested.status_code < 500


def test_invalid_draft4_schema_and_size_limit(emulated):
    with emulated.http() as http:
        bad_regex = create_type(
            http, "product", {"properties": {"id": {"type": "string", "pattern": "(["}}}
        )
        assert bad_regex.status_code == 400
        wrong_type = create_type(http, "product", {"properties": {"id": {"type": "strin"}}})
        assert wrong_type.status_code == 400
        big = {
            "properties": {
                f"p{i:05d}": {"type": "string", "description": "x" * 40} for i in range(600)
            }
        }
        assert create_type(http, "big", big).status_code == 400  # over 32 KB


@pytest.mark.parametrize(
    ("key", "ok"),
    [
        ("product", True),
        ("cell_phone", True),
        ("2019-car", True),
        ("ab", True),
        ("a" * 32, True),
        ("a", False),
        ("a" * 33, False),
        ("_hidden", False),
        ("*", False),
        ("with space", False),
    ],
)
def test_object_type_keys(emulated, key, ok):
    with emulated.http() as http:
        assert (create_type(http, key).status_code == 201) is ok


def test_duplicate_key_is_refused_and_key_is_writable_on_create_only(emulated):
    with emulated.http() as http:
        assert create_type(http, "product").status_code == 201
        again = create_type(http, "product")
        assert 400 <= again.status_code < 500 and detail(again)
        renamed = http.put(f"{TYPES}/product", json={"data": {"key": "other", "schema": SCHEMA}})
        assert renamed.status_code == 400
        assert http.put(f"{TYPES}/missing", json={"data": {"schema": SCHEMA}}).status_code == 404


def test_relationship_types_one_to_one_one_to_many_no_updates(emulated):
    with emulated.http() as http:
        create_type(http, "product")
        one = http.post(
            RELS, json={"data": {"key": "product_owner", "source": "product", "target": "zen:user"}}
        )
        many = http.post(
            RELS,
            json={"data": {"key": "user_products", "source": "zen:user", "target": ["product"]}},
        )
        assert one.status_code == 201 and many.status_code == 201
        assert one.json()["data"]["target"] == "zen:user"
        assert many.json()["data"]["target"] == ["product"]
        assert ISO.match(many.json()["data"]["created_at"])
        listed = http.get(RELS).json()["data"]
        assert [r["key"] for r in listed] == ["product_owner", "user_products"]
        assert http.get(f"{RELS}/user_products").json()["data"]["source"] == "zen:user"

        # "A relationship type cannot be updated: You must create a new one."
        update = http.put(
            f"{RELS}/product_owner", json={"data": {"source": "product", "target": "zen:ticket"}}
        )
        assert 400 <= update.status_code < 500 and "create a new one" in detail(update)[0]
        assert http.get(f"{RELS}/product_owner").json()["data"]["target"] == "zen:user"

        for bad in (
            {"source": "nothing", "target": "zen:user"},
            {"source": "product", "target": ["a", "b"]},
            {"source": "zen:nope", "target": "zen:user"},
            {"source": "product", "target": 3},
        ):
            response = http.post(RELS, json={"data": {"key": "bad_one", **bad}})
            assert response.status_code == 400, bad

        assert http.delete(f"{RELS}/product_owner").status_code == 204
        assert http.get(f"{RELS}/product_owner").status_code == 404


def test_records_make_has_records_real_and_block_deleting_their_type(emulated):
    with emulated.http() as http:
        create_type(http, "product")
        assert http.get(RECORDS).status_code == 400  # a filter is mandatory
        assert http.get(RECORDS, params={"type": "product", "per_page": 1}).json()["data"] == []

        bad = http.post(RECORDS, json={"data": {"type": "product", "attributes": {"name": "desk"}}})
        assert bad.status_code == 400  # validated against the schema: id is required
        made = http.post(
            RECORDS, json={"data": {"type": "product", "attributes": {"id": "1", "name": "desk"}}}
        )
        assert made.status_code == 201
        record = made.json()["data"]
        assert record["type"] == "product" and record["type_version"] == 1 and record["id"]
        assert len(http.get(RECORDS, params={"type": "product", "per_page": 1}).json()["data"]) == 1

        refused = http.delete(f"{TYPES}/product")
        assert 400 <= refused.status_code < 500 and "records" in detail(refused)[0]
        assert http.get(f"{TYPES}/product").status_code == 200

        assert http.delete(f"{RECORDS}/{record['id']}").status_code == 204
        assert http.delete(f"{TYPES}/product").status_code == 204


def test_deleting_a_type_used_by_a_relationship_type_is_refused(emulated):
    with emulated.http() as http:
        create_type(http, "product")
        http.post(
            RELS,
            json={"data": {"key": "user_products", "source": "zen:user", "target": ["product"]}},
        )
        refused = http.delete(f"{TYPES}/product")
        assert 400 <= refused.status_code < 500 and "user_products" in detail(refused)[0]
        http.delete(f"{RELS}/user_products")
        assert http.delete(f"{TYPES}/product").status_code == 204


def test_limits_endpoint_counts_live(emulated):
    with emulated.http() as http:
        create_type(http, "product")
        create_type(http, "supplier")
        http.post(RELS, json={"data": {"key": "link", "source": "product", "target": "supplier"}})
        http.post(RECORDS, json={"data": {"type": "product", "attributes": {"id": "1"}}})
        limits = {e["key"]: (e["limit"], e["count"]) for e in http.get(LIMITS).json()["data"]}
        assert limits == {
            "resources": (1_000_000, 1),
            "relationships": (1_000_000, 0),
            "resource_types": (50, 2),
            "relationship_types": (50, 1),
        }


def test_fifty_type_caps_answer_the_documented_quota_body(emulator_factory):
    emulated = emulator_factory()
    with emulated.http() as http:
        for i in range(50):
            assert create_type(http, f"type{i:02d}").status_code == 201
        over = create_type(http, "type50")
        assert over.status_code == 429 and over.json() == QUOTA
        for i in range(50):
            response = http.post(
                RELS,
                json={"data": {"key": f"rel{i:02d}", "source": "type00", "target": "zen:user"}},
            )
            assert response.status_code == 201
        over = http.post(
            RELS, json={"data": {"key": "rel50", "source": "type00", "target": "zen:user"}}
        )
        assert over.status_code == 429 and over.json() == QUOTA


def test_record_quota(emulator_factory):
    emulated = emulator_factory(limits={"resources": 2})
    with emulated.http() as http:
        create_type(http, "product")
        codes = [
            http.post(
                RECORDS, json={"data": {"type": "product", "attributes": {"id": str(i)}}}
            ).status_code
            for i in range(3)
        ]
        assert codes == [201, 201, 429]


def test_pagination_follows_links_both_ways(emulated):
    with emulated.http() as http:
        keys = [f"type{i}" for i in range(5)]
        for key in keys:
            create_type(http, key)
        first = http.get(TYPES, params={"per_page": 2}).json()
        assert [t["key"] for t in first["data"]] == keys[:2] and first["links"]["previous"] is None
        second = http.get(first["links"]["next"]).json()
        assert [t["key"] for t in second["data"]] == keys[2:4]
        back = http.get(second["links"]["previous"]).json()
        assert [t["key"] for t in back["data"]] == keys[:2]
        third = http.get(second["links"]["next"]).json()
        assert [t["key"] for t in third["data"]] == keys[4:] and third["links"]["next"] is None
        for bad in ("0", "1001", "many"):
            assert http.get(TYPES, params={"per_page": bad}).status_code == 400


def test_page_size_cap_forces_paging(emulator_factory):
    emulated = emulator_factory(max_page_size=3)
    with emulated.http() as http:
        for i in range(7):
            create_type(http, f"type{i}")
        seen, url, pages = [], f"{TYPES}?per_page=1000", 0
        while url:
            body = http.get(url).json()
            seen += [t["key"] for t in body["data"]]
            url, pages = body["links"]["next"], pages + 1
        assert seen == [f"type{i}" for i in range(7)] and pages == 3


def test_records_list_descending(emulated):
    with emulated.http() as http:
        create_type(http, "product")
        for i in range(3):
            http.post(RECORDS, json={"data": {"type": "product", "attributes": {"id": str(i)}}})
        down = http.get(RECORDS, params={"type": "product", "order": "desc", "per_page": 2}).json()
        assert [r["attributes"]["id"] for r in down["data"]] == ["2", "1"]
        rest = http.get(down["links"]["next"]).json()
        assert [r["attributes"]["id"] for r in rest["data"]] == ["0"]


def test_wrong_path_answers_html_and_bad_bodies_answer_json(emulated):
    with emulated.http() as http:
        page = http.get("/api/sunshine/objects/typez")
        assert page.status_code == 404 and page.headers["content-type"].startswith("text/html")
        not_json = http.post(TYPES, content=b"{nope", headers={"Content-Type": "application/json"})
        assert not_json.status_code == 400 and detail(not_json)
        no_data = http.post(TYPES, json={"key": "product"})
        assert no_data.status_code == 400 and detail(no_data)


def test_credentials_are_demanded_when_configured(emulator_factory):
    from zcd_schema.emulator.app import accepted_authorizations

    emulated = emulator_factory(
        served=True, authorizations=accepted_authorizations("a@b.c", "tok", "oauth")
    )
    with emulated.http() as http:
        anonymous = http.get(TYPES)
        assert anonymous.status_code == 401 and anonymous.json() == {
            "error": "Couldn't authenticate you"
        }
        basic = base64.b64encode(b"a@b.c/token:tok").decode()
        assert http.get(TYPES, headers={"Authorization": f"Basic {basic}"}).status_code == 200
        assert http.get(TYPES, headers={"Authorization": "Bearer oauth"}).status_code == 200
        assert http.get(TYPES, headers={"Authorization": "Bearer wrong"}).status_code == 401
        wrong = base64.b64encode(b"a@b.c:tok").decode()  # a password login, not an API token
        assert http.get(TYPES, headers={"Authorization": f"Basic {wrong}"}).status_code == 401


def test_scripted_faults_have_zendesks_shapes(emulated):
    emulated.faults.retry_after = 7
    emulated.faults.script("429", "503", "500")
    with emulated.http() as http:
        throttled = http.get(TYPES)
        assert throttled.status_code == 429 and throttled.headers["retry-after"] == "7"
        assert throttled.headers["content-type"].startswith("text/plain")
        unavailable = http.get(TYPES)
        assert unavailable.status_code == 503 and unavailable.headers["retry-after"] == "7"
        broken = http.get(TYPES)
        assert broken.status_code == 500 and detail(broken)
        assert http.get(TYPES).status_code == 200


def test_dropped_connection_after_a_write_that_was_done(emulated):
    emulated.faults.script("drop", method="POST")
    with emulated.http() as http, pytest.raises(httpx.TransportError):
        create_type(http, "product")
    with emulated.http() as http:
        assert http.get(f"{TYPES}/product").status_code == 200  # the write happened


def test_random_faults_are_repeatable_with_a_seed(emulator_factory):
    def run() -> list[int]:
        from zcd_schema.emulator.faults import Faults

        emulated = emulator_factory(
            faults=Faults(throttle=0.2, server_error=0.2, retry_after=0, seed=3)
        )
        with emulated.http() as http:
            return [http.get(TYPES).status_code for _ in range(40)]

    first, second = run(), run()
    assert first == second
    assert {429, 500, 200} <= set(first)


def test_rate_limit_per_minute(emulator_factory):
    from zcd_schema.emulator.faults import Faults

    emulated = emulator_factory(served=True, faults=Faults(requests_per_minute=3))
    with emulated.http() as http:
        codes = [http.get(TYPES) for _ in range(4)]
        assert [r.status_code for r in codes] == [200, 200, 200, 429]
        limited = codes[-1]
        assert int(limited.headers["retry-after"]) >= 1
        assert (
            limited.headers["x-rate-limit"] == "3"
            and limited.headers["x-rate-limit-remaining"] == "0"
        )
        assert "maximum number of" not in limited.text  # a throttle, not a quota


def test_latency_is_added(emulator_factory):
    from zcd_schema.emulator.faults import Faults

    emulated = emulator_factory(faults=Faults(latency=0.05))
    with emulated.http() as http:
        started = time.monotonic()
        http.get(TYPES)
        assert time.monotonic() - started >= 0.05


def test_state_survives_in_its_sqlite_file(tmp_path, emulator_factory):
    db = str(tmp_path / "state.sqlite")
    with emulator_factory(db=db).http() as http:
        create_type(http, "product")
    with emulator_factory(db=db).http() as http:
        assert http.get(f"{TYPES}/product").status_code == 200


def test_fault_spec_strings():
    from zcd_schema.emulator.faults import Faults, FaultSpecError

    faults = Faults.parse("429=0.1, 500=0.2,drop=0.3,latency=0.05,rpm=60,retry-after=2,seed=9")
    assert (faults.throttle, faults.server_error, faults.drop, faults.latency) == (
        0.1,
        0.2,
        0.3,
        0.05,
    )
    assert (faults.requests_per_minute, faults.retry_after, faults.seed) == (60, 2, 9)
    assert not Faults.parse("").active
    for bad in ("429", "bogus=1", "500=x", "500=1.5", "429=0.6,500=0.6"):
        with pytest.raises(FaultSpecError):
            Faults.parse(bad)
