"""The fast schema check answers exactly as jsonschema's Draft4Validator (and, with draft=2020, as
its Draft202012Validator), or declines."""

from __future__ import annotations

import jsonschema
from hypothesis import given, settings
from hypothesis import strategies as st

from zcd_schema.fastschema import compile_check

SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-5, 5),
    st.sampled_from([0.0, 1.0, 1.5, -2.5]),
    st.sampled_from(["", "a", "ab", "abc", "A1", "zz"]),
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3),
        st.dictionaries(st.sampled_from(["a", "b", "c"]), inner, max_size=3),
    ),
    max_leaves=8,
)
TYPES = ["string", "integer", "number", "boolean", "object", "array", "null"]


def schemas(inner, draft=4):
    """Schemas of one to three keywords: with more, almost every value fails and the two
    validators would agree for the wrong reason."""
    keywords = {
        "type": st.one_of(st.sampled_from(TYPES), st.lists(st.sampled_from(TYPES), max_size=3)),
        "enum": st.lists(SCALARS, min_size=1, max_size=3),
        "minimum": st.integers(-3, 3),
        "maximum": st.integers(-3, 3),
        "exclusiveMinimum": st.booleans(),
        "exclusiveMaximum": st.booleans(),
        "minLength": st.integers(0, 3),
        "maxLength": st.integers(0, 3),
        "pattern": st.sampled_from(["^a", "[0-9]", "b$"]),
        "minItems": st.integers(0, 2),
        "maxItems": st.integers(0, 2),
        "items": inner,
        "properties": st.dictionaries(st.sampled_from(["a", "b", "c"]), inner, max_size=2),
        "required": st.lists(st.sampled_from(["a", "b", "c"]), min_size=1, max_size=2),
        "additionalProperties": st.one_of(st.booleans(), inner),
        "description": st.just("annotations are ignored"),
        "anyOf": st.lists(inner, min_size=1, max_size=3),
        "oneOf": st.lists(inner, min_size=1, max_size=3),
        "allOf": st.lists(inner, min_size=1, max_size=2),
        "not": inner,
    }
    if draft == 2020:
        del keywords["exclusiveMinimum"], keywords["exclusiveMaximum"]  # numbers there: declined
        keywords["const"] = SCALARS
    pairs = st.one_of(*(st.tuples(st.just(k), v) for k, v in keywords.items()))
    return st.lists(pairs, min_size=1, max_size=3).map(dict)


SCHEMAS = schemas(schemas(schemas(st.just({}))))  # three levels, each keyword as likely
SCHEMAS_2020 = schemas(schemas(schemas(st.just({}), 2020), 2020), 2020)


@settings(max_examples=400, deadline=None)
@given(SCHEMAS, st.lists(st.one_of(SCALARS, VALUES), min_size=1, max_size=6))
def test_same_answers_as_jsonschema(schema, values):
    check = compile_check(schema)
    assert check is not None, schema
    validator = jsonschema.Draft4Validator(schema)
    for value in values:
        assert check(value) == validator.is_valid(value), (schema, value)


@settings(max_examples=400, deadline=None)
@given(SCHEMAS_2020, st.lists(st.one_of(SCALARS, VALUES), min_size=1, max_size=6))
def test_same_answers_as_jsonschema_in_draft_2020_12(schema, values):
    check = compile_check(schema, draft=2020)
    assert check is not None, schema
    validator = jsonschema.Draft202012Validator(schema)
    for value in values:
        assert check(value) == validator.is_valid(value), (schema, value)


def test_declines_what_it_does_not_know():
    assert compile_check({"$ref": "#/definitions/x"}) is None
    assert compile_check({"properties": {"a": {"patternProperties": {"^x": {}}}}}) is None
    assert compile_check({"const": 1}) is None  # not a draft-04 keyword
    assert compile_check({"exclusiveMinimum": 3}, draft=2020) is None  # left to jsonschema
    assert compile_check({"oneOf": []}) is None
    assert compile_check({"items": [{"type": "string"}]}) is None  # tuple form
    assert compile_check({"enum": [[1], 2]}) is None
    assert compile_check({"pattern": "("}) is None
    assert compile_check({"exclusiveMinimum": 3}) is None  # draft-06 form


ONE_KEYWORD = [
    *({"type": t} for t in TYPES),
    {"type": ["integer", "string"]},
    {"enum": [1, "a", None]},
    {"enum": [True]},
    {"enum": [0, 1.5]},
    *({k: n} for k in ("minimum", "maximum") for n in (-1, 0, 1)),
    {"minimum": 0, "exclusiveMinimum": True},
    {"maximum": 0, "exclusiveMaximum": True},
    *({k: n} for k in ("minLength", "maxLength", "minItems", "maxItems") for n in (0, 1, 2)),
    {"pattern": "^a"},
    {"items": {"type": "integer"}},
    {"properties": {"a": {"type": "string"}}},
    {"required": ["a", "b"]},
    {"additionalProperties": False, "properties": {"a": {}}},
    {"additionalProperties": {"type": "integer"}, "properties": {"a": {}}},
    {"anyOf": [{"type": "string"}, {"type": "integer"}]},
    {"oneOf": [{"type": "number"}, {"type": "integer"}]},
    {"allOf": [{"type": "number"}, {"minimum": 1}]},
    {"not": {"type": "string"}},
]
INSTANCES = [
    None, True, False, 0, 1, -1, 2, 0.0, 1.0, 0.5, -0.5, "", "a", "ab", "ba", [], [1], [1, "a"],
    [True], {}, {"a": 1}, {"a": "x"}, {"a": 1, "b": 2}, {"b": 1}, {"b": True},
]  # fmt: skip


def test_every_keyword_on_every_kind_of_value():
    """Each keyword alone against values of every type, exhaustively: the corners (booleans as
    numbers, 1.0 as an integer, exclusive bounds) that random schemas rarely reach."""
    drafts = ((4, jsonschema.Draft4Validator), (2020, jsonschema.Draft202012Validator))
    for draft, validator_class in drafts:
        extra = [{"const": c} for c in (None, 0, 1, True, "a")] if draft == 2020 else []
        for schema in ONE_KEYWORD + extra:
            if draft == 2020 and ("exclusiveMinimum" in schema or "exclusiveMaximum" in schema):
                continue
            check = compile_check(schema, draft=draft)
            assert check is not None, schema
            validator = validator_class(schema)
            for value in INSTANCES:
                assert check(value) == validator.is_valid(value), (draft, schema, value)
