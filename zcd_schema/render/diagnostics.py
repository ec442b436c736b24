"""Validation results as text, JSON, GitHub workflow annotations and SARIF 2.1.0.

``display`` maps a file (relative to the project root) to the path shown to the user: relative to
the working directory, so that terminals, editors and GitHub (which runs from the repository root)
can open it. The JSON format keeps paths relative to the project root, as the contract says.
"""

from __future__ import annotations

import json
from collections.abc import Callable

from zcd_schema import PROJECT_URL, __version__
from zcd_schema.diagnostics import CODES, ERROR, WARNING, Diagnostic
from zcd_schema.validate import ValidationResult, declared_summary

Display = Callable[[str], str]

GITHUB_ANNOTATIONS_PER_LEVEL = 10  # GitHub shows at most 10 annotations of each level per step
CODES_URL = PROJECT_URL + "#diagnostic-codes"


def _line(d: Diagnostic, display: Display) -> str:
    where = f": {d.pointer}" if d.pointer else ""
    return f"{display(d.file)}:{d.line}:{d.column}: {d.severity}[{d.code}]{where}: {d.message}"


def summary_line(result: ValidationResult, where: str) -> str:
    files = result.files_checked
    checked = f"{files} file{'' if files == 1 else 's'} in {where}"
    if result.errors or result.warnings:
        e, w = result.errors, result.warnings
        return (f"{e} error{'' if e == 1 else 's'}, {w} warning{'' if w == 1 else 's'} "
                f"({checked})")
    return f"valid: {checked}: {declared_summary(result.project)}"


def render_text(result: ValidationResult, display: Display) -> str:
    return "".join(_line(d, display) + "\n" for d in result.diagnostics)


def render_json(result: ValidationResult) -> str:
    document = {
        "valid": result.valid,
        "errors": result.errors,
        "warnings": result.warnings,
        "diagnostics": [
            {"severity": d.severity, "code": d.code, "file": d.file, "line": d.line, "column": d.column,
             "pointer": d.pointer, "message": d.message}
            for d in result.diagnostics
        ],
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def github_annotation(level: str, message: str, *, file: str | None = None, line: int | None = None,
                      column: int | None = None, title: str | None = None) -> str:
    """One workflow command (``::error file=...,line=...::message``), escaped as GitHub requires."""
    props = []
    if file is not None:
        props.append(f"file={_escape_property(file)}")
    if line is not None:
        props.append(f"line={line}")
    if column is not None:
        props.append(f"col={column}")
    if title is not None:
        props.append(f"title={_escape_property(title)}")
    return f"::{level} {','.join(props)}::{_escape_data(message)}" if props else f"::{level}::{_escape_data(message)}"


def render_github(result: ValidationResult, display: Display) -> str:
    """Annotations, errors first, at most 10 per level: the tenth says how many more there are.

    Diagnostics beyond the cap are still printed, as plain log lines, so nothing is lost.
    """
    out: list[str] = []
    rest: list[Diagnostic] = []
    for severity, level in ((ERROR, "error"), (WARNING, "warning")):
        items = [d for d in result.diagnostics if d.severity == severity]
        cap = GITHUB_ANNOTATIONS_PER_LEVEL
        shown = items if len(items) <= cap else items[: cap - 1]
        for d in shown:
            message = f"{d.pointer}: {d.message}" if d.pointer else d.message
            out.append(github_annotation(level, message, file=display(d.file), line=d.line, column=d.column,
                                         title=f"{d.code}"))
        if len(items) > len(shown):
            more = len(items) - len(shown)
            out.append(github_annotation(
                level, f"+{more} more {severity}s not shown as annotations (GitHub shows {cap} per step); "
                       "they are listed in the log", title="zcd-schema"))
            rest.extend(items[len(shown):])
    out.extend(_line(d, display) for d in rest)
    return "".join(line + "\n" for line in out)


def render_sarif(result: ValidationResult, display: Display) -> str:
    codes = list(CODES.values())
    index = {c.code: i for i, c in enumerate(codes)}
    rules = [
        {"id": c.code, "name": c.code, "shortDescription": {"text": c.summary},
         "defaultConfiguration": {"level": "error" if c.severity == ERROR else "warning"},
         "helpUri": CODES_URL}
        for c in codes
    ]
    results = []
    for d in result.diagnostics:
        location = {
            "physicalLocation": {
                "artifactLocation": {"uri": display(d.file)},
                "region": {"startLine": d.line, "startColumn": d.column},
            },
        }
        if d.pointer:
            location["logicalLocations"] = [{"fullyQualifiedName": d.pointer, "kind": "member"}]
        results.append({
            "ruleId": d.code, "ruleIndex": index[d.code],
            "level": "error" if d.severity == ERROR else "warning",
            "message": {"text": f"{d.pointer}: {d.message}" if d.pointer else d.message},
            "locations": [location],
        })
    log = {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {"name": "zcd-schema", "version": __version__, "semanticVersion": __version__,
                                "informationUri": PROJECT_URL, "rules": rules}},
            "columnKind": "unicodeCodePoints",
            "results": results,
        }],
    }
    return json.dumps(log, indent=2, ensure_ascii=False) + "\n"

