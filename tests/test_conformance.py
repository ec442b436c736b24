"""Zendesk's own published answers are the ground truth (contract section 8.1).

The corpus in ``tests/published/`` holds the example answers of Zendesk's OpenAPI spec for every
endpoint zcd-schema uses, with the copy they came from, and the error bodies Zendesk documents.
These tests hold the client, import and plan to those answers, and the emulator to their shapes,
so that the emulator (our own reading of Zendesk) cannot drift from what Zendesk answers.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from published_account import COPIES, PublishedAccount, corpus, errors

from zcd_schema.emulator.serve import EmulatorServer

assert COPIES, "no published copy of Zendesk's spec in tests/published"


@pytest.fixture(params=COPIES, ids=[c.stem for c in COPIES])
def published(request):
    """Zendesk's published answers, served over a real loopback socket."""
    app = PublishedAccount(request.param)
    server = EmulatorServer(app, "127.0.0.1", 0)
    server.start_background()
    yield app, server.url
    server.shutdown()
    server.server_close()


def test_the_corpus_says_where_each_answer_comes_from():
    for copy in COPIES:
        data = corpus(copy)
        assert "Zendesk" in data["source"] and data["answers"]
        for answer in data["answers"]:
            assert answer["spec_path"].startswith("/api/v2/") and answer["example"]
    for answer in errors():
        assert answer["source"] and answer["status"] in (401, 403, 404, 422, 429)


# -- (a) the client imports each published answer, it validates, a plan is empty ---------------


def test_import_of_the_published_answers_validates_and_plans_empty(run, tmp_path, published):
    _app, url = published
    out = tmp_path / "imported"
    imported = run("import", "--project", str(tmp_path), "--url", url, "--out", str(out))
    assert imported.returncode == 0, imported.stderr
    assert run("validate", "--project", str(out)).returncode == 0
    planned = run("plan", "--project", str(out), "--url", url, "--detailed-exitcode")
    assert planned.returncode == 0, planned.stdout + planned.stderr
    assert "No changes" in planned.stdout
    text = (out / "custom_objects" / "car.yaml").read_text()
    # standard fields are never declared as fields; the published placeholders are kept
    assert "standard::" not in text
    assert "title: '{{dc.car_title}}'" in text
    assert "prefix: 'Order # '" in text and "model:" in text


def test_a_hand_written_project_plans_no_deletion_of_standard_fields(run, project, published):
    """The defect Zendesk's answers showed: standard fields ("system": false) planned for
    deletion on every object."""
    _, url = published
    root = project(
        {
            "car.yaml": (
                "custom_objects:\n"
                "  car:\n"
                "    title: '{{dc.car_title}}'\n"
                "    title_pluralized: '{{dc.car_title_plural}}'\n"
                "    description: '{{dc.car_description}}'\n"
                "    fields:\n"
                "      model: {type: text, title: Model, description: Model}\n"
            )
        }
    )
    planned = run("plan", "--project", str(root), "--url", url, "--format", "json")
    assert planned.returncode == 0, planned.stderr
    plan = json.loads(planned.stdout)
    assert not any("standard::" in c["key"] for c in plan["changes"]), plan["changes"]
    assert [c["key"] for c in plan["changes"]] == [], plan["changes"]


def test_a_rendered_title_is_not_a_change_against_a_placeholder(run, project, published):
    """The live title is the placeholder (raw_title), not the text rendered for this user: a
    project declaring the rendered text plans a change to it, and never the other way round."""
    _, url = published
    root = project(
        {
            "car.yaml": (
                "custom_objects:\n"
                "  car:\n"
                "    title: Car\n"
                "    title_pluralized: '{{dc.car_title_plural}}'\n"
                "    description: '{{dc.car_description}}'\n"
                "    fields:\n"
                "      model: {type: text, title: Model, description: Model}\n"
            )
        }
    )
    planned = run("plan", "--project", str(root), "--url", url, "--format", "json")
    (change,) = json.loads(planned.stdout)["changes"]
    assert (change["key"], change["before"]["title"]) == ("car", "{{dc.car_title}}")


def test_the_client_reads_every_published_error_as_zendesk_means_it():
    from zcd_schema.zendesk.client import zendesk_message

    for answer in errors():
        raw = answer["text"] if "text" in answer else json.dumps(answer["body"])
        message, _ = zendesk_message(answer["status"], answer["content_type"], raw.encode())
        assert "HTML page" not in message, answer
        assert message and message != f"HTTP {answer['status']}", answer


# -- (b) the emulator answers with the published shapes ----------------------------------------


def _kind(value: Any) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    return {str: "string", list: "array", dict: "object", type(None): "null"}[type(value)]


def shape_problems(published: Any, ours: Any, where: str = "") -> list[str]:
    """Where ``ours`` lacks a key of ``published`` or holds another JSON type there (a published
    null says nothing of the type; extra keys of ours are allowed: later copies add keys)."""
    if published is None:
        return []
    if _kind(published) != _kind(ours):
        return [f"{where or '/'}: Zendesk gives {_kind(published)}, the emulator {_kind(ours)}"]
    if isinstance(published, dict):
        found = []
        for key, value in published.items():
            if key not in ours:
                found.append(f"{where}/{key}: missing from the emulator's answer")
            else:
                found += shape_problems(value, ours[key], f"{where}/{key}")
        return found
    if isinstance(published, list) and published and ours:
        return shape_problems(published[0], ours[0], f"{where}/0")
    return []


def _emulated_answers(emulator_factory) -> dict[tuple[str, str], Any]:
    """The emulator's answer to each endpoint of the corpus, made by real requests."""
    emulated = emulator_factory()
    answers: dict[tuple[str, str], Any] = {}
    with emulated.http() as http:

        def call(method: str, template: str, path: str, body: Any = None) -> Any:
            response = http.request(method, path, json=body)
            assert response.status_code < 300, (method, path, response.text)
            answers[(method, template)] = response.json() if response.content else None
            return answers[(method, template)]

        base = "/api/v2/custom_objects"
        call(
            "POST",
            base,
            base,
            {"custom_object": {"key": "car", "title": "Car", "title_pluralized": "Cars"}},
        )
        call("GET", base, base)
        call("GET", base + "/{key}", base + "/car")
        call("PATCH", base + "/{key}", base + "/car", {"custom_object": {"description": "Cars"}})
        call(
            "POST",
            base + "/{key}/fields",
            base + "/car/fields",
            {"custom_object_field": {"key": "model", "type": "text", "title": "Model"}},
        )
        call("GET", base + "/{key}/fields", base + "/car/fields?include_standard_fields=true")
        call("GET", base + "/{key}/fields/{field}", base + "/car/fields/model")
        call(
            "PATCH",
            base + "/{key}/fields/{field}",
            base + "/car/fields/model",
            {"custom_object_field": {"description": "Model"}},
        )
        call("GET", base + "/limits/object_limit", base + "/limits/object_limit")
        call("GET", base + "/{key}/limits/field_limit", base + "/car/limits/field_limit")
        call("GET", base + "/{key}/records/count", base + "/car/records/count")
        for resource in ("user", "organization"):
            collection = f"/api/v2/{resource}_fields"
            created = call(
                "POST",
                collection,
                collection,
                {
                    f"{resource}_field": {
                        "key": "custom_field_1",
                        "type": "text",
                        "title": "Custom Field 1",
                    }
                },
            )
            field_id = created[f"{resource}_field"]["id"]
            call("GET", collection, collection)
            call("GET", collection + "/{id}", f"{collection}/{field_id}")
            call(
                "PUT",
                collection + "/{id}",
                f"{collection}/{field_id}",
                {f"{resource}_field": {"description": "Description of Custom Field"}},
            )
    return answers


@pytest.mark.parametrize("copy", COPIES, ids=[c.stem for c in COPIES])
def test_every_emulator_answer_has_the_shape_of_zendesks(copy: Path, emulator_factory):
    ours = _emulated_answers(emulator_factory)
    problems = []
    compared = 0
    for answer in corpus(copy)["answers"]:
        key = (answer["method"], answer["path"])
        if answer["body"] is None or key not in ours:
            continue
        compared += 1
        problems += [
            f"{answer['method']} {answer['path']}{p}"
            for p in shape_problems(answer["body"], ours[key])
        ]
    assert compared >= 15, compared  # every endpoint of the corpus is asked
    assert problems == []


def test_the_shape_check_can_fail():
    assert shape_problems({"system": False, "a": {"b": 1}}, {"system": "no", "a": {}}) == [
        "/system: Zendesk gives boolean, the emulator string",
        "/a/b: missing from the emulator's answer",
    ]


# -- (c) the emulator's standard fields are Zendesk's -----------------------------------------


@pytest.mark.parametrize("copy", COPIES, ids=[c.stem for c in COPIES])
def test_the_emulators_standard_fields_match_zendesks(copy: Path, emulator_factory):
    (listed,) = [
        a["body"]["custom_object_fields"]
        for a in corpus(copy)["answers"]
        if (a["method"], a["path"]) == ("GET", "/api/v2/custom_objects/{key}/fields")
    ]
    theirs = {f["key"]: f for f in listed if f["key"].startswith("standard::")}
    assert set(theirs) == {"standard::name", "standard::external_id"}
    emulated = emulator_factory()
    with emulated.http() as http:
        http.post(
            "/api/v2/custom_objects",
            json={"custom_object": {"key": "car", "title": "Car", "title_pluralized": "Cars"}},
        )
        fields = http.get(
            "/api/v2/custom_objects/car/fields", params={"include_standard_fields": "true"}
        ).json()["custom_object_fields"]
        without = http.get(
            "/api/v2/custom_objects/car/fields", params={"include_standard_fields": "false"}
        ).json()
    ours = {f["key"]: f for f in fields}
    for key, field in theirs.items():
        mine = ours[key]
        for name in ("type", "title", "description", "system", "position", "active", "required"):
            if name in field:
                assert mine[name] == field[name], (key, name, mine[name], field[name])
        assert set(mine.get("properties") or {}) == set(field.get("properties") or {}), key
    assert ours["standard::name"]["required"] is True  # the name is always required
    assert without["custom_object_fields"] == []
