"""The JSON Schemas of schemas/, their shipped copy, and the README tables generated from data."""

from __future__ import annotations

import json

import jsonschema
import pytest
from conftest import QUICKSTART, ROOT

from zcd_schema.diagnostics import markdown_table as codes_table
from zcd_schema.project.limits import LIMIT
from zcd_schema.project.limits import markdown_table as limits_table
from zcd_schema.project.structure import load_schema
from zcd_schema.project.yamlio import load_text

NAMES = ("document", "config")


@pytest.mark.parametrize("name", NAMES)
def test_shipped_copy_equals_schemas_folder(name: str) -> None:
    in_repo = json.loads((ROOT / "schemas" / f"{name}.schema.json").read_text("utf-8"))
    assert load_schema(name) == in_repo, "copy schemas/*.json into zcd_schema/schemas/"


@pytest.mark.parametrize("name", NAMES)
def test_schemas_are_valid_2020_12_with_an_id(name: str) -> None:
    schema = load_schema(name)
    jsonschema.Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["$id"].endswith(f"/schemas/{name}.schema.json")


def test_editor_schema_accepts_the_quickstart_and_rejects_a_typo() -> None:
    """What an editor sees with the full schema (inner JSON Schemas described too)."""
    validator = jsonschema.Draft202012Validator(load_schema("document"))
    for path in QUICKSTART.rglob("*.yaml"):
        if path.name != "zcd.yaml":
            assert list(validator.iter_errors(load_text(path.read_text("utf-8")).value)) == [], path
    bad = load_text(
        "object_types:\n  product:\n    schema: {properties: {a: {type: strin}}}\n"
    ).value
    assert list(validator.iter_errors(bad))
    config = jsonschema.Draft202012Validator(load_schema("config"))
    assert (
        list(config.iter_errors(load_text((QUICKSTART / "zcd.yaml").read_text("utf-8")).value))
        == []
    )


def test_editor_schema_bounds_are_the_limits_table() -> None:
    defs = load_schema("document")["$defs"]
    assert defs["typeKey"]["minLength"] == LIMIT["type_key_min"]
    assert defs["typeKey"]["maxLength"] == LIMIT["type_key_max"]
    assert (
        defs["sourceName"]["maxLength"]
        == defs["typeName"]["maxLength"]
        == LIMIT["profile_name"]
        == LIMIT["event_name"]
    )
    ids = defs["profileType"]["properties"]["identifier_types"]
    assert ids["maxItems"] == LIMIT["identifier_types"]
    assert ids["items"]["maxLength"] == LIMIT["identifier_name"]


def _readme_block(marker: str) -> str:
    text = (ROOT / "README.md").read_text("utf-8")
    start = text.index(f"<!-- {marker}:start -->") + len(f"<!-- {marker}:start -->")
    return text[start : text.index(f"<!-- {marker}:end -->")].strip()


def test_readme_codes_table_is_generated_from_codes() -> None:
    assert _readme_block("codes") == codes_table(), "regenerate: python -m zcd_schema.diagnostics"


def test_readme_limits_table_is_generated_from_limits() -> None:
    assert _readme_block("limits") == limits_table(), (
        "regenerate: python -m zcd_schema.project.limits"
    )


def _mutations(value, limit=400):
    """The value with one place changed: each of the first ``limit`` places (depth first) given a
    value of another kind, or (in a mapping) dropped."""
    places = []

    def walk(node, path):
        if len(places) >= limit:
            return
        places.append(path)
        if isinstance(node, (dict, list)):
            for k, v in node.items() if isinstance(node, dict) else enumerate(node):
                walk(v, (*path, k))

    walk(value, ())
    junk = [None, True, 0, 1.5, "x", "zen:user", [], ["a"], {}, {"type": "text"}]
    for path in places[1:]:
        for replacement in [*junk, DROP]:
            copy = json.loads(json.dumps(value))
            node = copy
            for k in path[:-1]:
                node = node[k]
            if replacement is DROP:
                if isinstance(node, dict):
                    del node[path[-1]]
                    yield copy
            else:
                node[path[-1]] = replacement
                yield copy


DROP = object()


def test_the_compiled_structure_check_answers_as_jsonschema() -> None:
    """validate asks jsonschema only about files the compiled check refuses: the two must agree
    on every file of the cases and examples, and on each of them changed in one place."""
    from zcd_schema.project import structure

    files = [
        p
        for folder in (ROOT / "tests" / "cases", ROOT / "examples")
        for p in sorted(folder.rglob("*.y*ml"))
    ]
    compared = refused = 0
    for path in files:
        document = load_text(path.read_text("utf-8", errors="replace"))
        if not isinstance(document.value, dict):
            continue
        name = "config" if path.name == "zcd.yaml" else "document"
        fast, validator = structure._fast_check(name), structure._validator(name)
        assert fast is not None
        for value in [document.value, *_mutations(document.value)]:
            expected = validator.is_valid(value)
            assert fast(value) == expected, (path, value)
            compared += 1
            refused += not expected
    assert compared > 5000 and refused > 1000, (compared, refused)
