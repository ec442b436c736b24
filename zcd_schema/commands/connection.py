"""A valid project connected to the account it is planned or applied against."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from zcd_schema.commands import Messages
from zcd_schema.errors import AccountError, GuardError
from zcd_schema.kinds import KINDS, Kind, kinds_to_read
from zcd_schema.kinds.base import LiveState
from zcd_schema.planning.build import build_plan
from zcd_schema.planning.document import AccountRef, Plan
from zcd_schema.project.model import Project, Settings
from zcd_schema.project.validate import ValidationResult, valid_project
from zcd_schema.zendesk import read
from zcd_schema.zendesk.accounts import Target, open_client, resolve_target
from zcd_schema.zendesk.client import Client


@dataclass(frozen=True)
class Connection:
    project: Project
    validation: ValidationResult
    target: Target
    account: AccountRef
    client: Client


@contextmanager
def connect(
    project: Path | ValidationResult,
    account: str | None,
    url: str | None,
    messages: Messages = Messages(),
    *,
    retry_budget: float | None = None,
) -> Iterator[Connection]:
    """A valid project (``InvalidProject`` otherwise) and a client for its account, closed
    afterwards."""
    validation = project if isinstance(project, ValidationResult) else valid_project(project)
    declared = validation.project
    target = resolve_target(declared.root, declared.settings, account, url)
    with open_client(
        target,
        notify=messages.notify,
        log_request=messages.log_request,
        retry_budget=retry_budget,
    ) as client:
        yield Connection(declared, validation, target, account_ref(target), client)


def account_ref(target: Target) -> AccountRef:
    if target.local_state is None:
        return AccountRef(target.name, target.url)
    return AccountRef(target.name, None, _shown_path(target.local_state))


def _shown_path(path: Path) -> str:
    try:
        return os.path.relpath(path)
    except ValueError:  # another drive on Windows
        return str(path)


def make_plan(connection: Connection, *, prune: bool, targets: tuple[str, ...]) -> Plan:
    client = connection.client

    def records(kind: Kind, key: str) -> Any:
        return read.records_answer(client, kind, key)

    prune = prune or connection.project.settings.prune
    state = read.read_live_state(client, kinds_to_read(connection.project, prune=prune))
    check_apis(connection.project, state)
    plan = build_plan(
        connection.project,
        state,
        connection.account,
        prune=prune,
        targets=targets,
        records=records,
    )
    return replace(plan, notes=(*plan.notes, MISSING_NOTE)) if state.missing else plan


def saved_plan_target(
    plan: Plan, settings: Settings, account: str | None, url: str | None
) -> tuple[str | None, str | None]:
    """The account to apply a saved plan to, as (account, url) for ``resolve_target``.

    Credentials go only to a URL that zcd.yaml gives for the account, or that --url names: never
    to the URL written in the file, which anyone who can edit a CI artifact could change. A plan
    for a URL that neither gives is refused before any request.
    """
    if url is not None:
        if plan.account.url is None or url.rstrip("/") != plan.account.url.rstrip("/"):
            raise GuardError(
                f"the plan was made for {plan.account.describe()}, not {url}; nothing was written"
            )
        named = account or (plan.account.name if plan.account.name in settings.accounts else None)
        return named, url
    if plan.account.url is None:
        return account or plan.account.name, None
    name = account or plan.account.name
    if name in settings.accounts:
        return name, None  # zcd.yaml's URL; check_same_account compares it with the plan's
    raise GuardError(
        f"the plan was made for {plan.account.describe()}, an account zcd.yaml does not declare; "
        "credentials go only to a URL that zcd.yaml or --url gives. Pass "
        f"--url {plan.account.url} to apply it there; nothing was written"
    )


LEGACY_REMOVED = (
    "Zendesk removed Legacy Custom Objects in 2026 and this account no longer has their API; "
    "declare custom_objects instead (the README's 'From legacy to custom objects' says how)"
)


def check_apis(project: Project, state: LiveState) -> None:
    """Refuse, in plain words, a project declaring items of an API the account does not have."""
    for kind in KINDS:
        if kind.name in state.missing and kind.declared(project):
            keys = ", ".join(sorted(kind.declared(project))[:5])
            raise AccountError(f"the project declares {kind.label}s ({keys}), but {LEGACY_REMOVED}")


MISSING_NOTE = (
    "this account has no Legacy Custom Objects API (Zendesk removed it in 2026); the project "
    "declares no legacy types, so nothing is lost"
)
