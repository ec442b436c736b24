"""``zcd-schema show``."""

from __future__ import annotations

from pathlib import Path

import click

from zcd_schema.cli.base import (
    cli,
    debug_option,
    format_option,
    project_option,
    shown_paths,
    use_color,
)
from zcd_schema.errors import ExitCode
from zcd_schema.render.formats import PLAN_FORMATS


@cli.command()
@click.argument(
    "plan_files",
    nargs=-1,
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    metavar="FILE...",
)
@project_option
@format_option(
    PLAN_FORMATS,
    "text, markdown (one comment for all the files), json (the plan document as saved; "
    'several: {"plans": [...]}) or github (annotations; paths relative to --project).',
)
@debug_option
def show(plan_files: tuple[Path, ...], project: Path, fmt: str) -> ExitCode:
    """Render saved plans (one per account), without reaching any account."""
    from zcd_schema.planning.document import load
    from zcd_schema.render.plan import RENDERERS, PlanView

    saved = [load(path) for path in plan_files]
    view = PlanView(shown_paths(project), use_color(), project.as_posix(), several=len(saved) > 1)
    click.echo(RENDERERS[fmt](saved, view), nl=False)
    return ExitCode.OK
