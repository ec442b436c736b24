"""The YAML writer of import and migrate (issue 14, part 3): libyaml quotes, house style stays."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from zcd_schema.project import yamlwrite
from zcd_schema.project.yamlio import load_text

# Text YAML would read as something else, or that needs quoting to be read at all.
AWKWARD = [
    "on", "yes", "No", "null", "~", "010", "0x1F", "1:20", "1_000", "1.5", ".inf", "-.5",
    "2019-12-01", "true", "<<", "=", "", " lead", "trail ", "a: b", "a #b", "#x", "- x", "-",
    "? x", "[x]", "{x}",
    "*x", "&x", "!x", "|", ">", "@x", "`x", "%x", "'q'", '"q"', "it's", "multi\nline", "tab\there",
    "\u2028", "\x85", "caf\u00e9", "\U0001f697", "\x7f", "x" * 300, "word " * 40, "zen:user",
]  # fmt: skip
TEXT = st.one_of(
    st.sampled_from(AWKWARD),
    st.text(st.characters(exclude_categories=["Cs"]), max_size=12),  # no lone surrogates
)
SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=False, allow_infinity=False),  # .inf reads back with ZCD015
    TEXT,
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(TEXT, inner, max_size=4)),
    max_leaves=20,
)


@settings(max_examples=600, deadline=None)
@given(st.dictionaries(TEXT, VALUES, min_size=1, max_size=4))
def test_what_is_written_reads_back_as_the_same_value(document):
    text = yamlwrite.dump(document)
    read = load_text(text)
    assert read.issues == [], text  # nothing read as a boolean or a number by surprise
    assert read.value == document, text


PLAIN_TEXT = st.from_regex(r"[a-z_][a-z0-9_ ]{0,10}[a-z0-9]", fullmatch=True)


@settings(max_examples=300, deadline=None)
@given(
    st.dictionaries(
        PLAIN_TEXT,
        st.recursive(
            st.one_of(st.none(), st.booleans(), st.integers(), PLAIN_TEXT),
            lambda inner: st.one_of(
                st.lists(inner, max_size=3), st.dictionaries(PLAIN_TEXT, inner, max_size=3)
            ),
            max_leaves=15,
        ),
        min_size=1,
        max_size=4,
    )
)
def test_the_house_style_is_pyyamls(document):
    """Where no string needs quoting or folding, the text is what PyYAML's dumper writes: block
    style, lists indented under their key."""
    assert yamlwrite.dump(document) == yamlwrite.python_dump(document)


@pytest.mark.parametrize("text", AWKWARD)
def test_each_awkward_string_as_key_and_value(text):
    document = {text: {"list": [text, {text: text}], "value": text}}
    written = yamlwrite.dump(document)
    assert load_text(written).value == document, written


def test_the_strings_yaml_would_misread_are_quoted_by_libyaml():
    written = yamlwrite.dump({"enum": ["on", "yes", "null", "010", "1:20"], "no": "off"})
    assert written == "enum:\n  - 'on'\n  - 'yes'\n  - 'null'\n  - '010'\n  - '1:20'\n'no': 'off'\n"


def test_floats_as_pyyaml_writes_them():
    for value in (1.0, -0.5, 1e17, 1.5e-07, math.inf, -math.inf):
        written = yamlwrite.dump({"x": value})
        assert written == yamlwrite.python_dump({"x": value})
        assert load_text(written).value == {"x": value}


def test_without_libyaml_the_dumper_of_pyyaml_writes(monkeypatch):
    monkeypatch.setattr(yamlwrite, "_CDumper", None)
    document = {"a": ["on", {"b": "x " * 60}]}
    assert yamlwrite.dump(document) == yamlwrite.python_dump(document)
