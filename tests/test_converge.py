"""Property: from any live state, applying the plan of any project converges, and the plan made
right after is empty (contract section 4: apply followed by plan shows no changes)."""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from zcd_schema.emulator.app import Emulator
from zcd_schema.emulator.store import Store
from zcd_schema.kinds import OBJECT_TYPE, RELATIONSHIP_TYPE
from zcd_schema.planning.apply import apply_plan
from zcd_schema.planning.build import build_plan
from zcd_schema.planning.document import AccountRef
from zcd_schema.project.model import ObjectType, Project, RelationshipType, Settings
from zcd_schema.zendesk.client import Client, in_process_transport
from zcd_schema.zendesk.read import read_live_state
from zcd_schema.zendesk.write import AccountApi

TYPE_KEYS = ["product", "supplier", "store", "order", "2019-car"]
REL_KEYS = ["owner", "stock", "link", "on"]
NAMES = ["id", "name", "price", "tags", "yes"]

leaf = st.fixed_dictionaries(
    {"type": st.sampled_from(["string", "number", "integer", "boolean"])},
    optional={
        "description": st.sampled_from(["a", "b"]),
        "maxLength": st.integers(1, 3),
        "enum": st.sampled_from([["a"], ["a", "b"], ["b", "c"]]),
    },
)
prop = st.one_of(
    leaf,
    st.fixed_dictionaries(
        {
            "type": st.just("object"),
            "properties": st.dictionaries(st.sampled_from(NAMES), leaf, min_size=1, max_size=2),
        }
    ),
    st.fixed_dictionaries({"type": st.just("array"), "items": leaf}),
)


@st.composite
def schemas(draw):
    properties = draw(st.dictionaries(st.sampled_from(NAMES), prop, min_size=1, max_size=3))
    schema = {"properties": properties}
    required = draw(st.lists(st.sampled_from(sorted(properties)), unique=True, max_size=2))
    if required:
        schema["required"] = required
    if draw(st.booleans()):
        schema["description"] = draw(st.sampled_from(["x", "y"]))
    return schema


@st.composite
def states(draw):
    """Object types and relationship types between them (or Zendesk's types): a consistent
    account."""
    keys = draw(st.lists(st.sampled_from(TYPE_KEYS), unique=True, max_size=4))
    objects = {key: draw(schemas()) for key in keys}
    ends = [*keys, "zen:user", "zen:ticket"]
    relations = {}
    for key in draw(st.lists(st.sampled_from(REL_KEYS), unique=True, max_size=3)):
        source, target = draw(st.sampled_from(ends)), draw(st.sampled_from(ends))
        relations[key] = (source, target, draw(st.booleans()))
    return objects, relations


def project_of(objects, relations) -> Project:
    return Project(
        Path("."),
        Settings(),
        (),
        {k: ObjectType(k, s) for k, s in objects.items()},
        {k: RelationshipType(k, s, t, many) for k, (s, t, many) in relations.items()},
    )


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(start=states(), goal=states(), prune=st.booleans())
def test_apply_then_plan_is_empty(start, goal, prune):
    app = Emulator(Store())
    client = Client("http://localhost", transport=in_process_transport(app))
    objects, relations = start
    for key, schema in objects.items():
        AccountApi(client).create(OBJECT_TYPE, {"key": key, "schema": schema})
    for key, (source, target, many) in relations.items():
        AccountApi(client).create(
            RELATIONSHIP_TYPE,
            {"key": key, "source": source, "target": [target] if many else target},
        )

    project = project_of(*goal)
    account = AccountRef("test", "http://localhost")
    plan = build_plan(project, read_live_state(client), account, prune=prune)
    report = apply_plan(plan, AccountApi(client), parallelism=3)
    assert report.complete, [(o.change.label, o.error) for o in report.outcomes if o.error]

    again = build_plan(project, read_live_state(client), account, prune=prune)
    assert again.changes == ()
    expected_unmanaged = (
        set()
        if prune
        else (
            {("object_type", k) for k in objects if k not in goal[0]}
            | {("relationship_type", k) for k in relations if k not in goal[1]}
        )
    )
    assert {(kind.name, key) for kind, key in again.unmanaged} == expected_unmanaged
