"""Find a project's files, load them, and merge their declarations into one ``Project``.

Loading never stops at the first problem: every file is read, every problem becomes a diagnostic,
and the model holds whatever was well-formed enough to check further.
"""

from __future__ import annotations

import fnmatch
import os
from pathlib import Path
from typing import Any

from zcd_schema.diagnostics import Diagnostic
from zcd_schema.errors import UsageError
from zcd_schema.project import rules
from zcd_schema.project.model import (
    Account,
    EventSource,
    EventType,
    ObjectType,
    Origin,
    ProfileSource,
    ProfileType,
    Project,
    RelationshipType,
    Settings,
)
from zcd_schema.project.report import Reporter
from zcd_schema.project.structure import check_structure
from zcd_schema.project.yamlio import MAX_FILE_BYTES, Document, escape, load_bytes, too_large

SETTINGS_FILE = "zcd.yaml"
SECTIONS = ("object_types", "relationship_types", "profile_sources", "event_sources")


def find_documents(root: Path, exclude: tuple[str, ...] = ()) -> list[str]:
    """Schema documents below ``root``: every *.yaml / *.yml but zcd.yaml, hidden entries and ``exclude``."""
    found: list[str] = []
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        rel_folder = os.path.relpath(folder, root)
        for name in sorted(files):
            if name.startswith(".") or not name.endswith((".yaml", ".yml")):
                continue
            rel = name if rel_folder == "." else f"{rel_folder}/{name}".replace(os.sep, "/")
            if rel == SETTINGS_FILE or any(fnmatch.fnmatch(rel, pattern) for pattern in exclude):
                continue
            found.append(rel)
    return found


def _read(root: Path, rel: str, report: Reporter) -> Document | None:
    path = root / rel
    try:
        size = path.stat().st_size
        document = too_large(size) if size > MAX_FILE_BYTES else load_bytes(path.read_bytes())
    except OSError as exc:
        report.add_at("ZCD014", rel, "", f"cannot read the file: {exc.strerror or exc}", 1, 1)
        return None
    report.documents[rel] = document
    for issue in document.issues:
        report.add_at(issue.code, rel, issue.pointer, issue.message, issue.line, issue.column)
    return document


def load_project(root: Path | str) -> tuple[Project, list[Diagnostic]]:
    """Load and check the project at ``root``: the model and every diagnostic, sorted by place."""
    root = Path(root)
    if not root.is_dir():
        raise UsageError(f"project directory not found: {root}")
    report = Reporter()
    settings = _load_settings(root, report)
    files = find_documents(root, settings.exclude)
    builder = _Builder(report)
    for rel in files:
        document = _read(root, rel, report)
        if document is None or not document.ok or document.value is None:
            continue
        if not isinstance(document.value, dict):
            report.add("ZCD006", rel, "", "the top level of a schema document must be a mapping of sections "
                       f"({', '.join(SECTIONS)})")
            continue
        check_structure(document.value, "document", rel, report)
        builder.add_document(rel, document.value)
    project = Project(
        root=root, settings=settings, files=tuple(files),
        object_types=builder.object_types, relationship_types=builder.relationship_types,
        profile_sources=builder.profile_sources, event_sources=builder.event_sources,
    )
    if not files:
        report.add_at("ZCD010", ".", "", "no schema documents (*.yaml, *.yml) found in the project folder", 1, 1)
    rules.check_project(project, report)
    return project, sorted(report.diagnostics, key=Diagnostic.sort_key)


def _load_settings(root: Path, report: Reporter) -> Settings:
    if not (root / SETTINGS_FILE).is_file():
        return Settings()
    document = _read(root, SETTINGS_FILE, report)
    if document is None or not document.ok or document.value is None:
        return Settings()
    value = document.value
    if not isinstance(value, dict):
        report.add("ZCD006", SETTINGS_FILE, "", "zcd.yaml must be a mapping of settings")
        return Settings()
    check_structure(value, "config", SETTINGS_FILE, report)
    accounts: dict[str, Account] = {}
    raw_accounts = value.get("accounts")
    if isinstance(raw_accounts, dict):
        for name, raw in raw_accounts.items():
            if isinstance(raw, dict):
                accounts[name] = _account(name, raw)
    rules.check_settings(value, SETTINGS_FILE, report)
    default = value.get("default_account")
    exclude = value.get("exclude")
    return Settings(
        default_account=default if isinstance(default, str) and default else "local",
        prune=value.get("prune") is True,
        prune_line=document.position("/prune", key=True)[0] if "prune" in value else None,
        exclude=tuple(p for p in exclude if isinstance(p, str)) if isinstance(exclude, list) else (),
        accounts=accounts,
    )


def _account(name: str, raw: dict[str, Any]) -> Account:
    fields: dict[str, Any] = {}
    for key in ("subdomain", "url", "email_env", "token_env", "oauth_token_env"):
        if isinstance(raw.get(key), str):
            fields[key] = raw[key]
    rpm = raw.get("requests_per_minute")
    if isinstance(rpm, int) and not isinstance(rpm, bool) and rpm > 0:
        fields["requests_per_minute"] = rpm
    return Account(name=name, **fields)


class _Builder:
    """Merges documents into the model; a second declaration of a key is reported, the first kept."""

    def __init__(self, report: Reporter) -> None:
        self.report = report
        self.object_types: dict[str, ObjectType] = {}
        self.relationship_types: dict[str, RelationshipType] = {}
        self.profile_sources: dict[str, ProfileSource] = {}
        self.event_sources: dict[str, EventSource] = {}

    def _first(self, kind: str, table: dict[str, Any], key: str, origin: Origin) -> bool:
        earlier = table.get(key)
        if earlier is None:
            return True
        first = self.report.documents[earlier.origin.file].position(earlier.origin.pointer, key=True)
        self.report.add("ZCD204", origin.file, origin.pointer,
                        f"{kind} {key!r} is declared twice: first at {earlier.origin.file}:{first[0]}:{first[1]}",
                        key=True)
        return False

    def add_document(self, file: str, value: dict[str, Any]) -> None:
        for section in SECTIONS:
            entries = value.get(section)
            if not isinstance(entries, dict):
                continue
            for key, raw in entries.items():
                pointer = f"/{section}/{escape(key)}"
                origin = Origin(file, pointer, *self.report.documents[file].position(pointer, key=True))
                if isinstance(raw, dict):
                    getattr(self, "_" + section)(key, raw, origin)

    def _object_types(self, key: str, raw: dict[str, Any], origin: Origin) -> None:
        if self._first("object type", self.object_types, key, origin):
            schema = raw.get("schema")
            self.object_types[key] = ObjectType(
                key=key, schema=schema if isinstance(schema, dict) else {}, origin=origin,
                prevent_destroy=raw.get("prevent_destroy") is True,
            )

    def _relationship_types(self, key: str, raw: dict[str, Any], origin: Origin) -> None:
        if self._first("relationship type", self.relationship_types, key, origin):
            source, target = raw.get("source"), raw.get("target")
            one_to_many = isinstance(target, list)
            if isinstance(target, list):
                target = target[0] if len(target) == 1 else None
            if isinstance(source, str) and isinstance(target, str):
                self.relationship_types[key] = RelationshipType(
                    key=key, source=source, target=target, one_to_many=one_to_many, origin=origin,
                    prevent_destroy=raw.get("prevent_destroy") is True,
                )

    def _profile_sources(self, name: str, raw: dict[str, Any], origin: Origin) -> None:
        if not self._first("profile source", self.profile_sources, name, origin):
            return
        types: dict[str, ProfileType] = {}
        for type_name, t in _entries(raw.get("types")):
            ids = t.get("identifier_types")
            attributes = t.get("attributes")
            types[type_name] = ProfileType(
                name=type_name,
                identifier_types=tuple(i for i in ids if isinstance(i, str)) if isinstance(ids, list) else (),
                origin=Origin(origin.file, f"{origin.pointer}/types/{escape(type_name)}"),
                attributes=attributes if isinstance(attributes, dict) else None,
            )
        self.profile_sources[name] = ProfileSource(name, types, origin)

    def _event_sources(self, name: str, raw: dict[str, Any], origin: Origin) -> None:
        if not self._first("event source", self.event_sources, name, origin):
            return
        types: dict[str, EventType] = {}
        for type_name, t in _entries(raw.get("types")):
            description, properties = t.get("description"), t.get("properties")
            types[type_name] = EventType(
                name=type_name,
                origin=Origin(origin.file, f"{origin.pointer}/types/{escape(type_name)}"),
                description=description if isinstance(description, str) else None,
                properties=properties if isinstance(properties, dict) else None,
            )
        self.event_sources[name] = EventSource(name, types, origin)


def _entries(value: Any) -> list[tuple[str, dict[str, Any]]]:
    if not isinstance(value, dict):
        return []
    return [(k, v) for k, v in value.items() if isinstance(v, dict)]
