"""The resource kinds zcd-schema manages, as one registry entry each.

An entry names the endpoints, the writable fields, the server-owned fields and how to turn an API
item into the model (and back). Adding a kind is adding an entry here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from zcd_schema.project.model import ObjectType, RelationshipType

LIMITS_PATH = "/api/sunshine/limits"
RECORDS_PATH = "/api/sunshine/objects/records"
SERVER_OWNED = ("created_at", "updated_at", "version")


@dataclass(frozen=True)
class Kind:
    name: str  # the plan's "kind"
    label: str  # for people: "object type"
    collection: str  # list and create
    create_fields: tuple[str, ...]
    update_fields: tuple[str, ...]  # empty: the kind cannot be updated, only replaced
    to_model: Callable[[dict[str, Any]], Any]
    to_content: Callable[[Any], dict[str, Any]]  # the writable fields of a model object

    def item_path(self, key: str) -> str:
        return f"{self.collection}/{quote(key, safe='')}"

    def body(self, content: dict[str, Any], fields: tuple[str, ...]) -> dict[str, Any]:
        return {"data": {name: content[name] for name in fields}}

    def normalize(self, item: dict[str, Any]) -> dict[str, Any]:
        """The content that matters: no server-owned fields, nothing Zendesk adds by itself."""
        content = {name: value for name, value in item.items() if name not in SERVER_OWNED}
        schema = content.get("schema")
        if self.name == "object_type" and isinstance(schema, dict) and schema.get("additionalProperties") is False:
            # Zendesk adds "additionalProperties": false to every stored schema.
            content["schema"] = {k: v for k, v in schema.items() if k != "additionalProperties"}
        return content


def _object_type(item: dict[str, Any]) -> ObjectType:
    return ObjectType(key=item["key"], schema=item["schema"])


def _relationship_type(item: dict[str, Any]) -> RelationshipType:
    target = item["target"]
    one_to_many = isinstance(target, list)
    if one_to_many:
        # A one-to-many target is a one-element list; any other length is kept visible, not guessed at.
        target = target[0] if len(target) == 1 and isinstance(target[0], str) else repr(target)
    return RelationshipType(key=item["key"], source=item["source"], target=target, one_to_many=one_to_many)


OBJECT_TYPE = Kind(
    name="object_type", label="object type", collection="/api/sunshine/objects/types",
    create_fields=("key", "schema"), update_fields=("schema",),
    to_model=_object_type, to_content=lambda o: {"key": o.key, "schema": o.schema},
)
RELATIONSHIP_TYPE = Kind(
    name="relationship_type", label="relationship type", collection="/api/sunshine/relationships/types",
    create_fields=("key", "source", "target"), update_fields=(),
    to_model=_relationship_type,
    to_content=lambda r: {"key": r.key, "source": r.source, "target": r.target_value},
)
KINDS: dict[str, Kind] = {kind.name: kind for kind in (OBJECT_TYPE, RELATIONSHIP_TYPE)}

