"""Zendesk's rules across a project: keys and names, references, hard limits, settings.

Each entry is checked where it is written (so a key declared twice is checked at both places);
limits count the merged model. The numbers come from ``limits.LIMIT``.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterator
from typing import Any

from zcd_schema.project.custom_rules import check_custom_objects
from zcd_schema.project.findings import Findings
from zcd_schema.project.limits import LIMIT
from zcd_schema.project.model import LOCAL_ACCOUNT, ZEN_TYPES, Origin, Project
from zcd_schema.project.schema_rules import check_json_schema, check_object_schema
from zcd_schema.project.yamlio import escape
from zcd_schema.urls import url_problem

ZEN_NAME = re.compile(r"^zen:[a-z][a-z_]*$")
TYPE_KEY = re.compile(r"^[A-Za-z0-9-][A-Za-z0-9_-]*$")
ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
RESERVED_SOURCES = {"zendesk"}
ENV_SETTINGS = ("email_env", "token_env", "oauth_token_env")


def _entries(value: Any, section: str) -> Iterator[tuple[str, Any, str]]:
    entries = value.get(section) if isinstance(value, dict) else None
    if isinstance(entries, dict):
        for key, raw in entries.items():
            yield key, raw, f"/{section}/{escape(key)}"


def _hint(name: str, options: Any) -> str:
    close = difflib.get_close_matches(name, list(options), n=1, cutoff=0.6)
    return f"; did you mean {close[0]!r}?" if close else ""


class NameHints:
    """ "did you mean" among many names, in time linear in their number: a few dozen names are
    compared one by one; past that, only the names one deleted character away from the unknown
    one (a typo: a letter missing, added, changed or swapped) are compared. Answers are kept."""

    SMALL = 64

    def __init__(self, names: Any) -> None:
        self.names = list(names)
        self._by_deletion: dict[str, set[str]] | None = None
        self._answers: dict[str, str] = {}

    def __call__(self, name: str) -> str:
        if name not in self._answers:
            self._answers[name] = _hint(name, self._candidates(name))
        return self._answers[name]

    def _candidates(self, name: str) -> list[str]:
        if len(self.names) <= self.SMALL:
            return self.names
        if self._by_deletion is None:
            self._by_deletion = {}
            for known in self.names:
                for variant in _deletions(known):
                    self._by_deletion.setdefault(variant, set()).add(known)
        found: set[str] = set()
        for variant in _deletions(name):
            found |= self._by_deletion.get(variant, set())
        return sorted(found)


def _deletions(word: str) -> set[str]:
    return {word} | {word[:i] + word[i + 1 :] for i in range(len(word))}


def check_zendesk_rules(project: Project, findings: Findings) -> None:
    declared = project.object_types
    hints = NameHints(declared)
    for file in project.files:
        document = findings.documents.get(file)
        if document is None or not document.ok or not isinstance(document.value, dict):
            continue
        value = document.value
        for kind, section in (
            ("object type", "object_types"),
            ("relationship type", "relationship_types"),
        ):
            for key, raw, pointer in _entries(value, section):
                _check_type_key(kind, key, file, pointer, findings)
                if (
                    section == "object_types"
                    and isinstance(raw, dict)
                    and isinstance(raw.get("schema"), dict)
                ):
                    check_object_schema(raw["schema"], pointer + "/schema", file, findings)
                elif section == "relationship_types" and isinstance(raw, dict):
                    _check_relationship(raw, file, pointer, declared, hints, findings)
        for kind, section in (("profile", "profile_sources"), ("event", "event_sources")):
            for name, raw, pointer in _entries(value, section):
                _check_source(kind, name, raw, file, pointer, findings)
    _check_limits(project, findings)
    check_custom_objects(project, findings, NameHints(project.custom_objects))


def _check_type_key(kind: str, key: str, file: str, pointer: str, findings: Findings) -> None:
    low, high = LIMIT["type_key_min"], LIMIT["type_key_max"]
    problem = None
    if not low <= len(key) <= high:
        plural = "" if len(key) == 1 else "s"
        problem = f"is {len(key)} character{plural} long; keys are {low}-{high} characters"
    elif key.startswith("_"):
        problem = "starts with '_'"
    elif not TYPE_KEY.match(key):
        problem = "may hold only letters, digits, '_' and '-'"
    if problem:
        findings.add("ZCD201", file, pointer, f"{kind} key {key!r} {problem}", key=True)


def _check_relationship(
    raw: dict[str, Any],
    file: str,
    pointer: str,
    declared: Any,
    hints: NameHints,
    findings: Findings,
) -> None:
    target = raw.get("target")
    if isinstance(target, list):
        if len(target) != 1:
            findings.add(
                "ZCD402",
                file,
                pointer + "/target",
                f"a one-to-many target is a list of exactly one type, not {len(target)}",
            )
        target_refs = [(t, f"{pointer}/target/{i}") for i, t in enumerate(target)]
    else:
        target_refs = [(target, pointer + "/target")]
    for ref, at in [(raw.get("source"), pointer + "/source"), *target_refs]:
        if not isinstance(ref, str):
            continue  # the structure check reported it
        if ref.startswith("zen:"):
            if not ZEN_NAME.match(ref):
                findings.add(
                    "ZCD403",
                    file,
                    at,
                    f"{ref!r} is not the name of a Zendesk type (zen: and lowercase letters or "
                    f"'_'){_hint(ref, ZEN_TYPES)}",
                )
            elif ref not in ZEN_TYPES:
                findings.add(
                    "ZCD404",
                    file,
                    at,
                    f"{ref!r} is not a Zendesk type zcd-schema knows{_hint(ref, ZEN_TYPES)} "
                    f"(known: {', '.join(ZEN_TYPES)}); Zendesk may refuse it",
                )
        elif ref not in declared:
            findings.add(
                "ZCD401",
                file,
                at,
                f"{ref!r} names no object type declared in this project"
                f"{hints(ref) or _hint(ref, ZEN_TYPES)}",
            )


def _check_name(
    what: str,
    name: str,
    limit: int,
    code: str,
    file: str,
    at: str,
    findings: Findings,
    *,
    key: bool = True,
) -> None:
    if not name:
        findings.add(code, file, at, f"{what} cannot be empty", key=key)
    elif len(name) > limit:
        findings.add(
            code,
            file,
            at,
            f"{what} {name!r} is {len(name)} characters; the limit is {limit}",
            key=key,
        )
    elif ":" in name:
        # Profiles are addressed as source:type:identifier_type:value, so ':' would break lookups.
        findings.add(
            code,
            file,
            at,
            f"{what} {name!r} contains ':', the separator of profile identifiers",
            key=key,
        )


def _check_source(
    kind: str, name: str, raw: Any, file: str, pointer: str, findings: Findings
) -> None:
    limit = LIMIT[f"{kind}_name"]
    _check_name(f"{kind} source name", name, limit, "ZCD202", file, pointer, findings)
    if name.lower() in RESERVED_SOURCES:
        findings.add(
            "ZCD203",
            file,
            pointer,
            f"{name!r} is a source name Zendesk reserves for itself",
            key=True,
        )
    types = raw.get("types") if isinstance(raw, dict) else None
    if not isinstance(types, dict):
        return
    for type_name, t in types.items():
        at = f"{pointer}/types/{escape(type_name)}"
        _check_name(f"{kind} type name", type_name, limit, "ZCD202", file, at, findings)
        if not isinstance(t, dict):
            continue
        if kind == "profile":
            _check_identifier_types(
                t.get("identifier_types"), file, at + "/identifier_types", findings
            )
            if isinstance(t.get("attributes"), dict):
                check_json_schema(t["attributes"], at + "/attributes", file, findings)
                _check_string_attributes(t["attributes"], at + "/attributes", file, findings)
        elif isinstance(t.get("properties"), dict):
            check_json_schema(t["properties"], at + "/properties", file, findings)


def _check_identifier_types(ids: Any, file: str, at: str, findings: Findings) -> None:
    if not isinstance(ids, list):
        return
    limit = LIMIT["identifier_types"]
    if not ids:
        findings.add("ZCD505", file, at, "a profile type needs at least one identifier type")
    elif len(ids) > limit:
        findings.add(
            "ZCD505", file, at, f"{len(ids)} identifier types; a profile type has at most {limit}"
        )
    seen: set[str] = set()
    for i, name in enumerate(ids):
        if not isinstance(name, str):
            continue
        _check_name(
            "identifier type",
            name,
            LIMIT["identifier_name"],
            "ZCD205",
            file,
            f"{at}/{i}",
            findings,
            key=False,
        )
        if name in seen:
            findings.add("ZCD205", file, f"{at}/{i}", f"identifier type {name!r} is listed twice")
        seen.add(name)


def _check_string_attributes(
    schema: dict[str, Any], at: str, file: str, findings: Findings
) -> None:
    properties = schema.get("properties")
    if not isinstance(properties, dict):
        return
    for name, sub in properties.items():
        kind = sub.get("type") if isinstance(sub, dict) else None
        kinds = kind if isinstance(kind, list) else [kind]
        if kind is not None and kinds != ["string"]:
            findings.add(
                "ZCD314",
                file,
                f"{at}/properties/{escape(name)}/type",
                f"profile attributes hold text only; {name!r} is declared as {kind!r}",
            )


def _check_limits(project: Project, findings: Findings) -> None:
    def over(code: str, limit_name: str, what: str, origins: list[Origin]) -> None:
        limit = LIMIT[limit_name]
        if len(origins) > limit:
            first = origins[limit]
            findings.add(
                code,
                first.file,
                first.pointer,
                f"{len(origins):,} {what} declared; an account holds at most {limit:,} "
                f"(this is number {limit + 1:,})",
                key=True,
            )

    over(
        "ZCD501",
        "object_types",
        "object types",
        [t.origin for t in project.object_types.values() if t.origin],
    )
    over(
        "ZCD502",
        "relationship_types",
        "relationship types",
        [t.origin for t in project.relationship_types.values() if t.origin],
    )
    over(
        "ZCD503",
        "profile_sources",
        "profile sources",
        [s.origin for s in project.profile_sources.values()],
    )
    over(
        "ZCD504",
        "profile_types",
        "profile types",
        [t.origin for s in project.profile_sources.values() for t in s.types.values()],
    )
    over(
        "ZCD506",
        "event_sources",
        "event sources",
        [s.origin for s in project.event_sources.values()],
    )
    over(
        "ZCD507",
        "event_types",
        "event types",
        [t.origin for s in project.event_sources.values() for t in s.types.values()],
    )


def _looks_secret(value: str) -> bool:
    """A credential pasted where a variable name belongs: an email address, or a token.

    Zendesk API tokens are 40 letters and digits, OAuth tokens 64 hex digits; variable names
    almost always have an underscore (ZENDESK_API_TOKEN) or are short.
    """
    if "@" in value:
        return True
    return (
        len(value) >= 20
        and "_" not in value
        and any(c.isdigit() for c in value)
        and any(c.isalpha() for c in value)
    )


def check_settings(value: dict[str, Any], file: str, findings: Findings) -> None:
    accounts = value.get("accounts")
    names = set(accounts) if isinstance(accounts, dict) else set()
    default = value.get("default_account")
    if isinstance(default, str) and default != LOCAL_ACCOUNT and default not in names:
        findings.add(
            "ZCD605",
            file,
            "/default_account",
            f"default_account {default!r} is not 'local' nor an account of "
            f"'accounts'{_hint(default, names)}",
        )
    for name, raw, pointer in _entries(value, "accounts"):
        if name == LOCAL_ACCOUNT:
            findings.add(
                "ZCD203",
                file,
                pointer,
                "'local' is the built-in emulator account; choose another name",
                key=True,
            )
        if not isinstance(raw, dict):
            continue
        has = [k for k in ("subdomain", "url") if isinstance(raw.get(k), str)]
        if len(has) != 1:
            findings.add(
                "ZCD603",
                file,
                pointer,
                f"account {name!r} needs exactly one of 'subdomain' or 'url'"
                + (", not both" if len(has) == 2 else ""),
                key=True,
            )
        if isinstance(raw.get("url"), str):
            problem = url_problem(raw["url"])
            if problem:
                findings.add("ZCD604", file, pointer + "/url", problem)
        for setting in ENV_SETTINGS:
            env = raw.get(setting)
            if not isinstance(env, str):
                continue
            at = f"{pointer}/{setting}"
            if _looks_secret(env):
                findings.add(
                    "ZCD601",
                    file,
                    at,
                    f"{setting} looks like the credential itself; it must be the NAME of "
                    "the environment variable holding it (the value is not shown here)",
                )
            elif not ENV_NAME.match(env):
                findings.add(
                    "ZCD602",
                    file,
                    at,
                    f"{setting} must be the name of an environment variable "
                    "(letters, digits and '_', not starting with a digit)",
                )
