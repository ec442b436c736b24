"""``zcd-schema plan``."""

from __future__ import annotations

from pathlib import Path

import click

from zcd_schema.cli.base import (
    append_summary,
    cli,
    debug_option,
    format_option,
    messages,
    project_option,
    retry_budget_option,
    say,
    shown_paths,
    summary_option,
    url_option,
    use_color,
)
from zcd_schema.diagnostics import one_line
from zcd_schema.errors import ExitCode, InvalidProject, ZcdError
from zcd_schema.render.formats import PLAN_FORMATS


@cli.command()
@project_option
@click.option(
    "--account",
    "accounts",
    multiple=True,
    metavar="NAME",
    help="An account of zcd.yaml, or 'local' (the default). Repeat to plan several at once.",
)
@click.option("--all-accounts", is_flag=True, help="Plan every account zcd.yaml declares, at once.")
@url_option
@click.option(
    "-o",
    "--out",
    "out",
    default=None,
    metavar="FILE",
    help="Save the plan as JSON, for `apply FILE` and `show FILE`. With several accounts, "
    "FILE must contain {account}, e.g. plans/{account}.json.",
)
@format_option(
    PLAN_FORMATS,
    "text: for a terminal; markdown: a pull-request comment; json: the plan document; "
    "github: workflow annotations at each change's declaration, then the text plan.",
)
@click.option(
    "--detailed-exitcode",
    is_flag=True,
    help="Exit 2 when there are changes, 0 when there are none.",
)
@click.option(
    "--prune", is_flag=True, help="Plan the deletion of live types that no file declares."
)
@click.option(
    "--fail-on",
    type=click.Choice(["breaking", "destructive"]),
    default=None,
    help="Exit 4 when any change is at or above this risk (a review policy for CI).",
)
@click.option(
    "--base",
    default=None,
    metavar="REF",
    help="Compare the project at this git revision (branch, tag, commit) with the working tree, "
    "offline: no account, no credentials. Profile and event sources are compared too.",
)
@click.option(
    "--target",
    "targets",
    multiple=True,
    metavar="KEY",
    help="Plan only this key (repeatable); an unknown key is an error.",
)
@retry_budget_option
@summary_option
@debug_option
def plan(
    project: Path,
    accounts: tuple[str, ...],
    all_accounts: bool,
    url: str | None,
    out: str | None,
    fmt: str,
    detailed_exitcode: bool,
    prune: bool,
    fail_on: str | None,
    targets: tuple[str, ...],
    summary_file: Path | None,
    base: str | None,
    retry_budget: float,
) -> ExitCode:
    """Validate, read the account(s), and show what apply would change, with the risk of each
    change.

    Exit 0 (with --detailed-exitcode: 0 no changes, 2 changes), 1 invalid project, 3 an account
    unreachable or refusing, 4 --fail-on policy breached. With several accounts, the worst of these.
    """
    from zcd_schema.commands.plan import PlanRequest, plan_accounts
    from zcd_schema.render.plan import RENDERERS, PlanView, plan_error_json, plan_markdown

    request = PlanRequest(
        accounts,
        all_accounts,
        url,
        prune,
        targets,
        fail_on,
        detailed_exitcode,
        out,
        base,
        retry_budget,
    )
    try:
        run = plan_accounts(project, request, messages())
    except ZcdError as exc:
        if fmt == "json":  # stdout stays one JSON document, whatever happened
            found = exc.result.diagnostics if isinstance(exc, InvalidProject) else ()
            click.echo(plan_error_json(str(exc), exc.exit_code, found), nl=False)
        raise
    for saved, path in run.saved:
        say(
            f"plan for {saved.account.name} saved to {path}; apply it with: zcd-schema apply {path}"
        )
    view = PlanView(
        shown_paths(project), use_color(), project.as_posix(), run.failed, request.several
    )
    click.echo(RENDERERS[fmt](run.plans, view), nl=False)
    for name, message in run.failed:
        click.echo(f"error: account {name}: {one_line(message)}", err=True)
    if summary_file is not None:
        append_summary(
            summary_file,
            lambda budget: plan_markdown(
                run.plans, project=project.as_posix(), failures=run.failed, limit=budget
            ),
        )
    if run.breaches:
        names = ", ".join(
            f"{c.label} ({c.risk})" + (f" on {a}" if request.several else "")
            for a, c in run.breaches
        )
        click.echo(f"error: --fail-on {fail_on}: {names}", err=True)
    return run.exit_code
