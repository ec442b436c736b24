"""The JSON Schemas inside a project: draft-04 validity and Zendesk's object type rules.

Draft-04 validity is the draft-04 meta-schema written as a table (``DRAFT4``: keyword -> the form
its value must have), so that each problem is reported at its own position; a differential test
checks it against ``jsonschema.Draft4Validator.check_schema``. Zendesk's rules
(``zendesk-api.md`` section 1) apply to object type schemas only, with Zendesk's own messages
where they are known.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from zcd_schema.project.findings import Findings
from zcd_schema.project.limits import LIMIT
from zcd_schema.project.structure import describe as _kind
from zcd_schema.project.yamlio import escape

SIMPLE_TYPES = ("array", "boolean", "integer", "null", "number", "object", "string")

# Keywords the docs name as supported, and those seen in Zendesk's examples.
SUPPORTED = {
    "title",
    "description",
    "properties",
    "type",
    "items",
    "required",
    "enum",
    "pattern",
    "maxLength",
    "additionalProperties",
}
UNCONFIRMED = {"minLength", "minimum", "maximum", "format", "default"}

# Zendesk's messages (zendesk-api.md section 1).
MSG_EMPTY = "The schema for a legacy object type cannot be empty."
MSG_NO_PROPERTIES = 'data.schema object has missing required properties (["properties"])'
MSG_EMPTY_PROPERTIES = "The properties element of a schema cannot be empty."
MSG_ADDITIONAL = "additionalProperties cannot be set to true"
MSG_NO_TYPE = 'data.schema object has missing required properties (["type"])'
MSG_NOT_ALLOWED = (
    'data.schema object instance has properties which are not allowed by the schema: ["{}"]'
)

_FORBIDDEN_IN_NAMES = {
    "\b": "\\b",
    "\f": "\\f",
    "\n": "\\n",
    "\r": "\\r",
    "\t": "\\t",
    "\u0007": "\\u0007",
    "\u0013": "\\u0013",
}


def ecma_regex_problem(pattern: str) -> str | None:
    """Why ``pattern`` is not an ECMA-262 regular expression (with the ``u`` flag, as JSON Schema
    validators compile them), or None. ``\\p{L}`` and ``(?<name>...)`` are valid; ``(?i)`` and
    Python's ``(?P<name>...)`` are not. The regress library (Rust's regress) does the parsing."""
    import regress

    try:
        regress.Regex(pattern, "u")
    except regress.RegressError as exc:
        return str(exc)
    return None


def _is_number(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def _is_integer(v: Any) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


def _canonical(v: Any) -> str:
    """A text form under which JSON-equal values are equal (1 == 1.0, but true != 1)."""
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    if isinstance(v, dict):
        return (
            "{" + ",".join(f"{json.dumps(k)}:{_canonical(x)}" for k, x in sorted(v.items())) + "}"
        )
    if isinstance(v, list):
        return "[" + ",".join(_canonical(x) for x in v) + "]"
    return json.dumps(v)


def _first_repeat(items: list[Any]) -> Any | None:
    seen: set[str] = set()
    for item in items:
        c = _canonical(item)
        if c in seen:
            return item
        seen.add(c)
    return None


class _Walker:
    """Walks one JSON Schema, reporting to ``findings`` for ``file``."""

    def __init__(self, findings: Findings, file: str, zendesk: bool) -> None:
        self.findings = findings
        self.file = file
        self.zendesk = zendesk  # apply Zendesk's object type rules
        self.unsupported: dict[str, list[str]] = {}  # keyword -> pointers, for ZCD313

    def bad(self, pointer: str, message: str) -> None:
        self.findings.add("ZCD310", self.file, pointer, message)

    # -- the draft-04 meta-schema, one checker per form of value --------------------------------
    def schema(self, value: Any, pointer: str) -> None:
        if not isinstance(value, dict):
            self.bad(pointer, f"a schema must be a mapping, not {_kind(value)}")
            return
        for keyword, sub in value.items():
            check = DRAFT4.get(keyword)
            at = pointer + "/" + escape(keyword)
            if check is not None:
                check(self, sub, at)
            if self.zendesk and keyword not in SUPPORTED:
                self.unsupported.setdefault(keyword, []).append(at)
        for keyword, needs in (("exclusiveMaximum", "maximum"), ("exclusiveMinimum", "minimum")):
            if keyword in value and needs not in value:
                self.bad(
                    pointer + "/" + keyword, f"{keyword!r} needs {needs!r} beside it (draft-04)"
                )

    def string(self, v: Any, at: str) -> None:
        if not isinstance(v, str):
            self.bad(at, f"expected text, got {_kind(v)}")

    def boolean(self, v: Any, at: str) -> None:
        if not isinstance(v, bool):
            self.bad(at, f"expected true or false, got {_kind(v)}")

    def number(self, v: Any, at: str) -> None:
        if not _is_number(v):
            self.bad(at, f"expected a number, got {_kind(v)}")

    def positive(self, v: Any, at: str) -> None:
        if not _is_number(v) or v <= 0:
            self.bad(at, "expected a number greater than 0")

    def count(self, v: Any, at: str) -> None:
        if not _is_integer(v) or v < 0:
            self.bad(at, f"expected a whole number of 0 or more, got {json.dumps(v)}")

    def regex(self, v: Any, at: str) -> None:
        if not isinstance(v, str):
            self.bad(at, f"expected a regular expression as text, got {_kind(v)}")
            return
        problem = ecma_regex_problem(v)
        if problem is not None:
            self.findings.add(
                "ZCD311",
                self.file,
                at,
                f"{v!r} is not a valid ECMA-262 regular expression (JSON Schema's dialect): "
                f"{problem}",
            )

    def bool_or_schema(self, v: Any, at: str) -> None:
        if not isinstance(v, bool):
            self.schema(v, at)

    def schema_or_schemas(self, v: Any, at: str) -> None:
        if isinstance(v, list):
            self.schemas(v, at)
        else:
            self.schema(v, at)

    def schemas(self, v: Any, at: str) -> None:
        if not isinstance(v, list) or not v:
            self.bad(at, "expected a non-empty list of schemas")
            return
        for i, sub in enumerate(v):
            self.schema(sub, f"{at}/{i}")

    def schema_map(self, v: Any, at: str) -> None:
        if not isinstance(v, dict):
            self.bad(at, f"expected a mapping of names to schemas, got {_kind(v)}")
            return
        for name, sub in v.items():
            self.schema(sub, at + "/" + escape(name))

    def pattern_map(self, v: Any, at: str) -> None:
        self.schema_map(v, at)
        if isinstance(v, dict):
            for name in v:
                self.regex(name, at + "/" + escape(name))

    def string_array(self, v: Any, at: str) -> None:
        if not isinstance(v, list) or not v:
            self.bad(
                at, "expected a non-empty list of names (draft-04 does not allow an empty list)"
            )
            return
        for i, item in enumerate(v):
            if not isinstance(item, str):
                self.bad(f"{at}/{i}", f"expected text, got {_kind(item)}")
        repeat = _first_repeat(v)
        if repeat is not None:
            self.bad(at, f"{json.dumps(repeat)} is listed twice")

    def dependencies(self, v: Any, at: str) -> None:
        if not isinstance(v, dict):
            self.bad(at, f"expected a mapping, got {_kind(v)}")
            return
        for name, sub in v.items():
            (self.string_array if isinstance(sub, list) else self.schema)(
                sub, at + "/" + escape(name)
            )

    def enum(self, v: Any, at: str) -> None:
        if not isinstance(v, list) or not v:
            self.bad(at, "expected a non-empty list of values")
            return
        repeat = _first_repeat(v)
        if repeat is not None:
            self.bad(at, f"{json.dumps(repeat)} is listed twice")

    def type_(self, v: Any, at: str) -> None:
        names = v if isinstance(v, list) else [v]
        if isinstance(v, list) and (not v or _first_repeat(v) is not None):
            self.bad(at, "expected a non-empty list of different type names")
        for name in names:
            if name not in SIMPLE_TYPES:
                hint = " (draft-04 has no 'any')" if name == "any" else ""
                self.bad(
                    at,
                    f"{json.dumps(name)} is not a JSON Schema type{hint}; "
                    f"use one of {', '.join(SIMPLE_TYPES)}",
                )

    def anything(self, v: Any, at: str) -> None:
        pass


DRAFT4: dict[str, Callable[[_Walker, Any, str], None]] = {
    "id": _Walker.string,
    "$schema": _Walker.string,
    "title": _Walker.string,
    "description": _Walker.string,
    "default": _Walker.anything,
    "multipleOf": _Walker.positive,
    "maximum": _Walker.number,
    "minimum": _Walker.number,
    "exclusiveMaximum": _Walker.boolean,
    "exclusiveMinimum": _Walker.boolean,
    "maxLength": _Walker.count,
    "minLength": _Walker.count,
    "pattern": _Walker.regex,
    "additionalItems": _Walker.bool_or_schema,
    "items": _Walker.schema_or_schemas,
    "maxItems": _Walker.count,
    "minItems": _Walker.count,
    "uniqueItems": _Walker.boolean,
    "maxProperties": _Walker.count,
    "minProperties": _Walker.count,
    "required": _Walker.string_array,
    "additionalProperties": _Walker.bool_or_schema,
    "definitions": _Walker.schema_map,
    "properties": _Walker.schema_map,
    "patternProperties": _Walker.pattern_map,
    "dependencies": _Walker.dependencies,
    "enum": _Walker.enum,
    "type": _Walker.type_,
    "format": _Walker.string,
    "allOf": _Walker.schemas,
    "anyOf": _Walker.schemas,
    "oneOf": _Walker.schemas,
    "not": _Walker.schema,
}


def check_json_schema(schema: Any, pointer: str, file: str, findings: Findings) -> None:
    """Draft-04 validity of a profile ``attributes`` or event ``properties`` schema."""
    _Walker(findings, file, zendesk=False).schema(schema, pointer)


def check_object_schema(schema: Any, pointer: str, file: str, findings: Findings) -> None:
    """Zendesk's rules for an object type's schema, then its draft-04 validity."""
    add = findings.add
    if not isinstance(schema, dict):
        return  # the structure check reported it
    if not schema:
        add("ZCD302", file, pointer, MSG_EMPTY)
        return
    walker = _Walker(findings, file, zendesk=True)
    walker.schema(schema, pointer)
    properties = schema.get("properties")
    if "properties" not in schema:
        add("ZCD303", file, pointer, MSG_NO_PROPERTIES)
    elif isinstance(properties, dict) and not properties:
        add("ZCD304", file, pointer + "/properties", MSG_EMPTY_PROPERTIES)
    if "additionalProperties" in schema and schema["additionalProperties"] is not False:
        add("ZCD305", file, pointer + "/additionalProperties", MSG_ADDITIONAL)
    for keyword, code in (("$schema", "ZCD307"), ("patternProperties", "ZCD308")):
        if keyword in schema:
            add(
                code,
                file,
                pointer + "/" + escape(keyword),
                MSG_NOT_ALLOWED.format(keyword),
                key=True,
            )
            walker.unsupported.pop(keyword, None)
    _zendesk_properties(schema, pointer, file, findings)
    size = len(
        json.dumps(
            {**schema, "additionalProperties": False}, separators=(",", ":"), ensure_ascii=False
        ).encode("utf-8")
    )
    if size > LIMIT["schema_bytes"]:
        add(
            "ZCD312",
            file,
            pointer,
            f"the schema is {size:,} bytes as JSON; Zendesk stores at most "
            f"{LIMIT['schema_bytes']:,} (32 KB)",
        )
    for keyword, places in walker.unsupported.items():
        if keyword in UNCONFIRMED:
            why = f"Zendesk's docs do not confirm support for {keyword!r}"
        else:
            why = f"Zendesk is not known to support {keyword!r}"
        more = (
            f" (and {len(places) - 1} more place{'s' if len(places) > 2 else ''} in this schema)"
            if len(places) > 1
            else ""
        )
        add("ZCD313", file, places[0], why + more, key=True)


def _zendesk_properties(
    schema: dict[str, Any], pointer: str, file: str, findings: Findings
) -> None:
    """Property names, 'type' on every property and 'required' entries, at every level."""
    properties = schema.get("properties")
    if isinstance(properties, dict):
        for name, sub in properties.items():
            at = pointer + "/properties/" + escape(name)
            problem = _name_problem(name)
            if problem:
                findings.add("ZCD301", file, at, problem, key=True)
            if isinstance(sub, dict):
                if "type" not in sub:
                    findings.add("ZCD306", file, at, MSG_NO_TYPE, key=True)
                _zendesk_properties(sub, at, file, findings)
    required = schema.get("required")
    if isinstance(required, list):
        declared = properties if isinstance(properties, dict) else {}
        for i, name in enumerate(required):
            if isinstance(name, str) and name not in declared:
                findings.add(
                    "ZCD309",
                    file,
                    f"{pointer}/required/{i}",
                    f"required property {name!r} is not declared in 'properties'",
                )
    items = schema.get("items")
    if isinstance(items, dict):
        _zendesk_properties(items, pointer + "/items", file, findings)
    elif isinstance(items, list):
        for i, sub in enumerate(items):
            if isinstance(sub, dict):
                _zendesk_properties(sub, f"{pointer}/items/{i}", file, findings)


def _name_problem(name: str) -> str | None:
    if name == "":
        return "property names cannot be empty"
    if name.startswith("_"):
        return 'property names cannot start with "_"'
    if name == "*":
        return 'a property cannot be named "*"'
    bad = [shown for ch, shown in _FORBIDDEN_IN_NAMES.items() if ch in name]
    if bad:
        return f"property names cannot contain {', '.join(bad)}"
    return None
