"""A fast yes-or-no check for plain JSON Schemas: the ones events and profiles declare
(draft-04), and the structure of zcd-schema's own files (draft 2020-12).

``jsonschema`` builds a validator object per keyword visit, which costs about 20 µs for a small
event; at 100,000 events, or the 50,000 values of a project at the hard limits, that is most of
the time. ``compile_check`` turns a schema made only of the common keywords into nested closures
that answer "valid?" several times faster. It is exact or absent: any keyword it does not know
(``$ref``, ``patternProperties``, ...) makes it return None, and the caller uses ``jsonschema``.
When it answers "invalid", the caller asks ``jsonschema`` for the messages, so the wording is
always jsonschema's. Differential tests hold the two to the same answers in both drafts.
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
    # draft 6 on: a number with no fraction is an integer, 1.0 included
    "integer since draft 6": lambda v: (
        (isinstance(v, int) and not isinstance(v, bool))
        or (isinstance(v, float) and v.is_integer())
    ),
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
    "anyOf",
    "oneOf",
    "allOf",
    "not",
}
_KNOWN_2020 = _KNOWN | {"const", "$schema", "$comment"}


class _Unsupported(Exception):
    pass


def compile_check(schema: Any, draft: int = 4) -> Check | None:
    """A function telling whether a value is valid against ``schema`` (of draft 4, or 2020 for
    2020-12), or None when the schema uses a keyword this module does not handle."""
    try:
        return _Compiler(draft).compile(schema)
    except (_Unsupported, re.error, TypeError, ValueError):
        return None


class _Compiler:
    def __init__(self, draft: int) -> None:
        if draft not in (4, 2020):
            raise ValueError(f"draft {draft}")
        # draft 2020-12's exclusive bounds are numbers, not draft 4's flags: left to jsonschema
        self.known = (
            _KNOWN if draft == 4 else _KNOWN_2020 - {"exclusiveMinimum", "exclusiveMaximum"}
        )
        self.integer = "integer" if draft == 4 else "integer since draft 6"

    def compile(self, schema: Any) -> Check:
        if not isinstance(schema, dict) or not set(schema) <= self.known:
            raise _Unsupported
        checks: list[Check] = []
        if "type" in schema:
            checks.append(self.type(schema["type"]))
        if "enum" in schema:
            checks.append(_enum(schema["enum"]))
        if "const" in schema:
            checks.append(_enum([schema["const"]]))
        checks += _strings(schema) + _numbers(schema)
        checks += _arrays(schema, self.compile) + _objects(schema, self.compile)
        checks += self.logic(schema)
        return _all(checks)

    def type(self, declared: Any) -> Check:
        names = [declared] if isinstance(declared, str) else declared
        if not isinstance(names, list) or not all(n in _TYPES for n in names):
            raise _Unsupported
        tests = [_TYPES[self.integer if n == "integer" else n] for n in names]
        return tests[0] if len(tests) == 1 else lambda value: any(t(value) for t in tests)

    def logic(self, schema: dict[str, Any]) -> list[Check]:
        checks: list[Check] = []
        for keyword, combine in _COMBINATIONS.items():
            if keyword in schema:
                subs = schema[keyword]
                if not isinstance(subs, list) or not subs:
                    raise _Unsupported
                checks.append(combine([self.compile(sub) for sub in subs]))
        if "not" in schema:
            negated = self.compile(schema["not"])
            checks.append(lambda v: not negated(v))
        return checks


def _any_of(checks: list[Check]) -> Check:
    return lambda v: any(check(v) for check in checks)


def _one_of(checks: list[Check]) -> Check:
    return lambda v: sum(1 for check in checks if check(v)) == 1


def _all(checks: list[Check]) -> Check:
    if not checks:
        return lambda value: True
    if len(checks) == 1:
        return checks[0]
    return lambda value: all(check(value) for check in checks)


_COMBINATIONS: dict[str, Callable[[list[Check]], Check]] = {
    "anyOf": _any_of,
    "oneOf": _one_of,
    "allOf": _all,
}


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


def _arrays(schema: dict[str, Any], compile_: Callable[[Any], Check]) -> list[Check]:
    checks: list[Check] = []
    low, high = schema.get("minItems"), schema.get("maxItems")
    if low is not None:
        checks.append(lambda v: not isinstance(v, list) or len(v) >= low)
    if high is not None:
        checks.append(lambda v: not isinstance(v, list) or len(v) <= high)
    if "items" in schema:
        item = compile_(schema["items"])  # a list of schemas (tuple form) is unsupported
        checks.append(lambda v: not isinstance(v, list) or all(item(x) for x in v))
    return checks


def _objects(schema: dict[str, Any], compile_: Callable[[Any], Check]) -> list[Check]:
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
    compiled = {name: compile_(sub) for name, sub in properties.items()}
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
        rest = compile_(extra)
        checks.append(
            lambda v: (
                not isinstance(v, dict) or all(rest(x) for k, x in v.items() if k not in compiled)
            )
        )
    return checks
