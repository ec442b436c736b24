"""The writes apply makes, for any kind, over the client: create (reconciled when the answer is
lost), update and delete. ``AccountApi`` is the ``kinds.base.Api`` the kinds' apply steps use."""

from __future__ import annotations

from typing import Any

from zcd_schema.kinds import Kind
from zcd_schema.zendesk.client import ApiError, Client
from zcd_schema.zendesk.read import read_item


class AccountApi:
    def __init__(self, client: Client) -> None:
        self.client = client

    def create(self, kind: Kind, content: dict[str, Any]) -> dict[str, Any]:
        """Create an item; when the response is lost, read the account to learn what happened.

        Found with the intended content: done. Found with other content: an error. Not found: the
        create is sent again (within the client's retry bounds).
        """
        key = content["key"]

        def reconcile() -> dict[str, Any] | None:
            found = read_item(self.client, kind, key)
            if found is None or kind.normalize(found) == kind.normalize(content):
                return found
            raise ApiError(
                f"the response to the create was lost, and {kind.label} {key} now exists with "
                "other content than planned",
                method="POST",
                path=kind.collection,
                maybe_applied=True,
            )

        answer = self.client.request(
            "POST",
            kind.collection,
            json=kind.body(content, kind.create_fields),
            reconcile=reconcile,
        )
        return _written(kind, key, answer.data, "POST", kind.collection)

    def update(self, kind: Kind, content: dict[str, Any]) -> dict[str, Any]:
        if not kind.update_fields:
            raise ValueError(f"a {kind.label} cannot be updated; replace it")
        path = kind.item_path(content["key"])
        answer = self.client.request("PUT", path, json=kind.body(content, kind.update_fields))
        return _written(kind, content["key"], answer.data, "PUT", path)

    def delete(self, kind: Kind, key: str) -> None:
        self.client.request("DELETE", kind.item_path(key))

    def read(self, kind: Kind, key: str) -> dict[str, Any] | None:
        return read_item(self.client, kind, key)


def _written(kind: Kind, key: str, body: Any, method: str, path: str) -> dict[str, Any]:
    """The item a write answered with. A 2xx that does not hold it (an HTML page from a proxy, a
    login page, another key) is not taken for success: what happened is unknown, so it fails."""
    item = kind.unwrap(body)
    if isinstance(item, dict) and item.get("key") == key:
        return item
    raise ApiError(
        f"the account answered with success but not with the {kind.label} {key}; the write may "
        "or may not have been made (is the URL right?)",
        method=method,
        path=path,
        maybe_applied=True,
    )
