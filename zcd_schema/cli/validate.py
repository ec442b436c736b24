"""``zcd-schema validate``."""

from __future__ import annotations

from pathlib import Path

import click

from zcd_schema.cli.base import (
    append_summary,
    cli,
    debug_option,
    format_option,
    project_option,
    shown_paths,
    summary_option,
)
from zcd_schema.errors import ExitCode
from zcd_schema.render.formats import VALIDATION_FORMATS


@cli.command()
@project_option
@format_option(
    VALIDATION_FORMATS,
    "text: one line per problem; json; github: workflow annotations; sarif: SARIF 2.1.0.",
)
@click.option("--strict", is_flag=True, help="Treat warnings as errors.")
@summary_option
@debug_option
def validate(project: Path, fmt: str, strict: bool, summary_file: Path | None) -> ExitCode:
    """Check every file of the project, offline: formats, Zendesk's rules, hard limits.

    Exit 0 when valid, 1 when any error (or, with --strict, any warning) is found.
    """
    from zcd_schema.project.validate import validate_project
    from zcd_schema.render.validation import RENDERERS, validation_markdown, validation_summary

    result = validate_project(project, strict=strict)
    display = shown_paths(project)
    click.echo(RENDERERS[fmt](result, display), nl=False)
    if fmt in ("text", "github"):
        click.echo(validation_summary(result, str(project)), err=True)
    if summary_file is not None:
        append_summary(summary_file, lambda budget: validation_markdown(result, display, budget))
    return result.exit_code
