"""The core of ``apply``: a saved plan applied exactly to its own account, or a fresh plan shown,
confirmed and applied. The guards run once, before the first write; then the account is read
again (a plan whose objects moved is stale) and the plan's steps are carried out."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from zcd_schema.commands import Messages
from zcd_schema.commands.connection import Connection, connect, make_plan, saved_plan_target
from zcd_schema.errors import ExitCode, GuardError, UsageError
from zcd_schema.kinds import families_of
from zcd_schema.planning import guards
from zcd_schema.planning.apply import Progress, apply_plan
from zcd_schema.planning.document import Plan, load
from zcd_schema.planning.report import ApplyReport
from zcd_schema.project.validate import valid_project
from zcd_schema.zendesk.accounts import writing
from zcd_schema.zendesk.read import read_live_state
from zcd_schema.zendesk.write import AccountApi


@dataclass(frozen=True)
class ApplyRequest:
    plan_file: Path | None = None  # None: plan now, show, confirm
    account: str | None = None
    url: str | None = None
    allow_destroy: bool = False
    prune: bool = False
    parallelism: int = 4
    retry_budget: float | None = None  # seconds to wait out rate limits in all; None: default


@dataclass(frozen=True)
class ApplyResult:
    plan: Plan
    report: ApplyReport | None  # None when there was nothing to apply

    @property
    def exit_code(self) -> ExitCode:
        return ExitCode.OK if self.report is None else self.report.exit_code


Show = Callable[[Plan], None]
Confirm = Callable[[Plan, str], bool]  # (plan, the account as people read it) -> go ahead?


def apply_project(
    root: Path,
    request: ApplyRequest,
    *,
    show: Show,
    confirm: Confirm,
    progress: Progress | None = None,
    messages: Messages = Messages(),
) -> ApplyResult:
    """Apply a saved plan (``request.plan_file``), or plan now, ``show`` it and ask ``confirm``."""
    if request.parallelism < 1:
        raise UsageError("--parallelism must be at least 1")
    saved = load(request.plan_file) if request.plan_file is not None else None
    if saved is not None and request.prune:
        raise UsageError("--prune applies when planning; a saved plan already says what it deletes")
    if saved is not None and saved.account.revision is not None:
        raise GuardError(
            "this plan compares two revisions of the project (plan --base); it "
            "cannot be applied: make a plan against the account"
        )
    if saved is not None:
        guards.check_recorded(saved)
    validation = valid_project(root)
    account, url = request.account, request.url
    if saved is not None:
        account, url = saved_plan_target(saved, validation.project.settings, account, url)
    with connect(
        validation, account, url, messages, retry_budget=request.retry_budget
    ) as connection:
        if saved is not None:
            guards.check_same_account(saved, connection.account)
            plan = saved
        else:
            plan = make_plan(connection, prune=request.prune, targets=())
            show(plan)
            if not plan.changes:
                return ApplyResult(plan, None)
        protected = guards.protected_keys(connection.project)
        guards.check_guards(plan, allow_destroy=request.allow_destroy, protected=protected)
        if saved is None and not confirm(plan, connection.account.describe()):
            raise GuardError("apply cancelled: the answer was not 'yes'; nothing was written")
        return ApplyResult(
            plan, _apply_fresh(plan, connection, request.parallelism, messages, progress)
        )


def _apply_fresh(
    plan: Plan,
    connection: Connection,
    parallelism: int,
    messages: Messages,
    progress: Progress | None,
) -> ApplyReport:
    """Under the account's write lock: read it again (stale plans and limits), then write."""
    with writing(connection.target, messages.notify):
        # the stale check reads what the plan's changes touch, and what their limits count
        now = read_live_state(connection.client, families_of({c.kind for c in plan.changes}))
        guards.check_fresh(plan, now)
        guards.check_limits(plan, now)
        if progress is not None:
            progress(f"Applying {len(plan.changes)} changes to {connection.account.describe()}:")
        api = AccountApi(connection.client)
        return apply_plan(plan, api, parallelism=parallelism, progress=progress)
