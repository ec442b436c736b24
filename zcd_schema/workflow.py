"""The core of ``plan``, ``apply``, ``show`` and ``import``: load and validate, reach the account,
build or load the plan, guard, apply. The CLI calls these and renders what they return."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from zcd_schema.errors import UsageError, ZcdError
from zcd_schema.planning import apply as applying
from zcd_schema.planning.plan import AccountRef, Plan, build_plan
from zcd_schema.project.model import Project, Settings
from zcd_schema.validate import ValidationResult, validate_project
from zcd_schema.zendesk import live
from zcd_schema.zendesk.accounts import Target, open_client, resolve_target
from zcd_schema.zendesk.client import Client

Say = Callable[[str], None]


class InvalidProject(Exception):
    """The project has validation errors: the CLI prints them and exits 1."""

    def __init__(self, result: ValidationResult) -> None:
        super().__init__("the project is invalid")
        self.result = result


@dataclass(frozen=True)
class Session:
    project: Project
    validation: ValidationResult
    target: Target
    account: AccountRef
    client: Client


def load_valid(root: Path) -> ValidationResult:
    result = validate_project(root)
    if not result.valid:
        raise InvalidProject(result)
    return result


@contextmanager
def session(root: Path | ValidationResult, account: str | None, url: str | None, *, notify: Say | None = None,
            debug: Say | None = None, plan: Plan | None = None) -> Iterator[Session]:
    """A valid project and a client for the target account (a saved plan's, by default), closed afterwards."""
    validation = root if isinstance(root, ValidationResult) else load_valid(root)
    project = validation.project
    if plan is not None:
        account, url = saved_plan_target(plan, project.settings, account, url)
    target = resolve_target(project.root, project.settings, account, url)
    with open_client(target, notify=notify, debug=debug) as client:
        yield Session(project, validation, target, account_ref(target), client)


def account_ref(target: Target) -> AccountRef:
    if target.local_state is None:
        return AccountRef(target.name, target.url)
    return AccountRef(target.name, None, _shown_path(target.local_state))


def _shown_path(path: Path) -> str:
    try:
        return os.path.relpath(path)
    except ValueError:  # another drive on Windows
        return str(path)


def make_plan(s: Session, *, prune: bool, targets: tuple[str, ...]) -> Plan:
    state = live.read_live_state(s.client)
    return build_plan(s.project, state, s.account, prune=prune or s.project.settings.prune, targets=targets,
                      records=lambda key: live.has_records(s.client, key))


def protected_keys(project: Project) -> set[tuple[str, str]]:
    found = {("object_type", k) for k, o in project.object_types.items() if o.prevent_destroy}
    return found | {("relationship_type", k) for k, r in project.relationship_types.items() if r.prevent_destroy}


def saved_plan_target(plan: Plan, settings: Settings, account: str | None,
                      url: str | None) -> tuple[str | None, str | None]:
    """The account a saved plan is applied to: the plan's own, unless options name another."""
    if account is not None or url is not None:
        return account, url
    if plan.account.url is None:
        return plan.account.name, None
    if plan.account.name in settings.accounts:
        return plan.account.name, plan.account.url
    return None, plan.account.url  # an ad-hoc --url account


def check_same_account(plan: Plan, s: Session) -> None:
    ours = s.account
    if (plan.account.name, plan.account.url) != (ours.name, ours.url):
        raise applying.GuardError(f"the plan was made for {plan.account.describe()}, not {ours.describe()}; "
                                  "nothing was written")


def apply_changes(plan: Plan, s: Session, *, allow_destroy: bool, parallelism: int,
                  progress: Say | None = None) -> applying.ApplyReport:
    """Guards, a fresh read of the account (a stale plan writes nothing), then the changes."""
    if parallelism < 1:
        raise UsageError("--parallelism must be at least 1")
    applying.check_guards(plan, allow_destroy=allow_destroy, protected=protected_keys(s.project))
    applying.check_fresh(plan, live.read_live_state(s.client, with_limits=False))
    if progress is not None:
        progress(f"Applying {len(plan.changes)} changes to {s.account.describe()}:")
    return applying.apply_plan(plan, s.client, parallelism=parallelism, progress=progress)


@dataclass(frozen=True)
class AccountFailure:
    account: str
    message: str
    exit_code: int


def plan_accounts(root: Path, accounts: tuple[str, ...], all_accounts: bool, url: str | None, *,
                  prune: bool, targets: tuple[str, ...], notify: Say | None = None,
                  debug: Say | None = None) -> tuple[ValidationResult, list[Plan], list[AccountFailure]]:
    """Plan one account, or several at once (each on its own client): the plans, and the accounts
    that could not be planned (unreachable, refusing, misconfigured), in the order asked."""
    validation = load_valid(root)
    settings = validation.project.settings
    if all_accounts:
        if accounts:
            raise UsageError("--all-accounts and --account do not go together")
        accounts = tuple(sorted(settings.accounts))
        if not accounts:
            raise UsageError("--all-accounts: zcd.yaml declares no accounts")
    if len(accounts) > 1 and url is not None:
        raise UsageError("--url names one account; it cannot be combined with several --account")
    names: tuple[str | None, ...] = accounts or (None,)

    def one(name: str | None) -> Plan | AccountFailure:
        tell = notify if notify is None or len(names) == 1 else (lambda line: notify(f"[{name}] {line}"))
        try:
            with session(validation, name, url, notify=tell, debug=debug) as s:
                return make_plan(s, prune=prune, targets=targets)
        except ZcdError as exc:
            if len(names) == 1 or isinstance(exc, UsageError):
                raise
            return AccountFailure(str(name), str(exc), exc.exit_code)

    with ThreadPoolExecutor(max_workers=min(8, len(names)), thread_name_prefix="zcd-account") as pool:
        results = list(pool.map(one, names))
    plans = [r for r in results if isinstance(r, Plan)]
    failures = [r for r in results if isinstance(r, AccountFailure)]
    return validation, plans, failures
