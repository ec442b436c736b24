"""Carry out a plan: guards first (nothing is written when one refuses), then four ordered steps,
each with bounded concurrency, and a report of what was applied, what failed and what was not
attempted.

Order (contract section 4): delete relationship types (and the delete half of a replace); create
and update object types; create relationship types (and the create half of a replace); delete
object types. After a failure no new request starts and later steps are not attempted, so the
account is never left with a relationship type pointing at a type that was not created.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Collection
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from zcd_schema.errors import EXIT_GUARD, ZcdError
from zcd_schema.planning.plan import Change, Plan, fingerprint
from zcd_schema.planning.risk import DESTRUCTIVE
from zcd_schema.zendesk import live
from zcd_schema.zendesk.client import ApiError, Client
from zcd_schema.zendesk.kinds import KINDS
from zcd_schema.zendesk.live import LiveState

OBJECT, RELATIONSHIP = "object_type", "relationship_type"
# (kind, actions, operation) per step; a replace appears twice: its delete, then its create
STEPS: tuple[tuple[str, tuple[str, ...], str], ...] = (
    (RELATIONSHIP, ("delete", "replace"), "delete"),
    (OBJECT, ("create", "update"), "write"),
    (RELATIONSHIP, ("create", "replace"), "create"),
    (OBJECT, ("delete",), "delete"),
)


class GuardError(ZcdError):
    """An apply refused before any write (exit 4)."""

    exit_code = EXIT_GUARD


def check_guards(plan: Plan, *, allow_destroy: bool, protected: Collection[tuple[str, str]] = frozenset()) -> None:
    """Refuse destructive changes without --allow-destroy and anything destroying a protected type."""
    guarded = [c for c in plan.changes if c.action in ("delete", "replace")
               and (c.prevent_destroy or (c.kind, c.key) in protected)]
    if guarded:
        names = ", ".join(f"{c.label} ({c.action})" for c in guarded)
        raise GuardError(f"refusing to apply: prevent_destroy protects {names}; no flag overrides it. "
                         "Remove prevent_destroy in the YAML (a reviewed change) to allow it")
    destructive = [c for c in plan.changes if c.risk == DESTRUCTIVE]
    if destructive and not allow_destroy:
        names = "; ".join(f"{c.label}: {c.action}, {', '.join(c.reasons[:2])}" for c in destructive)
        raise GuardError(f"refusing to apply {len(destructive)} destructive change"
                         f"{'s' if len(destructive) > 1 else ''} without --allow-destroy: {names}")


def check_fresh(plan: Plan, now: LiveState) -> None:
    """Refuse a plan whose touched objects moved since it was made (changed, appeared, vanished)."""
    moved = []
    for change in plan.changes:
        current = fingerprint(now.items.get((change.kind, change.key)), change.kind)
        if current == change.live_fingerprint:
            continue
        how = ("appeared" if change.live_fingerprint is None else "vanished" if current is None else "changed")
        moved.append(f"{change.label} {how}")
    if moved:
        raise GuardError(f"the plan is stale: since it was made, {'; '.join(moved)}. Nothing was written; "
                         "run plan again and review the new plan")


@dataclass
class Outcome:
    change: Change
    done: list[str] = field(default_factory=list)  # operations done ("delete", "create", "write")
    error: str | None = None
    seconds: float = 0.0

    @property
    def state(self) -> str:
        if self.error is not None:
            return "failed"
        needed = 2 if self.change.action == "replace" else 1
        if len(self.done) == needed:
            return "applied"
        return "partly applied" if self.done else "not attempted"


@dataclass
class ApplyReport:
    outcomes: list[Outcome]
    interrupted: bool = False

    def with_state(self, state: str) -> list[Outcome]:
        return [o for o in self.outcomes if o.state == state]

    @property
    def complete(self) -> bool:
        return all(o.state == "applied" for o in self.outcomes)

    @property
    def wrote_anything(self) -> bool:
        return any(o.done for o in self.outcomes)


def apply_plan(plan: Plan, client: Client, *, parallelism: int = 4,
               progress: Callable[[str], None] | None = None) -> ApplyReport:
    """Run the plan's changes in the four steps; never raises for an API failure, reports it."""
    outcomes = {(c.kind, c.key): Outcome(c) for c in plan.changes}
    stop = threading.Event()
    say = progress or (lambda line: None)
    lock = threading.Lock()

    def run(outcome: Outcome, operation: str) -> None:
        if stop.is_set():
            return
        change = outcome.change
        started = time.monotonic()
        try:
            _perform(client, change, operation)
        except ApiError as exc:
            stop.set()
            with lock:
                outcome.error = str(exc)
            say(f"  ! {change.label}: {operation} failed: {exc}")
            return
        with lock:
            outcome.done.append(operation)
            outcome.seconds += time.monotonic() - started
        step = f" ({len(outcome.done)}/2)" if change.action == "replace" else ""
        past = "deleted" if operation == "delete" else "updated" if change.action == "update" else "created"
        say(f"  {_SYMBOL[change.action]} {change.label}: {past}{step} in {time.monotonic() - started:.1f} s")

    interrupted = False
    for kind, actions, operation in STEPS:
        if stop.is_set():
            break
        work = [o for o in outcomes.values() if o.change.kind == kind and o.change.action in actions]
        if not work:
            continue
        with ThreadPoolExecutor(max_workers=max(1, parallelism), thread_name_prefix="zcd-apply") as pool:
            futures = [pool.submit(run, o, operation) for o in work]
            try:
                for future in futures:
                    future.result()
            except KeyboardInterrupt:  # Ctrl-C: finish the requests in flight, start no more, report
                stop.set()
                interrupted = True
                say("  interrupted: waiting for the requests in flight, starting no more")
    return ApplyReport(list(outcomes.values()), interrupted)


def _perform(client: Client, change: Change, operation: str) -> None:
    kind = KINDS[change.kind]
    if operation == "delete":
        live.delete(client, kind, change.key)
        return
    content: dict[str, Any] = {"key": change.key, **(change.after or {})}
    if change.action == "update":
        live.update(client, kind, content)
    else:
        live.create(client, kind, content)


_SYMBOL = {"create": "+", "update": "~", "replace": "-/+", "delete": "-"}
