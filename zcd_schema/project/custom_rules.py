"""Zendesk's rules for custom objects (contract section 8): keys, the attributes each field type
takes and needs, option values, regexp patterns, lookup targets, name_field, currencies, and the
limits: hard ones, those of an account's ``plan_tier`` and those of a ZAF app.

Entries are checked where they are written (so a problem has its own line); limits count the
merged model.
"""

from __future__ import annotations

import re
from typing import Any

from zcd_schema.project.findings import Findings
from zcd_schema.project.limits import LIMIT, TIER_LIMITS, ZAF_LIMITS
from zcd_schema.project.model import CustomObject, Project
from zcd_schema.project.yamlio import escape

SECTION = "custom_objects"
KEY = re.compile(r"^[A-Za-z0-9_]+$")
CURRENCY = re.compile(r"^[A-Z]{3}$")
# The Zendesk types a lookup may point at (custom-objects-api.md: relationship_target_type)
LOOKUP_TARGETS = ("zen:user", "zen:organization", "zen:ticket")
# the attribute each type takes, beyond type, title, description, active and required
TYPE_ATTRIBUTES = {
    "options": ("dropdown", "multiselect"),
    "target": ("lookup",),
    "filter": ("lookup",),
    "pattern": ("regexp",),
    "tag": ("checkbox",),
    "currency": ("currency",),
}
NEEDED = {
    "dropdown": "options",
    "multiselect": "options",
    "lookup": "target",
    "regexp": "pattern",
    "currency": "currency",
}


def check_custom_objects(project: Project, findings: Findings, hints: Any) -> None:
    declared = set(project.custom_objects)
    _check_people_fields(project, findings, declared, hints)
    for file in project.files:
        document = findings.documents.get(file)
        value = document.value if document is not None and document.ok else None
        entries = value.get(SECTION) if isinstance(value, dict) else None
        if not isinstance(entries, dict):
            continue
        for key, raw in entries.items():
            pointer = f"/{SECTION}/{escape(key)}"
            _check_key("custom object", key, file, pointer, findings)
            if isinstance(raw, dict):
                _check_object(raw, file, pointer, declared, hints, findings)
    _check_limits(project, findings)


def _check_key(what: str, key: str, file: str, pointer: str, findings: Findings) -> None:
    if key.startswith("standard::"):
        findings.add(
            "ZCD702",
            file,
            pointer,
            f"{key!r} is Zendesk's own; it is not declared in a "
            "project" + (" (use name_field and external_id_field)" if what == "field" else ""),
            key=True,
        )
    elif not KEY.match(key):
        findings.add(
            "ZCD701",
            file,
            pointer,
            f"{what} key {key!r} may hold only letters, digits and '_'",
            key=True,
        )
    elif key.isdigit():
        findings.add("ZCD701", file, pointer, f"{what} key {key!r} cannot be only digits", key=True)


def _check_object(
    raw: dict[str, Any], file: str, pointer: str, declared: set[str], hints: Any, findings: Findings
) -> None:
    name = raw.get("name_field")
    if (
        isinstance(name, dict)
        and name.get("unique") is True
        and isinstance(name.get("autonumber"), dict)
    ):
        findings.add(
            "ZCD708",
            file,
            pointer + "/name_field",
            "name_field is either unique or autonumbered, not both (Zendesk refuses the pair)",
        )
    fields = raw.get("fields")
    if not isinstance(fields, dict):
        return
    for key, field in fields.items():
        at = f"{pointer}/fields/{escape(key)}"
        _check_key("field", key, file, at, findings)
        if isinstance(field, dict):
            _check_field(key, field, file, at, declared, hints, findings)


def _check_field(
    key: str,
    raw: dict[str, Any],
    file: str,
    pointer: str,
    declared: set[str],
    hints: Any,
    findings: Findings,
) -> None:
    kind = raw.get("type")
    if not isinstance(kind, str):
        return  # the structure check reported it
    for attribute, types in TYPE_ATTRIBUTES.items():
        if attribute in raw and kind not in types:
            findings.add(
                "ZCD703",
                file,
                f"{pointer}/{attribute}",
                f"{attribute!r} is for {' and '.join(types)} fields; {key!r} is a {kind} field",
                key=True,
            )
    needed = NEEDED.get(kind)
    if needed is not None and not raw.get(needed):
        findings.add("ZCD704", file, pointer, f"a {kind} field needs {needed!r}", key=True)
    if kind in TYPE_ATTRIBUTES["options"]:
        _check_options(raw.get("options"), file, pointer + "/options", findings)
    pattern = raw.get("pattern")
    if kind == "regexp" and isinstance(pattern, str) and pattern:
        problem = _regexp_problem(pattern)
        if problem:
            findings.add("ZCD706", file, pointer + "/pattern", problem)
    target = raw.get("target")
    if kind == "lookup" and isinstance(target, str) and target:
        if target not in LOOKUP_TARGETS and target not in declared:
            shown = ", ".join(LOOKUP_TARGETS)
            hint = hints(target) if not target.startswith("zen:") else ""
            findings.add(
                "ZCD707",
                file,
                pointer + "/target",
                f"{target!r} is neither a custom "
                f"object of this project nor a Zendesk type ({shown}){hint}",
            )
    currency = raw.get("currency")
    if kind == "currency" and isinstance(currency, str) and not CURRENCY.match(currency):
        findings.add(
            "ZCD709",
            file,
            pointer + "/currency",
            f"{currency!r} is not a three-letter ISO 4217 code such as EUR or USD",
        )


def _check_options(options: Any, file: str, pointer: str, findings: Findings) -> None:
    values: list[tuple[str, str]] = []  # (value, where)
    if isinstance(options, dict):
        values = [(v, f"{pointer}/{escape(v)}") for v in options]
    elif isinstance(options, list):
        values = [
            (o["value"], f"{pointer}/{i}/value")
            for i, o in enumerate(options)
            if isinstance(o, dict) and isinstance(o.get("value"), str)
        ]
    seen: set[str] = set()
    for value, where in values:
        if value in seen:
            findings.add(
                "ZCD705",
                file,
                where,
                f"option value {value!r} is listed twice; Zendesk "
                "may accept it and then lock the field",
            )
        seen.add(value)
    limit = LIMIT["field_options"]
    if len(values) > limit:
        findings.add(
            "ZCD710", file, pointer, f"{len(values):,} options; a field holds at most {limit:,}"
        )


def _regexp_problem(pattern: str) -> str | None:
    limit = LIMIT["regexp_length"]
    if len(pattern) > limit:
        return f"the pattern is {len(pattern)} characters; Zendesk stores at most {limit}"
    # Zendesk applies it as a Ruby regular expression. Python's dialect is the close relative we
    # have, and ECMA-262 the other common one: only a pattern that neither reads is refused.
    try:
        re.compile(pattern)
        return None
    except re.error as exc:
        from zcd_schema.project.schema_rules import ecma_regex_problem

        if ecma_regex_problem(pattern) is None:
            return None
        return f"{pattern!r} is not a regular expression: {exc}"


PEOPLE_SECTIONS = {"user_fields": "users", "organization_fields": "organizations"}


def _check_people_fields(
    project: Project, findings: Findings, declared: set[str], hints: Any
) -> None:
    """Lookup fields on users and organizations: keys, targets, and the lookups an object holds."""
    for file in project.files:
        document = findings.documents.get(file)
        value = document.value if document is not None and document.ok else None
        for section in PEOPLE_SECTIONS:
            entries = value.get(section) if isinstance(value, dict) else None
            for key, raw in entries.items() if isinstance(entries, dict) else ():
                pointer = f"/{section}/{escape(key)}"
                _check_key("field", key, file, pointer, findings)
                target = raw.get("target") if isinstance(raw, dict) else None
                if (
                    isinstance(target, str)
                    and target not in LOOKUP_TARGETS
                    and target not in declared
                ):
                    hint = hints(target) if not target.startswith("zen:") else ""
                    findings.add(
                        "ZCD707",
                        file,
                        pointer + "/target",
                        f"{target!r} is neither a "
                        f"custom object of this project nor a Zendesk type{hint}",
                    )
    for section, who in PEOPLE_SECTIONS.items():
        fields = [f for f in getattr(project, section).values() if f.origin is not None]
        limits = [(LIMIT["lookup_fields"], "ZCD710", "")]
        for account in project.settings.accounts.values():
            tier = TIER_LIMITS.get(account.plan_tier or "")
            if tier is not None:
                limits.append(
                    (
                        tier[1],
                        "ZCD711",
                        f" on the {account.plan_tier} plan of account {account.name!r}",
                    )
                )
        for limit, code, why in limits:
            if len(fields) > limit:
                first = fields[limit].origin
                assert first is not None
                findings.add(
                    code,
                    first.file,
                    first.pointer,
                    f"{len(fields)} lookup fields on "
                    f"{who}; an object has at most {limit}{why} (this is number "
                    f"{limit + 1})",
                    key=True,
                )


def _check_limits(project: Project, findings: Findings) -> None:
    objects = [o for o in project.custom_objects.values() if o.origin is not None]
    _over(
        objects,
        LIMIT["custom_objects"],
        "ZCD710",
        "custom objects",
        "an account holds at most",
        findings,
    )
    for obj in objects:
        fields = [f for f in obj.fields if f.origin is not None]
        lookups = [f for f in fields if f.type == "lookup"]
        _over_fields(obj, fields, LIMIT["custom_fields"], "ZCD710", "fields", "", findings)
        _over_fields(obj, lookups, LIMIT["lookup_fields"], "ZCD710", "lookup fields", "", findings)
    for account in project.settings.accounts.values():
        tier = TIER_LIMITS.get(account.plan_tier or "")
        if tier is None:
            continue
        why = f" on the {account.plan_tier} plan of account {account.name!r}"
        _over(
            objects, tier[0], "ZCD711", "custom objects", f"Zendesk allows{why} at most", findings
        )
        for obj in objects:
            lookups = [f for f in obj.fields if f.type == "lookup" and f.origin is not None]
            _over_fields(obj, lookups, tier[1], "ZCD711", "lookup fields", why, findings)
    if project.settings.zaf_app:
        why = " in a ZAF app's custom_objects_v2"
        _over(
            objects,
            ZAF_LIMITS["objects"],
            "ZCD712",
            "custom objects",
            f"Zendesk allows{why} at most",
            findings,
        )
        for obj in objects:
            fields = [f for f in obj.fields if f.origin is not None]
            _over_fields(obj, fields, ZAF_LIMITS["fields"], "ZCD712", "fields", why, findings)
            for kind in ("dropdown", "multiselect"):
                typed = [f for f in fields if f.type == kind]
                _over_fields(
                    obj, typed, ZAF_LIMITS[kind], "ZCD712", f"{kind} fields", why, findings
                )
            for field in fields:
                if len(field.options) > ZAF_LIMITS["options"] and field.origin is not None:
                    findings.add(
                        "ZCD712",
                        field.origin.file,
                        field.origin.pointer + "/options",
                        f"{len(field.options)} options; a field has at most "
                        f"{ZAF_LIMITS['options']}{why}",
                    )


def _over(
    objects: list[CustomObject], limit: int, code: str, what: str, says: str, findings: Findings
) -> None:
    if len(objects) > limit:
        first = objects[limit].origin
        assert first is not None
        findings.add(
            code,
            first.file,
            first.pointer,
            f"{len(objects)} {what} declared; {says} {limit} (this is number {limit + 1})",
            key=True,
        )


def _over_fields(
    obj: CustomObject,
    fields: list[Any],
    limit: int,
    code: str,
    what: str,
    why: str,
    findings: Findings,
) -> None:
    if len(fields) > limit:
        first = fields[limit].origin
        findings.add(
            code,
            first.file,
            first.pointer,
            f"custom object {obj.key!r} has {len(fields)} "
            f"{what}; an object has at most {limit}{why} (this is number {limit + 1})",
            key=True,
        )
