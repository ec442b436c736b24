"""Which account a command talks to: ``zcd.yaml`` accounts, ``--account``/``--url``, credentials
from
the environment only, and the built-in ``local`` account (the emulator, in-process)."""

from __future__ import annotations

import dataclasses
import os
import sqlite3
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from zcd_schema.errors import AccountError, UsageError
from zcd_schema.project.model import LOCAL_ACCOUNT, Account, Settings
from zcd_schema.statedir import STATE_DIR
from zcd_schema.statedir import prepare as prepare_state_dir
from zcd_schema.urls import is_loopback_host, url_problem
from zcd_schema.zendesk.client import Client, Credentials, RetryPolicy, has_control_character

LOCAL_STATE = STATE_DIR / "local.sqlite"
LOCAL_BASE_URL = "http://localhost"  # never on the network: the transport calls the app in-process
FAULTS_ENV = "ZCD_EMULATOR_FAULTS"


@dataclass(frozen=True)
class Target:
    name: str
    url: str  # the base URL; for the local account, the in-process placeholder
    credentials: Credentials
    requests_per_minute: int | None = None
    local_state: Path | None = None  # the SQLite file of the local account
    local_plan_tier: str = "enterprise"  # the plan the local account plays
    local_legacy_api: bool = True

    @property
    def is_local(self) -> bool:
        return self.local_state is not None

    def describe(self) -> str:
        """How output names the target: the account and its URL or file."""
        if self.local_state is not None:
            return f"{self.name} (embedded emulator, state in {self.local_state})"
        return f"{self.name} ({self.url})"


def resolve_target(
    root: Path,
    settings: Settings,
    account: str | None = None,
    url: str | None = None,
    environ: Mapping[str, str] = os.environ,
) -> Target:
    if url is not None:
        problem = url_problem(url)
        if problem:
            raise UsageError(f"--url: {problem}")
        url = url.rstrip("/")
    name = account or (None if url else settings.default_account)
    if name == LOCAL_ACCOUNT and name not in settings.accounts:
        if url:
            raise UsageError(
                "--url cannot be combined with the local account, which runs in-process; "
                "start `zcd-schema emulator serve` and pass its URL with --url instead"
            )
        return Target(
            LOCAL_ACCOUNT,
            LOCAL_BASE_URL,
            Credentials(),
            local_state=root / LOCAL_STATE,
            local_plan_tier=settings.local_plan_tier,
            local_legacy_api=settings.local_legacy_api,
        )
    if name is None:
        entry = Account(name=urlsplit(url or "").netloc)
    elif name in settings.accounts:
        entry = settings.accounts[name]
    else:
        known = ", ".join([LOCAL_ACCOUNT, *sorted(settings.accounts)])
        raise UsageError(f"unknown account {name!r}: zcd.yaml declares {known}")
    base = url or entry.base_url
    if not base:
        raise UsageError(f"account {entry.name!r} has neither subdomain nor url in zcd.yaml")
    problem = url_problem(base)
    if problem:
        raise AccountError(f"account {entry.name!r}: {problem}")
    return Target(
        entry.name, base.rstrip("/"), _credentials(entry, base, environ), entry.requests_per_minute
    )


def _credentials(entry: Account, base: str, environ: Mapping[str, str]) -> Credentials:
    def env(name: str) -> str | None:
        value = (environ.get(name) or "").strip()
        if has_control_character(value):
            # A header cannot carry it, and the value must never be shown: say where, not what.
            raise AccountError(
                f"account {entry.name!r}: {name} holds a line break or another control character; "
                "set it to the credential alone (the value is not shown here)"
            )
        return value or None

    oauth, email, token = env(entry.oauth_token_env), env(entry.email_env), env(entry.token_env)
    if oauth:
        return Credentials(oauth_token=oauth)
    if email and token:
        return Credentials(email=email, token=token)
    if email or token:
        have, lack = (
            (entry.email_env, entry.token_env) if email else (entry.token_env, entry.email_env)
        )
        raise AccountError(
            f"account {entry.name!r}: {have} is set but {lack} is not; set both, "
            f"or {entry.oauth_token_env} for OAuth"
        )
    if is_loopback_host(urlsplit(base).hostname or ""):
        return Credentials()  # an emulator on loopback may accept anonymous requests
    raise AccountError(
        f"account {entry.name!r}: no credentials; set {entry.email_env} and {entry.token_env} "
        f"(an API token), or {entry.oauth_token_env}, in the environment"
    )


def open_client(
    target: Target,
    *,
    notify: Callable[[str], None] | None = None,
    log_request: Callable[[str], None] | None = None,
    retry: RetryPolicy | None = None,
    environ: Mapping[str, str] = os.environ,
    retry_budget: float | None = None,
) -> Client:
    """A client for ``target``; for the local account, with the emulator running in this process.
    ``retry_budget`` sets how long the run may spend waiting out rate limits in all."""
    if retry_budget is not None:
        retry = dataclasses.replace(retry or RetryPolicy(), rate_limit_budget=retry_budget)
    if target.local_state is None:
        return Client(
            target.url,
            target.credentials,
            requests_per_minute=target.requests_per_minute,
            retry=retry,
            notify=notify,
            log_request=log_request,
        )
    from zcd_schema.emulator.app import Emulator
    from zcd_schema.emulator.faults import Faults, FaultSpecError
    from zcd_schema.emulator.store import Store
    from zcd_schema.zendesk.client import in_process_transport

    try:
        faults = Faults.parse(environ.get(FAULTS_ENV, ""))
    except FaultSpecError as exc:
        raise UsageError(f"{FAULTS_ENV}: {exc}") from None
    if faults.active and (retry is None or retry_budget is not None):
        # Faults of an in-process emulator are a rehearsal: backing off in real time helps nothing.
        retry = RetryPolicy(
            attempts=10,
            backoff_base=0.01,
            backoff_cap=0.1,
            rate_limit_budget=retry.rate_limit_budget if retry else 600.0,
        )
    state = target.local_state
    try:
        prepare_state_dir(state.parent)
        store = Store(state)
    except sqlite3.DatabaseError as exc:
        raise AccountError(
            f"the local account's state file {state} cannot be used ({exc}); it is not a database "
            "zcd-schema wrote. Delete it to start the local account afresh"
        ) from None
    except OSError as exc:
        raise AccountError(
            f"the local account keeps its state in {state}, which cannot be created or opened: "
            f"{exc.strerror or exc}"
        ) from None
    app = Emulator(
        store, faults=faults, plan_tier=target.local_plan_tier, legacy=target.local_legacy_api
    )
    return Client(
        target.url,
        transport=in_process_transport(app),
        retry=retry,
        notify=notify,
        log_request=log_request,
        on_close=store.close,
    )


@contextmanager
def writing(target: Target, notify: Callable[[str], None] | None = None) -> Iterator[None]:
    """Hold the right to write to the account. For the local account, an exclusive lock on its
    state, so two applies run one after the other (the second then finds its plan stale); a real
    account has no lock to take, and apply's per-object check right before each write stands in."""
    if target.local_state is None:
        yield
        return
    import fcntl

    path = target.local_state.with_name(target.local_state.name + ".lock")
    try:
        handle = path.open("a")
    except OSError as exc:
        raise AccountError(
            f"cannot lock the local account ({path}): {exc.strerror or exc}"
        ) from None
    with handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            if notify is not None:
                notify(f"another apply holds the local account ({path}); waiting for it to finish")
            fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
