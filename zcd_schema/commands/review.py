"""The core of ``plan --base REF``: the project at a git revision compared with the working tree,
offline (no account, no credentials, no network), so that a pull request from a fork gets its
review. Every section is compared, profile and event sources included.

The revision is read with git itself (``git archive`` into a temporary folder): the working
tree and its checkout are never touched.
"""

from __future__ import annotations

import io
import subprocess
import tarfile
import tempfile
from dataclasses import replace
from pathlib import Path
from typing import Any

from zcd_schema.errors import UsageError
from zcd_schema.kinds import KINDS
from zcd_schema.kinds.base import LiveState
from zcd_schema.planning.build import build_plan
from zcd_schema.planning.document import AccountRef, Change, Location, Plan
from zcd_schema.project.load import build_project, read_documents
from zcd_schema.project.model import Project
from zcd_schema.project.validate import valid_project, validate_project


def plan_against_revision(root: Path, ref: str, targets: tuple[str, ...] = ()) -> Plan:
    """What changes from the project at ``ref`` to the project in the working tree."""
    now = valid_project(root, "nothing was compared").project
    top = _git(
        root,
        "rev-parse",
        "--show-toplevel",
        error=(f"--base needs the project inside a git repository, and {root} is not in one"),
    ).strip()
    commit = _git(
        root,
        "rev-parse",
        "--verify",
        "--quiet",
        f"{ref}^{{commit}}",
        error=(f"--base {ref}: not a revision of this repository (a branch, tag or commit)"),
    ).strip()
    prefix = Path(root).resolve().relative_to(Path(top).resolve()).as_posix()
    prefix = "" if prefix == "." else prefix
    with tempfile.TemporaryDirectory(prefix="zcd-base-") as folder:
        base_root = _extract(top, commit, prefix, Path(folder), ref)
        base = build_project(read_documents(base_root))
        problems = validate_project(base_root).errors
    plan = build_plan(
        now, _as_live(base), AccountRef(ref, None, None, commit), prune=True, targets=targets
    )
    changes = tuple(_old_location(change, base, prefix) for change in plan.changes)
    plural = "s" if problems != 1 else ""
    note = f"the project at {ref} has {problems} validation error{plural}: compared as far as read"
    notes = (note,) if problems else ()
    return replace(plan, changes=changes, notes=notes)


def _git(root: Path, *args: str, error: str) -> str:
    try:
        done = subprocess.run(
            ["git", "-C", str(root), *args], capture_output=True, text=True, timeout=60
        )
    except FileNotFoundError:
        raise UsageError("--base needs git, which is not installed here") from None
    if done.returncode != 0:
        raise UsageError(error)
    return done.stdout


def _extract(top: str, commit: str, prefix: str, folder: Path, ref: str) -> Path:
    """The project folder as it was at ``commit``, written under ``folder``."""
    listed = subprocess.run(
        ["git", "-C", top, "ls-tree", "-r", "--name-only", commit, "--", prefix or "."],
        capture_output=True,
        text=True,
        timeout=60,
    )
    if listed.returncode != 0 or not listed.stdout.strip():
        raise UsageError(f"the project folder {prefix or '.'} did not exist at {ref}")
    archive = subprocess.run(
        ["git", "-C", top, "archive", "--format=tar", commit, "--", prefix or "."],
        capture_output=True,
        timeout=120,
    )
    if archive.returncode != 0:
        raise UsageError(
            f"git could not read {prefix or '.'} at {ref}: "
            f"{archive.stderr.decode(errors='replace').strip()}"
        )
    with tarfile.open(fileobj=io.BytesIO(archive.stdout)) as tar:
        for member in tar.getmembers():  # plain files only: no links, devices or paths out
            target = (folder / member.name).resolve()
            if not member.isfile() or folder.resolve() not in target.parents:
                continue
            source = tar.extractfile(member)
            if source is not None:
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(source.read())
    base = folder / prefix if prefix else folder
    base.mkdir(parents=True, exist_ok=True)
    return base


def _as_live(project: Project) -> LiveState:
    """A revision's declarations, as if an account held them: the other side of the comparison."""
    items: dict[tuple[str, str], dict[str, Any]] = {}
    for kind in KINDS:
        for key, declared in kind.declared(project).items():
            items[(kind.name, key)] = {**kind.content(declared), "key": key}
    return LiveState(items, None, frozenset(), None)


def _old_location(change: Change, base: Project, prefix: str) -> Change:
    """A deletion points at the file that declared it at the base revision."""
    if change.action != "delete" or change.declared_at is not None:
        return change
    declared = change.kind.declared(base).get(change.key)
    parent = change.kind.parent_key(change.key)
    if declared is None and change.kind.parent is not None and parent is not None:
        declared = change.kind.parent.declared(base).get(parent)
    origin = declared.origin if declared is not None else None
    if origin is None:
        return change
    return replace(change, declared_at=Location(origin.file, origin.line, origin.column))
