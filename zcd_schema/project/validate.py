"""Validate a project in three plain steps: read its documents, build the model, check it."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from zcd_schema.diagnostics import ERROR, WARNING, Diagnostic, count
from zcd_schema.errors import ExitCode, InvalidProject
from zcd_schema.project.check import check_project
from zcd_schema.project.load import SETTINGS_FILE, build_project, read_documents
from zcd_schema.project.model import Project


@dataclass(frozen=True)
class ValidationResult:
    project: Project
    diagnostics: tuple[Diagnostic, ...]
    files_checked: int  # schema documents, and zcd.yaml when there is one
    # with the cache on: (files found in it, files read and kept); None when it is off or unusable
    cached: tuple[int, int] | None = None
    cache_off: str | None = None  # why the cache asked for could not be used

    @property
    def errors(self) -> int:
        return count(list(self.diagnostics), ERROR)

    @property
    def warnings(self) -> int:
        return count(list(self.diagnostics), WARNING)

    @property
    def valid(self) -> bool:
        return self.errors == 0

    @property
    def exit_code(self) -> ExitCode:
        return ExitCode.OK if self.valid else ExitCode.INVALID


def validate_project(
    root: Path | str, *, strict: bool = False, cache: bool = False
) -> ValidationResult:
    """Every problem of the project at ``root``, sorted by place; with ``strict`` warnings count as
    errors. With ``cache``, files read and checked before come from the project's cache, and the
    others are kept there (the result is the same)."""
    read = read_documents(root, cache=cache)
    project = build_project(read)
    diagnostics = sorted(read.problems + check_project(read, project), key=Diagnostic.sort_key)
    if read.cache is not None:
        read.cache.save(read.documents, read.checked)
    if strict:
        diagnostics = [d.promoted() for d in diagnostics]
    files_checked = len(project.files) + (project.root / SETTINGS_FILE).is_file()
    cached = (read.cache.hits, len(read.cache.misses)) if read.cache is not None else None
    return ValidationResult(project, tuple(diagnostics), files_checked, cached, read.cache_off)


def valid_project(
    root: Path | str, consequence: str | None = None, *, cache: bool = False
) -> ValidationResult:
    """The validation of a project that must be valid to go on; ``InvalidProject`` otherwise."""
    result = validate_project(root, cache=cache)
    if not result.valid:
        raise InvalidProject(result) if consequence is None else InvalidProject(result, consequence)
    return result


def declared_summary(project: Project) -> str:
    """'3 object types, 2 relationship types, ...' for the lines that close a run."""

    def n(count: int, word: str) -> str:
        return f"{count:,} {word}{'' if count == 1 else 's'}"

    profile_types = sum(len(s.types) for s in project.profile_sources.values())
    event_types = sum(len(s.types) for s in project.event_sources.values())
    fields = sum(len(o.fields) for o in project.custom_objects.values())
    return ", ".join(
        [
            f"{n(len(project.custom_objects), 'custom object')} ({n(fields, 'field')})",
            n(len(project.object_types), "object type"),
            n(len(project.relationship_types), "relationship type"),
            f"{n(len(project.profile_sources), 'profile source')} ({n(profile_types, 'type')})",
            f"{n(len(project.event_sources), 'event source')} ({n(event_types, 'type')})",
        ]
    )
