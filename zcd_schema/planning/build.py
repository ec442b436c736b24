"""Build a plan: compare the project with the live state, judge each change, locate its
declaration. Reads (through the records question) and never writes."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from typing import Any

from zcd_schema.errors import UsageError
from zcd_schema.kinds import kind_named
from zcd_schema.kinds.base import Delta, Difference, Kind, LiveState
from zcd_schema.planning import diff, risk
from zcd_schema.planning.document import AccountRef, Change, Location, Plan, fingerprint
from zcd_schema.planning.preflight import over_limits
from zcd_schema.project.load import SETTINGS_FILE
from zcd_schema.project.model import Project


def build_plan(
    project: Project,
    live: LiveState,
    account: AccountRef,
    *,
    prune: bool,
    targets: Iterable[str] = (),
    records: risk.RecordsQuestion | None = None,
) -> Plan:
    """Compare and classify. ``records(kind, key)`` answers "has this item records?" for destructive
    changes (called concurrently, once per item); None skips the question."""
    targets = tuple(targets)
    if targets:
        unknown = sorted(set(targets) - diff.known_keys(project, live))
        if unknown:
            raise UsageError(
                f"--target {', '.join(unknown)}: no declared or live type has this key"
            )
    comparison = diff.compare(project, live, prune=prune, targets=targets)
    if targets:
        _check_targets_are_whole(comparison, diff.compare(project, live, prune=prune), live)
    created = created_items(comparison.deltas)
    classified = [
        (delta, *risk.classify(replace(delta, created=created))) for delta in comparison.deltas
    ]
    notes = risk.records_notes([(delta, level) for delta, level, _ in classified], records)
    changes = []
    for delta, level, reasons in classified:
        extra, refusal = notes.get((delta.kind.name, delta.key), (None, None))
        changes.append(
            Change(
                delta.kind,
                delta.key,
                delta.action,
                level,
                reasons + ((extra,) if extra else ()),
                delta.before,
                delta.after,
                fingerprint(delta.kind, live.item(delta.kind, delta.key), delta.after),
                delta.prevent_destroy,
                _location(project, delta),
                refusal,
            )
        )
    return Plan(
        account,
        tuple(changes),
        comparison.unmanaged,
        _notes(project),
        over_limits=over_limits(changes, live.limits),
    )


def created_items(deltas: Iterable[Delta]) -> frozenset[tuple[str, str]]:
    """(kind name, key) of every item a plan's changes create."""
    return frozenset((d.kind.name, d.key) for d in deltas if d.action == "create")


def rejudge(
    kind: Kind,
    key: str,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
    prevent_destroy: bool = False,
    created: frozenset[tuple[str, str]] = frozenset(),
) -> tuple[str, str, tuple[str, ...]] | None:
    """(action, risk, reasons) of a change, from its contents alone; None when nothing changes."""
    if before is None:
        action = "create"
    elif after is None:
        action = "delete"
    else:
        action = kind.change_action(kind.comparable(after, before), after)
    differences: tuple[Difference, ...] = ()
    if before is not None and after is not None:
        before = kind.comparable(after, before)
        differences = tuple(diff.differences_between(before, after))
        if not differences:
            return None
    level, reasons = risk.classify(
        Delta(kind, key, action, before, after, differences, prevent_destroy, created)
    )
    return action, level, reasons


def _check_targets_are_whole(
    targeted: diff.Comparison, whole: diff.Comparison, live: LiveState
) -> None:
    """Refuse a --target selection that leaves out what a chosen change depends on: an item it
    points at that the plan creates, or an item pointing at one that it deletes."""
    chosen = {(d.kind.name, d.key) for d in targeted.deltas}
    creating = {(d.kind.name, d.key): d for d in whole.deltas if d.action in ("create", "replace")}
    deleting = {(d.kind.name, d.key) for d in whole.deltas if d.action in ("delete", "replace")}
    missing: list[str] = []
    for delta in targeted.deltas:
        if delta.action in ("create", "replace"):
            for kind, key in delta.kind.references(delta.after or {}):
                if (kind.name, key) in creating and (kind.name, key) not in chosen:
                    missing.append(
                        f"{delta.kind.label} {delta.key} points at {kind.label} {key}, "
                        f"which this plan creates; add --target {key}"
                    )
        if delta.action in ("delete", "replace"):
            for (name, key), item in live.items.items():
                user = kind_named(name)
                points = (delta.kind, delta.key) in [(k, ref) for k, ref in user.references(item)]
                if points and (name, key) in deleting and (name, key) not in chosen:
                    missing.append(
                        f"{user.label} {key} points at {delta.kind.label} {delta.key}, "
                        f"which this plan {delta.action}s; add --target {key}"
                    )
    if missing:
        raise UsageError(
            "--target leaves out what the chosen changes depend on: " + "; ".join(missing)
        )


def _location(project: Project, delta: Delta) -> Location | None:
    declared = delta.kind.declared(project).get(delta.key)
    parent_key = delta.kind.parent_key(delta.key)
    if declared is None and delta.kind.parent is not None and parent_key is not None:
        declared = delta.kind.parent.declared(project).get(parent_key)  # a part its owner lacks
    if declared is not None and declared.origin is not None:
        return Location(declared.origin.file, declared.origin.line, declared.origin.column)
    if delta.action == "delete" and project.settings.prune and project.settings.prune_line:
        return Location(SETTINGS_FILE, project.settings.prune_line)
    return None  # pruned by --prune: no line of any file asked for it


def _notes(project: Project) -> tuple[str, ...]:
    profiles, events = project.profile_sources, project.event_sources
    if not profiles and not events:
        return ()
    profile_types = sum(len(s.types) for s in profiles.values())
    event_types = sum(len(s.types) for s in events.values())
    profiles_part = f"{_count(len(profiles), 'profile source')} ({_count(profile_types, 'type')})"
    events_part = f"{_count(len(events), 'event source')} ({_count(event_types, 'type')})"
    note = (
        f"{profiles_part} and {events_part} are declared and validated; "
        "Zendesk has no API to read them back, so they are not planned"
    )
    return (note,)


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"
