"""``zcd-schema emulator serve``."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from zcd_schema.cli.base import cli, debug_option, flags
from zcd_schema.errors import ExitCode


@cli.group()
def emulator() -> None:
    """The embedded emulator of Zendesk's custom objects API (the `local` account runs it
    in-process)."""


def _probability(name: str, what: str) -> Callable[[Any], Any]:
    return click.option(
        f"--{name}",
        type=click.FloatRange(0, 1),
        default=0.0,
        show_default=True,
        metavar="P",
        help=f"Probability per request of {what}.",
    )


@emulator.command()
@click.option(
    "--host", default="127.0.0.1", show_default=True, help="A loopback address to listen on."
)
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=8976,
    show_default=True,
    help="The port (0: any free port; the URL is printed).",
)
@click.option(
    "--db",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    metavar="FILE",
    help="Keep the state in this SQLite file (default: in memory, lost on exit).",
)
@_probability("fault-429", "a 429 with Retry-After (plain-text body)")
@_probability("fault-503", "a 503 with Retry-After (HTML body)")
@_probability("fault-500", "a 500 (JSON body); nothing is done")
@_probability("fault-drop", "a write whose connection drops after it was done")
@click.option(
    "--latency",
    type=click.FloatRange(0),
    default=0.0,
    show_default=True,
    metavar="SECONDS",
    help="Delay added to every request.",
)
@click.option(
    "--rate-limit",
    type=click.IntRange(1),
    default=None,
    metavar="RPM",
    help="Answer 429 (with Retry-After) past this many requests per minute.",
)
@click.option(
    "--retry-after",
    type=click.IntRange(0),
    default=1,
    show_default=True,
    metavar="SECONDS",
    help="The Retry-After of injected 429 and 503 answers.",
)
@click.option("--seed", type=int, default=None, help="Seed the fault dice, for repeatable runs.")
@click.option(
    "--max-page-size",
    type=click.IntRange(1, 1000),
    default=1000,
    show_default=True,
    metavar="N",
    help="Cap page sizes below what per_page asks, so clients must follow links.next.",
)
@click.option(
    "--plan-tier",
    type=click.Choice(["team", "growth", "professional", "enterprise", "enterprise_plus"]),
    default="enterprise",
    show_default=True,
    help="The Zendesk plan whose custom object limits it applies (objects, lookup fields).",
)
@click.option(
    "--no-legacy-api",
    is_flag=True,
    help="Answer as an account after Zendesk removed Legacy Custom Objects (404 on their paths).",
)
@debug_option
def serve(
    host: str,
    port: int,
    db: Path | None,
    fault_429: float,
    fault_503: float,
    fault_500: float,
    fault_drop: float,
    latency: float,
    rate_limit: int | None,
    retry_after: int,
    seed: int | None,
    max_page_size: int,
    plan_tier: str,
    no_legacy_api: bool,
) -> ExitCode:
    """Run the emulator as an HTTP server on loopback, until Ctrl-C.

    It demands the credentials found in its environment (ZENDESK_EMAIL with ZENDESK_API_TOKEN, or
    ZENDESK_OAUTH_TOKEN) and answers 401 to anything else; with none set it accepts every request.
    The --fault-* options give the probability of each injected fault per request: 429 and 503
    with Retry-After, 500, and (for writes) a connection dropped after the write was done.
    With --debug, every request is logged to stderr.
    """
    from zcd_schema.commands.emulator import RunningEmulator, ServeOptions

    options = ServeOptions(
        host=host,
        port=port,
        db=db,
        max_page_size=max_page_size,
        plan_tier=plan_tier,
        legacy_api=not no_legacy_api,
        throttle=fault_429,
        unavailable=fault_503,
        server_error=fault_500,
        drop=fault_drop,
        latency=latency,
        requests_per_minute=rate_limit,
        retry_after=retry_after,
        seed=seed,
    )
    log = (lambda line: click.echo(f"debug: {line}", err=True)) if flags().debug else None
    running = RunningEmulator(
        options,
        os.environ,
        access_log=log,
        report=lambda line: click.echo(line, err=True),
    )
    for line in running.describe():
        click.echo(line)
    sys.stdout.flush()
    click.echo(running.serve_until_stopped())
    return ExitCode.OK
