"""Property, for custom objects: from any account holding custom objects, applying the plan of
any project converges with a complete report, and the plan made right after is empty."""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from zcd_schema.emulator.app import Emulator
from zcd_schema.emulator.store import Store
from zcd_schema.planning.apply import apply_plan
from zcd_schema.planning.build import build_plan
from zcd_schema.planning.document import AccountRef
from zcd_schema.project.model import CustomObject, CustomObjectField, FieldOption, Project, Settings
from zcd_schema.zendesk.client import Client, in_process_transport
from zcd_schema.zendesk.read import read_live_state
from zcd_schema.zendesk.write import AccountApi

OBJECT_KEYS = ["vehicle", "garage", "depot"]
FIELD_KEYS = ["make", "seats", "body", "owner", "on"]
OPTIONS = [FieldOption("sedan", "Sedan"), FieldOption("suv", "SUV"), FieldOption("van", "Van")]


@st.composite
def fields(draw, objects: list[str]):
    kind = draw(
        st.sampled_from(
            [
                "text",
                "integer",
                "checkbox",
                "dropdown",
                "multiselect",
                "lookup",
                "regexp",
                "textarea",
            ]
        )
    )
    extra: dict = {}
    if kind in ("dropdown", "multiselect"):
        chosen = draw(st.lists(st.sampled_from(OPTIONS), min_size=1, max_size=3, unique=True))
        extra["options"] = tuple(chosen)
    if kind == "lookup":
        extra["target"] = draw(st.sampled_from(["zen:user", "zen:ticket", *objects]))
    if kind == "regexp":
        extra["pattern"] = draw(st.sampled_from(["^[0-9]+$", "^[A-Z]{3}$"]))
    return dict(
        type=kind,
        title=draw(st.sampled_from(["One", "Two"])),
        active=draw(st.booleans()),
        required=draw(st.sampled_from([None, True, False])),
        description=draw(st.sampled_from([None, "about it"])),
        **extra,
    )


@st.composite
def projects(draw):
    keys = draw(st.lists(st.sampled_from(OBJECT_KEYS), unique=True, max_size=3))
    objects = {}
    for key in keys:
        field_keys = draw(st.lists(st.sampled_from(FIELD_KEYS), unique=True, max_size=4))
        declared = tuple(CustomObjectField(k, **draw(fields(keys))) for k in field_keys)
        objects[key] = CustomObject(
            key,
            draw(st.sampled_from(["Vehicle", "Car"])),
            "Things",
            description=draw(st.sampled_from([None, "Described"])),
            include_in_list_view=draw(st.booleans()),
            allows_photos=draw(st.sampled_from([None, True, False])),
            name_field=draw(
                st.sampled_from([None, {"title": "Plate"}, {"title": "Name", "unique": True}])
            ),
            fields=declared,
        )
    return Project(Path("."), Settings(), (), custom_objects=objects)


def apply(client: Client, project: Project, prune: bool):
    plan = build_plan(
        project, read_live_state(client), AccountRef("test", "http://localhost"), prune=prune
    )
    return plan, apply_plan(plan, AccountApi(client), parallelism=3)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(start=projects(), goal=projects(), prune=st.booleans())
def test_apply_then_plan_is_empty(start, goal, prune):
    client = Client("http://localhost", transport=in_process_transport(Emulator(Store())))
    _, first = apply(client, start, prune=True)
    assert first.complete, [(o.change.label, o.error) for o in first.outcomes if o.error]
    _, report = apply(client, goal, prune)
    assert report.complete, [(o.change.label, o.error) for o in report.outcomes if o.error]
    assert {o.state for o in report.outcomes} <= {"applied"}
    again = build_plan(
        goal, read_live_state(client), AccountRef("test", "http://localhost"), prune=prune
    )
    assert again.changes == (), [(c.label, c.reasons) for c in again.changes]
    unmanaged = {key for kind, key in again.unmanaged if kind.name == "custom_object"}
    assert unmanaged == (set() if prune else set(start.custom_objects) - set(goal.custom_objects))
