"""From legacy declarations to custom objects, following Zendesk's migration guide
(``custom-objects-api.md``, "From legacy to custom objects"). Pure: a legacy project in, the new
declarations, a diagnostic per decision (at the legacy declaration's file:line) and the rows of a
migration report out. Nothing is read or written here.

Each decision says how faithful it is: ``info`` for a faithful mapping, ``warning`` for a loss,
``error`` for what needs a person.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from zcd_schema.diagnostics import CODES, Diagnostic
from zcd_schema.project.limits import LIMIT, TIER_LIMITS
from zcd_schema.project.model import Project
from zcd_schema.project.yamlio import Document, escape

KEY_CHARACTERS = re.compile(r"[^A-Za-z0-9_]")
# keywords a field keeps (as its type, title, description, options or pattern)
CARRIED = {"type", "title", "description", "enum", "pattern", "items", "format"}
LOOKUP_TARGETS = ("zen:user", "zen:organization", "zen:ticket")
PEOPLE = {"zen:user": "user_fields", "zen:organization": "organization_fields"}


@dataclass
class ReportRow:
    legacy: str  # the legacy property or relationship
    field: str  # what it became ("" when nothing)
    type: str
    lost: str  # what was not carried over


@dataclass
class Migration:
    custom_objects: dict[str, dict[str, Any]] = field(default_factory=dict)  # key -> declaration
    user_fields: dict[str, dict[str, Any]] = field(default_factory=dict)
    organization_fields: dict[str, dict[str, Any]] = field(default_factory=dict)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    report: dict[str, list[ReportRow]] = field(default_factory=dict)  # object key -> rows
    renamed: dict[str, str] = field(default_factory=dict)  # legacy object key -> new key

    @property
    def errors(self) -> int:
        return sum(1 for d in self.diagnostics if d.severity == "error")


class _Say:
    """Diagnostics at the legacy declarations' positions."""

    def __init__(self, documents: dict[str, Document], out: list[Diagnostic]) -> None:
        self.documents = documents
        self.out = out

    def __call__(self, code: str, file: str, pointer: str, message: str) -> None:
        document = self.documents.get(file)
        line, column = document.position(pointer, key=True) if document else (1, 1)
        self.out.append(
            Diagnostic(code, CODES[code].severity, file, line, column, pointer, message)
        )


def migrate(project: Project, documents: dict[str, Document]) -> Migration:
    result = Migration()
    say = _Say(documents, result.diagnostics)
    for key in project.object_types:
        result.renamed[key] = new_key(key)
    for key, declared in project.object_types.items():
        origin = declared.origin
        file, pointer = (
            (origin.file, origin.pointer) if origin else ("", f"/object_types/{escape(key)}")
        )
        _object_type(key, declared.schema, file, pointer, result, say)
    for key, relationship in project.relationship_types.items():
        origin = relationship.origin
        file, pointer = (
            (origin.file, origin.pointer) if origin else ("", f"/relationship_types/{key}")
        )
        _relationship(
            key,
            relationship.source,
            relationship.target,
            relationship.one_to_many,
            file,
            pointer,
            result,
            say,
        )
    _check_lookup_counts(project, result, say)
    result.diagnostics.sort(key=Diagnostic.sort_key)
    return result


def new_key(key: str) -> str:
    """A legacy key as a custom object or field key: letters, digits and '_', not only digits."""
    fixed = KEY_CHARACTERS.sub("_", key) or "key"
    return f"k_{fixed}" if fixed.isdigit() else fixed


def title_of(key: str) -> str:
    words = re.sub(r"[_-]+", " ", key).strip()
    return (words[:1].upper() + words[1:]) or key


def plural_of(title: str) -> str:
    if re.search(r"(s|x|z|ch|sh)$", title):
        return title + "es"
    if re.search(r"[^aeiou]y$", title):
        return title[:-1] + "ies"
    return title + "s"


# -- object types -------------------------------------------------------------------------------


def _object_type(
    key: str, schema: dict[str, Any], file: str, pointer: str, result: Migration, say: _Say
) -> None:
    target = result.renamed[key]
    title = title_of(key)
    if target != key:
        say(
            "ZCD802",
            file,
            pointer,
            f"object type {key!r} becomes custom object {target!r}: custom "
            "object keys hold only letters, digits and '_'",
        )
    say(
        "ZCD801",
        file,
        pointer,
        f"object type {key!r} becomes custom object {target!r}, titled "
        f"{title!r} ({plural_of(title)!r})",
    )
    fields: dict[str, Any] = {}
    rows = result.report.setdefault(target, [])
    required = (
        set(schema.get("required") or []) if isinstance(schema.get("required"), list) else set()
    )
    properties: dict[str, Any] = (
        schema["properties"] if isinstance(schema.get("properties"), dict) else {}
    )
    for name, sub in properties.items():
        at = f"{pointer}/schema/properties/{escape(name)}"
        mapped = _property(name, sub if isinstance(sub, dict) else {}, file, at, say)
        if mapped is None:
            rows.append(ReportRow(name, "", "", "everything: remodel as a separate object"))
            continue
        field_key, declaration, lost = mapped
        if name in required:
            declaration["required"] = True
            say("ZCD803", file, at, f"{name!r} was required: field {field_key!r} is required")
        fields[field_key] = declaration
        rows.append(ReportRow(name, field_key, declaration["type"], ", ".join(lost)))
    result.custom_objects[target] = {
        "title": title,
        "title_pluralized": plural_of(title),
        "fields": fields,
    }
    for keyword in sorted(
        set(schema)
        - {"properties", "required", "type", "title", "description", "additionalProperties"}
    ):
        say(
            "ZCD804",
            file,
            f"{pointer}/schema/{escape(keyword)}",
            f"{keyword!r} of the schema of {key!r} has no custom object equivalent: it is lost",
        )


def _property(
    name: str, schema: dict[str, Any], file: str, at: str, say: _Say
) -> tuple[str, dict[str, Any], list[str]] | None:
    field_key = new_key(name)
    if field_key != name:
        say(
            "ZCD802",
            file,
            at,
            f"property {name!r} becomes field {field_key!r}: field keys hold "
            "only letters, digits and '_'",
        )
    kind = schema.get("type")
    types = [t for t in (kind if isinstance(kind, list) else [kind]) if t != "null"]
    title = schema.get("title") if isinstance(schema.get("title"), str) else title_of(name)
    declaration: dict[str, Any] = {"type": "text", "title": title}
    if isinstance(schema.get("description"), str):
        declaration["description"] = schema["description"]
    lost = sorted(k for k in schema if k not in CARRIED)
    if len(types) > 1:
        say(
            "ZCD811",
            file,
            at,
            f"{name!r} may be any of {', '.join(map(str, types))}: no field holds several "
            "types, so it becomes a text field",
        )
        return _done(field_key, declaration, lost, name, file, at, say)
    single = types[0] if types else None
    if single == "object":
        say(
            "ZCD805",
            file,
            at,
            f"{name!r} is a nested object: a custom object field cannot hold one "
            '("it can\'t model nested or hierarchical data"); make it a custom object of its own '
            f"joined to this one by a lookup field",
        )
        return None
    if single == "array":
        items: dict[str, Any] = schema["items"] if isinstance(schema.get("items"), dict) else {}
        if items.get("type") == "object":
            say(
                "ZCD805",
                file,
                at,
                f"{name!r} is a list of objects: make them records of a custom "
                "object of their own, each with a lookup field pointing back here",
            )
            return None
        if isinstance(items.get("enum"), list):
            declaration.update(type="multiselect", options=_options(items["enum"]))
            lost += sorted(k for k in items if k not in CARRIED)
            return _done(field_key, declaration, lost, name, file, at, say)
        say(
            "ZCD811",
            file,
            at,
            f"{name!r} is a list of values: no field holds a list of free "
            "values, so it becomes a textarea (one value per line)",
        )
        declaration["type"] = "textarea"
        return _done(field_key, declaration, lost, name, file, at, say)
    if single == "boolean":
        declaration["type"] = "checkbox"
    elif single == "integer":
        declaration["type"] = "integer"
    elif single == "number":
        declaration["type"] = "decimal"
    elif single == "string" or single is None:
        if isinstance(schema.get("enum"), list):
            declaration.update(type="dropdown", options=_options(schema["enum"]))
        elif schema.get("format") in ("date", "date-time"):
            declaration["type"] = "date"
            if schema["format"] == "date-time":
                lost.append("the time of day (format date-time)")
        elif isinstance(schema.get("pattern"), str):
            declaration.update(type="regexp", pattern=schema["pattern"])
            _check_regex(name, schema["pattern"], file, at, say)
        if schema.get("format") not in (None, "date", "date-time"):
            lost.append(f"format {schema['format']}")
    return _done(field_key, declaration, lost, name, file, at, say)


def _done(
    field_key: str,
    declaration: dict[str, Any],
    lost: list[str],
    name: str,
    file: str,
    at: str,
    say: _Say,
) -> tuple[str, dict[str, Any], list[str]]:
    say("ZCD803", file, at, f"property {name!r} becomes {declaration['type']} field {field_key!r}")
    if lost:
        say("ZCD804", file, at, f"{name!r}: {', '.join(lost)} has no field equivalent and is lost")
    return field_key, declaration, lost


def _options(values: list[Any]) -> dict[str, str]:
    return {str(v): title_of(str(v)) for v in values if v is not None}


def _check_regex(name: str, pattern: str, file: str, at: str, say: _Say) -> None:
    """Where JSON Schema's ECMA-262 and Zendesk's Ruby read a pattern differently."""
    differences = []
    if re.search(r"(?<!\\)[\^$]", pattern):
        differences.append(
            "^ and $ match at every line in Ruby, only at the ends in ECMA-262 (use "
            "\\A and \\z in Ruby)"
        )
    if "(?<" in pattern and not pattern.count("(?<="):
        differences.append("named groups are written alike but captured differently")
    if re.search(r"\\[dws]", pattern, re.IGNORECASE):
        differences.append("\\d, \\w and \\s may match more characters in one than the other")
    if differences:
        say(
            "ZCD810",
            file,
            f"{at}/pattern",
            f"the pattern of {name!r} may mean something else in "
            f"Ruby, which Zendesk uses for regexp fields: {'; '.join(differences)}",
        )


# -- relationship types -------------------------------------------------------------------------


def _relationship(
    key: str,
    source: str,
    target: str,
    many: bool,
    file: str,
    pointer: str,
    result: Migration,
    say: _Say,
) -> None:
    field_key = new_key(key)
    if field_key != key:
        say("ZCD802", file, pointer, f"relationship type {key!r} becomes field {field_key!r}")
    # one-to-many {source: S, target: [T]}: each T names its S, so the lookup lives on T and
    # points at S. One-to-one: the lookup lives on the source and points at the target.
    holder, points_at = (target, source) if many else (source, target)
    title = title_of(key)
    lookup_target = result.renamed.get(points_at, points_at)
    if points_at.startswith("zen:") and points_at not in LOOKUP_TARGETS:
        say(
            "ZCD808",
            file,
            pointer,
            f"relationship type {key!r} points at {points_at}, which no "
            "lookup field can target: it cannot be carried over",
        )
        return
    if not many:
        say(
            "ZCD807",
            file,
            pointer,
            f"relationship type {key!r} is one-to-one; a lookup field is "
            f"many-to-one: {holder} records each name one {points_at}, and nothing stops two of "
            "them naming the same one",
        )
    declaration = {"type": "lookup", "title": title, "target": lookup_target}
    if holder in PEOPLE:
        section = getattr(result, PEOPLE[holder])
        section[field_key] = {"title": title, "target": lookup_target}
        where = f"{PEOPLE[holder]} (a lookup on {holder[4:]}s)"
    elif holder == "zen:ticket":
        say(
            "ZCD808",
            file,
            pointer,
            f"relationship type {key!r} puts a lookup on tickets, whose "
            f"fields have no keys here: create it by hand in Admin Center, a ticket field of type "
            f"lookup titled {title!r} with relationship_target_type {_api_target(lookup_target)}",
        )
        return
    elif holder.startswith("zen:"):
        say(
            "ZCD808",
            file,
            pointer,
            f"relationship type {key!r} would put a lookup on {holder}, "
            "which has no lookup fields: it cannot be carried over",
        )
        return
    else:
        obj = result.custom_objects.get(result.renamed.get(holder, holder))
        if obj is None:
            return  # the object type is not declared: validate reported it
        obj["fields"][field_key] = declaration
        where = f"custom object {result.renamed.get(holder, holder)!r}"
        result.report.setdefault(result.renamed.get(holder, holder), []).append(
            ReportRow(f"relationship {key}", field_key, "lookup", "")
        )
    direction = f"one {source} has many {target}" if many else f"one {source} has one {target}"
    say(
        "ZCD806",
        file,
        pointer,
        f"relationship type {key!r} ({direction}) becomes lookup field "
        f"{field_key!r} in {where}, pointing at {lookup_target}: the link is now kept on the "
        f"{'many' if many else 'source'} side",
    )


def _api_target(target: str) -> str:
    return target if target.startswith("zen:") else f"zen:custom_object:{target}"


def _check_lookup_counts(project: Project, result: Migration, say: _Say) -> None:
    """An object holds only so many lookups (10, or fewer on a smaller plan): the ones past the
    limit are left out, so that the written project is valid, and named for a person to decide."""
    tiers = [
        TIER_LIMITS[a.plan_tier][1]
        for a in project.settings.accounts.values()
        if a.plan_tier in TIER_LIMITS
    ]
    limit = min([LIMIT["lookup_fields"], *tiers])
    holders: list[tuple[str, dict[str, Any], str]] = [
        (key, obj["fields"], key) for key, obj in result.custom_objects.items()
    ]
    holders += [
        ("users", result.user_fields, "users"),
        ("organizations", result.organization_fields, "organizations"),
    ]
    for holder, fields, name in holders:
        lookups = [k for k, f in fields.items() if f.get("type", "lookup") == "lookup"]
        if len(lookups) <= limit:
            continue
        dropped = lookups[limit:]
        for key in dropped:
            del fields[key]
        for row in result.report.get(holder, []):
            if row.field in dropped:
                row.field, row.type, row.lost = "", "", "everything: over the lookup limit"
        legacy = next((k for k, v in result.renamed.items() if v == holder), holder)
        declared = project.object_types.get(legacy)
        origin = declared.origin if declared is not None else None
        say(
            "ZCD809",
            origin.file if origin else "",
            origin.pointer if origin else "",
            f"{name} would receive {len(lookups)} lookup fields; the plan allows {limit} on an "
            f"object, so {', '.join(dropped)} are left out: remodel or drop some relationships",
        )
