"""Property tests: no input makes validate crash; the draft-04 table agrees with jsonschema."""

from __future__ import annotations

import json

import jsonschema
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from zcd_schema.project.findings import Findings
from zcd_schema.project.schema_rules import check_json_schema
from zcd_schema.project.validate import validate_project
from zcd_schema.project.yamlio import load_bytes, load_text

FAST = settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)

# Pieces of YAML that reach the loader's odd corners: indentation, flow, anchors, merges, tags,
# words.
TOKENS = [
    "object_types",
    "relationship_types",
    "profile_sources",
    "event_sources",
    "schema",
    "properties",
    "type",
    "required",
    "items",
    "enum",
    "pattern",
    "source",
    "target",
    "types",
    "identifier_types",
    "zen:user",
    "[product]",
    "on",
    "yes",
    "no",
    "010",
    "1:20",
    "~",
    "null",
    '""',
    "_id",
    "*",
    "<<",
    "&a",
    "*a",
    "!!str",
    "!tag",
    "? ",
    ": ",
    "- ",
    "[",
    "]",
    "{",
    "}",
    ",",
    "\n",
    "\n  ",
    "\n    ",
    "\n      ",
    "'",
    '"',
    "#",
    "---\n",
    "...",
    "\t",
    "string",
    "object",
    "array",
    "2019-car",
    "%YAML 1.1",
]
yaml_text = st.lists(st.sampled_from(TOKENS), max_size=60).map("".join)


def _validate_file(project, content: str | bytes) -> None:
    root = project({"fuzz.yaml": content})
    result = validate_project(root)
    for d in result.diagnostics:  # every diagnostic is well formed
        assert d.line >= 1 and d.column >= 1 and d.code.startswith("ZCD") and d.message


@FAST
@given(text=yaml_text)
def test_random_yaml_never_crashes_validate(project, text: str) -> None:
    _validate_file(project, text)


@FAST
@given(data=st.binary(max_size=300))
def test_random_bytes_never_crash_validate(project, data: bytes) -> None:
    _validate_file(project, data)


json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-5, 5)
    | st.floats(allow_nan=False)
    | st.sampled_from(TOKENS),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.sampled_from(TOKENS), inner, max_size=4)
    ),
    max_leaves=25,
)


@FAST
@given(
    doc=st.dictionaries(
        st.sampled_from(
            ["object_types", "relationship_types", "profile_sources", "event_sources", "other"]
        ),
        json_values,
        max_size=4,
    )
)
def test_random_documents_never_crash_validate(project, doc) -> None:
    """Well-formed YAML of random shape reaches the structure and rule checks."""
    _validate_file(project, yaml.safe_dump(doc))


@FAST
@given(text=st.text(max_size=200))
def test_loader_never_raises(text: str) -> None:
    document = load_text(text)
    assert document.ok or document.issues
    load_bytes(text.encode("utf-8", "surrogatepass"))


# --- differential: the draft-04 table against jsonschema's own check_schema -----------------------
SIMPLE = ["array", "boolean", "integer", "null", "number", "object", "string"]
scalars = (
    st.none()
    | st.booleans()
    | st.integers(-2, 3)
    | st.sampled_from([0.5, 1.0, -1.5])
    | st.sampled_from(["string", "integer", "any", "a", "(", "[a-z]+", "x"])
    | st.just([])
    | st.just({})
)


def _valid_value(keyword: str, inner):
    """A value of the right form for ``keyword`` (draft-04 meta-schema)."""
    names = st.lists(st.sampled_from(["a", "b", "c"]), min_size=1, max_size=3, unique=True)
    return {
        "type": st.sampled_from(SIMPLE)
        | st.lists(st.sampled_from(SIMPLE), min_size=1, max_size=3, unique=True),
        "enum": st.lists(st.integers(0, 9), min_size=1, max_size=3, unique=True),
        "required": names,
        "maxLength": st.integers(0, 5),
        "minLength": st.integers(0, 5),
        "minItems": st.integers(0, 5),
        "pattern": st.sampled_from(["^a$", "[a-z]+", "x|y"]),
        "items": inner | st.lists(inner, min_size=1, max_size=2),
        "not": inner,
        "additionalProperties": st.booleans() | inner,
        "properties": st.dictionaries(st.sampled_from(["a", "b"]), inner, max_size=2),
        "definitions": st.dictionaries(st.sampled_from(["a", "b"]), inner, max_size=2),
        "multipleOf": st.sampled_from([0.5, 1, 3]),
        "maximum": st.integers(-3, 3),
        "minimum": st.integers(-3, 3),
        "exclusiveMaximum": st.booleans(),
        "exclusiveMinimum": st.booleans(),
        "uniqueItems": st.booleans(),
        "allOf": st.lists(inner, min_size=1, max_size=2),
        "anyOf": st.lists(inner, min_size=1, max_size=2),
        "title": st.text(max_size=3),
        "format": st.sampled_from(["email", "date"]),
        "dependencies": st.dictionaries(st.sampled_from(["a", "b"]), inner | names, max_size=2),
    }[keyword]


NEAR_MISSES = {  # values just across each rule's boundary
    "type": ["any", ["string", "string"], [], "Object"],
    "enum": [[], [1, 1], [1, 1.0]],
    "required": [[], ["a", "a"], [1]],
    "maxLength": [-1, 1.5, True],
    "minLength": [-1, 2.0],
    "minItems": [-1, 0.5],
    "pattern": ["(", "[z-a]", 5],
    "multipleOf": [0, -1, 0.0],
    "maximum": ["1", True],
    "minimum": [None],
    "exclusiveMaximum": [1, "true"],
    "uniqueItems": [0],
    "items": [[], "string", [1]],
    "not": [[], True],
    "additionalProperties": ["no", 0],
    "properties": [[], {"a": 1}],
    "allOf": [[], {}],
    "anyOf": [[], [1]],
    "title": [1],
    "format": [1],
    "dependencies": [{"a": []}, {"a": 1}, []],
    "definitions": [{"a": "b"}],
    "exclusiveMinimum": [0],
}

KEYWORDS = [
    "type",
    "enum",
    "required",
    "maxLength",
    "minLength",
    "pattern",
    "items",
    "properties",
    "additionalProperties",
    "multipleOf",
    "maximum",
    "exclusiveMaximum",
    "minimum",
    "exclusiveMinimum",
    "uniqueItems",
    "allOf",
    "anyOf",
    "not",
    "title",
    "format",
    "dependencies",
    "minItems",
    "definitions",
]


def _schemas(inner):
    @st.composite
    def build(draw):
        schema = {}
        for keyword in draw(st.lists(st.sampled_from(KEYWORDS), max_size=3, unique=True)):
            broken = draw(st.integers(0, 9)) == 0  # one value in ten is of the wrong form
            wrong = st.sampled_from(NEAR_MISSES[keyword]) | scalars
            schema[keyword] = draw(wrong if broken else _valid_value(keyword, inner))
        return schema

    return build()


schemas = st.recursive(st.just({}), _schemas, max_leaves=8)


@settings(max_examples=400, deadline=None)
@given(schema=schemas)
def test_draft4_table_agrees_with_jsonschema(schema) -> None:
    findings = Findings({})
    check_json_schema(schema, "", "f.yaml", findings)
    ours = bool(findings.diagnostics)
    try:
        jsonschema.Draft4Validator.check_schema(schema)
        theirs = False
    except jsonschema.SchemaError:
        theirs = True
    assert ours == theirs, (json.dumps(schema), [d.message for d in findings.diagnostics])


# Object-type schemas around Zendesk's rules: mostly well formed, with one flaw here and there
# (bad names, missing types, forbidden keywords, bad regexes), so both answers are common.
_good_name = st.sampled_from(["id", "name", "price", "sku", "size"])
_name = st.one_of(_good_name, _good_name, _good_name, st.sampled_from(["_id", "*", "", "a\tb"]))
_typed = st.fixed_dictionaries(
    {"type": st.sampled_from(["string", "number", "integer", "boolean"])},
    optional={
        "description": st.just("d"),
        "pattern": st.sampled_from(["^a$", "[a-z]+", "^b", "x", "("]),
        "maxLength": st.integers(-1, 8),
        "enum": st.sampled_from([["a"], ["a", "b"], ["c"], ["a", "a"]]),
    },
)
_leaf = st.one_of(
    _typed, _typed, _typed, st.fixed_dictionaries({"description": st.just("untyped")})
)
_property = st.recursive(
    _leaf,
    lambda inner: (
        st.fixed_dictionaries(
            {
                "type": st.just("object"),
                "properties": st.dictionaries(_name, inner, min_size=1, max_size=3),
            },
            optional={"additionalProperties": st.booleans()},
        )
        | st.fixed_dictionaries({"type": st.just("array")}, optional={"items": inner})
    ),
    max_leaves=6,
)
_extras = st.fixed_dictionaries(
    {},
    optional={
        "additionalProperties": st.booleans(),
        "$schema": st.just("http://json-schema.org/draft-04/schema#"),
        "patternProperties": st.just({"^a": {"type": "string"}}),
        "title": st.just("t"),
    },
)
object_schemas = st.one_of(
    st.fixed_dictionaries(
        {"properties": st.dictionaries(_name, _property, min_size=1, max_size=3)},
        optional={"required": st.lists(_good_name, max_size=2), "title": st.just("t")},
    ),
    st.builds(
        lambda base, extra: {**base, **extra},
        st.fixed_dictionaries(
            {}, optional={"properties": st.dictionaries(_name, _property, max_size=2)}
        ),
        _extras,
    ),
)


# Errors validate reports where Zendesk would accept the schema, each on purpose (contract
# section 2): a `required` entry must name a declared property.
STRICTER_THAN_ZENDESK = {"ZCD309"}


@FAST
@given(schema=object_schemas)
def test_validate_catches_everything_the_emulator_refuses(project, schema) -> None:
    """Two readings of zendesk-api.md, written apart: what the emulator (Zendesk) would refuse,
    validate must report as an error, so that a project that validates is never refused on apply."""
    from zcd_schema.emulator.rules import schema_problems

    refused = schema_problems(schema)
    root = project({"types.yaml": json.dumps({"object_types": {"product": {"schema": schema}}})})
    errors = [d for d in validate_project(root).diagnostics if d.severity == "error"]
    if refused:
        assert errors, (json.dumps(schema), refused)
    else:  # what Zendesk accepts, validate accepts, but for the rules zcd-schema adds on purpose
        unexpected = [d for d in errors if d.code not in STRICTER_THAN_ZENDESK]
        assert not unexpected, (json.dumps(schema), [d.message for d in unexpected])
