"""The plan as frozen data, its JSON document (contract section 4), and the fingerprints that make
a stale plan detectable. ``plan``, ``show``, ``apply`` and the saved file all render one
``Plan``."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from zcd_schema import __version__
from zcd_schema.errors import PlanFileError
from zcd_schema.kinds import Kind, kind_named
from zcd_schema.kinds.base import ACTIONS, RISKS, worst

FORMAT_VERSION = 1
SYMBOLS = {
    "create": "+",
    "update": "~",
    "replace": "-/+",
    "delete": "-",
}  # how people see each action


@dataclass(frozen=True)
class AccountRef:
    name: str
    url: str | None  # None for the local account
    # the local account's SQLite file, relative to the project when inside it
    state: str | None = None
    revision: str | None = None  # plan --base: the git commit compared with the working tree

    def describe(self) -> str:
        if self.revision is not None:
            return f"the project at {self.name} ({self.revision[:12]}), compared offline"
        if self.url is None:
            return f"{self.name} (embedded emulator, state in {self.state})"
        return f"{self.name} ({self.url})"


@dataclass(frozen=True)
class Location:
    """Where a change comes from: the YAML declaring the item, or the prune setting
    (project-relative)."""

    file: str
    line: int
    column: int = 1


@dataclass(frozen=True)
class Change:
    kind: Kind
    key: str
    action: str
    risk: str
    reasons: tuple[str, ...]
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    live_fingerprint: str | None  # of the live object the change was planned against; None: absent
    prevent_destroy: bool = False
    declared_at: Location | None = None
    refusal: str | None = None  # why apply will refuse it, as the account told at plan time

    @property
    def label(self) -> str:
        return self.kind.label_of(self.key)


@dataclass(frozen=True)
class Plan:
    account: AccountRef
    changes: tuple[Change, ...]
    unmanaged: tuple[tuple[Kind, str], ...] = ()
    # one-line facts for the reader (sources that cannot be planned, ...)
    notes: tuple[str, ...] = ()
    created_at: str = field(
        default_factory=lambda: datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    )
    tool_version: str = __version__
    over_limits: tuple[str, ...] = ()  # why the changes cannot fit the account's limits

    @property
    def summary(self) -> dict[str, int]:
        counts = {action: sum(1 for c in self.changes if c.action == action) for action in ACTIONS}
        return {**counts, "unmanaged": len(self.unmanaged)}

    @property
    def highest_risk(self) -> str | None:
        """The highest risk of any change, None without changes."""
        return worst([c.risk for c in self.changes]) if self.changes else None

    @property
    def refusals(self) -> list[str]:
        """What apply will refuse, whatever its flags: said at plan time, for the reviewer."""
        protected = [
            f"{c.label} is prevent_destroy: apply refuses to {c.action} it"
            for c in self.changes
            if c.prevent_destroy and c.action in ("delete", "replace")
        ]
        refused = [f"{c.label}: {c.refusal}" for c in self.changes if c.refusal]
        limits = [f"over the account's limits: {problem}" for problem in self.over_limits]
        return protected + refused + limits

    def at_or_above(self, level: str) -> list[Change]:
        return [c for c in self.changes if RISKS.index(c.risk) >= RISKS.index(level)]


def fingerprint(
    kind: Kind, item: dict[str, Any] | None, after: dict[str, Any] | None = None
) -> str | None:
    """A digest of a live object's content (server-owned fields aside); None when it is absent.
    With ``after`` (the declared content), only what the declaration manages counts: an
    attribute it leaves to Zendesk may change without making a plan stale."""
    if item is None:
        return None
    content = kind.normalize(item)
    if after is not None:
        bare = {k: v for k, v in content.items() if k != "key"}
        content = {"key": content.get("key"), **kind.comparable(after, bare)}
    canonical = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return "sha256:" + hashlib.sha256(canonical.encode()).hexdigest()


# -- the JSON document ------------------------------------------------------------------------


def to_document(plan: Plan) -> dict[str, Any]:
    account: dict[str, Any] = {"name": plan.account.name, "url": plan.account.url}
    if plan.account.state is not None:
        account["state"] = plan.account.state
    if plan.account.revision is not None:
        account["revision"] = plan.account.revision
    return {
        "format_version": FORMAT_VERSION,
        "tool_version": plan.tool_version,
        "created_at": plan.created_at,
        "account": account,
        "summary": plan.summary,
        "changes": [
            {
                "kind": c.kind.name,
                "key": c.key,
                "action": c.action,
                "risk": c.risk,
                "reasons": list(c.reasons),
                "before": c.before,
                "after": c.after,
                "live_fingerprint": c.live_fingerprint,
                "prevent_destroy": c.prevent_destroy,
                "declared_at": None
                if c.declared_at is None
                else {
                    "file": c.declared_at.file,
                    "line": c.declared_at.line,
                    "column": c.declared_at.column,
                },
                "refusal": c.refusal,
            }
            for c in plan.changes
        ],
        "unmanaged": [{"kind": kind.name, "key": key} for kind, key in plan.unmanaged],
        "notes": list(plan.notes),
        "over_limits": list(plan.over_limits),
        "refusals": plan.refusals,
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
        raise PlanFileError(
            f"{path}: not a valid plan file ({type(exc).__name__}: {exc})"
        ) from None


def from_document(document: dict[str, Any]) -> Plan:
    version = document.get("format_version")
    if version != FORMAT_VERSION:
        raise ValueError(f"format_version {version!r}; this zcd-schema reads {FORMAT_VERSION}")
    account = document["account"]
    changes = []
    for entry in document["changes"]:
        if entry["action"] not in ACTIONS or entry["risk"] not in RISKS:
            raise ValueError(f"unknown action or risk in {entry.get('kind')} {entry.get('key')}")
        if not isinstance(entry["key"], str):
            raise ValueError("a change's key must be a string")
        at = entry.get("declared_at")
        location = (
            Location(str(at["file"]), int(at["line"]), int(at.get("column", 1))) if at else None
        )
        changes.append(
            Change(
                _kind(entry["kind"]),
                entry["key"],
                entry["action"],
                entry["risk"],
                tuple(entry["reasons"]),
                entry["before"],
                entry["after"],
                entry["live_fingerprint"],
                bool(entry.get("prevent_destroy", False)),
                location,
                entry.get("refusal") if isinstance(entry.get("refusal"), str) else None,
            )
        )
    plan = Plan(
        AccountRef(
            str(account["name"]), account.get("url"), account.get("state"), account.get("revision")
        ),
        tuple(changes),
        tuple((_kind(u["kind"]), u["key"]) for u in document.get("unmanaged", [])),
        tuple(document.get("notes", [])),
        str(document["created_at"]),
        str(document["tool_version"]),
        tuple(str(problem) for problem in document.get("over_limits", [])),
    )
    if document.get("summary") not in (None, plan.summary):
        raise ValueError("the summary does not match the changes (was the file edited?)")
    return plan


def _kind(name: Any) -> Kind:
    try:
        return kind_named(name)
    except (KeyError, TypeError):
        raise ValueError(f"unknown kind {name!r}") from None
