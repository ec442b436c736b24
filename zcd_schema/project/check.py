"""Check a project that was read and built: the structure of every file, keys declared twice, and
Zendesk's rules, references and limits. Every problem becomes a diagnostic; nothing stops early."""

from __future__ import annotations

from zcd_schema.diagnostics import Diagnostic
from zcd_schema.project import rules
from zcd_schema.project.findings import Findings
from zcd_schema.project.load import SECTIONS, SETTINGS_FILE, ProjectFiles
from zcd_schema.project.model import Project
from zcd_schema.project.structure import check_structure
from zcd_schema.project.yamlio import escape

_NOUNS = {
    "custom_objects": "custom object",
    "user_fields": "user field",
    "organization_fields": "organization field",
    "object_types": "object type",
    "relationship_types": "relationship type",
    "profile_sources": "profile source",
    "event_sources": "event source",
}


def check_project(read: ProjectFiles, project: Project) -> list[Diagnostic]:
    findings = Findings(read.documents)
    settings = read.value(SETTINGS_FILE)
    if settings is not None:
        if isinstance(settings, dict):
            check_structure(settings, "config", SETTINGS_FILE, findings)
            rules.check_settings(settings, SETTINGS_FILE, findings)
        else:
            findings.add("ZCD006", SETTINGS_FILE, "", "zcd.yaml must be a mapping of settings")
    for rel in read.files:
        if rel not in read.checked:
            read.checked[rel] = check_document(read, rel)
        findings.diagnostics += read.checked[rel]
    _check_declared_once(read, findings)
    if not read.files:
        findings.add_at(
            "ZCD010",
            ".",
            "",
            "no schema documents (*.yaml, *.yml) found in the project folder",
            1,
            1,
        )
    rules.check_zendesk_rules(project, findings)
    return findings.diagnostics


def check_document(read: ProjectFiles, rel: str) -> list[Diagnostic]:
    """The checks of one schema document on its own: its shape against the document schema. What
    they give depends on the file's bytes alone, so the cache keeps it."""
    findings = Findings(read.documents)
    value = read.value(rel)
    if value is None:
        pass
    elif not isinstance(value, dict):
        findings.add(
            "ZCD006",
            rel,
            "",
            "the top level of a schema document must be a mapping of sections "
            f"({', '.join(SECTIONS)})",
        )
    else:
        check_structure(value, "document", rel, findings)
    return findings.diagnostics


def _check_declared_once(read: ProjectFiles, findings: Findings) -> None:
    """A key may be declared in one place across all files: each later declaration is an error."""
    first: dict[tuple[str, str], tuple[str, str]] = {}  # (section, key) -> (file, pointer)
    for rel in read.files:
        value = read.value(rel)
        if not isinstance(value, dict):
            continue
        for section in SECTIONS:
            entries = value.get(section)
            for key, raw in entries.items() if isinstance(entries, dict) else ():
                if not isinstance(raw, dict):
                    continue
                pointer = f"/{section}/{escape(key)}"
                earlier = first.setdefault((section, key), (rel, pointer))
                if earlier != (rel, pointer):
                    line, column = read.documents[earlier[0]].position(earlier[1], key=True)
                    findings.add(
                        "ZCD204",
                        rel,
                        pointer,
                        f"{_NOUNS[section]} {key!r} is declared twice: "
                        f"first at {earlier[0]}:{line}:{column}",
                        key=True,
                    )
