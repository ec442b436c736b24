"""A fast yes-or-no check for the plain JSON Schemas that events and profiles declare.

``jsonschema`` builds a validator object per keyword visit, which costs about 20 µs for a small
event; at 100,000 events that is most of the time. ``compile_check`` turns a draft-04 schema made
only of the common keywords into nested closures that answer "valid?" several times faster. It is
exact or absent: any keyword it does not know (``$ref``, ``oneOf``, ``patternProperties``, ...)
makes it return None, and the caller uses ``jsonschema``. When it answers "invalid", the caller
asks ``jsonschema`` for the messages, so the wording is always jsonschema's. A differential test
holds the two to the same answers.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

Check = Callable[[Any], bool]

_ANNOTATIONS = {"title", "description", "default", "format", "examples", "$comment", "id"}
_TYPES: dict[str, Callable[[Any], bool]] = {
    "string": lambda v: isinstance(v, str),
    "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
    "number": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool),
    "boolean": lambda v: isinstance(v, bool),
    "object": lambda v: isinstance(v, dict),
    "array": lambda v: isinstance(v, list),
    "null": lambda v: v is None,
}
_KNOWN = _ANNOTATIONS | {
    "type",
    "properties",
    "required",
    "additionalProperties",
    "enum",
    "items",
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "minLength",
    "maxLength",
    "minItems",
    "maxItems",
    "pattern",
}


class _Unsupported(Exception):
    pass


def compile_check(schema: Any) -> Check | None:
    """A function telling whether a value is valid against ``schema``, or None when the schema
    uses a keyword this module does not handle."""
    try:
        return _compile(schema)
    except (_Unsupported, re.error, TypeError, ValueError):
        return None


def _compile(schema: Any) -> Check:
    if not isinstance(schema, dict) or not set(schema) <= _KNOWN:
        raise _Unsupported
    checks: list[Check] = []
    if "type" in schema:
        checks.append(_type(schema["type"]))
    if "enum" in schema:
        checks.append(_enum(schema["enum"]))
    checks += _strings(schema) + _numbers(schema) + _arrays(schema) + _objects(schema)
    if not checks:
        return lambda value: True
    if len(checks) == 1:
        return checks[0]
    return lambda value: all(check(value) for check in checks)


def _type(declared: Any) -> Check:
    names = [declared] if isinstance(declared, str) else declared
    if not isinstance(names, list) or not all(n in _TYPES for n in names):
        raise _Unsupported
    tests = [_TYPES[n] for n in names]
    return tests[0] if len(tests) == 1 else lambda value: any(t(value) for t in tests)


def _enum(members: Any) -> Check:
    if not isinstance(members, list) or not all(
        m is None or isinstance(m, (str, int, float)) for m in members
    ):
        raise _Unsupported  # lists and objects compare in ways best left to jsonschema
    plain = [(type(m) is bool, m) for m in members]
    return lambda value: any(
        (isinstance(value, bool) == is_bool) and value == m and _comparable(value, m)
        for is_bool, m in plain
    )


def _comparable(value: Any, member: Any) -> bool:
    return isinstance(value, str) == isinstance(member, str) and (value is None) == (member is None)


def _strings(schema: dict[str, Any]) -> list[Check]:
    checks: list[Check] = []
    low, high, pattern = schema.get("minLength"), schema.get("maxLength"), schema.get("pattern")
    if low is not None:
        checks.append(lambda v: not isinstance(v, str) or len(v) >= low)
    if high is not None:
        checks.append(lambda v: not isinstance(v, str) or len(v) <= high)
    if pattern is not None:
        search = re.compile(pattern).search
        checks.append(lambda v: not isinstance(v, str) or search(v) is not None)
    return checks


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _numbers(schema: dict[str, Any]) -> list[Check]:
    checks: list[Check] = []
    low, high = schema.get("minimum"), schema.get("maximum")
    for flag in ("exclusiveMinimum", "exclusiveMaximum"):
        if not isinstance(schema.get(flag, False), bool):
            raise _Unsupported  # draft-06 numeric form
    if low is not None:
        if schema.get("exclusiveMinimum"):
            checks.append(lambda v: not _is_number(v) or v > low)
        else:
            checks.append(lambda v: not _is_number(v) or v >= low)
    if high is not None:
        if schema.get("exclusiveMaximum"):
            checks.append(lambda v: not _is_number(v) or v < high)
        else:
            checks.append(lambda v: not _is_number(v) or v <= high)
    return checks


def _arrays(schema: dict[str, Any]) -> list[Check]:
    checks: list[Check] = []
    low, high = schema.get("minItems"), schema.get("maxItems")
    if low is not None:
        checks.append(lambda v: not isinstance(v, list) or len(v) >= low)
    if high is not None:
        checks.append(lambda v: not isinstance(v, list) or len(v) <= high)
    if "items" in schema:
        item = _compile(schema["items"])  # a list of schemas (tuple form) is unsupported
        checks.append(lambda v: not isinstance(v, list) or all(item(x) for x in v))
    return checks


def _objects(schema: dict[str, Any]) -> list[Check]:
    checks: list[Check] = []
    required = schema.get("required")
    if required is not None:
        if not isinstance(required, list):
            raise _Unsupported
        names = tuple(required)
        checks.append(lambda v: not isinstance(v, dict) or all(n in v for n in names))
    properties = schema.get("properties", {})
    if not isinstance(properties, dict):
        raise _Unsupported
    compiled = {name: _compile(sub) for name, sub in properties.items()}
    if compiled:
        checks.append(
            lambda v: (
                not isinstance(v, dict)
                or all(check(v[name]) for name, check in compiled.items() if name in v)
            )
        )
    extra = schema.get("additionalProperties", True)
    if extra is False:
        checks.append(lambda v: not isinstance(v, dict) or all(k in compiled for k in v))
    elif extra is not True:
        rest = _compile(extra)
        checks.append(
            lambda v: (
                not isinstance(v, dict) or all(rest(x) for k, x in v.items() if k not in compiled)
            )
        )
    return checks
