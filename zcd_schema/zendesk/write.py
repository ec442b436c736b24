"""The writes apply makes, for any kind, over the client: create (reconciled when the answer is
lost), update and delete, and the plain requests a kind's own steps make (a reorder).
``AccountApi`` is the ``kinds.base.Api`` the kinds' apply steps use."""

from __future__ import annotations

from typing import Any

from zcd_schema.kinds import Kind
from zcd_schema.zendesk.client import ApiError, Client
from zcd_schema.zendesk.read import AccountReader, read_item


class AccountApi(AccountReader):
    """``kinds.base.Api``: the reads of ``AccountReader`` (with no pool: apply runs its steps'
    items concurrently itself), and reconciled writes."""

    def __init__(self, client: Client) -> None:
        super().__init__(client, None)

    def create(self, kind: Kind, content: dict[str, Any]) -> dict[str, Any]:
        """Create an item; when the response is lost, read the account to learn what happened.

        Found with the intended content: done. Found with other content: an error. Not found: the
        create is sent again (within the client's retry bounds).
        """
        key = content["key"]
        path = kind.collection_path(key)

        def reconcile() -> dict[str, Any] | None:
            found = read_item(self.client, kind, key)
            if found is None or kind.matches(found, content):
                return found
            raise ApiError(
                f"the response to the create was lost, and {kind.label_of(key)} now exists with "
                "other content than planned",
                method="POST",
                path=path,
                maybe_applied=True,
            )

        body = kind.body(content, kind.create_fields)
        answer = self.client.request("POST", path, json=body, reconcile=reconcile)
        if answer.reconciled and isinstance(answer.data, dict):
            found: dict[str, Any] = answer.data["data"]  # read back, already this kind's content
            return found
        return _written(kind, key, answer.data, "POST", path)

    def update(self, kind: Kind, content: dict[str, Any]) -> dict[str, Any]:
        if not kind.update_fields:
            raise ValueError(f"a {kind.label} cannot be updated; replace it")
        path = kind.item_path(content["key"])
        body = kind.body(content, kind.update_fields)
        # an update sends whole values, so sending it twice does no harm: it is retried freely
        answer = self.client.request(kind.update_method, path, json=body, idempotent=True)
        return _written(kind, content["key"], answer.data, kind.update_method, path)

    def delete(self, kind: Kind, key: str) -> None:
        self.client.request("DELETE", kind.item_path(key))

    def read(self, kind: Kind, key: str) -> dict[str, Any] | None:
        return read_item(self.client, kind, key)

    def request(self, method: str, path: str, body: Any = None) -> Any:
        """A kind's own request (a reorder, a standard field): whole values, safe to repeat."""
        return self.client.request(method, path, json=body, idempotent=method != "POST").data


def _written(kind: Kind, key: str, body: Any, method: str, path: str) -> dict[str, Any]:
    """The item a write answered with. A 2xx that does not hold it (an HTML page from a proxy, a
    login page, another key) is not taken for success: what happened is unknown, so it fails."""
    item = kind.unwrap(body)
    if isinstance(item, dict):
        adopted = kind.adopt(item, key)
        if adopted.get("key") == key:
            return adopted
    raise ApiError(
        f"the account answered with success but not with the {kind.label_of(key)}; the write "
        "may or may not have been made (is the URL right?)",
        method=method,
        path=path,
        maybe_applied=True,
    )
