"""``zcd-schema apply``."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from zcd_schema.cli.base import (
    account_option,
    cli,
    debug_option,
    messages,
    project_option,
    retry_budget_option,
    shown_paths,
    url_option,
    use_color,
)
from zcd_schema.errors import ExitCode, GuardError


@cli.command()
@click.argument(
    "plan_file", required=False, type=click.Path(dir_okay=False, path_type=Path), metavar="[FILE]"
)
@project_option
@account_option
@url_option
@click.option(
    "--yes", is_flag=True, help="Apply without asking (for CI, when no saved plan is used)."
)
@click.option(
    "--allow-destroy",
    is_flag=True,
    help="Allow destructive changes (deletions, replacements, "
    "removed properties). prevent_destroy still refuses.",
)
@click.option(
    "--prune", is_flag=True, help="Without FILE: also delete live types that no file declares."
)
@click.option(
    "--parallelism",
    type=click.IntRange(1, 32),
    default=4,
    show_default=True,
    metavar="N",
    help="Requests at once within each step.",
)
@retry_budget_option
@debug_option
def apply(
    plan_file: Path | None,
    project: Path,
    account: str | None,
    url: str | None,
    yes: bool,
    allow_destroy: bool,
    prune: bool,
    parallelism: int,
    retry_budget: float,
) -> ExitCode:
    """Apply a saved plan exactly (FILE), or plan, show, confirm and apply.

    A saved plan is refused when an object it touches has moved since it was made. Exit 0 done,
    1 invalid project, 3 account error (nothing applied), 4 refused by a guard (nothing written),
    5 stopped part-way (the report says what was and was not applied).
    """
    from zcd_schema.commands.apply import ApplyRequest, apply_project
    from zcd_schema.planning.document import Plan
    from zcd_schema.render.plan import apply_report_text, plan_text

    def show(plan: Plan) -> None:
        click.echo(plan_text(plan, color=use_color(), display=shown_paths(project)), nl=False)

    def confirm(plan: Plan, account: str) -> bool:
        if yes:
            return True
        if not sys.stdin.isatty():
            raise GuardError(
                "refusing to apply without confirmation: there is no terminal to ask on; pass "
                "--yes, "
                "or apply a saved plan (plan -o FILE, then apply FILE)"
            )
        answer = click.prompt(
            f"Apply these {len(plan.changes)} changes to {account}? Only 'yes' is accepted",
            default="",
            show_default=False,
        )
        return bool(answer.strip() == "yes")

    request = ApplyRequest(plan_file, account, url, allow_destroy, prune, parallelism, retry_budget)
    result = apply_project(
        project, request, show=show, confirm=confirm, progress=click.echo, messages=messages()
    )
    if result.report is not None:
        click.echo(apply_report_text(result.report), nl=False)
    return result.exit_code
