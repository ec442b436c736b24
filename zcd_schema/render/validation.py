"""Validation results as text, JSON, GitHub workflow annotations, SARIF 2.1.0 and a markdown
summary.

``display`` maps a file (relative to the project root) to the path shown to the user: relative to
the working directory, so that terminals, editors and GitHub (which runs from the repository root)
can open it. The JSON format keeps paths relative to the project root, as the contract says.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from zcd_schema import PROJECT_URL, __version__
from zcd_schema.diagnostics import CODES, ERROR, INFO, WARNING, Diagnostic, one_line
from zcd_schema.project.validate import ValidationResult, declared_summary
from zcd_schema.render.github import Annotation, render_annotations

Display = Callable[[str], str]

CODES_URL = PROJECT_URL + "#diagnostic-codes"


# severity -> (GitHub annotation level, SARIF level)
_LEVELS = {ERROR: ("error", "error"), WARNING: ("warning", "warning"), INFO: ("notice", "note")}


def diagnostic_line(d: Diagnostic, display: Display) -> str:
    where = f": {one_line(d.pointer)}" if d.pointer else ""
    shown = one_line(display(d.file))
    return f"{shown}:{d.line}:{d.column}: {d.severity}[{d.code}]{where}: {one_line(d.message)}"


def validation_summary(result: ValidationResult, where: str) -> str:
    files = result.files_checked
    checked = f"{files} file{'' if files == 1 else 's'} in {where}"
    if result.errors or result.warnings:
        e, w = result.errors, result.warnings
        return f"{e} error{'' if e == 1 else 's'}, {w} warning{'' if w == 1 else 's'} ({checked})"
    return f"valid: {checked}: {declared_summary(result.project)}"


def validation_text(result: ValidationResult, display: Display) -> str:
    return "".join(diagnostic_line(d, display) + "\n" for d in result.diagnostics)


def validation_json(result: ValidationResult) -> str:
    document = {
        "valid": result.valid,
        "errors": result.errors,
        "warnings": result.warnings,
        "diagnostics": [d.to_json() for d in result.diagnostics],
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def validation_github(result: ValidationResult, display: Display) -> str:
    """Annotations, errors first, at most 10 per level (see ``render.github``)."""
    items = [
        Annotation(
            _LEVELS[d.severity][0],
            f"{d.pointer}: {d.message}" if d.pointer else d.message,
            diagnostic_line(d, display),
            file=display(d.file),
            line=d.line,
            column=d.column,
            title=d.code,
        )
        for d in result.diagnostics
    ]
    return render_annotations(items, {"error": "errors", "warning": "warnings", "notice": "notes"})


def validation_sarif(result: ValidationResult, display: Display) -> str:
    codes = list(CODES.values())
    index = {c.code: i for i, c in enumerate(codes)}
    rules = [
        {
            "id": c.code,
            "name": c.code,
            "shortDescription": {"text": c.summary},
            "defaultConfiguration": {"level": _LEVELS[c.severity][1]},
            "helpUri": CODES_URL,
        }
        for c in codes
    ]
    results = []
    for d in result.diagnostics:
        location: dict[str, Any] = {
            "physicalLocation": {
                "artifactLocation": {"uri": display(d.file)},
                "region": {"startLine": d.line, "startColumn": d.column},
            },
        }
        if d.pointer:
            location["logicalLocations"] = [{"fullyQualifiedName": d.pointer, "kind": "member"}]
        results.append(
            {
                "ruleId": d.code,
                "ruleIndex": index[d.code],
                "level": _LEVELS[d.severity][1],
                "message": {"text": f"{d.pointer}: {d.message}" if d.pointer else d.message},
                "locations": [location],
            }
        )
    log = {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "zcd-schema",
                        "version": __version__,
                        "semanticVersion": __version__,
                        "informationUri": PROJECT_URL,
                        "rules": rules,
                    }
                },
                "columnKind": "unicodeCodePoints",
                "results": results,
            }
        ],
    }
    return json.dumps(log, indent=2, ensure_ascii=False) + "\n"


def validation_markdown(
    result: ValidationResult,
    display: Display,
    limit: int = 1 << 20,
    command: str = "validate",
) -> str:
    """For a job summary: the verdict, then a table of the diagnostics, cut (and said so) to fit
    ``limit`` bytes."""
    head = [f"## zcd-schema {command}", ""]
    if result.valid and not result.diagnostics:
        return (
            "\n".join(
                [*head, f"Valid: {result.files_checked} files, {declared_summary(result.project)}."]
            )
            + "\n"
        )
    verdict = "Valid, with warnings" if result.valid else "**Invalid**"
    head += [
        (
            f"{verdict}: {result.errors} error{'' if result.errors == 1 else 's'}, "
            f"{result.warnings} warning{'' if result.warnings == 1 else 's'} "
            f"in {result.files_checked} files."
        ),
        "",
        "| where | severity | code | problem |",
        "|---|---|---|---|",
    ]
    text = "\n".join(head) + "\n"
    for rows, d in enumerate(result.diagnostics):
        message = (f"`{d.pointer}`: " if d.pointer else "") + d.message
        row = (
            f"| `{display(d.file)}:{d.line}:{d.column}` | {d.severity} | {d.code} | "
            f"{message.replace('|', chr(92) + '|').replace(chr(10), ' ')} |\n"
        )
        if len((text + row).encode()) > limit - 200:
            left = len(result.diagnostics) - rows
            text += f"\n_{left} more not shown here (summary size limit); see the job log._\n"
            break
        text += row
    return text


RENDERERS: dict[str, Callable[[ValidationResult, Display], str]] = {
    "text": validation_text,
    "json": lambda result, display: validation_json(result),
    "github": validation_github,
    "sarif": validation_sarif,
}
FORMATS = tuple(RENDERERS)
