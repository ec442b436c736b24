"""The command line: click commands that parse options, call one core function, pick the exit code.

``main`` is the single error handler: usage errors exit 64, a ``ZcdError`` exits with its own code,
anything unexpected exits 70 with a one-line message (the traceback only with ``--debug``).
"""

from __future__ import annotations

import json
import os
import sys
import traceback
from pathlib import Path
from typing import Any

import click

from zcd_schema import ISSUES_URL, __version__
from zcd_schema.errors import (
    EXIT_ACCOUNT,
    EXIT_CHANGES,
    EXIT_GUARD,
    EXIT_INTERNAL,
    EXIT_INVALID,
    EXIT_OK,
    EXIT_PARTIAL,
    EXIT_USAGE,
    UsageError,
    ZcdError,
)

FORMATS = ("text", "json", "github", "sarif")


def _project_option(f: Any) -> Any:
    return click.option(
        "--project", "project", default=".", show_default=True, metavar="DIR",
        type=click.Path(file_okay=False, path_type=Path),
        help="The project directory (the folder holding zcd.yaml and the schema documents).",
    )(f)


def _debug_option(f: Any) -> Any:
    return click.option("--debug", is_flag=True,
                        help="Log each request (credentials redacted); show tracebacks of internal errors.")(f)


def _account_options(f: Any) -> Any:
    f = click.option("--url", default=None, metavar="URL",
                     help="The account's base URL, e.g. http://127.0.0.1:8976 (overrides zcd.yaml).")(f)
    return click.option("--account", default=None, metavar="NAME",
                        help="An account of zcd.yaml, or 'local' (the embedded emulator; the default).")(f)


SUMMARY_LIMIT = 1 << 20  # GitHub's limit on a step summary: 1 MiB


def _summary_option(f: Any) -> Any:
    return click.option("--summary-file", type=click.Path(dir_okay=False, path_type=Path), default=None,
                        metavar="PATH", help="Append a markdown report to this file (point it at "
                        "$GITHUB_STEP_SUMMARY); kept under GitHub's 1 MiB.")(f)


def _append_summary(path: Path, render: Any) -> None:
    """Append ``render(budget)`` to ``path``, keeping the whole file under 1 MiB."""
    try:
        used = path.stat().st_size if path.exists() else 0
        budget = SUMMARY_LIMIT - used
        if budget < 4096:
            _say(f"{path} is nearly 1 MiB already; the summary was not added")
            return
        with path.open("a", encoding="utf-8") as handle:
            handle.write(("\n" if used else "") + render(budget - 1))
    except OSError as exc:
        raise UsageError(f"--summary-file {path}: {exc.strerror or exc}") from None


def _say(line: str) -> None:
    click.echo(f"zcd-schema: {line}", err=True)


def _debug_log(debug: bool) -> Any:
    """The request log of --debug (given to the command or to zcd-schema itself) or ZCD_DEBUG=1."""
    root = click.get_current_context().find_root()
    if debug or root.params.get("debug") or os.environ.get("ZCD_DEBUG") == "1":
        return lambda line: click.echo(f"debug: {line}", err=True)
    return None


def _color() -> bool:
    return sys.stdout.isatty() and not os.environ.get("NO_COLOR") and os.environ.get("TERM") != "dumb"


def _invalid(project: Path, exc: Any) -> int:
    """Print a failed validation the way validate does, on stderr; exit 1."""
    from zcd_schema.render import diagnostics as render

    click.echo(render.render_text(exc.result, _display(project)), nl=False, err=True)
    click.echo(render.summary_line(exc.result, str(project)), err=True)
    click.echo("error: the project is invalid; nothing was read from or written to the account", err=True)
    return EXIT_INVALID


def _render_plan(plan: Any, fmt: str, project: Path | None = None) -> str:
    from zcd_schema.render import plan as render

    if fmt == "json":
        return render.render_json(plan)
    if fmt == "markdown":
        return render.render_markdown(plan)
    return render.render_text(plan, color=_color(), display=_display(project) if project is not None else None)


def _display(root: Path) -> Any:
    """Paths shown to the user: the project's files relative to the working directory when inside it."""
    absolute = root.resolve()
    try:
        prefix = absolute.relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        prefix = absolute.as_posix()
    if prefix == ".":
        return lambda file: file
    return lambda file: file if file == "." else f"{prefix}/{file}"


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="zcd-schema")
@_debug_option
def cli(debug: bool) -> None:
    """Zendesk custom data schemas as code: validate, plan and apply from YAML files."""


@cli.command()
@_project_option
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="text", show_default=True,
              help="text: one line per problem; json; github: workflow annotations; sarif: SARIF 2.1.0.")
@click.option("--strict", is_flag=True, help="Treat warnings as errors.")
@_summary_option
@_debug_option
def validate(project: Path, fmt: str, strict: bool, summary_file: Path | None, debug: bool) -> int:
    """Check every file of the project, offline: formats, Zendesk's rules, hard limits.

    Exit 0 when valid, 1 when any error (or, with --strict, any warning) is found.
    """
    from zcd_schema.render import diagnostics as render
    from zcd_schema.validate import validate_project

    result = validate_project(project, strict=strict)
    display = _display(project)
    if fmt == "json":
        click.echo(render.render_json(result), nl=False)
    elif fmt == "sarif":
        click.echo(render.render_sarif(result, display), nl=False)
    else:
        body = render.render_github(result, display) if fmt == "github" else render.render_text(result, display)
        click.echo(body, nl=False)
        click.echo(render.summary_line(result, str(project)), err=True)
    if summary_file is not None:
        _append_summary(summary_file, lambda budget: render.render_markdown(result, display, budget))
    return EXIT_OK if result.valid else EXIT_INVALID


PLAN_FORMATS = ("text", "markdown", "json")
PLAN_FORMATS_CI = (*PLAN_FORMATS, "github")
# When several accounts are planned, the exit code is that of the worst outcome, in this order.
_WORST = (EXIT_ACCOUNT, EXIT_GUARD, EXIT_CHANGES, EXIT_OK)


@cli.command()
@_project_option
@click.option("--account", "accounts", multiple=True, metavar="NAME",
              help="An account of zcd.yaml, or 'local' (the default). Repeat to plan several at once.")
@click.option("--all-accounts", is_flag=True, help="Plan every account zcd.yaml declares, at once.")
@click.option("--url", default=None, metavar="URL",
              help="The account's base URL, e.g. http://127.0.0.1:8976 (overrides zcd.yaml).")
@click.option("-o", "--out", "out", default=None, metavar="FILE",
              help="Save the plan as JSON, for `apply FILE` and `show FILE`. With several accounts, "
                   "FILE must contain {account}, e.g. plans/{account}.json.")
@click.option("--format", "fmt", type=click.Choice(PLAN_FORMATS_CI), default="text", show_default=True,
              help="text: for a terminal; markdown: a pull-request comment; json: the plan document; "
                   "github: workflow annotations at each change's declaration, then the text plan.")
@click.option("--detailed-exitcode", is_flag=True, help="Exit 2 when there are changes, 0 when there are none.")
@click.option("--prune", is_flag=True, help="Plan the deletion of live types that no file declares.")
@click.option("--fail-on", type=click.Choice(["breaking", "destructive"]), default=None,
              help="Exit 4 when any change is at or above this risk (a review policy for CI).")
@click.option("--target", "targets", multiple=True, metavar="KEY",
              help="Plan only this key (repeatable); an unknown key is an error.")
@_summary_option
@_debug_option
def plan(project: Path, accounts: tuple[str, ...], all_accounts: bool, url: str | None, out: str | None, fmt: str,
         detailed_exitcode: bool, prune: bool, fail_on: str | None, targets: tuple[str, ...],
         summary_file: Path | None, debug: bool) -> int:
    """Validate, read the account(s), and show what apply would change, with the risk of each change.

    Exit 0 (with --detailed-exitcode: 0 no changes, 2 changes), 1 invalid project, 3 an account
    unreachable or refusing, 4 --fail-on policy breached. With several accounts, the worst of these.
    """
    from zcd_schema import workflow
    from zcd_schema.planning.plan import save, to_document
    from zcd_schema.render import plan as render

    several = all_accounts or len(accounts) > 1
    if out is not None and several and "{account}" not in out:
        raise click.UsageError("with several accounts, -o needs {account} in the file name, e.g. plans/{account}.json")
    try:
        _, plans, failures = workflow.plan_accounts(project, accounts, all_accounts, url, prune=prune,
                                                    targets=targets, notify=_say, debug=_debug_log(debug))
    except workflow.InvalidProject as exc:
        return _invalid(project, exc)
    failed = [(f.account, f.message) for f in failures]
    for saved in plans if out is not None else []:
        path = Path(out.replace("{account}", saved.account.name))  # type: ignore[union-attr]
        path.parent.mkdir(parents=True, exist_ok=True)
        save(saved, path)
        _say(f"plan for {saved.account.name} saved to {path}; apply it with: zcd-schema apply {path}")
    if fmt == "json":
        if several:
            document = {"plans": [to_document(p) for p in plans],
                        "failures": [{"account": a, "message": m} for a, m in failed]}
            click.echo(json.dumps(document, indent=2, ensure_ascii=False))
        else:
            click.echo(render.render_json(plans[0]), nl=False)
    elif fmt == "markdown":
        click.echo(render.render_markdown(plans, project=project.as_posix(), failures=failed), nl=False)
    elif fmt == "github":
        click.echo(render.render_github(plans, _display(project), failed), nl=False)
    else:
        display = _display(project)
        click.echo("\n".join(render.render_text(p, color=_color(), display=display) for p in plans), nl=False)
    for name, message in failed:
        click.echo(f"error: account {name}: {message}", err=True)
    if summary_file is not None:
        _append_summary(summary_file, lambda budget: render.render_markdown(
            plans, project=project.as_posix(), failures=failed, limit=budget))
    codes = [f.exit_code for f in failures]
    if fail_on is not None:
        over = [(p.account.name, c) for p in plans for c in p.at_or_above(fail_on)]
        if over:
            names = ", ".join(f"{c.label} ({c.risk})" + (f" on {a}" if several else "") for a, c in over)
            click.echo(f"error: --fail-on {fail_on}: {names}", err=True)
            codes.append(EXIT_GUARD)
    if detailed_exitcode and any(p.changes for p in plans):
        codes.append(EXIT_CHANGES)
    return min(codes, key=_WORST.index) if codes else EXIT_OK


@cli.command()
@click.argument("plan_file", required=False, type=click.Path(dir_okay=False, path_type=Path), metavar="[FILE]")
@_project_option
@_account_options
@click.option("--yes", is_flag=True, help="Apply without asking (for CI, when no saved plan is used).")
@click.option("--allow-destroy", is_flag=True, help="Allow destructive changes (deletions, replacements, "
              "removed properties). prevent_destroy still refuses.")
@click.option("--prune", is_flag=True, help="Without FILE: also delete live types that no file declares.")
@click.option("--parallelism", type=click.IntRange(1, 32), default=4, show_default=True, metavar="N",
              help="Requests at once within each step.")
@_debug_option
def apply(plan_file: Path | None, project: Path, account: str | None, url: str | None, yes: bool,
          allow_destroy: bool, prune: bool, parallelism: int, debug: bool) -> int:
    """Apply a saved plan exactly (FILE), or plan, show, confirm and apply.

    A saved plan is refused when an object it touches has moved since it was made. Exit 0 done,
    1 invalid project, 3 account error (nothing applied), 4 refused by a guard (nothing written),
    5 stopped part-way (the report says what was and was not applied).
    """
    from zcd_schema import workflow
    from zcd_schema.planning import plan as plans
    from zcd_schema.planning.apply import GuardError
    from zcd_schema.render import plan as render

    saved = plans.load(plan_file) if plan_file is not None else None
    if saved is not None and prune:
        raise click.UsageError("--prune applies when planning; a saved plan already says what it deletes")
    try:
        with workflow.session(project, account, url, notify=_say, debug=_debug_log(debug), plan=saved) as s:
            if saved is not None:
                workflow.check_same_account(saved, s)
                chosen = saved
            else:
                chosen = workflow.make_plan(s, prune=prune, targets=())
                click.echo(render.render_text(chosen, color=_color(), display=_display(project)), nl=False)
                if not chosen.changes:
                    return EXIT_OK
                from zcd_schema.planning.apply import check_guards

                check_guards(chosen, allow_destroy=allow_destroy, protected=workflow.protected_keys(s.project))
                if not yes:
                    if not sys.stdin.isatty():
                        raise GuardError("refusing to apply without confirmation: there is no terminal to ask "
                                         "on; pass --yes, or apply a saved plan (plan -o FILE, then apply FILE)")
                    answer = click.prompt(f"Apply these {len(chosen.changes)} changes to {s.account.describe()}? "
                                          "Only 'yes' is accepted", default="", show_default=False)
                    if answer.strip() != "yes":
                        raise GuardError("apply cancelled: the answer was not 'yes'; nothing was written")
            report = workflow.apply_changes(chosen, s, allow_destroy=allow_destroy, parallelism=parallelism,
                                            progress=click.echo)
    except workflow.InvalidProject as exc:
        return _invalid(project, exc)
    if report.complete:
        click.echo(f"Apply complete: {len(report.outcomes)} changes applied.")
        return EXIT_OK
    if report.interrupted:
        click.echo("Apply interrupted:" if report.wrote_anything else "Apply interrupted; nothing was changed:")
    else:
        click.echo("Apply stopped part-way:" if report.wrote_anything else "Apply failed; nothing was changed:")
    click.echo(render.render_report(report), nl=False)
    click.echo("Run plan again to see exactly what is left.")
    if report.wrote_anything:
        return EXIT_PARTIAL
    return 130 if report.interrupted else EXIT_ACCOUNT


@cli.command()
@click.argument("plan_files", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path),
                metavar="FILE...")
@_project_option
@click.option("--format", "fmt", type=click.Choice(PLAN_FORMATS_CI), default="text", show_default=True,
              help="text, markdown (one comment for all the files), json (the plan document as saved; "
                   "several: {\"plans\": [...]}) or github (annotations; paths relative to --project).")
@_debug_option
def show(plan_files: tuple[Path, ...], project: Path, fmt: str, debug: bool) -> int:
    """Render saved plans (one per account), without reaching any account."""
    from zcd_schema.planning import plan as plans
    from zcd_schema.render import plan as render

    saved = [plans.load(path) for path in plan_files]
    if fmt == "github":
        click.echo(render.render_github(saved, _display(project)), nl=False)
    elif fmt == "markdown":
        click.echo(render.render_markdown(saved, project=project.as_posix()), nl=False)
    elif fmt == "json" and len(saved) > 1:
        click.echo(json.dumps({"plans": [plans.to_document(p) for p in saved], "failures": []}, indent=2,
                              ensure_ascii=False))
    else:
        click.echo("\n".join(_render_plan(p, fmt, project) for p in saved), nl=False)
    return EXIT_OK


@cli.command(name="import")
@_project_option
@_account_options
@click.option("--out", "out", type=click.Path(file_okay=False, path_type=Path), default=None, metavar="DIR",
              help="Where to write the files (default: the project folder). Existing files are never overwritten.")
@_debug_option
def import_(project: Path, account: str | None, url: str | None, out: Path | None, debug: bool) -> int:
    """Write the account's object and relationship types as YAML: one file per object type, one for
    the relationship types. A plan right after shows no changes."""
    from zcd_schema import importer
    from zcd_schema.project.load import SETTINGS_FILE, load_project
    from zcd_schema.render import diagnostics as render
    from zcd_schema.validate import validate_project
    from zcd_schema.zendesk import live
    from zcd_schema.zendesk.accounts import open_client, resolve_target

    if not project.is_dir():
        raise UsageError(f"--project {project}: not a folder")
    settings = load_project(project)[0].settings
    target = resolve_target(project, settings, account, url)
    with open_client(target, notify=_say, debug=_debug_log(debug)) as client:
        state = live.read_live_state(client, with_limits=False)
    destination = out if out is not None else project
    written = importer.write_project(state, destination, target.describe(), project / SETTINGS_FILE)
    display = _display(destination)
    for path in written:
        click.echo(f"wrote {display(path.relative_to(destination).as_posix())}")
    result = validate_project(destination)
    click.echo(render.render_text(result, display), nl=False, err=True)
    click.echo(render.summary_line(result, str(destination)), err=True)
    return EXIT_OK if result.valid else EXIT_INVALID


@cli.group()
def emulator() -> None:
    """The embedded emulator of Zendesk's custom objects API (the `local` account runs it in-process)."""


def _probability(name: str, what: str) -> Any:
    return click.option(f"--{name}", type=click.FloatRange(0, 1), default=0.0, show_default=True, metavar="P",
                        help=f"Probability per request of {what}.")


@emulator.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="A loopback address to listen on.")
@click.option("--port", type=click.IntRange(0, 65535), default=8976, show_default=True,
              help="The port (0: any free port; the URL is printed).")
@click.option("--db", type=click.Path(dir_okay=False, path_type=Path), default=None, metavar="FILE",
              help="Keep the state in this SQLite file (default: in memory, lost on exit).")
@_probability("fault-429", "a 429 with Retry-After (plain-text body)")
@_probability("fault-503", "a 503 with Retry-After (HTML body)")
@_probability("fault-500", "a 500 (JSON body); nothing is done")
@_probability("fault-drop", "a write whose connection drops after it was done")
@click.option("--latency", type=click.FloatRange(0), default=0.0, show_default=True, metavar="SECONDS",
              help="Delay added to every request.")
@click.option("--rate-limit", type=click.IntRange(1), default=None, metavar="RPM",
              help="Answer 429 (with Retry-After) past this many requests per minute.")
@click.option("--retry-after", type=click.IntRange(0), default=1, show_default=True, metavar="SECONDS",
              help="The Retry-After of injected 429 and 503 answers.")
@click.option("--seed", type=int, default=None, help="Seed the fault dice, for repeatable runs.")
@click.option("--max-page-size", type=click.IntRange(1, 1000), default=1000, show_default=True, metavar="N",
              help="Cap page sizes below what per_page asks, so clients must follow links.next.")
@click.option("--debug", is_flag=True, help="Log every request to stderr.")
def serve(host: str, port: int, db: Path | None, fault_429: float, fault_503: float, fault_500: float,
          fault_drop: float, latency: float, rate_limit: int | None, retry_after: int, seed: int | None,
          max_page_size: int, debug: bool) -> int:
    """Run the emulator as an HTTP server on loopback, until Ctrl-C.

    It demands the credentials found in its environment (ZENDESK_EMAIL with ZENDESK_API_TOKEN, or
    ZENDESK_OAUTH_TOKEN) and answers 401 to anything else; with none set it accepts every request.
    The --fault-* options give the probability of each injected fault per request: 429 and 503
    with Retry-After, 500, and (for writes) a connection dropped after the write was done.
    """
    import signal

    from zcd_schema.emulator.app import Emulator, accepted_authorizations
    from zcd_schema.emulator.faults import Faults, FaultSpecError
    from zcd_schema.emulator.serve import server_for
    from zcd_schema.emulator.store import Store

    try:
        faults = Faults(throttle=fault_429, unavailable=fault_503, server_error=fault_500, drop=fault_drop,
                        latency=latency, requests_per_minute=rate_limit, retry_after=retry_after, seed=seed)
    except FaultSpecError as exc:
        raise click.UsageError(str(exc)) from None
    env = os.environ
    accepted = accepted_authorizations(env.get("ZENDESK_EMAIL"), env.get("ZENDESK_API_TOKEN"),
                                       env.get("ZENDESK_OAUTH_TOKEN"))
    store = Store(db if db is not None else ":memory:")
    app = Emulator(store, authorizations=accepted, faults=faults, max_page_size=max_page_size)
    log = (lambda line: click.echo(f"debug: {line}", err=True)) if debug else None
    try:
        server = server_for(app, host, port, access_log=log, report=lambda line: click.echo(line, err=True))
    except ValueError as exc:
        raise click.UsageError(str(exc)) from None
    except OSError as exc:
        raise UsageError(f"cannot listen on {host}:{port}: {exc.strerror or exc}; choose another --port") from None
    if accepted is None:
        auth = "no credentials set in the environment: accepting every request"
    else:
        auth = "demanding the credentials set in the environment (401 otherwise)"
    click.echo(f"zcd-schema emulator listening on {server.url}", nl=True)
    click.echo(f"  state: {db if db is not None else 'in memory (lost on exit; --db FILE keeps it)'}")
    click.echo(f"  {auth}")
    click.echo(f"  faults: {faults.describe()}; page size at most {max_page_size}")
    click.echo("  stop with Ctrl-C", nl=True)
    sys.stdout.flush()

    def stop(signum: int, frame: Any) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
        store.close()
    served = ", ".join(f"{kind}: {n}" for kind, n in sorted(faults.counts.items())) or "none"
    click.echo(f"stopped after {app.requests} requests; faults injected: {served}")
    return EXIT_OK


def main(argv: list[str] | None = None) -> None:
    args = list(sys.argv[1:] if argv is None else argv)
    debug = "--debug" in args or os.environ.get("ZCD_DEBUG") == "1"
    try:
        code = cli.main(args=args, prog_name="zcd-schema", standalone_mode=False)
    except click.UsageError as exc:
        exc.show()
        code = EXIT_USAGE
    except click.ClickException as exc:
        exc.show()
        code = EXIT_USAGE
    except click.Abort:
        click.echo("aborted", err=True)
        code = 130
    except ZcdError as exc:
        click.echo(f"error: {exc}", err=True)
        code = exc.exit_code
    except BrokenPipeError:
        sys.stderr.close()  # the reader went away (| head); nothing more to say
        code = EXIT_OK
    except Exception as exc:  # noqa: BLE001 - the one place that turns bugs into exit 70
        if debug:
            traceback.print_exc()
        click.echo(
            f"internal error: {type(exc).__name__}: {exc}; this is a bug in zcd-schema {__version__}, "
            f"please report it at {ISSUES_URL}" + ("" if debug else " (run with --debug for the traceback)"),
            err=True,
        )
        code = EXIT_INTERNAL
    sys.exit(code if isinstance(code, int) else EXIT_OK)
