"""``zcd-schema migrate``."""

from __future__ import annotations

from pathlib import Path

import click

from zcd_schema.cli.base import cli, debug_option, format_option, project_option, shown_paths
from zcd_schema.render.formats import VALIDATION_FORMATS


@cli.command()
@project_option
@click.option(
    "--out",
    "out",
    type=click.Path(file_okay=False, path_type=Path),
    required=True,
    metavar="DIR",
    help="Where to write the migrated project (existing files are never overwritten).",
)
@format_option(
    VALIDATION_FORMATS,
    "How the decisions are shown: text, json, github (annotations at the "
    "legacy declarations) or sarif.",
)
@click.option(
    "--report",
    "report",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    metavar="FILE",
    help="Also write a markdown migration report (a table per object) to FILE.",
)
@debug_option
def migrate(project: Path, out: Path, fmt: str, report: Path | None) -> int:
    """Turn the project's legacy object and relationship types into custom objects (and lookup
    fields on users and organizations), written as a new project into DIR.

    Every decision is a diagnostic at the legacy declaration: info for a faithful mapping, warning
    for a loss, error for what needs a person. Exit 0, or 1 when something needs a person.
    """
    from zcd_schema.commands.migrate import migrate_project, report_markdown
    from zcd_schema.render.validation import RENDERERS, validation_summary, validation_text

    result = migrate_project(project, out)
    click.echo(RENDERERS[fmt](result.legacy, shown_paths(project)), nl=False)
    display = shown_paths(result.destination)
    for path in result.written:
        click.echo(f"wrote {display(path.relative_to(result.destination).as_posix())}", err=True)
    if report is not None:
        report.write_text(report_markdown(result), encoding="utf-8")
        click.echo(f"wrote the migration report to {report}", err=True)
    click.echo(validation_text(result.validation, display), nl=False, err=True)
    click.echo(validation_summary(result.validation, str(result.destination)), err=True)
    return result.exit_code
