"""Zendesk's hard limits as data, each with its source (see ../shared/docs/zendesk-api.md).

The README's limits table is generated from ``LIMITS`` (``python -m zcd_schema.project.limits``)
and a test keeps the two equal; another test checks that the bounds written into
``schemas/*.schema.json`` for editors are these same numbers.
"""

from __future__ import annotations

from dataclasses import dataclass

_LEGACY = (
    "Legacy Custom Objects API: limits endpoint and storage limits (docs: custom-objects limits)"
)
_SCHEMA = (
    "Legacy Custom Objects API: object types (docs: api-reference/custom-data/custom-objects-api)"
)
_PROFILES = "Profiles API hard limits (seeds; docs: custom-data/profiles)"
_EVENTS = "Events API hard limits (seeds; docs: custom-data/events)"


@dataclass(frozen=True)
class HardLimit:
    name: str
    code: str
    what: str
    limit: int
    source: str


LIMITS: tuple[HardLimit, ...] = (
    HardLimit("object_types", "ZCD501", "object types per account", 50, _LEGACY),
    HardLimit("relationship_types", "ZCD502", "relationship types per account", 50, _LEGACY),
    HardLimit(
        "type_key_min",
        "ZCD201",
        "characters in an object or relationship type key, at least",
        2,
        _SCHEMA,
    ),
    HardLimit(
        "type_key_max",
        "ZCD201",
        "characters in an object or relationship type key, at most",
        32,
        _SCHEMA,
    ),
    HardLimit(
        "schema_bytes",
        "ZCD312",
        "bytes of an object type schema as compact JSON (32 KB; read as KiB: UNCONFIRMED)",
        32768,
        _SCHEMA,
    ),
    HardLimit("profile_sources", "ZCD503", "profile sources per account", 50, _PROFILES),
    HardLimit(
        "profile_types",
        "ZCD504",
        "profile types per account, all sources together",
        2500,
        _PROFILES,
    ),
    HardLimit("identifier_types", "ZCD505", "identifier types per profile type", 20, _PROFILES),
    HardLimit(
        "profile_name", "ZCD202", "characters in a profile source or type name", 40, _PROFILES
    ),
    HardLimit("identifier_name", "ZCD205", "characters in an identifier type name", 60, _PROFILES),
    HardLimit("event_sources", "ZCD506", "event sources per account", 50, _EVENTS),
    HardLimit(
        "event_types", "ZCD507", "event types per account, all sources together", 2500, _EVENTS
    ),
    HardLimit("event_name", "ZCD202", "characters in an event source or type name", 40, _EVENTS),
)

_CUSTOM = "Custom Objects API (docs: custom-data/custom-objects; custom-objects-api.md)"
LIMITS += (
    HardLimit(
        "custom_objects",
        "ZCD710",
        "custom objects per account (Enterprise; less by plan_tier)",
        50,
        _CUSTOM,
    ),
    HardLimit(
        "custom_fields",
        "ZCD710",
        "fields per custom object, standard fields not counted",
        100,
        _CUSTOM,
    ),
    HardLimit(
        "lookup_fields",
        "ZCD710",
        "lookup fields on one object (Professional and up; less by plan_tier)",
        10,
        _CUSTOM,
    ),
    HardLimit(
        "field_options", "ZCD710", "options per dropdown or multiselect field", 2000, _CUSTOM
    ),
    HardLimit("regexp_length", "ZCD706", "characters in a regexp field's pattern", 255, _CUSTOM),
    HardLimit("autonumber_prefix", "ZCD710", "characters in an autonumber prefix", 30, _CUSTOM),
)

# plan_tier -> (custom objects, lookup fields per object)
TIER_LIMITS: dict[str, tuple[int, int]] = {
    "team": (3, 5),
    "growth": (5, 5),
    "professional": (30, 10),
    "enterprise": (50, 10),
    "enterprise_plus": (50, 10),
}
# A ZAF app's requirements.json custom_objects_v2
ZAF_LIMITS = {"objects": 50, "fields": 20, "dropdown": 5, "multiselect": 5, "options": 10}

LIMIT: dict[str, int] = {row.name: row.limit for row in LIMITS}


def markdown_table() -> str:
    lines = ["| limit | value | code | source |", "|---|---:|---|---|"]
    lines += [f"| {r.what} | {r.limit:,} | {r.code} | {r.source} |" for r in LIMITS]
    return "\n".join(lines)


if __name__ == "__main__":
    print(markdown_table())
