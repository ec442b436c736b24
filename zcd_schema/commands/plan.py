"""The core of ``plan``: plan one account or several at once, save the plans, and apply the review
policy (--fail-on, --detailed-exitcode) to decide the exit code."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from zcd_schema.commands import Messages, Say
from zcd_schema.commands.connection import connect, make_plan
from zcd_schema.errors import ExitCode, UsageError, ZcdError
from zcd_schema.planning.document import Change, Plan, save
from zcd_schema.project.validate import valid_project

ACCOUNT_PLACEHOLDER = "{account}"
# When several accounts are planned, the exit code is that of the worst outcome, in this order.
_WORST = (ExitCode.ACCOUNT, ExitCode.GUARD, ExitCode.CHANGES, ExitCode.OK)


@dataclass(frozen=True)
class PlanRequest:
    accounts: tuple[str, ...] = ()  # none: the default account
    all_accounts: bool = False
    url: str | None = None
    prune: bool = False
    targets: tuple[str, ...] = ()
    fail_on: str | None = None  # "breaking" or "destructive"
    detailed_exitcode: bool = False
    out: str | None = None  # a file name; with several accounts it holds {account}
    base: str | None = None  # a git revision: compare the project there with the working tree
    retry_budget: float | None = None  # seconds to wait out rate limits in all; None: default

    @property
    def several(self) -> bool:
        return self.all_accounts or len(self.accounts) > 1


@dataclass(frozen=True)
class AccountFailure:
    account: str
    message: str
    exit_code: ExitCode


@dataclass(frozen=True)
class PlanRun:
    request: PlanRequest
    plans: list[Plan]
    failures: list[AccountFailure]
    saved: list[tuple[Plan, Path]]

    @property
    def failed(self) -> list[tuple[str, str]]:
        return [(f.account, f.message) for f in self.failures]

    @property
    def breaches(self) -> list[tuple[str, Change]]:
        """(account, change) of every change at or above --fail-on."""
        level = self.request.fail_on
        return (
            []
            if level is None
            else [(p.account.name, c) for p in self.plans for c in p.at_or_above(level)]
        )

    @property
    def exit_code(self) -> ExitCode:
        codes = [f.exit_code for f in self.failures]
        if self.breaches or any(p.refusals for p in self.plans):
            codes.append(ExitCode.GUARD)
        if self.request.detailed_exitcode and any(p.changes for p in self.plans):
            codes.append(ExitCode.CHANGES)
        return min(codes, key=_WORST.index) if codes else ExitCode.OK


def plan_accounts(root: Path, request: PlanRequest, messages: Messages = Messages()) -> PlanRun:
    """Plan one account, or several at once (each on its own client), and save the plans when asked.
    An account that cannot be planned among several is reported in ``failures``, not raised."""
    if request.out is not None and request.several and ACCOUNT_PLACEHOLDER not in request.out:
        raise UsageError(
            "with several accounts, -o needs {account} in the file name, e.g. plans/{account}.json"
        )
    if request.base is not None:
        if request.accounts or request.all_accounts or request.url:
            raise UsageError(
                "--base compares two revisions of the project, offline: it takes no "
                "--account, --all-accounts or --url"
            )
        from zcd_schema.commands.review import plan_against_revision

        plan = plan_against_revision(root, request.base, request.targets)
        saved = [(plan, save_plan(plan, request.out))] if request.out is not None else []
        return PlanRun(request, [plan], [], saved)
    validation = valid_project(root)
    accounts = request.accounts
    if request.all_accounts:
        if accounts:
            raise UsageError("--all-accounts and --account do not go together")
        accounts = tuple(sorted(validation.project.settings.accounts))
        if not accounts:
            raise UsageError("--all-accounts: zcd.yaml declares no accounts")
    if len(accounts) > 1 and request.url is not None:
        raise UsageError("--url names one account; it cannot be combined with several --account")
    names: tuple[str | None, ...] = accounts or (None,)

    def one(name: str | None) -> Plan | AccountFailure:
        notify = messages.notify
        if notify is not None and len(names) > 1:
            notify = _prefixed(notify, f"[{name}] ")
        try:
            with connect(
                validation,
                name,
                request.url,
                Messages(notify, messages.log_request),
                retry_budget=request.retry_budget,
            ) as connection:
                return make_plan(connection, prune=request.prune, targets=request.targets)
        except ZcdError as exc:
            if len(names) == 1 or isinstance(exc, UsageError):
                raise
            return AccountFailure(str(name), str(exc), ExitCode(exc.exit_code))

    with ThreadPoolExecutor(
        max_workers=min(8, len(names)), thread_name_prefix="zcd-account"
    ) as pool:
        results = list(pool.map(one, names))
    plans = [r for r in results if isinstance(r, Plan)]
    failures = [r for r in results if isinstance(r, AccountFailure)]
    saved = [(p, save_plan(p, request.out)) for p in plans] if request.out is not None else []
    return PlanRun(request, plans, failures, saved)


def save_plan(plan: Plan, out: str) -> Path:
    path = Path(out.replace(ACCOUNT_PLACEHOLDER, plan.account.name))
    if path.is_dir():
        raise UsageError(f"-o {path}: that is a folder; name a file, e.g. {path / 'plan.json'}")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        save(plan, path)
    except OSError as exc:
        raise UsageError(
            f"-o {path}: the plan cannot be saved there: {exc.strerror or exc}"
        ) from None
    return path


def _prefixed(say: Say, prefix: str) -> Say:
    return lambda line: say(prefix + line)
