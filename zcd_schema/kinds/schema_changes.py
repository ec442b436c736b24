"""How risky a change to a JSON Schema is, leaf by leaf (contract section 4's table).

Used by every kind whose content holds a JSON Schema. Nested properties are judged like top-level
ones. Keywords the table does not name are judged breaking: zcd-schema cannot tell whether the
records already stored still pass, so it says so rather than guess.
"""

from __future__ import annotations

import json
from typing import Any

from zcd_schema.kinds.base import BREAKING, DESTRUCTIVE, RISKS, SAFE, Difference, Judged, worst

_UPPER = {"maxLength", "maximum", "maxItems", "maxProperties"}
_LOWER = {"minLength", "minimum", "minItems", "minProperties"}
_WORDS = {"description", "title"}


def judge_schema(differences: tuple[Difference, ...], after_schema: dict[str, Any]) -> Judged:
    """The worst risk of the differences, and every reason, the riskiest first."""
    judged = judge_schema_changes(differences, after_schema)
    judged.sort(key=lambda item: -RISKS.index(item[0]))
    return worst([risk for risk, _ in judged]), tuple(reason for _, reason in judged)


def judge_schema_changes(
    differences: tuple[Difference, ...], after_schema: dict[str, Any]
) -> list[tuple[str, str]]:
    judged: list[tuple[str, str]] = []
    located = [
        (_locate(d.path[1:] if d.path[:1] == ("schema",) else d.path), d) for d in differences
    ]
    added_properties = {prop for (prop, rest), d in located if not rest and d.action == "added"}
    type_changes: dict[str, dict[str, list[Any]]] = {}
    for (prop, rest), d in located:
        if not rest or rest == ("properties",):
            judged += _property_level(prop, rest, d, after_schema)
        elif rest[0] == "required" and len(rest) == 1:
            for name in _members(d):
                child = f"{prop}.{name}" if prop else name
                if d.action == "added" and child not in added_properties:
                    judged.append((BREAKING, f"makes {_q(child)} required"))
                elif d.action == "removed":
                    judged.append((SAFE, f"no longer requires {_q(child)}"))
        elif rest == ("type",) and isinstance(d.new if d.action == "added" else d.old, list):
            judged.append(
                (BREAKING, f"sets the type of {_where(prop)} to {_join(d.new)}")
                if d.action == "added"
                else (SAFE, f"no longer restricts the type of {_where(prop)}")
            )
        elif rest == ("type",):
            entry = type_changes.setdefault(prop, {"added": [], "removed": []})
            for member in _members(d):
                entry["added" if d.action == "added" else "removed"].append(member)
        elif rest[0] == "enum" and len(rest) == 1:
            judged.append(_enum(prop, d))
        elif rest[0] in _UPPER | _LOWER and len(rest) == 1:
            judged.append(_bound(prop, rest[0], d))
        elif rest == ("pattern",):
            judged.append(
                (SAFE, f"removes the pattern of {_where(prop)}")
                if d.action == "removed"
                else (
                    BREAKING,
                    f"{'sets' if d.action == 'added' else 'changes'} the pattern of {_where(prop)}",
                )
            )
        elif rest[0] in _WORDS:
            judged.append((SAFE, f"changes the {rest[0]} of {_where(prop)}"))
        elif rest == ("additionalProperties",):
            closes = d.new is False
            judged.append(
                (
                    BREAKING if closes else SAFE,
                    f"{'forbids' if closes else 'allows'} undeclared properties in {_where(prop)}",
                )
            )
        else:
            judged.append(
                (
                    BREAKING,
                    (
                        f"changes '{'/'.join(rest)}' of {_where(prop)}; zcd-schema cannot tell "
                        "whether the records already stored still pass"
                    ),
                )
            )
    for prop, change in sorted(type_changes.items()):
        old, new = change["removed"], change["added"]
        if old and new:
            judged.append(
                (BREAKING, f"changes the type of {_where(prop)} from {_join(old)} to {_join(new)}")
            )
        elif old:
            judged.append((BREAKING, f"no longer allows type {_join(old)} for {_where(prop)}"))
        else:
            judged.append((SAFE, f"also allows type {_join(new)} for {_where(prop)}"))
    return judged


def _property_level(
    prop: str, rest: tuple[str, ...], d: Difference, after_schema: dict[str, Any]
) -> list[tuple[str, str]]:
    if rest == ("properties",):  # a whole properties map appeared or vanished: judge each property
        value = d.new if d.action == "added" else d.old
        names = list(value) if isinstance(value, dict) else []
        return [
            item
            for name in names
            for item in _property_level(
                f"{prop}.{name}" if prop else name,
                (),
                Difference((*d.path, name), d.action),
                after_schema,
            )
        ]
    if prop.endswith("[]"):  # ``items`` of an array: a constraint on its members, not a property
        array = _q(prop[:-2])
        if d.action == "added":
            return [(BREAKING, f"constrains the items of {array}")]
        if d.action == "removed":
            return [(SAFE, f"no longer constrains the items of {array}")]
        return [(BREAKING, f"replaces the constraint on the items of {array}")]
    if d.action == "added":
        if _is_required(after_schema, prop):
            return [(BREAKING, f"adds required property {_q(prop)}")]
        return [(SAFE, f"adds optional property {_q(prop)}")]
    if d.action == "removed":
        return [(DESTRUCTIVE, f"removes property {_q(prop)}")]
    return [(BREAKING, f"replaces the definition of {_q(prop)}")]


def _enum(prop: str, d: Difference) -> tuple[str, str]:
    if d.action == "changed" or (d.old is None and d.new is None):
        return BREAKING, f"changes the enum of {_where(prop)}"
    whole = isinstance(d.new, list) or isinstance(d.old, list)
    if whole and d.action == "added":
        return BREAKING, f"restricts {_where(prop)} to {_join(d.new)}"
    if whole and d.action == "removed":
        return SAFE, f"drops the enum of {_where(prop)}"
    if d.action == "added":
        return SAFE, f"adds enum value {json.dumps(d.new)} to {_where(prop)}"
    return BREAKING, f"removes enum value {json.dumps(d.old)} from {_where(prop)}"


def _bound(prop: str, keyword: str, d: Difference) -> tuple[str, str]:
    upper = keyword in _UPPER
    if d.action == "added":
        return BREAKING, f"sets {keyword} of {_where(prop)} to {d.new}"
    if d.action == "removed":
        return SAFE, f"removes {keyword} of {_where(prop)}"
    try:
        tighter = d.new < d.old if upper else d.new > d.old
    except TypeError:
        tighter = True
    verb = ("lowers" if upper else "raises") if tighter else ("raises" if upper else "lowers")
    return (
        BREAKING if tighter else SAFE
    ), f"{verb} {keyword} of {_where(prop)} from {d.old} to {d.new}"


def _locate(path: tuple[str, ...]) -> tuple[str, tuple[str, ...]]:
    """('properties', 'dims', 'properties', 'w', 'type') -> ('dims.w', ('type',))."""
    names: list[str] = []
    i = 0
    while i < len(path):
        if path[i] == "properties" and i + 1 < len(path):
            names.append(path[i + 1])
            i += 2
        elif path[i] == "items" and names:
            names[-1] += "[]"
            i += 1
        else:
            break
    return ".".join(names), path[i:]


def _is_required(schema: dict[str, Any], prop: str) -> bool:
    """Whether the property at ``prop`` (a dotted path, "[]" for array items) is required in
    ``schema``."""
    node: Any = schema
    parts = prop.split(".")
    for part in parts[:-1]:
        name, items = (part[:-2], True) if part.endswith("[]") else (part, False)
        node = (node.get("properties") or {}).get(name, {}) if isinstance(node, dict) else {}
        if items:
            node = node.get("items", {}) if isinstance(node, dict) else {}
    required = node.get("required", []) if isinstance(node, dict) else []
    return isinstance(required, list) and parts[-1] in required


def _members(d: Difference) -> list[Any]:
    value = d.new if d.action == "added" else d.old
    return value if isinstance(value, list) else [value]


def _q(prop: str) -> str:
    return f"'{prop}'"


def _where(prop: str) -> str:
    return f"'{prop}'" if prop else "the schema"


def _join(values: Any) -> str:
    values = values if isinstance(values, list) else [values]
    return " or ".join(json.dumps(v) if not isinstance(v, str) else v for v in values)
