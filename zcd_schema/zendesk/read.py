"""Read an account into the model's ``LiveState``: one paginated list per kind plus the limits, all
at once on a small thread pool, so a plan costs about one round trip of latency whatever the
number of items."""

from __future__ import annotations

from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from zcd_schema.kinds import KINDS, Kind
from zcd_schema.kinds.base import AccountLimit, LiveState
from zcd_schema.zendesk.client import ApiError, Client

LIMITS_PATH = "/api/sunshine/limits"


def read_live_state(
    client: Client, kinds: Iterable[Kind] = KINDS, with_limits: bool = True
) -> LiveState:
    kinds = tuple(kinds)
    with ThreadPoolExecutor(max_workers=len(kinds) + 1, thread_name_prefix="zcd-read") as pool:
        lists = {kind: pool.submit(client.list, kind.collection) for kind in kinds}
        limits = pool.submit(read_limits, client) if with_limits else None
        # .result() re-raises a failed read here, in the caller's thread
        read = {kind: future.result() for kind, future in lists.items()}
        found_limits = limits.result() if limits is not None else None
    items: dict[tuple[str, str], dict[str, Any]] = {}
    for kind, listed in read.items():
        for item in listed:
            _check_item(kind, item)
            items[(kind.name, item["key"])] = item
    return LiveState(items, found_limits)


def read_limits(client: Client) -> dict[str, AccountLimit] | None:
    try:
        data = client.get(LIMITS_PATH)
    except ApiError as exc:
        if exc.status in (403, 404):  # not offered to this account: the limits are informational
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
    """One item as it is now, or None when it does not exist."""
    try:
        item = client.get(kind.item_path(key))
    except ApiError as exc:
        if exc.status == 404:
            return None
        raise
    return _check_item(kind, item)


def has_records(client: Client, kind: Kind, key: str) -> bool | None:
    """Whether any record goes with ``key``: one request for a page of one; None when the kind has
    no records."""
    query = kind.records_query(key)
    if query is None:
        return None
    path, params = query
    return bool(client.get(path, params))


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
