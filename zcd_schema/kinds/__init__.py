"""The closed registry of resource kinds: adding a kind is one module here and one line below."""

from __future__ import annotations

from zcd_schema.kinds.base import Kind
from zcd_schema.kinds.custom_object import CUSTOM_OBJECT, FIELD, ORDER
from zcd_schema.kinds.object_type import OBJECT_TYPE
from zcd_schema.kinds.people_field import ORGANIZATION_FIELD, USER_FIELD
from zcd_schema.kinds.relationship_type import RELATIONSHIP_TYPE
from zcd_schema.kinds.sources import EVENT_SOURCE, PROFILE_SOURCE

KINDS: tuple[Kind, ...] = (
    CUSTOM_OBJECT,
    FIELD,
    ORDER,
    USER_FIELD,
    ORGANIZATION_FIELD,
    OBJECT_TYPE,
    RELATIONSHIP_TYPE,
    PROFILE_SOURCE,
    EVENT_SOURCE,
)
_BY_NAME = {kind.name: kind for kind in KINDS}


def kind_named(name: str) -> Kind:
    """The kind a plan document calls ``name``; KeyError for any other."""
    return _BY_NAME[name]


__all__ = [
    "CUSTOM_OBJECT",
    "FIELD",
    "KINDS",
    "OBJECT_TYPE",
    "ORDER",
    "RELATIONSHIP_TYPE",
    "Kind",
    "kind_named",
]
