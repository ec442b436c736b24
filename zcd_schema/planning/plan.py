"""The plan as frozen data, its JSON document (contract section 4), and the fingerprints that make
a stale plan detectable.

Building a plan reads the account and never writes. ``plan``, ``show``, ``apply`` and the saved
file all render the same ``Plan``.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from zcd_schema import __version__
from zcd_schema.errors import UsageError, ZcdError
from zcd_schema.planning import diff, risk
from zcd_schema.project.load import SETTINGS_FILE
from zcd_schema.project.model import Project
from zcd_schema.zendesk.kinds import KINDS, OBJECT_TYPE
from zcd_schema.zendesk.live import LiveState

FORMAT_VERSION = 1
ACTIONS = ("create", "update", "replace", "delete")


class PlanFileError(ZcdError):
    """A saved plan that cannot be read: not JSON, another format version, or tampered with."""

    exit_code = 64


@dataclass(frozen=True)
class AccountRef:
    name: str
    url: str | None  # None for the local account
    state: str | None = None  # the local account's SQLite file, relative to the project when inside it

    def describe(self) -> str:
        if self.url is None:
            return f"{self.name} (embedded emulator, state in {self.state})"
        return f"{self.name} ({self.url})"


@dataclass(frozen=True)
class Location:
    """Where a change comes from: the YAML declaring the type, or the prune setting (project-relative)."""

    file: str
    line: int
    column: int = 1


@dataclass(frozen=True)
class Change:
    kind: str
    key: str
    action: str
    risk: str
    reasons: tuple[str, ...]
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    live_fingerprint: str | None  # of the live object the change was planned against; None: absent
    prevent_destroy: bool = False
    declared_at: Location | None = None

    @property
    def label(self) -> str:
        return f"{KINDS[self.kind].label} {self.key}"


@dataclass(frozen=True)
class Plan:
    account: AccountRef
    changes: tuple[Change, ...]
    unmanaged: tuple[tuple[str, str], ...] = ()
    notes: tuple[str, ...] = ()  # one-line facts for the reader (sources that cannot be planned, ...)
    created_at: str = field(default_factory=lambda: datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"))
    tool_version: str = __version__

    @property
    def summary(self) -> dict[str, int]:
        counts = {action: sum(1 for c in self.changes if c.action == action) for action in ACTIONS}
        return {**counts, "unmanaged": len(self.unmanaged)}

    @property
    def highest_risk(self) -> str | None:
        """The highest risk of any change, None without changes."""
        return risk.worst([c.risk for c in self.changes]) if self.changes else None

    def at_or_above(self, level: str) -> list[Change]:
        return [c for c in self.changes if risk.RISKS.index(c.risk) >= risk.RISKS.index(level)]


def fingerprint(item: dict[str, Any] | None, kind: str) -> str | None:
    """A digest of a live object's content (server-owned fields aside); None when it is absent."""
    if item is None:
        return None
    content = KINDS[kind].normalize(item)
    canonical = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return "sha256:" + hashlib.sha256(canonical.encode()).hexdigest()


def build_plan(project: Project, live: LiveState, account: AccountRef, *, prune: bool,
               targets: Iterable[str] = (), records: Any = None) -> Plan:
    """Compare and classify. ``records(key) -> bool`` answers "has this object type records?" for
    destructive changes (called concurrently, once per key); None skips the question."""
    targets = tuple(targets)
    if targets:
        unknown = sorted(set(targets) - diff.known_keys(project, live))
        if unknown:
            raise UsageError(f"--target {', '.join(unknown)}: no declared or live type has this key")
    comparison = diff.compare(project, live, prune=prune, targets=targets)
    classified = [(delta, *risk.classify(delta)) for delta in comparison.deltas]
    at_stake = _records_at_stake([d.key for d, level, _ in classified
                                  if d.kind is OBJECT_TYPE and level == risk.DESTRUCTIVE], records)
    changes = []
    for delta, level, reasons in classified:
        if delta.kind is OBJECT_TYPE and delta.key in at_stake:
            reasons += (f"object type {delta.key} has records" if at_stake[delta.key]
                        else f"object type {delta.key} has no records",)
        changes.append(Change(delta.kind.name, delta.key, delta.action, level, reasons, delta.before, delta.after,
                              fingerprint(live.items.get((delta.kind.name, delta.key)), delta.kind.name),
                              delta.prevent_destroy, _location(project, delta)))
    return Plan(account, tuple(changes), comparison.unmanaged, _notes(project))


def _location(project: Project, delta: diff.Delta) -> Location | None:
    declared = (project.object_types if delta.kind is OBJECT_TYPE else project.relationship_types).get(delta.key)
    if declared is not None and declared.origin is not None:
        return Location(declared.origin.file, declared.origin.line, declared.origin.column)
    if delta.action == "delete" and project.settings.prune and project.settings.prune_line:
        return Location(SETTINGS_FILE, project.settings.prune_line)
    return None  # pruned by --prune: no line of any file asked for it


def _records_at_stake(keys: list[str], records: Any) -> dict[str, bool]:
    """Whether each object type losing data (deleted, or a property removed) has records."""
    if records is None or not keys:
        return {}
    with ThreadPoolExecutor(max_workers=min(8, len(keys)), thread_name_prefix="zcd-records") as pool:
        return dict(zip(keys, pool.map(records, keys)))


def _notes(project: Project) -> tuple[str, ...]:
    profiles, events = project.profile_sources, project.event_sources
    if not profiles and not events:
        return ()
    profile_types = sum(len(s.types) for s in profiles.values())
    event_types = sum(len(s.types) for s in events.values())
    return (f"{_count(len(profiles), 'profile source')} ({_count(profile_types, 'type')}) and "
            f"{_count(len(events), 'event source')} ({_count(event_types, 'type')}) are declared and validated; "
            "Zendesk has no API to read them back, so they are not planned",)


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


def moved(plan: Plan, live: LiveState) -> list[Change]:
    """The changes whose live object is no longer what the plan was made against."""
    return [c for c in plan.changes if fingerprint(live.items.get((c.kind, c.key)), c.kind) != c.live_fingerprint]


# -- the JSON document ------------------------------------------------------------------------


def to_document(plan: Plan) -> dict[str, Any]:
    account: dict[str, Any] = {"name": plan.account.name, "url": plan.account.url}
    if plan.account.state is not None:
        account["state"] = plan.account.state
    return {
        "format_version": FORMAT_VERSION,
        "tool_version": plan.tool_version,
        "created_at": plan.created_at,
        "account": account,
        "summary": plan.summary,
        "changes": [{
            "kind": c.kind, "key": c.key, "action": c.action, "risk": c.risk, "reasons": list(c.reasons),
            "before": c.before, "after": c.after, "live_fingerprint": c.live_fingerprint,
            "prevent_destroy": c.prevent_destroy,
            "declared_at": None if c.declared_at is None else {
                "file": c.declared_at.file, "line": c.declared_at.line, "column": c.declared_at.column},
        } for c in plan.changes],
        "unmanaged": [{"kind": kind, "key": key} for kind, key in plan.unmanaged],
        "notes": list(plan.notes),
    }


def to_json(plan: Plan) -> str:
    return json.dumps(to_document(plan), indent=2, ensure_ascii=False) + "\n"


def save(plan: Plan, path: Path) -> None:
    """Write atomically: a half-written plan file can never be applied."""
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_text(to_json(plan), encoding="utf-8")
    temporary.replace(path)


def load(path: Path) -> Plan:
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise PlanFileError(f"{path}: no such plan file") from None
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise PlanFileError(f"{path}: not a plan file ({exc})") from None
    try:
        return from_document(document)
    except (KeyError, TypeError, ValueError) as exc:
        raise PlanFileError(f"{path}: not a valid plan file ({type(exc).__name__}: {exc})") from None


def from_document(document: dict[str, Any]) -> Plan:
    version = document.get("format_version")
    if version != FORMAT_VERSION:
        raise ValueError(f"format_version {version!r}; this zcd-schema reads {FORMAT_VERSION}")
    account = document["account"]
    changes = []
    for entry in document["changes"]:
        if entry["kind"] not in KINDS or entry["action"] not in ACTIONS or entry["risk"] not in risk.RISKS:
            raise ValueError(f"unknown kind, action or risk in {entry.get('kind')} {entry.get('key')}")
        if not isinstance(entry["key"], str):
            raise ValueError("a change's key must be a string")
        at = entry.get("declared_at")
        location = Location(str(at["file"]), int(at["line"]), int(at.get("column", 1))) if at else None
        changes.append(Change(entry["kind"], entry["key"], entry["action"], entry["risk"], tuple(entry["reasons"]),
                              entry["before"], entry["after"], entry["live_fingerprint"],
                              bool(entry.get("prevent_destroy", False)), location))
    plan = Plan(AccountRef(str(account["name"]), account.get("url"), account.get("state")), tuple(changes),
                tuple((u["kind"], u["key"]) for u in document.get("unmanaged", [])),
                tuple(document.get("notes", [])), str(document["created_at"]), str(document["tool_version"]))
    if document.get("summary") not in (None, plan.summary):
        raise ValueError("the summary does not match the changes (was the file edited?)")
    return plan
