"""The core of ``migrate``: a project's legacy declarations written out as custom objects (and
lookup fields on users and organizations) in a new folder, with a diagnostic per decision and a
markdown report. Profile sources, event sources and zcd.yaml are carried over as they are."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from zcd_schema import __version__
from zcd_schema.commands.writing import write_new_files
from zcd_schema.errors import UsageError
from zcd_schema.project.legacy_mapping import Migration, migrate
from zcd_schema.project.load import SETTINGS_FILE, build_project, read_documents
from zcd_schema.project.validate import ValidationResult, valid_project, validate_project

KEPT_SECTIONS = ("profile_sources", "event_sources")


@dataclass(frozen=True)
class MigrationResult:
    migration: Migration
    legacy: ValidationResult  # the legacy project, with the migration's diagnostics
    written: list[Path]
    destination: Path
    validation: ValidationResult  # of what was written

    @property
    def exit_code(self) -> int:
        """1 when something needs a person (or what was written is invalid), else 0."""
        return 1 if self.migration.errors or not self.validation.valid else 0


def migrate_project(root: Path, out: Path) -> MigrationResult:
    checked = valid_project(root, "nothing was migrated")
    read = read_documents(root)
    project = build_project(read)
    if not project.object_types and not project.relationship_types:
        raise UsageError(
            f"{root} declares no object_types or relationship_types: nothing to migrate"
        )
    migration = migrate(project, read.documents)
    files = _files(migration, read.documents, project.files)
    header = f"# Migrated from legacy declarations in {root} by zcd-schema {__version__}.\n"
    written = write_new_files(out, files, header, root / SETTINGS_FILE, "migrate")
    legacy = ValidationResult(checked.project, tuple(migration.diagnostics), checked.files_checked)
    return MigrationResult(migration, legacy, written, out, validate_project(out))


def _files(
    migration: Migration, documents: dict[str, Any], sources: tuple[str, ...]
) -> dict[str, dict[str, Any]]:
    files: dict[str, dict[str, Any]] = {}
    for key, declaration in sorted(migration.custom_objects.items()):
        files[f"custom_objects/{key}.yaml"] = {"custom_objects": {key: declaration}}
    for section in ("user_fields", "organization_fields"):
        fields = getattr(migration, section)
        if fields:
            files[f"{section}.yaml"] = {section: dict(sorted(fields.items()))}
    for rel in sources:  # profile and event sources, as they were, in files of the same names
        value = documents[rel].value if rel in documents and documents[rel].ok else None
        kept = (
            {k: v for k, v in value.items() if k in KEPT_SECTIONS}
            if isinstance(value, dict)
            else {}
        )
        if kept:
            files[rel] = kept
    return files


def report_markdown(result: MigrationResult) -> str:
    """A migration report a team can attach to its pull request: a table per object."""
    migration = result.migration
    counts = {
        s: sum(1 for d in migration.diagnostics if d.severity == s)
        for s in ("info", "warning", "error")
    }
    out = [
        "## Migration from Legacy Custom Objects",
        "",
        (
            f"{len(migration.custom_objects)} custom objects, {len(migration.user_fields)} "
            f"lookup fields on users, {len(migration.organization_fields)} on organizations. "
            f"{counts['error']} decisions need a person, {counts['warning']} lose something, "
            f"{counts['info']} are faithful."
        ),
        "",
    ]
    for key, rows in sorted(migration.report.items()):
        out += [f"### `{key}`", "", "| legacy | field | type | lost |", "|---|---|---|---|"]
        out += [
            f"| `{r.legacy}` | {f'`{r.field}`' if r.field else '—'} | {r.type or '—'} | "
            f"{_cell(r.lost) or '—'} |"
            for r in rows
        ]
        out.append("")
    needing = [d for d in migration.diagnostics if d.severity == "error"]
    if needing:
        out += ["### Needs a person", ""]
        out += [f"- `{d.file}:{d.line}`: {_cell(d.message)}" for d in needing]
        out.append("")
    return "\n".join(out)


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")
