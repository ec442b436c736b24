"""``zcd-schema import``."""

from __future__ import annotations

from pathlib import Path

import click

from zcd_schema.cli.base import (
    account_option,
    cli,
    debug_option,
    messages,
    project_option,
    shown_paths,
    url_option,
)


@cli.command(name="import")
@project_option
@account_option
@url_option
@click.option(
    "--out",
    "out",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    metavar="DIR",
    help="Where to write the files (default: the project folder). "
    "Existing files are never overwritten.",
)
@debug_option
def import_(project: Path, account: str | None, url: str | None, out: Path | None) -> int:
    """Write the account's object and relationship types as YAML: one file per object type, one for
    the relationship types. A plan right after shows no changes."""
    from zcd_schema.commands.importing import import_account
    from zcd_schema.render.validation import validation_summary, validation_text

    result = import_account(project, account, url, out, messages())
    if result.validation is None:
        click.echo(
            f"nothing to import: {result.source} holds no custom objects, lookup fields or "
            "legacy types; nothing was written",
            err=True,
        )
        return 0
    display = shown_paths(result.destination)
    for path in result.written:
        click.echo(f"wrote {display(path.relative_to(result.destination).as_posix())}")
    click.echo(validation_text(result.validation, display), nl=False, err=True)
    click.echo(validation_summary(result.validation, str(result.destination)), err=True)
    return result.validation.exit_code
