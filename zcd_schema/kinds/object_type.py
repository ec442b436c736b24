"""Legacy object types (``object_types:``): a key and a JSON Schema, on
/api/sunshine/objects/types."""

from __future__ import annotations

from typing import Any

from zcd_schema.kinds.base import Delta, GraphNode, Judged, Kind, Step, file_name
from zcd_schema.kinds.schema_changes import judge_schema
from zcd_schema.project.model import ObjectType


class ObjectTypeKind(Kind):
    name = "object_type"
    label = "object type"
    section = "object_types"
    collection = "/api/sunshine/objects/types"
    create_fields = ("key", "schema")
    update_fields = ("schema",)
    legacy = True  # Zendesk removed this API in 2026
    limit_key = "resource_types"  # as /api/sunshine/limits names it
    # Object types are written after the relationship types that point at them are gone, and
    # before the ones that will point at them are created; they are deleted last.
    steps = (
        Step(20, ("create",), "create"),
        Step(20, ("update",), "update"),
        Step(40, ("delete",), "delete"),
    )

    def content(self, declared: ObjectType) -> dict[str, Any]:
        return {"key": declared.key, "schema": declared.schema}

    def graph_node(self, key: str, content: dict[str, Any]) -> GraphNode:
        return GraphNode("legacy", key)

    def normalize(self, item: dict[str, Any]) -> dict[str, Any]:
        content = super().normalize(item)
        schema = content.get("schema")
        if isinstance(schema, dict) and schema.get("additionalProperties") is False:
            # Zendesk adds "additionalProperties": false to every stored schema.
            content["schema"] = {k: v for k, v in schema.items() if k != "additionalProperties"}
        return content

    def records_query(self, key: str) -> tuple[str, dict[str, Any]]:
        return "/api/sunshine/objects/records", {"type": key, "per_page": 1}

    def records_note(self, delta: Delta, answer: Any) -> tuple[str | None, str | None]:
        page = answer.get("data") if isinstance(answer, dict) else None
        return self._records_line(delta.key, bool(page)), None

    def is_records_reason(self, key: str, text: str) -> bool:
        return text in (self._records_line(key, True), self._records_line(key, False))

    def _records_line(self, key: str, has: bool) -> str:
        return f"object type {key} {'has' if has else 'has no'} records"

    def describe_new(self, content: dict[str, Any]) -> str:
        count = len(content.get("schema", {}).get("properties", {}) or {})
        return f"new object type with {count} propert{'y' if count == 1 else 'ies'}"

    def classify_change(self, delta: Delta) -> Judged:
        return judge_schema(delta.differences, (delta.after or {}).get("schema", {}))

    def import_into(
        self,
        items: dict[str, dict[str, Any]],
        files: dict[str, dict[str, Any]],
        used_names: set[str],
    ) -> None:
        """One file per object type: object_types/<key>.yaml."""
        for key, item in sorted(items.items()):
            schema = self.normalize(item)["schema"]
            files[f"object_types/{file_name(key, used_names)}.yaml"] = {
                self.section: {key: {"schema": schema}}
            }


OBJECT_TYPE = ObjectTypeKind()
