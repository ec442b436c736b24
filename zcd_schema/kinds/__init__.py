"""The closed registry of resource kinds: adding a kind is one module here and one line below."""

from __future__ import annotations

from zcd_schema.kinds.base import Kind
from zcd_schema.kinds.custom_object import CUSTOM_OBJECT, FIELD, ORDER
from zcd_schema.kinds.object_type import OBJECT_TYPE
from zcd_schema.kinds.people_field import ORGANIZATION_FIELD, USER_FIELD
from zcd_schema.kinds.relationship_type import RELATIONSHIP_TYPE
from zcd_schema.kinds.sources import EVENT_SOURCE, PROFILE_SOURCE
from zcd_schema.project.model import Project

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
# kinds that are read together: a family's items point at each other (a user lookup at a custom
# object, a relationship type at object types), and its limits count them together
FAMILIES: tuple[tuple[Kind, ...], ...] = (
    (CUSTOM_OBJECT, FIELD, ORDER, USER_FIELD, ORGANIZATION_FIELD),
    (OBJECT_TYPE, RELATIONSHIP_TYPE),
    (PROFILE_SOURCE,),
    (EVENT_SOURCE,),
)


def kinds_to_read(project: Project, *, prune: bool) -> tuple[Kind, ...]:
    """The kinds a plan of ``project`` reads: every family one of whose kinds the project
    declares, and every kind with prune (which plans the deletion of what no file declares). A
    project without legacy sections never calls the legacy API."""
    if prune:
        return KINDS
    wanted = {
        kind
        for family in FAMILIES
        if any(kind.declared(project) for kind in family)
        for kind in family
    }
    return tuple(kind for kind in KINDS if kind in wanted)


def families_of(kinds: set[Kind]) -> tuple[Kind, ...]:
    """Every kind of the families ``kinds`` belong to (what a stale check of changes to those
    kinds reads)."""
    wanted = {kind for family in FAMILIES if set(family) & kinds for kind in family}
    return tuple(kind for kind in KINDS if kind in wanted)


def kind_named(name: str) -> Kind:
    """The kind a plan document calls ``name``; KeyError for any other."""
    return _BY_NAME[name]


__all__ = [
    "CUSTOM_OBJECT",
    "FAMILIES",
    "FIELD",
    "KINDS",
    "OBJECT_TYPE",
    "ORDER",
    "RELATIONSHIP_TYPE",
    "Kind",
    "families_of",
    "kind_named",
    "kinds_to_read",
]
