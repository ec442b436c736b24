"""The command line: click commands that parse options, call one core function, pick the exit code.

``main`` is the single error handler: usage errors exit 64, a ``ZcdError`` exits with its own code,
anything unexpected exits 70 with a one-line message (the traceback only with ``--debug``).
"""

from __future__ import annotations

import os
import sys
import traceback
from pathlib import Path
from typing import Any

import click

from zcd_schema import ISSUES_URL, __version__
from zcd_schema.errors import EXIT_INTERNAL, EXIT_INVALID, EXIT_OK, EXIT_USAGE, ZcdError

FORMATS = ("text", "json", "github", "sarif")


def _project_option(f: Any) -> Any:
    return click.option(
        "--project", "project", default=".", show_default=True, metavar="DIR",
        type=click.Path(file_okay=False, path_type=Path),
        help="The project directory (the folder holding zcd.yaml and the schema documents).",
    )(f)


def _debug_option(f: Any) -> Any:
    return click.option("--debug", is_flag=True, help="Show tracebacks of internal errors.")(f)


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
@_debug_option
def validate(project: Path, fmt: str, strict: bool, debug: bool) -> int:
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
    return EXIT_OK if result.valid else EXIT_INVALID


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
