"""Declared versus live, key by key: which types to create, update, replace or delete, and for an
update, every leaf that differs between the two schemas. deepdiff stays inside this module.

Both sides are normalised first (``Kind.normalize``): server-owned fields, the
``additionalProperties: false`` Zendesk adds and key order never show up as changes.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from zcd_schema.kinds import KINDS, Kind
from zcd_schema.kinds.base import Delta, Difference, LiveState
from zcd_schema.project.model import Project

# Lists whose order means nothing: compared as sets, so ["a", "b"] and ["b", "a"] are equal and a
# changed member shows as one removed and one added.
SET_KEYWORDS = frozenset({"enum", "required", "type"})
_MEMBER = "\x00member"  # the value of a set member once a list is turned into a dict
_TRUE, _FALSE = "\x00true", "\x00false"  # booleans, kept apart from 1 and 0


@dataclass(frozen=True)
class Comparison:
    deltas: tuple[Delta, ...]
    unmanaged: tuple[tuple[Kind, str], ...]  # live items that no file declares
    unchanged: int


def compare(
    project: Project, live: LiveState, *, prune: bool, targets: Iterable[str] = ()
) -> Comparison:
    wanted = set(targets)
    deltas: list[Delta] = []
    unmanaged: list[tuple[Kind, str]] = []
    unchanged = 0
    deleting: set[tuple[str, str]] = set()  # (kind name, key) of items planned for deletion
    for kind in KINDS:
        if live.covered is not None and kind.name not in live.covered:
            continue  # the live side does not speak for it (profile and event sources)
        declarations = kind.declared(project)
        # both sides normalised alike: what Zendesk adds or drops is never a difference
        declared = {
            key: _content(kind.normalize(kind.content(obj))) for key, obj in declarations.items()
        }
        current = {key: _content(kind.normalize(item)) for key, item in live.of(kind).items()}
        parents = set(kind.parent.declared(project)) if kind.parent is not None else set()
        for key in sorted(set(declared) | set(current)):
            if wanted and not wanted & kind.target_names(key):
                continue
            after, before = declared.get(key), current.get(key)
            protected = key in declarations and declarations[key].prevent_destroy
            if before is None:
                assert after is not None
                deltas.append(Delta(kind, key, "create", None, after))
            elif after is None:
                if kind.parent is not None:
                    # a declared object owns its parts: one it lacks goes; the parts of an object
                    # no file declares go with it (or stay with it, unmanaged), but a part that
                    # points at another item being deleted goes first, or that deletion is refused
                    parent_key = kind.parent_key(key)
                    pointing = any(
                        (ref.name, ref_key) in deleting and ref_key != parent_key
                        for ref, ref_key in kind.references(before)
                    )
                    if kind.deletable and (parent_key in parents or pointing):
                        deltas.append(Delta(kind, key, "delete", before, None))
                elif prune and kind.deletable:
                    deltas.append(Delta(kind, key, "delete", before, None))
                    deleting.add((kind.name, key))
                else:
                    unmanaged.append((kind, key))
            else:
                before = kind.comparable(after, before)
                # equal contents need no deepdiff (which is slow); unequal ones may still differ
                # only in the order of set-like lists, which differences_between ignores
                same = _canonical(before) == _canonical(after)
                differences = () if same else tuple(differences_between(before, after))
                if not differences:
                    unchanged += 1
                else:
                    action = kind.change_action(before, after)
                    deltas.append(Delta(kind, key, action, before, after, differences, protected))
    deltas = _follow_ups(project, live, deltas, wanted)
    return Comparison(tuple(deltas), tuple(unmanaged), unchanged)


def _follow_ups(
    project: Project, live: LiveState, deltas: list[Delta], wanted: set[str]
) -> list[Delta]:
    """Items written again because parts they follow are created or replaced (see Kind.follows)."""
    for kind in KINDS:
        follows = kind.follows
        if follows is None:
            continue
        moved: dict[str, list[str]] = {}
        for delta in deltas:
            parent = delta.kind.parent_key(delta.key)
            if delta.kind is follows and delta.action in ("create", "replace") and parent:
                moved.setdefault(parent, []).append(delta.key.rpartition(".")[2])
        declarations = kind.declared(project)
        for parent, keys in moved.items():
            if parent not in declarations or (wanted and not wanted & kind.target_names(parent)):
                continue
            declared = _content(kind.normalize(kind.content(declarations[parent])))
            after = kind.follow(declared, keys)
            found = [i for i, d in enumerate(deltas) if d.kind is kind and d.key == parent]
            if found:
                old = deltas[found[0]]
                deltas[found[0]] = Delta(
                    kind,
                    parent,
                    old.action,
                    old.before,
                    after,
                    old.differences,
                    old.prevent_destroy,
                )
                continue
            item = live.item(kind, parent)
            before = (
                None if item is None else kind.comparable(declared, _content(kind.normalize(item)))
            )
            action = "create" if before is None else kind.change_action(before, after)
            differences = () if before is None else tuple(differences_between(before, after))
            deltas.append(Delta(kind, parent, action, before, after, differences))
    return deltas


def known_keys(project: Project, live: LiveState) -> set[str]:
    """Every key --target may name: declared or live, of any kind."""
    keys = {key for kind in KINDS for key in kind.declared(project)}
    return keys | {key for _, key in live.items}


def _canonical(content: dict[str, Any]) -> str:
    """Equal for equal JSON only: Python's ``1 == True`` must not hide ``enum: [1, 0]`` becoming
    ``[true, false]``."""
    return json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def _content(content: dict[str, Any]) -> dict[str, Any]:
    """The comparable content: without the key, which is the identity rather than content."""
    return {name: value for name, value in content.items() if name != "key"}


def differences_between(before: Any, after: Any) -> list[Difference]:
    from deepdiff import DeepDiff

    found: list[Difference] = []
    tree = DeepDiff(_as_sets(before), _as_sets(after), view="tree", threshold_to_diff_deeper=0)
    for report, action in (
        ("dictionary_item_added", "added"),
        ("dictionary_item_removed", "removed"),
        ("values_changed", "changed"),
        ("type_changes", "changed"),
        ("iterable_item_added", "added"),
        ("iterable_item_removed", "removed"),
    ):
        for level in tree.get(report, []):
            path = tuple(str(part) for part in level.path(output_format="list"))
            old, new = _plain(level.t1), _plain(level.t2)
            if (
                path
                and len(path) >= 2
                and path[-2] in SET_KEYWORDS
                and (old == _MEMBER or new == _MEMBER)
            ):
                member = json.loads(path[-1])  # a set member added or removed
                path, old, new = (
                    path[:-1],
                    (member if action == "removed" else None),
                    (member if action == "added" else None),
                )
            found.append(Difference(path, action, _from_sets(old), _from_sets(new)))
    return sorted(found, key=lambda d: (d.path, d.action))


def _as_sets(value: Any, parent: str | None = None) -> Any:
    """Turn the order-free lists into dicts keyed by each member's JSON, recursively."""
    if isinstance(value, dict):
        return {k: _as_sets(v, k) for k, v in value.items()}
    if parent in SET_KEYWORDS and isinstance(value, (list, str)):
        members = value if isinstance(value, list) else [value]
        return {json.dumps(m, sort_keys=True): _MEMBER for m in members}
    if isinstance(value, list):
        return [_as_sets(v) for v in value]
    if isinstance(value, bool):  # deepdiff, like Python, takes True for 1 inside lists
        return _TRUE if value else _FALSE
    return value


def _from_sets(value: Any) -> Any:
    if isinstance(value, dict):
        if value and all(v == _MEMBER for v in value.values()):
            return [json.loads(k) for k in value]
        return {k: _from_sets(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_from_sets(v) for v in value]
    if value == _TRUE or value == _FALSE:
        return value == _TRUE
    return value


def _plain(value: Any) -> Any:
    """deepdiff's "not present" marker as None."""
    return None if type(value).__name__ == "NotPresent" else value
