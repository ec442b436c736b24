"""Carry out a plan in the kinds' ordered steps, each with bounded concurrency, and report what
was applied, what failed and what was not attempted. Guards run before this (``guards``).

Each kind lists its steps with an order (contract section 4 for the legacy kinds: delete
relationship types, and the delete half of a replace; create and update object types; create
relationship types, and the create half of a replace; delete object types). Steps of one order
run together. After a failure no new request starts and later steps are not attempted, so the
account is never left with an item pointing at one that was not created.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from itertools import groupby

from zcd_schema.errors import AccountError
from zcd_schema.kinds import KINDS
from zcd_schema.kinds.base import Api, Kind, Step
from zcd_schema.planning.document import SYMBOLS, Change, Plan, fingerprint
from zcd_schema.planning.report import ApplyReport, Outcome

Progress = Callable[[str], None]
_PAST = {"delete": "deleted", "update": "updated", "create": "created", "reorder": "reordered"}


MOVED = (
    "it moved since the plan was made (another apply, or a change by hand?); nothing was written "
    "to it. Plan again and review the new plan"
)


def _moved(api: Api, change: Change) -> bool:
    """Whether the live object differs from the one the change was planned against, read right
    before its first write: the last look before writing, so two applies never both write."""
    if change.kind.follows is not None:
        return False  # parts written earlier in this apply move it, by design (a field order)
    if not change.kind.rechecks(change.action):
        return False  # the stale check's read stands: the write sends only what changes
    now = api.read(change.kind, change.key)
    return fingerprint(change.kind, now, change.after) != change.live_fingerprint


def ordered_steps() -> list[list[tuple[Kind, Step]]]:
    """Every kind's steps, grouped by order: each group runs as one concurrent step."""
    steps = sorted(
        ((kind, step) for kind in KINDS for step in kind.steps), key=lambda pair: pair[1].order
    )
    return [list(group) for _, group in groupby(steps, key=lambda pair: pair[1].order)]


def apply_plan(
    plan: Plan, api: Api, *, parallelism: int = 4, progress: Progress | None = None
) -> ApplyReport:
    """Run the plan's changes step by step; never raises for an API failure, reports it."""
    steps = ordered_steps()
    outcomes = [
        Outcome(
            c,
            needed=sum(
                1
                for group in steps
                for kind, step in group
                if kind is c.kind and step.takes(c.action, c.before, c.after)
            ),
        )
        for c in plan.changes
    ]
    stop = threading.Event()
    say = progress or (lambda line: None)
    lock = threading.Lock()

    def run(outcome: Outcome, operation: str) -> None:
        if stop.is_set():
            return
        change = outcome.change
        started = time.monotonic()
        try:
            if not outcome.done and _moved(api, change):
                stop.set()
                with lock:
                    outcome.error = MOVED
                    outcome.moved = True
                say(f"  ! {change.label}: not written, it moved since the plan was made")
                return
            change.kind.write(api, change.key, operation, change.after, change.before)
        except AccountError as exc:  # the API refused or could not be reached: reported, not raised
            stop.set()
            with lock:
                outcome.error = str(exc)
            say(f"  ! {change.label}: {operation} failed (the report below says why)")
            return
        with lock:
            outcome.done.append(operation)
            outcome.seconds += time.monotonic() - started
        part = f" ({len(outcome.done)}/{outcome.needed})" if outcome.needed > 1 else ""
        say(
            f"  {SYMBOLS[change.action]} {change.label}: {_PAST[operation]}{part} in "
            f"{time.monotonic() - started:.1f} s"
        )

    interrupted = False
    for group in steps:
        if stop.is_set():
            break
        work = [
            (o, step.operation)
            for kind, step in group
            for o in outcomes
            if o.change.kind is kind
            and step.takes(o.change.action, o.change.before, o.change.after)
        ]
        if not work:
            continue
        with ThreadPoolExecutor(
            max_workers=max(1, parallelism), thread_name_prefix="zcd-apply"
        ) as pool:
            futures = [pool.submit(run, outcome, operation) for outcome, operation in work]
            try:
                for future in futures:
                    future.result()
            except KeyboardInterrupt:  # Ctrl-C: finish the requests in flight, start no more
                stop.set()
                interrupted = True
                say("  interrupted: waiting for the requests in flight, starting no more")
    return ApplyReport(outcomes, interrupted)
