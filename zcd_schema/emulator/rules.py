"""What the emulator refuses, written from ``zendesk-api.md`` section 1, not from the validator.

The validator (``project/schema_rules.py``) and these checks are kept apart on purpose: a test
that runs both over the same inputs then compares two readings of the docs, not one with itself.
Messages are Zendesk's where the docs quote them; the others (marked UNCONFIRMED) imitate the
draft-04 validator wording Zendesk's quoted messages come from.
"""

from __future__ import annotations

import json
import re
from typing import Any

from jsonschema import Draft4Validator
from jsonschema.exceptions import SchemaError

MAX_SCHEMA_BYTES = 32 * 1024  # "up to a maximum of 32 KB"; UNCONFIRMED whether 32,000 or 32,768
KEY_MIN, KEY_MAX = 2, 32
# UNCONFIRMED: the characters of a key. Letters, digits, '_' and '-' are seen in Zendesk's
# examples ("product", "cell_phone", "2019-car"); a leading '_' is refused since Nov 2020.
KEY_PATTERN = re.compile(r"^[A-Za-z0-9-][A-Za-z0-9_-]*$")
ZEN_TYPES = frozenset({"zen:user", "zen:ticket", "zen:organization", "zen:deal"})

EMPTY = "The schema for a legacy object type cannot be empty."
EMPTY_PROPERTIES = "The properties element of a schema cannot be empty."
NO_PROPERTIES = 'data.schema object has missing required properties (["properties"])'
ADDITIONAL_TRUE = "additionalProperties cannot be set to true"
NO_TYPE = 'data.schema object has missing required properties (["type"])'
NOT_ALLOWED = (
    'data.schema object instance has properties which are not allowed by the schema: ["{}"]'
)
_BAD_NAME_CHARS = ("\b", "\f", "\n", "\r", "\t", "\u0007", "\u0013")


def missing(where: str, name: str) -> str:
    return f'{where} object has missing required properties (["{name}"])'


def wrong_type(where: str, value: Any, allowed: str) -> str:
    return (
        f"{where} instance type ({_json_type(value)}) does not match any allowed primitive type "
        f'(allowed: ["{allowed}"])'
    )


def key_problem(key: Any) -> str | None:
    if not isinstance(key, str):
        return wrong_type("data.key", key, "string")
    if len(key) < KEY_MIN:
        return (
            f'data.key string "{key}" is too short '
            f"(length: {len(key)}, required minimum: {KEY_MIN})"
        )
    if len(key) > KEY_MAX:
        return (
            f'data.key string "{key}" is too long (length: {len(key)}, maximum allowed: {KEY_MAX})'
        )
    if not KEY_PATTERN.match(key):
        return (
            f'data.key ECMA 262 regex "{KEY_PATTERN.pattern}" does not match input string "{key}"'
        )
    return None


def schema_problems(schema: Any) -> list[str]:
    """Every reason Zendesk would refuse ``schema`` for an object type, in the order it checks."""
    if not isinstance(schema, dict):
        return [wrong_type("data.schema", schema, "object")]
    if not schema:
        return [EMPTY]
    # the documented patternProperties example has no "properties", and is answered with the
    # patternProperties message: keywords Zendesk does not allow are named first
    not_allowed = [NOT_ALLOWED.format(k) for k in ("$schema", "patternProperties") if k in schema]
    if "properties" not in schema:
        return not_allowed or [NO_PROPERTIES]
    problems: list[str] = []
    properties = schema["properties"]
    if isinstance(properties, dict) and not properties:
        problems.append(EMPTY_PROPERTIES)
    if schema.get("additionalProperties") is True:
        problems.append(ADDITIONAL_TRUE)
    problems += not_allowed
    _property_problems(schema, problems)
    try:
        Draft4Validator.check_schema(schema)
    except SchemaError as exc:
        where = "".join(f"/{part}" for part in exc.path)
        problems.append(f"data.schema{where}: {exc.message}")
    size = len(stored_schema_json(schema).encode())
    if size > MAX_SCHEMA_BYTES:
        # UNCONFIRMED message and limit unit
        problems.append(f"The schema is {size} bytes; the maximum size of a schema is 32 KB")
    return problems


def _property_problems(schema: dict[str, Any], problems: list[str]) -> None:
    # UNCONFIRMED: the naming and "type" rules apply at every level (nested objects, array items).
    properties = schema.get("properties")
    if isinstance(properties, dict):
        for name, sub in properties.items():
            problem = _name_problem(name)
            if problem:
                problems.append(problem)
            if isinstance(sub, dict):
                if "type" not in sub:
                    problems.append(NO_TYPE)
                _property_problems(sub, problems)
    items = schema.get("items")
    for sub in items if isinstance(items, list) else [items]:
        if isinstance(sub, dict):
            _property_problems(sub, problems)


def _name_problem(name: str) -> str | None:
    # UNCONFIRMED messages: the rules are documented, the wording is not.
    shown = json.dumps(name)
    if name == "":
        return "Property names cannot be empty"
    if name.startswith("_"):
        return f'Property name {shown} is not allowed: property names cannot be prefixed with "_"'
    if name == "*":
        return 'Property name "*" is not allowed'
    for char in _BAD_NAME_CHARS:
        if char in name:
            return (
                f"Property name {shown} contains a character that is not allowed: "
                f"{json.dumps(char)}"
            )
    return None


def stored_schema(schema: dict[str, Any]) -> dict[str, Any]:
    """The schema as Zendesk stores it: with the immutable ``additionalProperties: false`` added."""
    return {**schema, "additionalProperties": False}


def stored_schema_json(schema: dict[str, Any]) -> str:
    return json.dumps(stored_schema(schema), separators=(",", ":"), ensure_ascii=False)


def type_reference_problem(field: str, value: Any, exists: Any) -> str | None:
    """``source``/``target`` of a relationship type: a zen: type or the key of an object type."""
    if field == "target" and isinstance(value, list):
        if len(value) != 1:
            return (
                "data.target array must hold exactly one type "
                '(a one-to-many relationship: ["type"])'
            )
        value = value[0]
    if not isinstance(value, str):
        return wrong_type(f"data.{field}", value, "string")
    if value in ZEN_TYPES or (not value.startswith("zen:") and exists(value)):
        return None
    return f"data.{field}: no object type or Zendesk type named {value!r}"  # UNCONFIRMED message


def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    return "array" if isinstance(value, list) else "object"
