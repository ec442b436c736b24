"""Lookup fields on users and on organizations (``user_fields:``, ``organization_fields:``), on
/api/v2/user_fields and /api/v2/organization_fields: how a legacy relationship whose "many" side
was ``zen:user`` or ``zen:organization`` lives on as a lookup to a custom object.

Only lookup fields are managed: an account's other user and organization fields are never read
as this kind's, never planned, never deleted. Zendesk addresses these fields by id, so a write
finds the id of the key first. Their risk is judged as for a custom object's fields.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import quote

from zcd_schema.errors import AccountError
from zcd_schema.kinds.base import (
    ZEN_SPACE,
    Api,
    Declared,
    Delta,
    GraphEdge,
    GraphNode,
    Judged,
    Kind,
    KindRead,
    ReadApi,
    Step,
)
from zcd_schema.kinds.custom_object import (
    CUSTOM_OBJECT,
    FIELD,
    TARGET_PREFIX,
    _without_blanks,
    lookup_edges,
    raw_names,
    with_raw,
)
from zcd_schema.project.model import PeopleLookupField, Project

SERVER_OWNED = frozenset(
    {"id", "position", "system", "created_at", "updated_at", "url", "raw_title", "raw_description"}
)


class PeopleFieldKind(Kind):
    create_fields = ("key", "title", "target")
    update_fields = ("title", "description", "active", "required", "filter")
    steps = (
        Step(115, ("replace",), "delete"),
        Step(130, ("create", "replace"), "create"),  # after the custom objects they point at
        Step(140, ("update",), "update"),
        Step(160, ("delete",), "delete"),  # before the custom objects they point at go
    )

    def __init__(self, resource: str) -> None:
        self.resource = resource  # "user" or "organization"
        self.name = f"{resource}_field"
        self.label = f"{resource} field"
        self.section = f"{resource}_fields"
        self.collection = f"/api/v2/{resource}_fields"

    def declared(self, project: Project) -> Mapping[str, Declared]:
        declared: Mapping[str, Declared] = getattr(project, self.section)
        return declared

    def content(self, declared: PeopleLookupField) -> dict[str, Any]:
        return _without_blanks(
            {
                "key": declared.key,
                "type": "lookup",
                "title": declared.title,
                "target": declared.target,
                "description": declared.description,
                "required": declared.required,
                "filter": declared.filter,
            }
        ) | {"active": declared.active}

    def graph_edges(self, key: str, content: dict[str, Any]) -> list[GraphEdge]:
        holder = GraphNode(ZEN_SPACE, f"zen:{self.resource}")
        return lookup_edges(holder, key, {"type": "lookup", **content})

    def normalize(self, item: dict[str, Any]) -> dict[str, Any]:
        content = {k: v for k, v in item.items() if k not in SERVER_OWNED}
        return _without_blanks(content) | (
            {"active": content["active"]} if "active" in content else {}
        )

    def comparable(self, after: dict[str, Any], before: dict[str, Any]) -> dict[str, Any]:
        return FIELD.comparable(after, before)

    def change_action(self, before: dict[str, Any], after: dict[str, Any]) -> str:
        return "replace" if before.get("target") != after.get("target") else "update"

    def read(self, api: ReadApi) -> KindRead:
        listed = api.list(self.collection, envelope=f"{self.name}s", page_size=100)
        found = [
            self.adopt(f, f["key"])
            for f in listed
            if isinstance(f, dict) and f.get("type") == "lookup" and isinstance(f.get("key"), str)
        ]
        return KindRead({self.name: found})

    def read_one(self, api: ReadApi, key: str) -> dict[str, Any] | None:
        found = self._find(api.list(self.collection, envelope=f"{self.name}s", page_size=100), key)
        return None if found is None else self.adopt(found, key)

    def adopt(self, item: dict[str, Any], key: str) -> dict[str, Any]:
        if "id" not in item and "system" not in item:
            return {**item, "key": key}
        target = item.get("relationship_target_type")
        if isinstance(target, str) and target.startswith(TARGET_PREFIX):
            target = target[len(TARGET_PREFIX) :]
        texts = with_raw(item, {"title": item.get("title"), "description": item.get("description")})
        adopted = {
            "key": key,
            "id": item.get("id"),
            "position": item.get("position"),
            "type": item.get("type"),
            "title": texts["title"],
            "target": target,
            "description": texts["description"],
            "active": item.get("active", True),
            "required": item.get("required"),
            "filter": item.get("relationship_filter"),
        }
        return _without_blanks(adopted) | {"active": adopted["active"]}

    def unwrap(self, body: Any) -> Any:
        return body.get(self.name) if isinstance(body, dict) else None

    def item_path(self, key: str) -> str:
        return f"{self.collection}/{quote(key, safe='')}"

    def body(self, content: dict[str, Any], fields: tuple[str, ...]) -> dict[str, Any]:
        body: dict[str, Any] = {
            "title": content.get("title"),
            "active": content.get("active", True),
        }
        if "key" in fields:
            target = content["target"]
            body.update(
                key=content["key"],
                type="lookup",
                relationship_target_type=target
                if target.startswith("zen:")
                else TARGET_PREFIX + target,
            )
        for name, api_name in (
            ("description", "description"),
            ("required", "required"),
            ("filter", "relationship_filter"),
        ):
            if name in content:
                body[api_name] = content[name]
        return {self.name: raw_names(body)}

    def write(
        self,
        api: Api,
        key: str,
        operation: str,
        content: dict[str, Any] | None,
        before: dict[str, Any] | None = None,
    ) -> None:
        content = {"key": key, **(content or {})}
        if operation == "create":
            api.create(self, content)
            return
        found = self._find(api.list(self.collection, envelope=f"{self.name}s", page_size=100), key)
        if found is None:
            if operation == "delete":
                return  # already gone
            raise AccountError(f"{self.label} {key} is not in the account any more")
        path = f"{self.collection}/{found['id']}"  # Zendesk addresses these fields by id
        if operation == "delete":
            api.request("DELETE", path)
        else:
            api.request("PUT", path, self.body(content, self.update_fields))

    @staticmethod
    def _find(listed: list[Any], key: str) -> dict[str, Any] | None:
        return next((f for f in listed if isinstance(f, dict) and f.get("key") == key), None)

    def references(self, content: dict[str, Any]) -> list[tuple[Kind, str]]:
        target = content.get("target")
        if isinstance(target, str) and not target.startswith("zen:"):
            return [(CUSTOM_OBJECT, target)]
        return []

    def classify(self, delta: Delta) -> Judged:
        owner = f"{self.resource}"
        level, reasons = FIELD.classify(
            Delta(
                FIELD,
                f"{owner}.{delta.key}",
                delta.action,
                delta.before,
                delta.after,
                delta.differences,
                delta.prevent_destroy,
            )
        )
        return level, tuple(r.replace(f"every {owner} record", f"every {owner}") for r in reasons)

    def classify_change(self, delta: Delta) -> Judged:
        return self.classify(delta)

    def describe_new(self, content: dict[str, Any]) -> str:
        return f"adds a lookup on {self.resource}s to {content.get('target')}"

    def import_into(
        self,
        items: dict[str, dict[str, Any]],
        files: dict[str, dict[str, Any]],
        used_names: set[str],
    ) -> None:
        if items:
            declared = {}
            for key, item in sorted(items.items()):
                content = {
                    k: v for k, v in self.normalize(item).items() if k not in ("key", "type")
                }
                if content.get("active") is True:
                    del content["active"]
                declared[key] = content
            files[f"{self.section}.yaml"] = {self.section: declared}


USER_FIELD = PeopleFieldKind("user")
ORGANIZATION_FIELD = PeopleFieldKind("organization")
