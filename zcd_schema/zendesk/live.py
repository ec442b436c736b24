"""An account's object and relationship types, read into the model; and the writes apply needs.

Reading takes one paginated list per kind plus the limits, all at once on a small thread pool,
so a plan costs about one round trip of latency whatever the number of types.
"""

from __future__ import annotations

from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from zcd_schema.project.model import ObjectType, RelationshipType
from zcd_schema.zendesk.client import ApiError, Client
from zcd_schema.zendesk.kinds import (
    KINDS,
    LIMITS_PATH,
    OBJECT_TYPE,
    RECORDS_PATH,
    RELATIONSHIP_TYPE,
    Kind,
)


@dataclass(frozen=True)
class Limit:
    key: str
    limit: int
    count: int


@dataclass(frozen=True)
class LiveState:
    object_types: dict[str, ObjectType]
    relationship_types: dict[str, RelationshipType]
    items: dict[tuple[str, str], dict[str, Any]]  # (kind, key) -> the item as read, for fingerprints
    limits: dict[str, Limit] | None  # None when the account does not show them


def read_live_state(client: Client, kinds: Iterable[Kind] = (OBJECT_TYPE, RELATIONSHIP_TYPE),
                    with_limits: bool = True) -> LiveState:
    kinds = tuple(kinds)
    with ThreadPoolExecutor(max_workers=len(kinds) + 1, thread_name_prefix="zcd-read") as pool:
        lists = {kind.name: pool.submit(client.list, kind.collection) for kind in kinds}
        limits = pool.submit(read_limits, client) if with_limits else None
        # .result() re-raises a failed read here, in the caller's thread
        read = {name: future.result() for name, future in lists.items()}
        found_limits = limits.result() if limits is not None else None
    items: dict[tuple[str, str], dict[str, Any]] = {}
    models: dict[str, dict[str, Any]] = {kind.name: {} for kind in KINDS.values()}
    for kind in kinds:
        for item in read[kind.name]:
            _check_item(kind, item)
            items[(kind.name, item["key"])] = item
            models[kind.name][item["key"]] = kind.to_model(item)
    return LiveState(models[OBJECT_TYPE.name], models[RELATIONSHIP_TYPE.name], items, found_limits)


def read_limits(client: Client) -> dict[str, Limit] | None:
    try:
        data = client.get(LIMITS_PATH)
    except ApiError as exc:
        if exc.status in (403, 404):  # not offered to this account: the limits are informational
            return None
        raise
    limits = {}
    for entry in data if isinstance(data, list) else []:
        if isinstance(entry, dict) and isinstance(entry.get("key"), str):
            limits[entry["key"]] = Limit(entry["key"], int(entry.get("limit") or 0), int(entry.get("count") or 0))
    return limits


def read_item(client: Client, kind: Kind, key: str) -> dict[str, Any] | None:
    """One item as it is now, or None when it does not exist."""
    try:
        item = client.get(kind.item_path(key))
    except ApiError as exc:
        if exc.status == 404:
            return None
        raise
    _check_item(kind, item)
    return item


def has_records(client: Client, object_type: str) -> bool:
    """Whether any object record of this type exists: one request for a page of one."""
    return bool(client.get(RECORDS_PATH, {"type": object_type, "per_page": 1}))


def create(client: Client, kind: Kind, content: dict[str, Any]) -> dict[str, Any]:
    """Create an item; when the response is lost, read the account to learn what happened.

    Found with the intended content: done. Found with other content: an error. Not found: the
    create is sent again (within the client's retry bounds).
    """
    key = content["key"]

    def reconcile() -> dict[str, Any] | None:
        found = read_item(client, kind, key)
        if found is None or kind.normalize(found) == kind.normalize(content):
            return found
        raise ApiError(f"the response to the create was lost, and {kind.label} {key} now exists with "
                       "other content than planned", method="POST", path=kind.collection, maybe_applied=True)

    return _data(client.request("POST", kind.collection, json=kind.body(content, kind.create_fields),
                                reconcile=reconcile).data)


def update(client: Client, kind: Kind, content: dict[str, Any]) -> dict[str, Any]:
    if not kind.update_fields:
        raise ValueError(f"a {kind.label} cannot be updated; replace it")
    body = kind.body(content, kind.update_fields)
    return _data(client.request("PUT", kind.item_path(content["key"]), json=body).data)


def delete(client: Client, kind: Kind, key: str) -> None:
    client.request("DELETE", kind.item_path(key))


def _data(body: Any) -> dict[str, Any]:
    data = body.get("data") if isinstance(body, dict) else None
    return data if isinstance(data, dict) else {}


def _check_item(kind: Kind, item: Any) -> None:
    if not isinstance(item, dict) or any(name not in item for name in kind.create_fields):
        shown = str(item)[:200]
        raise ApiError(f"unexpected {kind.label} from the account (it lacks {', '.join(kind.create_fields)}): {shown}",
                       method="GET", path=kind.collection)
