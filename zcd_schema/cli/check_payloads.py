"""``zcd-schema check-payloads``."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from zcd_schema.cli.base import (
    append_summary,
    cli,
    debug_option,
    format_option,
    project_option,
    summary_option,
)
from zcd_schema.errors import ExitCode, UsageError
from zcd_schema.render.formats import VALIDATION_FORMATS

CONSEQUENCE = "no payload was checked"


@cli.command("check-payloads")
@click.argument("files", nargs=-1, required=True, metavar="FILE...")
@project_option
@click.option(
    "--object",
    "object_key",
    default=None,
    metavar="KEY",
    help="The custom object the records belong to (else each record's custom_object_key).",
)
@format_option(
    VALIDATION_FORMATS,
    "text: one line per problem, printed as found; json; github: workflow annotations; "
    "sarif: SARIF 2.1.0.",
)
@click.option("--strict", is_flag=True, help="Treat warnings as errors.")
@click.option(
    "--no-cache",
    is_flag=True,
    help="Read the project's files afresh; neither read nor write <project>/.zcd/cache/.",
)
@summary_option
@debug_option
def check_payloads(
    files: tuple[str, ...],
    project: Path,
    object_key: str | None,
    fmt: str,
    strict: bool,
    no_cache: bool,
    summary_file: Path | None,
) -> ExitCode:
    """Check sample events, profiles and custom object records against the declarations, offline.

    FILE is JSON (one payload, or an array of them) or NDJSON (one payload per line); '-' reads
    stdin. Exit 0 when every payload passes, 1 when any error (or, with --strict, any warning)
    is found.
    """
    from zcd_schema.diagnostics import Diagnostic
    from zcd_schema.payloads import PayloadChecker, check_files
    from zcd_schema.project.validate import ValidationResult, valid_project
    from zcd_schema.render.validation import RENDERERS, diagnostic_line, validation_markdown

    model = valid_project(project, CONSEQUENCE, cache=not no_cache).project
    if object_key is not None and object_key not in model.custom_objects:
        declared = ", ".join(sorted(model.custom_objects)) or "none"
        raise UsageError(
            f"--object {object_key}: no such custom object in {project} (declared: {declared})"
        )
    found: list[Diagnostic] = []
    streaming = fmt == "text" and summary_file is None

    def report(diagnostic: Diagnostic) -> None:
        if streaming:
            click.echo(diagnostic_line(diagnostic, _same))
        else:
            found.append(diagnostic)

    checker = PayloadChecker(model, object_key)
    tally = check_files(checker, files, report, sys.stdin, strict=strict)
    result = ValidationResult(model, tuple(found), tally.files)
    if not streaming:
        click.echo(RENDERERS[fmt](result, _same), nl=False)
    click.echo(_summary(tally.payloads, tally.files, tally.errors, tally.warnings), err=True)
    if summary_file is not None:
        append_summary(
            summary_file,
            lambda budget: validation_markdown(result, _same, budget, "check-payloads"),
        )
    return ExitCode.INVALID if tally.errors else ExitCode.OK


def _same(file: str) -> str:
    return file  # payload files are shown as they were named


def _summary(payloads: int, files: int, errors: int, warnings: int) -> str:
    checked = (
        f"{payloads:,} payload{'' if payloads == 1 else 's'} in "
        f"{files} file{'' if files == 1 else 's'}"
    )
    if errors or warnings:
        return (
            f"{errors} error{'' if errors == 1 else 's'}, "
            f"{warnings} warning{'' if warnings == 1 else 's'} ({checked})"
        )
    return f"valid: {checked}"
