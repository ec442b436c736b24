"""Legacy relationship types (``relationship_types:``): a source and a target, on
/api/sunshine/relationships/types. They cannot be updated, only replaced (deleted, then created)."""

from __future__ import annotations

from typing import Any

from zcd_schema.kinds.base import (
    DESTRUCTIVE,
    Delta,
    GraphEdge,
    Judged,
    Kind,
    Step,
    graph_end,
)
from zcd_schema.kinds.object_type import OBJECT_TYPE
from zcd_schema.project.model import RelationshipType

RELATIONSHIPS_FILE = "relationship_types.yaml"


class RelationshipTypeKind(Kind):
    name = "relationship_type"
    label = "relationship type"
    section = "relationship_types"
    collection = "/api/sunshine/relationships/types"
    create_fields = ("key", "source", "target")
    legacy = True  # Zendesk removed this API in 2026
    limit_key = "relationship_types"
    # Deleted first (they point at object types that may be going), created once their object
    # types exist. A replace is the delete of the first step and the create of the second.
    steps = (Step(10, ("delete", "replace"), "delete"), Step(30, ("create", "replace"), "create"))

    def content(self, declared: RelationshipType) -> dict[str, Any]:
        return {"key": declared.key, "source": declared.source, "target": declared.target_value}

    def references(self, content: dict[str, Any]) -> list[tuple[Kind, str]]:
        target = content.get("target")
        ends = [content.get("source"), *(target if isinstance(target, list) else [target])]
        return [
            (OBJECT_TYPE, end)
            for end in ends
            if isinstance(end, str) and not end.startswith("zen:")
        ]

    def graph_edges(self, key: str, content: dict[str, Any]) -> list[GraphEdge]:
        source, target = content.get("source"), content.get("target")
        cardinality = "1:N" if isinstance(target, list) else "1:1"
        targets = target if isinstance(target, list) else [target]
        if not isinstance(source, str):
            return []
        return [
            GraphEdge(graph_end(source, "legacy"), graph_end(end, "legacy"), key, cardinality)
            for end in targets
            if isinstance(end, str)
        ]

    def describe_new(self, content: dict[str, Any]) -> str:
        target = content.get("target")
        kind = "one-to-many" if isinstance(target, list) else "one-to-one"
        shown = ", ".join(map(str, target)) if isinstance(target, list) else target
        return f"new {kind} relationship type from {content.get('source')} to {shown}"

    def classify_change(self, delta: Delta) -> Judged:
        reasons = [f"{self.label}s cannot be updated: delete and create"]
        for name in ("source", "target"):
            old, new = (delta.before or {}).get(name), (delta.after or {}).get(name)
            if old != new:
                reasons.append(f"changes {name} from {_show_target(old)} to {_show_target(new)}")
        reasons.append("the relationship records of this type are deleted with it")
        return DESTRUCTIVE, tuple(reasons)

    def import_into(
        self,
        items: dict[str, dict[str, Any]],
        files: dict[str, dict[str, Any]],
        used_names: set[str],
    ) -> None:
        """All relationship types in one file."""
        if items:
            declared = {
                key: {"source": item["source"], "target": item["target"]}
                for key, item in sorted(items.items())
            }
            files[RELATIONSHIPS_FILE] = {self.section: declared}


def _show_target(value: Any) -> str:
    if isinstance(value, list):
        return f"[{', '.join(map(str, value))}] (one-to-many)"
    return str(value)


RELATIONSHIP_TYPE = RelationshipTypeKind()
