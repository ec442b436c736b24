"""The guards an apply passes before its first write: prevent_destroy, --allow-destroy, the plan's
own account, and freshness (a plan whose touched objects moved is stale). Each refusal is a
``GuardError`` (exit 4) and nothing is written."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from zcd_schema.errors import GuardError
from zcd_schema.kinds import KINDS
from zcd_schema.kinds.base import DESTRUCTIVE, LiveState
from zcd_schema.planning.build import rejudge
from zcd_schema.planning.document import AccountRef, Change, Plan, fingerprint
from zcd_schema.planning.preflight import over_limits
from zcd_schema.project.model import Project


def protected_keys(project: Project) -> set[tuple[str, str]]:
    """(kind name, key) of every declaration marked prevent_destroy."""
    return {
        (kind.name, key)
        for kind in KINDS
        for key, declared in kind.declared(project).items()
        if declared.prevent_destroy
    }


def check_guards(
    plan: Plan, *, allow_destroy: bool, protected: Collection[tuple[str, str]] = frozenset()
) -> None:
    """Refuse destructive changes without --allow-destroy and anything destroying a protected
    item."""
    guarded = [
        c
        for c in plan.changes
        if c.action in ("delete", "replace")
        and (c.prevent_destroy or (c.kind.name, c.key) in protected)
    ]
    if guarded:
        names = ", ".join(f"{c.label} ({c.action})" for c in guarded)
        raise GuardError(
            f"refusing to apply: prevent_destroy protects {names}; no flag overrides it. "
            "Remove prevent_destroy in the YAML (a reviewed change) to allow it"
        )
    refused = [c for c in plan.changes if c.refusal]
    if refused:
        names = "; ".join(f"{c.label}: {c.refusal}" for c in refused)
        raise GuardError(f"refusing to apply what Zendesk refuses: {names}")
    destructive = [c for c in plan.changes if c.risk == DESTRUCTIVE]
    if destructive and not allow_destroy:
        names = "; ".join(f"{c.label}: {c.action}, {', '.join(c.reasons[:2])}" for c in destructive)
        raise GuardError(
            f"refusing to apply {len(destructive)} destructive change"
            f"{'s' if len(destructive) > 1 else ''} without --allow-destroy: {names}"
        )


def check_same_account(plan: Plan, ours: AccountRef) -> None:
    """An account is its URL (the local one, its name): a plan is applied only where it was made."""
    theirs = plan.account
    if theirs.url is None or ours.url is None:
        same = theirs.url is None and ours.url is None and theirs.name == ours.name
    else:
        same = theirs.url.rstrip("/") == ours.url.rstrip("/")
    if not same:
        raise GuardError(
            f"the plan was made for {plan.account.describe()}, not {ours.describe()}; "
            "nothing was written"
        )


def check_fresh(plan: Plan, now: LiveState) -> None:
    """Refuse a plan whose touched objects moved since it was made (changed, appeared, vanished)."""
    moved = []
    for change in plan.changes:
        current = fingerprint(change.kind, now.item(change.kind, change.key), change.after)
        if current == change.live_fingerprint:
            continue
        how = (
            "appeared"
            if change.live_fingerprint is None
            else "vanished"
            if current is None
            else "changed"
        )
        moved.append(f"{change.label} {how}")
    if moved:
        raise GuardError(
            f"the plan is stale: since it was made, {'; '.join(moved)}. Nothing was written; "
            "run plan again and review the new plan"
        )


def check_limits(plan: Plan, now: LiveState) -> None:
    """Refuse, before any write, changes that cannot fit the account's limits as they are now."""
    problems = over_limits(plan.changes, now.limits)
    if problems:
        raise GuardError(
            f"refusing to apply: over the account's limits: {'; '.join(problems)}. Nothing was "
            "written; delete unused items first, or split the change"
        )


def check_recorded(plan: Plan) -> None:
    """A saved plan is untrusted input: each change's action, risk and reasons are judged again
    from its ``before`` and ``after``, and ``before`` must be what its live fingerprint says. A
    change whose recorded values disagree refuses the whole plan, before any request."""
    wrong = []
    created = frozenset((c.kind.name, c.key) for c in plan.changes if c.action == "create")
    for change in plan.changes:
        problem = _disagreement(change, created)
        if problem is not None:
            wrong.append(f"{change.label}: {problem}")
    if wrong:
        raise GuardError(
            "refusing a plan file whose changes do not say what their contents mean (was it "
            f"edited?): {'; '.join(wrong)}. Nothing was written; make the plan again"
        )


def _disagreement(change: Change, created: frozenset[tuple[str, str]]) -> str | None:
    if change.before is None and change.after is None:
        return "it has neither a before nor an after"
    before = _item(change.key, change.before)
    if fingerprint(change.kind, before, change.after) != change.live_fingerprint:
        return "its before is not the live object its fingerprint names"
    judged = rejudge(
        change.kind, change.key, change.before, change.after, change.prevent_destroy, created
    )
    if judged is None:
        return "its before and after are the same"
    action, level, reasons = judged
    if change.action != action:
        return f"it says {change.action}, its contents mean {action}"
    if change.risk != level:
        return f"it says {change.risk}, its contents are {level}"
    extra = change.reasons[len(reasons) :]
    records_line = all(change.kind.is_records_reason(change.key, text) for text in extra)
    if change.reasons[: len(reasons)] != reasons or not records_line or len(extra) > 1:
        return "its reasons are not those of its contents"
    return None


def _item(key: str, content: dict[str, Any] | None) -> dict[str, Any] | None:
    return None if content is None else {"key": key, **content}
