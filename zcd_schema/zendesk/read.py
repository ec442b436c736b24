"""Read an account into the model's ``LiveState``. Each kind says how it is listed (``Kind.read``:
one paginated list for the legacy kinds; objects, then their fields, for custom objects); all the
kinds and the legacy limits are read at once on a small thread pool, so a plan costs a few round
trips of latency whatever the number of items."""

from __future__ import annotations

import builtins
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from zcd_schema.kinds import KINDS, Kind
from zcd_schema.kinds.base import AccountLimit, LiveState
from zcd_schema.zendesk.client import ApiError, Client

LIMITS_PATH = "/api/sunshine/limits"
WORKERS = 32  # requests at once while reading (the client keeps up to 32 connections)


class AccountReader:
    """``kinds.base.ReadApi`` over the client, with a pool for the reads that fan out."""

    def __init__(self, client: Client, pool: ThreadPoolExecutor | None) -> None:
        self.client = client
        self.pool = pool

    def list(
        self,
        path: str,
        *,
        envelope: str = "data",
        params: Mapping[str, Any] | None = None,
        page_param: str = "per_page",
        page_size: int | None = 1000,
    ) -> list[Any]:
        return self.client.list(path, params, page_size, envelope=envelope, page_param=page_param)

    def get(self, path: str) -> Any:
        return self.client.request("GET", path).data

    def each(self, work: Callable[[Any], Any], items: Sequence[Any]) -> builtins.list[Any]:
        if self.pool is None:
            return [work(item) for item in items]
        return [*self.pool.map(work, items)]


def read_live_state(
    client: Client, kinds: Iterable[Kind] = KINDS, with_limits: bool = True
) -> LiveState:
    kinds = [kind for kind in kinds if not kind.offline]  # no API reads those back
    wanted = [kind for kind in kinds if not kind.read_by_parent]
    items: dict[tuple[str, str], dict[str, Any]] = {}
    limits: dict[str, AccountLimit] = {}
    missing: set[str] = set()
    # the kinds read at once on one pool; the reads a kind fans out go to a second one, so a
    # kind waiting for its parts never holds the workers those parts need
    with (
        ThreadPoolExecutor(max_workers=len(wanted) + 1, thread_name_prefix="zcd-read") as outer,
        ThreadPoolExecutor(max_workers=WORKERS, thread_name_prefix="zcd-read-parts") as inner,
    ):
        reader = AccountReader(client, inner)
        reads = {kind: outer.submit(kind.read, reader) for kind in wanted}
        legacy = with_limits and any(kind.legacy for kind in wanted)
        legacy_limits = outer.submit(read_limits, client) if legacy else None
        for kind, future in reads.items():
            try:
                found = future.result()  # re-raises a failed read here, in the caller's thread
            except ApiError as exc:
                if kind.legacy and exc.status in (403, 404, 410):
                    missing.add(kind.name)  # Zendesk removed this API from the account
                    continue
                raise
            for name, listed in found.items.items():
                part = next(k for k in KINDS if k.name == name)
                for item in listed:
                    checked = _check_item(part, item)
                    items[(name, checked["key"])] = checked
            if with_limits:
                limits.update(found.limits)
        if legacy_limits is not None:
            limits.update(legacy_limits.result() or {})
    covered = frozenset(kind.name for kind in kinds)
    return LiveState(items, limits if with_limits else None, frozenset(missing), covered)


def read_limits(client: Client) -> dict[str, AccountLimit] | None:
    try:
        data = client.get(LIMITS_PATH)
    except ApiError as exc:
        if exc.status in (
            403,
            404,
            410,
        ):  # not offered to this account: the limits are informational
            return None
        raise
    limits = {}
    for entry in data if isinstance(data, list) else []:
        if not isinstance(entry, dict) or not isinstance(entry.get("key"), str):
            continue  # the limits inform the preflight; an odd entry is skipped, never fatal
        limit, count = _count(entry.get("limit")), _count(entry.get("count"))
        if limit is not None and count is not None:
            limits[entry["key"]] = AccountLimit(entry["key"], limit, count)
    return limits


def _count(value: Any) -> int | None:
    """A whole number of 0 or more, from an integer or its text; None for anything else."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if value >= 0 else None
    if isinstance(value, str) and value.strip().isdigit():
        return int(value)
    return None


def read_item(client: Client, kind: Kind, key: str) -> dict[str, Any] | None:
    """One item as it is now (this kind's content), or None when it does not exist."""
    try:
        item = kind.read_one(AccountReader(client, None), key)
    except ApiError as exc:
        if exc.status == 404:
            return None
        raise
    return None if item is None else _check_item(kind, item)


def records_answer(client: Client, kind: Kind, key: str) -> Any:
    """The account's answer about the records going with ``key``; None when the kind has none."""
    query = kind.records_query(key)
    if query is None:
        return None
    path, params = query
    return client.request("GET", path, params=params or None).data


def _check_item(kind: Kind, item: Any) -> dict[str, Any]:
    """The item, when it is shaped as the kind says; an ApiError otherwise."""
    if not isinstance(item, dict) or any(name not in item for name in kind.create_fields):
        shown = str(item)[:200]
        raise ApiError(
            f"unexpected {kind.label} from the account (it lacks "
            f"{', '.join(kind.create_fields)}): {shown}",
            method="GET",
            path=kind.collection,
        )
    return item
