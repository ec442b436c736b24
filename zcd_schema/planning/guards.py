"""The guards an apply passes before its first write: prevent_destroy, --allow-destroy, the plan's
own account, and freshness (a plan whose touched objects moved is stale). Each refusal is a
``GuardError`` (exit 4) and nothing is written."""

from __future__ import annotations

from collections.abc import Collection

from zcd_schema.errors import GuardError
from zcd_schema.kinds import KINDS
from zcd_schema.kinds.base import DESTRUCTIVE, LiveState
from zcd_schema.planning.document import AccountRef, Plan, fingerprint
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
    destructive = [c for c in plan.changes if c.risk == DESTRUCTIVE]
    if destructive and not allow_destroy:
        names = "; ".join(f"{c.label}: {c.action}, {', '.join(c.reasons[:2])}" for c in destructive)
        raise GuardError(
            f"refusing to apply {len(destructive)} destructive change"
            f"{'s' if len(destructive) > 1 else ''} without --allow-destroy: {names}"
        )


def check_same_account(plan: Plan, ours: AccountRef) -> None:
    if (plan.account.name, plan.account.url) != (ours.name, ours.url):
        raise GuardError(
            f"the plan was made for {plan.account.describe()}, not {ours.describe()}; "
            "nothing was written"
        )


def check_fresh(plan: Plan, now: LiveState) -> None:
    """Refuse a plan whose touched objects moved since it was made (changed, appeared, vanished)."""
    moved = []
    for change in plan.changes:
        current = fingerprint(change.kind, now.item(change.kind, change.key))
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
