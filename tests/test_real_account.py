"""What a real account holds and guards (contract section 8.1), end to end: the real CLI against
the emulator over a loopback socket, with every request it sent recorded, so the tests see the
bodies a real Zendesk would receive.

- dynamic-content placeholders are written as ``raw_*``, never over a live placeholder;
- an update sends only what changes (objects, fields, standard fields and their properties);
- ``name_field: {unique: false}`` turns uniqueness off; a removed lookup filter or checkbox tag is
  applied, not planned forever;
- the request count of an apply is its writes plus the reads of one plan and one stale check.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import pytest

from zcd_schema.emulator.app import Emulator
from zcd_schema.emulator.serve import EmulatorServer
from zcd_schema.emulator.store import Store


class Recorder:
    """A WSGI middleware that keeps (method, path, JSON body) of every request."""

    def __init__(self, app: Emulator) -> None:
        self.app = app
        self.seen: list[tuple[str, str, Any]] = []

    def __call__(self, environ: dict[str, Any], start: Callable[..., Any]) -> Iterable[bytes]:
        import io

        length = int(environ.get("CONTENT_LENGTH") or 0)
        raw = environ["wsgi.input"].read(length) if length else b""
        environ["wsgi.input"] = io.BytesIO(raw)
        body = json.loads(raw) if raw else None
        self.seen.append((environ["REQUEST_METHOD"], environ.get("PATH_INFO", ""), body))
        return self.app(environ, start)

    def writes(self) -> list[tuple[str, str, Any]]:
        return [s for s in self.seen if s[0] != "GET"]

    def clear(self) -> None:
        self.seen.clear()


@pytest.fixture
def account():
    recorder = Recorder(Emulator(Store(":memory:")))
    server = EmulatorServer(recorder, "127.0.0.1", 0)
    server.start_background()
    yield recorder, server.url
    server.shutdown()
    server.server_close()


@pytest.fixture
def apply(tmp_path: Path, zcd, account):
    """``apply(yaml)`` writes the project and applies it (exit 0 expected); returns the result."""
    recorder, url = account
    root = tmp_path / "project"
    root.mkdir()

    def _apply(text: str, *, code: int = 0, extra: tuple[str, ...] = ()) -> Any:
        (root / "schema.yaml").write_text(text)
        recorder.clear()
        result = zcd("apply", "--project", root, "--url", url, "--yes", *extra)
        assert result.code == code, result.out + result.err
        return result

    def _plan() -> list[dict[str, Any]]:
        result = zcd("plan", "--project", root, "--url", url, "--format", "json")
        assert result.code == 0, result.err
        changes: list[dict[str, Any]] = json.loads(result.out)["changes"]
        return changes

    _apply.plan = _plan  # type: ignore[attr-defined]
    return _apply


CAR = """
custom_objects:
  car:
    title: "{{dc.car_title}}"
    title_pluralized: Cars
    description: Our fleet
    name_field: {title: Plate, unique: true}
    fields:
      model: {type: text, title: "{{dc.model_title}}"}
      insured: {type: checkbox, title: Insured, tag: insured}
      owner: {type: lookup, title: Owner, target: zen:user,
              filter: {all: [{field: role, operator: is, value: agent}]}}
"""


def test_placeholders_are_written_as_raw_and_compared_as_raw(apply, account):
    recorder, _url = account
    apply(CAR)
    (create,) = [b for m, p, b in recorder.writes() if p == "/api/v2/custom_objects"]
    assert create["custom_object"]["raw_title"] == "{{dc.car_title}}"
    assert "title" not in create["custom_object"]  # the rendering is Zendesk's to make
    (model,) = [
        b
        for m, p, b in recorder.writes()
        if b and b.get("custom_object_field", {}).get("key") == "model"
    ]
    assert model["custom_object_field"]["raw_title"] == "{{dc.model_title}}"
    assert apply.plan() == []  # compared as the placeholder, not the rendered "Car title"


def test_an_update_sends_only_what_changes(apply, account):
    recorder, _ = account
    apply(CAR)
    text = CAR.replace("description: Our fleet", "description: All our cars")
    apply(text)
    assert recorder.writes() == [
        ("PATCH", "/api/v2/custom_objects/car", {"custom_object": {"description": "All our cars"}})
    ]
    text = text.replace("{title: Plate, unique: true}", "{title: Plate number, unique: true}")
    apply(text)
    # the title alone: properties are never resent (Zendesk refuses them once records exist)
    assert recorder.writes() == [
        (
            "PATCH",
            "/api/v2/custom_objects/car/fields/standard::name",
            {"custom_object_field": {"title": "Plate number"}},
        )
    ]
    apply(text.replace("title: Insured", "title: Insured?"))
    assert recorder.writes() == [
        (
            "PATCH",
            "/api/v2/custom_objects/car/fields/insured",
            {"custom_object_field": {"title": "Insured?"}},
        )
    ]
    assert recorder.seen[-1][0] == "PATCH"  # no read of the field right before its write


def test_unique_false_turns_uniqueness_off(apply, account):
    recorder, _ = account
    apply(CAR)
    apply(CAR.replace("unique: true", "unique: false"))
    (write,) = recorder.writes()
    assert write[2]["custom_object_field"]["properties"]["is_unique"] is False
    assert apply.plan() == []


def test_a_removed_filter_or_tag_is_applied_not_planned_forever(apply):
    apply(CAR)
    lean = CAR.replace(", tag: insured", "").replace(
        ",\n              filter: {all: [{field: role, operator: is, value: agent}]}", ""
    )
    assert "filter" not in lean and "tag:" not in lean
    result = apply(lean)
    assert "changes the tag of insured" in result.out
    assert "changes the lookup filter of owner" in result.out
    assert apply.plan() == []


def test_a_project_without_legacy_sections_never_calls_the_legacy_api(apply, account):
    recorder, _ = account
    apply(CAR)
    apply.plan()
    paths = [p for _, p, _ in recorder.seen]
    assert paths and not [p for p in paths if p.startswith("/api/sunshine")], paths
    assert any(p == "/api/v2/custom_objects" for p in paths)


def test_an_apply_sends_its_writes_and_the_reads_of_one_plan_and_one_stale_check(apply, account):
    """The request count of an apply (contract 8.1): every GET is one of the plan's reads or of
    the stale check's, each the same set of lists; nothing is read back per write."""
    recorder, _ = account
    apply(CAR)
    writes = recorder.writes()
    assert len(writes) == 6, writes  # the object, its name field, 3 fields, the field order
    # the reorder endpoint takes field ids, new fields' among them: one list of the object's
    # fields right before it (the only read a write needs)
    reorder = recorder.seen.index(
        ("PUT", "/api/v2/custom_objects/car/fields/reorder", writes[-1][2])
    )
    assert recorder.seen[reorder - 1][:2] == ("GET", "/api/v2/custom_objects/car/fields")
    reads = [p for i, (m, p, _) in enumerate(recorder.seen) if m == "GET" and i != reorder - 1]
    once = sorted(set(reads))
    # the plan reads the account once, the stale check once more: each list twice, no more
    assert sorted(reads) == sorted(once * 2), reads


def test_an_apply_under_frequent_rate_limits_completes(zcd, tmp_path):
    """A fifth of all requests throttled with Retry-After (the local account's faults): the
    apply waits each out within the run's budget and converges; a budget of 0 gives up with a
    message that names the budget."""
    root = tmp_path / "project"
    root.mkdir()
    (root / "schema.yaml").write_text(CAR)
    faults = {"ZCD_EMULATOR_FAULTS": "429=0.2,retry-after=0,seed=7"}
    applied = zcd("apply", "--project", root, "--yes", env=faults)
    assert applied.code == 0, applied.out + applied.err
    assert zcd("plan", "--project", root, "--detailed-exitcode").code == 0
    (root / "schema.yaml").write_text(CAR.replace("Our fleet", "Every car"))
    heavy = {"ZCD_EMULATOR_FAULTS": "429=1,retry-after=1"}
    refused = zcd("plan", "--project", root, "--retry-budget", "0", env=heavy)
    assert refused.code == 3 and "retry budget" in refused.err, refused.err


def test_risk_in_context(apply, account):
    """A required field on an object the same plan creates is safe (no record can lack it); on
    an object that exists it stays breaking; a field's deletion says how many records hold it."""
    import httpx

    _, url = account
    first = apply(
        CAR.replace(
            "{type: text, title: Model}", "{type: text, title: Model, required: true}"
        ).replace('"{{dc.model_title}}"}', '"{{dc.model_title}}", required: true}')
    )
    assert "Highest risk: safe" in first.out
    assert "adds required text field model to car, which this plan creates" in first.out
    with httpx.Client(base_url=url) as http:
        for n in range(3):
            answer = http.post(
                "/api/v2/custom_objects/car/records",
                json={"custom_object_record": {"name": f"car {n}", "custom_object_fields": {}}},
            )
            assert answer.status_code == 201, answer.text
    later = CAR.replace("      insured: {type: checkbox, title: Insured, tag: insured}\n", "")
    later = later.replace(
        "fields:\n", "fields:\n      vin: {type: text, title: VIN, required: true}\n"
    )
    refused = apply(later, code=4)
    assert "Highest risk: destructive" in refused.out
    assert "custom object car has 3 records" in refused.out
    assert "adds required text field vin to car: existing car records do not have it" in refused.out


def test_user_fields_are_read_past_the_first_offset_page(zcd, tmp_path, emulator_factory):
    """Zendesk pages user and organization fields by offset (next_page): an account holding
    hundreds of them still has its lookups found, on the last page as on the first."""
    served = emulator_factory(served=True)
    with served.http() as http:
        created = http.post(
            "/api/v2/custom_objects",
            json={"custom_object": {"key": "car", "title": "Car", "title_pluralized": "Cars"}},
        )
        assert created.status_code == 201
        for n in range(230):
            answer = http.post(
                "/api/v2/user_fields",
                json={"user_field": {"key": f"text_{n}", "type": "text", "title": f"Text {n}"}},
            )
            assert answer.status_code == 201, answer.text
        lookup = {
            "key": "car",
            "type": "lookup",
            "title": "Car",
            "relationship_target_type": "zen:custom_object:car",
        }
        assert http.post("/api/v2/user_fields", json={"user_field": lookup}).status_code == 201
        first = http.get("/api/v2/user_fields").json()
    assert len(first["user_fields"]) == 100 and first["next_page"] and first["count"] == 231
    out = tmp_path / "imported"
    imported = zcd("import", "--project", tmp_path, "--url", served.url, "--out", out)
    assert imported.code == 0, imported.err
    assert "car:" in (out / "user_fields.yaml").read_text()
    planned = zcd("plan", "--project", out, "--url", served.url, "--detailed-exitcode")
    assert planned.code == 0, planned.out
