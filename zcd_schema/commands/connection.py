"""A valid project connected to the account it is planned or applied against."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from zcd_schema.commands import Messages
from zcd_schema.kinds import Kind
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
) -> Iterator[Connection]:
    """A valid project (``InvalidProject`` otherwise) and a client for its account, closed
    afterwards."""
    validation = project if isinstance(project, ValidationResult) else valid_project(project)
    declared = validation.project
    target = resolve_target(declared.root, declared.settings, account, url)
    with open_client(target, notify=messages.notify, log_request=messages.log_request) as client:
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

    def has_records(kind: Kind, key: str) -> bool | None:
        return read.has_records(client, kind, key)

    state = read.read_live_state(client)
    return build_plan(
        connection.project,
        state,
        connection.account,
        prune=prune or connection.project.settings.prune,
        targets=targets,
        records=has_records,
    )


def saved_plan_target(
    plan: Plan, settings: Settings, account: str | None, url: str | None
) -> tuple[str | None, str | None]:
    """The account a saved plan is applied to: the plan's own, unless options name another."""
    if account is not None or url is not None:
        return account, url
    if plan.account.url is None:
        return plan.account.name, None
    if plan.account.name in settings.accounts:
        return plan.account.name, plan.account.url
    return None, plan.account.url  # an ad-hoc --url account
