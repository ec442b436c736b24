"""The ``zcd-schema`` group, the options several commands share (each declared once), and the
small helpers every command's door uses: messages, shown paths, colour, --debug, summaries."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import click

from zcd_schema import __version__
from zcd_schema.commands import Messages
from zcd_schema.diagnostics import one_line
from zcd_schema.errors import UsageError

F = TypeVar("F", bound=Callable[..., Any])
Display = Callable[[str], str]
SUMMARY_LIMIT = 1 << 20  # GitHub's limit on a step summary: 1 MiB
DEBUG_ENV = "ZCD_DEBUG"


@dataclass
class RunFlags:
    """What holds for the whole run, whichever command: the one place that knows whether --debug is
    on."""

    debug: bool = False

    @classmethod
    def from_environment(cls) -> RunFlags:
        return cls(debug=os.environ.get(DEBUG_ENV) == "1")


def flags() -> RunFlags:
    context = click.get_current_context(silent=True)
    found = context.find_object(RunFlags) if context is not None else None
    return found if found is not None else RunFlags.from_environment()


def _turn_debug_on(context: click.Context, parameter: click.Parameter, value: bool) -> None:
    if value:
        flags_object = context.find_object(RunFlags)
        if flags_object is not None:
            flags_object.debug = True


def debug_option(f: F) -> F:
    return click.option(
        "--debug",
        is_flag=True,
        expose_value=False,
        is_eager=True,
        callback=_turn_debug_on,
        help="Log each request (credentials redacted); show tracebacks of internal errors.",
    )(f)


def project_option(f: F) -> F:
    return click.option(
        "--project",
        "project",
        default=".",
        show_default=True,
        metavar="DIR",
        type=click.Path(file_okay=False, path_type=Path),
        help="The project directory (the folder holding zcd.yaml and the schema documents).",
    )(f)


def url_option(f: F) -> F:
    return click.option(
        "--url",
        default=None,
        metavar="URL",
        help="The account's base URL, e.g. http://127.0.0.1:8976 (overrides zcd.yaml).",
    )(f)


def account_option(f: F) -> F:
    return click.option(
        "--account",
        default=None,
        metavar="NAME",
        help="An account of zcd.yaml, or 'local' (the embedded emulator; the default).",
    )(f)


def retry_budget_option(f: F) -> F:
    return click.option(
        "--retry-budget",
        "retry_budget",
        type=click.FloatRange(min=0),
        default=600.0,
        show_default=True,
        metavar="SECONDS",
        help="How long this run may spend in all waiting out the account's rate limits (429 "
        "and 503 with Retry-After), however often they come.",
    )(f)


def summary_option(f: F) -> F:
    return click.option(
        "--summary-file",
        type=click.Path(dir_okay=False, path_type=Path),
        default=None,
        metavar="PATH",
        help="Append a markdown report to this file (point it at "
        "$GITHUB_STEP_SUMMARY); kept under GitHub's 1 MiB.",
    )(f)


def format_option(formats: tuple[str, ...], help: str, default: str = "text") -> Callable[[F], F]:
    return click.option(
        "--format", "fmt", type=click.Choice(formats), default=default, show_default=True, help=help
    )


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="zcd-schema")
@debug_option
def cli() -> None:
    """Zendesk custom data schemas as code: validate, plan and apply from YAML files."""


def say(line: str) -> None:
    """A side message: on stderr, so that stdout stays the command's output."""
    click.echo(f"zcd-schema: {one_line(line)}", err=True)


def messages() -> Messages:
    """The side channels of a command that reaches an account: waits and retries, and with --debug
    every request."""
    log = (lambda line: click.echo(f"debug: {line}", err=True)) if flags().debug else None
    return Messages(notify=say, log_request=log)


def use_color() -> bool:
    return (
        sys.stdout.isatty() and not os.environ.get("NO_COLOR") and os.environ.get("TERM") != "dumb"
    )


def shown_paths(root: Path) -> Display:
    """Paths shown to the user: the project's files relative to the working directory when inside
    it."""
    absolute = root.resolve()
    try:
        prefix = absolute.relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        prefix = absolute.as_posix()
    if prefix == ".":
        return lambda file: file
    return lambda file: file if file == "." else f"{prefix}/{file}"


def append_summary(path: Path, render: Callable[[int], str]) -> None:
    """Append ``render(budget)`` to ``path``, keeping the whole file under 1 MiB."""
    try:
        used = path.stat().st_size if path.exists() else 0
        budget = SUMMARY_LIMIT - used
        if budget < 4096:
            say(f"{path} is nearly 1 MiB already; the summary was not added")
            return
        with path.open("a", encoding="utf-8") as handle:
            handle.write(("\n" if used else "") + render(budget - 1))
    except OSError as exc:
        raise UsageError(f"--summary-file {path}: {exc.strerror or exc}") from None
