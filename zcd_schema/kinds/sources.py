"""Profile sources and event sources (``profile_sources:``, ``event_sources:``). No Zendesk API
reads them back, so they are only ever compared offline, between two revisions of a project
(``plan --base``); a plan against an account leaves them out and says so.

Risk (contract section 9): removing a source is destructive; removing a type or an identifier
type, adding a required attribute or property, or narrowing one, is breaking; the rest is safe.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from zcd_schema.kinds.base import (
    BREAKING,
    DESTRUCTIVE,
    SAFE,
    Declared,
    Delta,
    Judged,
    Kind,
    KindRead,
    ReadApi,
    worst,
)
from zcd_schema.kinds.schema_changes import judge_schema_changes
from zcd_schema.project.model import Origin, Project


class _DeclaredSource:
    def __init__(self, name: str, source: Any) -> None:
        self.key = name
        self.source = source
        self.origin: Origin | None = source.origin
        self.prevent_destroy = False


class SourceKind(Kind):
    """A profile or an event source with its types."""

    create_fields = ("key", "types")
    update_fields = ("types",)
    offline = True
    steps = ()

    def __init__(self, kind: str) -> None:
        self.what = kind  # "profile" or "event"
        self.name = f"{kind}_source"
        self.label = f"{kind} source"
        self.section = f"{kind}_sources"
        self.collection = ""
        self.schema_name = "attributes" if kind == "profile" else "properties"

    def declared(self, project: Project) -> Mapping[str, Declared]:
        return {
            name: _DeclaredSource(name, s) for name, s in getattr(project, self.section).items()
        }

    def content(self, declared: _DeclaredSource) -> dict[str, Any]:
        types: dict[str, Any] = {}
        for name, declared_type in declared.source.types.items():
            entry: dict[str, Any] = {}
            if self.what == "profile":
                entry["identifier_types"] = list(declared_type.identifier_types)
                if declared_type.attributes is not None:
                    entry["attributes"] = declared_type.attributes
            else:
                if declared_type.description is not None:
                    entry["description"] = declared_type.description
                if declared_type.properties is not None:
                    entry["properties"] = declared_type.properties
            types[name] = entry
        return {"key": declared.key, "types": types}

    def read(self, api: ReadApi) -> KindRead:
        return KindRead({self.name: []})  # no API lists them

    def describe_new(self, content: dict[str, Any]) -> str:
        count = len(content.get("types") or {})
        return f"new {self.label} with {count} type{'' if count == 1 else 's'}"

    def classify(self, delta: Delta) -> Judged:
        if delta.action == "delete":
            return DESTRUCTIVE, (f"removes {self.label} {delta.key} and its types",)
        return super().classify(delta)

    def classify_change(self, delta: Delta) -> Judged:
        before = (delta.before or {}).get("types") or {}
        after = (delta.after or {}).get("types") or {}
        judged: list[tuple[str, str]] = []
        for name in sorted(set(before) | set(after)):
            old, new = before.get(name), after.get(name)
            if new is None:
                judged.append(
                    (BREAKING, f"removes {self.what} type {name}: senders of it are refused")
                )
            elif old is None:
                judged.append((SAFE, f"adds {self.what} type {name}"))
            else:
                judged += self._type_change(name, old, new)
        if not judged:
            judged.append((SAFE, f"changes {delta.key}"))
        order = {DESTRUCTIVE: 0, BREAKING: 1, SAFE: 2}
        judged.sort(key=lambda item: order[item[0]])
        return worst([r for r, _ in judged]), tuple(text for _, text in judged)

    def _type_change(
        self, name: str, old: dict[str, Any], new: dict[str, Any]
    ) -> list[tuple[str, str]]:
        judged: list[tuple[str, str]] = []
        if self.what == "profile":
            old_ids, new_ids = old.get("identifier_types") or [], new.get("identifier_types") or []
            judged += [
                (BREAKING, f"removes identifier type {i} of {name}")
                for i in old_ids
                if i not in new_ids
            ]
            judged += [
                (SAFE, f"adds identifier type {i} to {name}") for i in new_ids if i not in old_ids
            ]
        elif old.get("description") != new.get("description"):
            judged.append((SAFE, f"changes the description of {name}"))
        old_schema, new_schema = old.get(self.schema_name) or {}, new.get(self.schema_name) or {}
        from zcd_schema.planning.diff import differences_between  # planning imports the kinds

        differences = tuple(differences_between(old_schema, new_schema))
        for level, reason in judge_schema_changes(differences, new_schema):
            # the schema checks what is sent from now on: nothing stored is deleted
            judged.append((BREAKING if level == DESTRUCTIVE else level, f"{name}: {reason}"))
        return judged

    def import_into(
        self,
        items: dict[str, dict[str, Any]],
        files: dict[str, dict[str, Any]],
        used_names: set[str],
    ) -> None:
        """Nothing to import: no API reads them back."""


PROFILE_SOURCE = SourceKind("profile")
EVENT_SOURCE = SourceKind("event")
