"""check-payloads and zcd_schema.check_payload: sample events, profiles and custom object records
against the example projects' declarations, through the real CLI (in process, and once as a
subprocess reading stdin)."""

from __future__ import annotations

import json
import tracemalloc
from io import StringIO

import pytest
from conftest import ROOT

import zcd_schema
from zcd_schema.errors import InvalidProject
from zcd_schema.payloads import PayloadChecker, check_stream, read_payloads
from zcd_schema.project.validate import validate_project

FLEET = ROOT / "examples" / "fleet"
QUICKSTART = ROOT / "examples" / "quickstart"
CUSTOMER = {
    "source": "shopify",
    "type": "customer",
    "identifiers": [{"type": "email", "value": "ada@example.com"}],
    "attributes": {"plan": "plus"},
}
ORDER = {
    "profile": CUSTOMER,
    "event": {
        "source": "shopify",
        "type": "order_placed",
        "properties": {"order_id": "A-1", "total": 12.5, "currency": "EUR"},
    },
}
VEHICLE = {
    "custom_object_record": {
        "name": "Van 1",
        "custom_object_fields": {
            "vin": "1HGCM82633A004352",
            "seats": 3,
            "first_registered": "2024-02-29",
            "insured": True,
            "list_price": 31999.5,
            "home_garage": "external_id:north",
            "body": "van",
            "notes": "",
        },
    }
}


def problems(payload, project=QUICKSTART, **kwargs) -> list[tuple[str, str]]:
    return [(p.code, p.pointer) for p in zcd_schema.check_payload(payload, project, **kwargs)]


def with_fields(**values) -> dict:
    record = json.loads(json.dumps(VEHICLE))
    record["custom_object_record"]["custom_object_fields"].update(values)
    return record


def test_valid_samples_pass():
    assert problems(ORDER) == []
    assert problems(CUSTOMER) == []
    assert problems({"profile": CUSTOMER}) == []
    assert problems(json.dumps(ORDER)) == []  # JSON text works too
    assert problems(VEHICLE, FLEET, object_key="vehicle") == []


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"source": "shopfy"}, ("ZCD903", "/event/source")),
        ({"source": None}, ("ZCD903", "/event/source")),
        ({"type": None}, ("ZCD904", "/event/type")),
        ({"type": "order_placd"}, ("ZCD904", "/event/type")),
        ({"type": 3}, ("ZCD902", "/event/type")),
        ({"properties": {"order_id": "A-1"}}, ("ZCD905", "/event/properties")),
        ({"properties": {"order_id": "A-1", "total": "12"}}, ("ZCD905", "/event/properties/total")),
        (
            {"properties": {"order_id": "A", "total": 1, "currency": "JPY"}},
            ("ZCD905", "/event/properties/currency"),
        ),
        (
            {"properties": {"order_id": "A", "total": 1, "items": [{"quantity": 1.5}]}},
            ("ZCD905", "/event/properties/items/0/quantity"),
        ),
        ({"properties": []}, ("ZCD902", "/event/properties")),
    ],
)
def test_event_problems(change, expected):
    event = {**ORDER, "event": {**ORDER["event"], **change}}
    assert problems(event) == [expected]


def test_event_source_names_the_nearest_declaration():
    event = {**ORDER, "event": {**ORDER["event"], "source": "shopfy"}}
    (problem,) = zcd_schema.check_payload(event, QUICKSTART)
    assert "did you mean 'shopify'" in problem.message
    assert str(problem).startswith("/event/source: no event source 'shopfy'")


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"type": "vendor"}, [("ZCD904", "/profile/type")]),
        ({"identifiers": []}, [("ZCD909", "/profile/identifiers")]),
        ({"identifiers": None}, [("ZCD909", "/profile/identifiers")]),
        (
            {"identifiers": [{"type": "phone", "value": "1"}]},
            [("ZCD909", "/profile/identifiers/0/type")],
        ),
        (
            {"identifiers": [{"type": "email", "value": ""}]},
            [("ZCD902", "/profile/identifiers/0/value")],
        ),
        (
            {"identifiers": [{"type": "email", "value": f"{i}@x"} for i in range(21)]},
            [("ZCD909", "/profile/identifiers")],
        ),
        ({"attributes": {"plan": "gold"}}, [("ZCD905", "/profile/attributes/plan")]),
        # not a string: Zendesk's rule, then the declared schema's enum and type
        ({"attributes": {"plan": 1}}, [("ZCD905", "/profile/attributes/plan")] * 3),
        ({"attributes": {"other": 1}}, [("ZCD905", "/profile/attributes/other")]),
    ],
)
def test_profile_problems(change, expected):
    assert problems({"profile": {**CUSTOMER, **change}}) == expected


def test_the_profile_inside_an_event_is_checked_too():
    event = {**ORDER, "profile": {**CUSTOMER, "type": "vendor"}}
    assert problems(event) == [("ZCD904", "/profile/type")]


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"vin": "too short"}, "does not match the field's pattern"),
        ({"seats": "three"}, "whole number"),
        ({"seats": 1_000_000_000_000}, "13 digits"),
        ({"seats": True}, "whole number"),
        ({"first_registered": "2024-02-30"}, "not a day of the calendar"),
        ({"first_registered": "29/02/2024"}, "YYYY-MM-DD"),
        ({"insured": "yes"}, "true or false"),
        ({"list_price": "cheap"}, "a number"),
        ({"home_garage": "north"}, "'external_id:X' or 'name:X'"),
        ({"home_garage": 0}, "record id"),
        ({"body": "Van"}, "that is the name of option 'van'"),
        ({"body": ["van"]}, "one option value"),
        ({"notes": "x" * 65_537}, "65,536"),
    ],
)
def test_record_values_of_the_wrong_form(values, message):
    (problem,) = zcd_schema.check_payload(with_fields(**values), FLEET, object_key="vehicle")
    assert problem.code == "ZCD908", problem
    assert message in problem.message, problem


def test_record_values_of_the_right_forms():
    good = with_fields(seats="12", home_garage=42, list_price="10.25", first_registered=None)
    assert problems(good, FLEET, object_key="vehicle") == []
    assert problems(with_fields(home_garage="name:North"), FLEET, object_key="vehicle") == []


def test_record_object_fields_and_required():
    record = with_fields(colour="red")
    assert problems(record, FLEET, object_key="vehicle") == [
        ("ZCD907", "/custom_object_record/custom_object_fields/colour")
    ]
    assert problems(record, FLEET) == [("ZCD906", "/custom_object_record")]  # which object?
    own_key = {
        "custom_object_record": {**VEHICLE["custom_object_record"], "custom_object_key": "x"}
    }
    assert problems(own_key, FLEET) == [("ZCD906", "/custom_object_record")]
    without_vin = json.loads(json.dumps(VEHICLE))
    del without_vin["custom_object_record"]["custom_object_fields"]["vin"]
    (problem,) = zcd_schema.check_payload(without_vin, FLEET, object_key="vehicle")
    assert (problem.code, problem.severity) == ("ZCD910", "warning")


def test_shapes_that_are_no_payload():
    assert problems([ORDER]) == [("ZCD902", "")]
    assert problems({"order": 1}) == [("ZCD902", "")]
    assert problems({"event": "x"}) == [("ZCD902", "/event")]


def test_the_python_api_reads_a_project_once_and_again_when_it_changes(tmp_path):
    project = tmp_path / "p"
    project.mkdir()
    doc = project / "events.yaml"
    doc.write_text("event_sources:\n  shop:\n    types:\n      paid: {}\n")
    event = {"event": {"source": "shop", "type": "refunded"}}
    assert problems(event, project) == [("ZCD904", "/event/type")]
    doc.write_text("event_sources:\n  shop:\n    types:\n      paid: {}\n      refunded: {}\n")
    assert problems(event, project) == []
    doc.write_text("event_sources: [")
    with pytest.raises(InvalidProject):
        zcd_schema.check_payload(event, project)


# -- the command --------------------------------------------------------------------------------


def test_ndjson_with_problems_at_their_lines(zcd, tmp_path):
    bad = {**ORDER, "event": {**ORDER["event"], "type": "order_placd"}}
    lines = [json.dumps(ORDER), "", json.dumps(bad), "{not json", json.dumps(ORDER)]
    sample = tmp_path / "events.ndjson"
    sample.write_text("\n".join(lines) + "\n")
    result = zcd("check-payloads", "--project", QUICKSTART, sample)
    assert result.code == 1
    assert result.out.splitlines() == [
        (
            f"{sample}:3:1: error[ZCD904]: /event/type: event source 'shopify' declares no "
            "type 'order_placd' (did you mean 'order_placed'?)"
        ),
        f"{sample}:4:1: error[ZCD901]: not JSON: Expecting property name enclosed in double quotes",
    ]
    assert "2 errors, 0 warnings (4 payloads in 1 file)" in result.err


def test_a_json_array_points_at_each_element(zcd, tmp_path):
    sample = tmp_path / "vehicles.json"
    bad = with_fields(seats="three")
    sample.write_text(
        "[\n  " + json.dumps(VEHICLE) + ",\n\n    " + json.dumps(bad, indent=2) + "\n]\n"
    )
    result = zcd("check-payloads", "--project", FLEET, "--object", "vehicle", sample)
    assert result.code == 1, result.err
    assert result.out.startswith(f"{sample}:4:5: error[ZCD908]: /custom_object_record/")
    assert "(2 payloads in 1 file)" in result.err


def test_valid_files_exit_0_and_a_single_document_works(zcd, tmp_path):
    one = tmp_path / "order.json"
    one.write_text(json.dumps(ORDER, indent=2))
    many = tmp_path / "orders.ndjson"
    many.write_text(json.dumps(ORDER) + "\n" + json.dumps(CUSTOMER) + "\n")
    result = zcd("check-payloads", "--project", QUICKSTART, one, many)
    assert (result.code, result.out) == (0, ""), result.err
    assert "valid: 3 payloads in 2 files" in result.err


def test_every_validate_format(zcd, tmp_path):
    sample = tmp_path / "e.ndjson"
    sample.write_text(json.dumps({"event": {"source": "nope", "type": "x"}}) + "\n")
    args = ("check-payloads", "--project", QUICKSTART, sample, "--format")
    as_json = json.loads(zcd(*args, "json").out)
    assert as_json["valid"] is False
    assert as_json["diagnostics"][0]["code"] == "ZCD903"
    assert as_json["diagnostics"][0]["line"] == 1
    github = zcd(*args, "github").out
    assert github.startswith(f"::error file={sample},line=1,col=1,title=ZCD903::")
    sarif = json.loads(zcd(*args, "sarif").out)
    (found,) = sarif["runs"][0]["results"]
    assert found["ruleId"] == "ZCD903"
    assert found["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == str(sample)
    summary = tmp_path / "summary.md"
    zcd(*args, "text", "--summary-file", summary)
    assert summary.read_text().startswith("## zcd-schema check-payloads")


def test_strict_makes_warnings_fail(zcd, tmp_path):
    sample = tmp_path / "r.json"
    record = json.loads(json.dumps(VEHICLE))
    del record["custom_object_record"]["custom_object_fields"]["vin"]
    sample.write_text(json.dumps(record))
    args = ("check-payloads", "--project", FLEET, "--object", "vehicle", sample)
    assert zcd(*args).code == 0
    strict = zcd(*args, "--strict")
    assert strict.code == 1 and "error[ZCD910]" in strict.out


def test_stdin_as_a_subprocess(run):
    sample = json.dumps(ORDER) + "\n" + json.dumps({"profile": {**CUSTOMER, "type": "v"}}) + "\n"
    result = run("check-payloads", "--project", str(QUICKSTART), "-", input=sample)
    assert result.returncode == 1, result.stderr
    assert result.stdout.startswith("<stdin>:2:1: error[ZCD904]: /profile/type:")


def test_bad_inputs_get_clear_answers(zcd, tmp_path, project):
    missing = zcd("check-payloads", "--project", QUICKSTART, tmp_path / "nope.json")
    assert missing.code == 1 and "error[ZCD014]" in missing.out
    latin = tmp_path / "latin.json"
    latin.write_bytes(b'{"event": "caf\xe9"}')
    assert "error[ZCD003]" in zcd("check-payloads", "--project", QUICKSTART, latin).out
    trailing = tmp_path / "two.json"
    trailing.write_text("{\n}\n{}\n")
    out = zcd("check-payloads", "--project", QUICKSTART, trailing).out
    assert f"{trailing}:3:1: error[ZCD901]: not JSON: more than one JSON value" in out
    empty = tmp_path / "empty.json"
    empty.write_text("\n\n")
    assert zcd("check-payloads", "--project", QUICKSTART, empty).code == 0
    unknown = zcd("check-payloads", "--project", FLEET, "--object", "vehicel", empty)
    assert unknown.code == 64 and "no such custom object" in unknown.err
    broken = project({"a.yaml": "event_sources: {zendesk: {types: {}}}\n"})
    invalid = zcd("check-payloads", "--project", broken, empty)
    assert invalid.code == 1 and "no payload was checked" in invalid.err


def test_ndjson_streams_in_flat_memory():
    """Ten times the events should not need ten times the memory: the reader keeps no payload."""
    project = validate_project(QUICKSTART).project
    line = json.dumps(ORDER) + "\n"

    def peak(count: int) -> int:
        checker = PayloadChecker(project)
        tracemalloc.start()
        found = sum(1 for _ in check_stream(checker, _Lines(line, count), "e.ndjson"))
        _, top = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        assert found == 0
        return top

    small, large = peak(500), peak(5_000)
    assert large < small * 2, (small, large)


class _Lines(StringIO):
    """A stream of ``count`` copies of ``line``, made as it is read (no file, no list)."""

    def __init__(self, line: str, count: int) -> None:
        super().__init__()
        self.line, self.left = line, count

    def __iter__(self):
        return self

    def __next__(self) -> str:
        if not self.left:
            raise StopIteration
        self.left -= 1
        return self.line


def test_reader_decides_ndjson_or_document():
    assert [p.line for p in read_payloads(StringIO('\n{"a": 1}\n{"b": 2}\n'))] == [2, 3]
    assert [p.value for p in read_payloads(StringIO('[{"a": 1}, {"b": 2}]'))] == [
        {"a": 1},
        {"b": 2},
    ]
    (single,) = read_payloads(StringIO('\n{\n  "a": [1,\n 2]\n}\n'))
    assert (single.line, single.value) == (2, {"a": [1, 2]})
    first, unclosed = read_payloads(StringIO('[\n{"a": 1}\n'))
    assert (first.line, first.value) == (2, {"a": 1})
    assert unclosed.line == 3 and unclosed.error == "expected ',' or ']'"


def test_precommit_hook_entry_for_fixtures():
    hooks = (ROOT / ".pre-commit-hooks.yaml").read_text()
    assert "- id: zcd-schema-check-payloads" in hooks
    assert "entry: zcd-schema check-payloads" in hooks


def test_a_value_for_an_inactive_field_is_a_warning(project):
    root = project(
        {
            "parts.yaml": "custom_objects:\n  part:\n    title: Part\n    title_pluralized: Parts\n"
            "    fields:\n      sku: {type: text, title: SKU}\n"
            "      old_code: {type: text, title: Old code, active: false}\n"
        }
    )
    record = {"custom_object_record": {"custom_object_fields": {"sku": "A", "old_code": "B"}}}
    (problem,) = zcd_schema.check_payload(record, root, object_key="part")
    assert (problem.code, problem.severity) == ("ZCD911", "warning")
    assert problem.pointer == "/custom_object_record/custom_object_fields/old_code"


def test_a_large_json_array_reads_in_one_pass():
    """Each element's line is counted from the previous one's: 20,000 elements, right lines."""
    text = "[\n" + ",\n".join(json.dumps(CUSTOMER) for _ in range(20_000)) + "\n]\n"
    lines = [p.line for p in read_payloads(StringIO(text))]
    assert lines == list(range(2, 20_002))
    *_, broken = read_payloads(StringIO('\n\n[{"a": 1},\n {"b": 2} x]'))
    assert (broken.line, broken.column, broken.error) == (4, 11, "expected ',' or ']'")
