"""The command line: one thin module per command, and ``main``, the single error handler.

A command turns its options into a request, calls one core function of ``zcd_schema.commands``
(or the project's validation), renders the result and returns its exit code. ``main`` maps every
failure to an exit code: a ``ZcdError`` exits with its class's code, click's usage errors with 64,
anything unexpected with 70 and a one-line message (the traceback only with --debug).
"""

from __future__ import annotations

import sys
import traceback

import click

from zcd_schema import ISSUES_URL, __version__
from zcd_schema.cli import (  # noqa: F401
    apply,
    check_payloads,
    emulator,
    graph,
    import_,
    migrate,
    plan,
    show,
    validate,
)
from zcd_schema.cli.base import RunFlags, cli, shown_paths
from zcd_schema.diagnostics import one_line
from zcd_schema.errors import ExitCode, InvalidProject, ZcdError

__all__ = ["cli", "main"]


def main(argv: list[str] | None = None) -> None:
    args = list(sys.argv[1:] if argv is None else argv)
    run = RunFlags.from_environment()
    try:
        code = cli.main(args=args, prog_name="zcd-schema", standalone_mode=False, obj=run)
    except click.ClickException as exc:  # usage errors, bad option values
        exc.show()
        code = ExitCode.USAGE
    except click.Abort:
        click.echo("aborted", err=True)
        code = ExitCode.INTERRUPTED
    except InvalidProject as exc:
        _print_invalid(exc)
        code = exc.exit_code
    except ZcdError as exc:
        click.echo(f"error: {one_line(str(exc))}", err=True)
        code = exc.exit_code
    except BrokenPipeError:
        sys.stderr.close()  # the reader went away (| head); nothing more to say
        code = ExitCode.OK
    except Exception as exc:
        if run.debug:
            traceback.print_exc()
        click.echo(
            f"internal error: {type(exc).__name__}: {one_line(str(exc))}; "
            f"this is a bug in zcd-schema {__version__}, please report it at {ISSUES_URL}"
            + ("" if run.debug else " (run with --debug for the traceback)"),
            err=True,
        )
        code = ExitCode.INTERNAL
    sys.exit(int(code) if isinstance(code, int) else ExitCode.OK)


def _print_invalid(exc: InvalidProject) -> None:
    """A project that had to be valid: its diagnostics the way validate shows them, on stderr."""
    from zcd_schema.render.validation import validation_summary, validation_text

    root = exc.result.project.root
    click.echo(validation_text(exc.result, shown_paths(root)), nl=False, err=True)
    click.echo(validation_summary(exc.result, str(root)), err=True)
    click.echo(f"error: {exc}", err=True)
