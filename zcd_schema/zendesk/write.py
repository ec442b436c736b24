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
        return _item(kind, answer.data)

    def update(self, kind: Kind, content: dict[str, Any]) -> dict[str, Any]:
        if not kind.update_fields:
            raise ValueError(f"a {kind.label} cannot be updated; replace it")
        answer = self.client.request(
            "PUT", kind.item_path(content["key"]), json=kind.body(content, kind.update_fields)
        )
        return _item(kind, answer.data)

    def delete(self, kind: Kind, key: str) -> None:
        self.client.request("DELETE", kind.item_path(key))

    def read(self, kind: Kind, key: str) -> dict[str, Any] | None:
        return read_item(self.client, kind, key)


def _item(kind: Kind, body: Any) -> dict[str, Any]:
    item = kind.unwrap(body)
    return item if isinstance(item, dict) else {}
