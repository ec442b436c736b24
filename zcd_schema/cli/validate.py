"""``zcd-schema validate``."""

from __future__ import annotations

from pathlib import Path

import click

from zcd_schema.cli.base import (
    append_summary,
    cli,
    debug_option,
    flags,
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
@click.option(
    "--no-cache",
    is_flag=True,
    help="Read and check every file afresh; neither read nor write <project>/.zcd/cache/.",
)
@summary_option
@debug_option
def validate(
    project: Path, fmt: str, strict: bool, no_cache: bool, summary_file: Path | None
) -> ExitCode:
    """Check every file of the project, offline: formats, Zendesk's rules, hard limits.

    Exit 0 when valid, 1 when any error (or, with --strict, any warning) is found. Files
    read and checked before are taken from <project>/.zcd/cache/ (found by their content, so
    never stale); the result is the same with --no-cache.
    """
    from zcd_schema.project.validate import validate_project
    from zcd_schema.render.validation import RENDERERS, validation_markdown, validation_summary

    result = validate_project(project, strict=strict, cache=not no_cache)
    if flags().debug and not no_cache:
        if result.cached is None:
            line = f"off: {result.cache_off}"
        else:
            line = f"{result.cached[0]} file(s) unchanged, {result.cached[1]} read and kept"
        click.echo(f"debug: cache: {line}", err=True)
    display = shown_paths(project)
    click.echo(RENDERERS[fmt](result, display), nl=False)
    if fmt in ("text", "github"):
        click.echo(validation_summary(result, str(project)), err=True)
    if summary_file is not None:
        append_summary(summary_file, lambda budget: validation_markdown(result, display, budget))
    return result.exit_code
