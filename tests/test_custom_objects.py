"""Custom objects end to end: the real CLI against the emulator, for each row of contract
section 8's risk table, the apply order, guards, limits, records, and an account without the
legacy API."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from zcd_schema.project.model import Settings
from zcd_schema.zendesk.accounts import open_client, resolve_target

VEHICLE = """
custom_objects:
  garage:
    title: Garage
    title_pluralized: Garages
    fields:
      city: {type: text, title: City}
  vehicle:
    title: Vehicle
    title_pluralized: Vehicles
    name_field: {title: Plate}
    fields:
      make: {type: text, title: Make}
      seats: {type: integer, title: Seats}
      body: {type: dropdown, title: Body, options: {sedan: Sedan, suv: SUV}}
      vin: {type: regexp, title: VIN, pattern: "^[A-Z0-9]{17}$"}
      owner: {type: lookup, title: Owner, target: zen:user}
      garage: {type: lookup, title: Garage, target: garage}
      price: {type: currency, title: Price, currency: EUR}
      notes: {type: textarea, title: Notes}
"""


@pytest.fixture
def fleet(tmp_path: Path, zcd):
    """A project with VEHICLE applied to the local account; ``fleet(text)`` rewrites it."""
    root = tmp_path / "project"
    root.mkdir()

    def write(text: str) -> Path:
        (root / "fleet.yaml").write_text(text)
        return root

    write(VEHICLE)
    applied = zcd("apply", "--project", root, "--yes")
    assert applied.code == 0, applied.out + applied.err
    return write


def plan_of(zcd, root: Path, *args: str) -> list[dict]:
    result = zcd("plan", "--project", root, "--format", "json", *args)
    assert result.code in (0, 4), result.err
    return result.plan["changes"]


def local(root: Path):
    return open_client(resolve_target(root, Settings(), environ={}), environ={})


def live_fields(root: Path, obj: str, standard: bool = False) -> list[dict]:
    """The fields of ``obj`` in the local account, every page, in Zendesk's order."""
    with local(root) as client:
        query = {"include_standard_fields": "true" if standard else "false"}
        return client.list(
            f"/api/v2/custom_objects/{obj}/fields",
            query,
            100,
            envelope="custom_object_fields",
            page_param="page[size]",
        )


def add_record(root: Path, obj: str, **values) -> None:
    with local(root) as client:
        body = {"custom_object_record": {"name": "r", "custom_object_fields": values}}
        client.request("POST", f"/api/v2/custom_objects/{obj}/records", json=body)


def test_apply_then_plan_is_empty(zcd, fleet):
    root = fleet(VEHICLE)
    assert plan_of(zcd, root) == []
    fields = live_fields(root, "vehicle")
    assert [f["key"] for f in fields] == [
        "make",
        "seats",
        "body",
        "vin",
        "owner",
        "garage",
        "price",
        "notes",
    ]


NOTES = "      notes: {type: textarea, title: Notes}\n"
RISK_ROWS = [
    (
        "new object",
        "  extra:\n    title: Extra\n    title_pluralized: Extras\n",
        "extra",
        "create",
        "safe",
        "new custom object 'Extra'",
    ),
    (
        "new optional field",
        (
            "      notes: {type: textarea, title: Notes}\n",
            "      notes: {type: textarea, title: Notes}\n      km: {type: integer, title: Km}\n",
        ),
        "vehicle.km",
        "create",
        "safe",
        "adds integer field km to vehicle",
    ),
    (
        "new required field",
        (
            "      notes: {type: textarea, title: Notes}\n",
            NOTES + "      km: {type: integer, title: Km, required: true}\n",
        ),
        "vehicle.km",
        "create",
        "breaking",
        "adds required integer field km to vehicle",
    ),
    (
        "option added",
        ("{sedan: Sedan, suv: SUV}", "{sedan: Sedan, suv: SUV, van: Van}"),
        "vehicle.body",
        "update",
        "safe",
        "adds option `van` to `body`",
    ),
    (
        "option renamed",
        ("{sedan: Sedan, suv: SUV}", "{sedan: Saloon, suv: SUV}"),
        "vehicle.body",
        "update",
        "safe",
        "renames option `sedan` of `body` from 'Sedan' to 'Saloon'",
    ),
    (
        "option removed",
        ("{sedan: Sedan, suv: SUV}", "{sedan: Sedan}"),
        "vehicle.body",
        "update",
        "destructive",
        "removes option `suv` of `body`: its value is cleared on every vehicle record",
    ),
    (
        "title changed",
        ("title: Vehicle\n", "title: Car\n"),
        "vehicle",
        "update",
        "safe",
        "changes the title of vehicle",
    ),
    (
        "list view flag",
        (
            "    title_pluralized: Vehicles\n",
            "    title_pluralized: Vehicles\n    include_in_list_view: false\n",
        ),
        "vehicle",
        "update",
        "safe",
        "changes the include in list view of vehicle",
    ),
    (
        "field order",
        (
            "      make: {type: text, title: Make}\n      seats: {type: integer, title: Seats}\n",
            "      seats: {type: integer, title: Seats}\n      make: {type: text, title: Make}\n",
        ),
        "vehicle",
        "update",
        "safe",
        "sets the field order of vehicle: seats, make, body",
    ),
    (
        "deactivated",
        ("make: {type: text, title: Make}", "make: {type: text, title: Make, active: false}"),
        "vehicle.make",
        "update",
        "breaking",
        "deactivates make: agents no longer see it (its data is kept)",
    ),
    (
        "made required",
        ("make: {type: text, title: Make}", "make: {type: text, title: Make, required: true}"),
        "vehicle.make",
        "update",
        "breaking",
        "makes make required",
    ),
    (
        "pattern changed",
        ('"^[A-Z0-9]{17}$"', '"^[A-Z0-9]{11,17}$"'),
        "vehicle.vin",
        "update",
        "breaking",
        "changes the pattern of vin: values already stored may not match it",
    ),
    (
        "type changed",
        ("seats: {type: integer, title: Seats}", "seats: {type: text, title: Seats}"),
        "vehicle.seats",
        "replace",
        "destructive",
        "changes the type of seats from integer to text",
    ),
    (
        "lookup target changed",
        ("target: zen:user", "target: zen:organization"),
        "vehicle.owner",
        "replace",
        "destructive",
        "changes the target of owner from zen:user to zen:organization",
    ),
    (
        "currency changed",
        ("currency: EUR", "currency: USD"),
        "vehicle.price",
        "replace",
        "destructive",
        "changes the currency of price from EUR to USD",
    ),
    (
        "field removed",
        ("      notes: {type: textarea, title: Notes}\n", ""),
        "vehicle.notes",
        "delete",
        "destructive",
        "deletes field notes of vehicle: its data is deleted on every vehicle record",
    ),
]


@pytest.mark.parametrize(
    ("name", "edit", "key", "action", "risk", "reason"),
    RISK_ROWS,
    ids=[row[0] for row in RISK_ROWS],
)
def test_risk_table_rows(zcd, fleet, name, edit, key, action, risk, reason):
    text = VEHICLE + edit if isinstance(edit, str) else VEHICLE.replace(*edit)
    assert text != VEHICLE
    root = fleet(text)
    changes = [c for c in plan_of(zcd, root) if c["key"] == key]
    assert len(changes) == 1, plan_of(zcd, root)
    (change,) = changes
    assert (change["action"], change["risk"]) == (action, risk)
    assert any(r.startswith(reason) for r in change["reasons"]), change["reasons"]
    applied = zcd("apply", "--project", root, "--yes", "--allow-destroy")
    assert applied.code == 0, applied.out + applied.err
    assert plan_of(zcd, root) == [], "apply then plan is not empty"


def test_a_removed_option_clears_its_value_and_destruction_needs_allow_destroy(zcd, fleet):
    root = fleet(VEHICLE)
    add_record(root, "vehicle", body="suv")
    root = fleet(VEHICLE.replace("{sedan: Sedan, suv: SUV}", "{sedan: Sedan}"))
    refused = zcd("apply", "--project", root, "--yes")
    assert refused.code == 4 and "without --allow-destroy" in refused.err
    assert zcd("apply", "--project", root, "--yes", "--allow-destroy").code == 0


def test_deleting_an_object_says_how_many_records_go_with_it(zcd, fleet):
    root = fleet(VEHICLE)
    for _ in range(3):
        add_record(root, "garage", city="Oslo")
    (root / "zcd.yaml").write_text("prune: true\n")
    garage = VEHICLE[VEHICLE.index("  garage:") : VEHICLE.index("  vehicle:")]
    lookup = "      garage: {type: lookup, title: Garage, target: garage}\n"
    fleet(VEHICLE.replace(garage, "").replace(lookup, ""))
    changes = {c["key"]: c for c in plan_of(zcd, root)}
    assert changes["garage"]["action"] == "delete"
    assert (
        "custom object garage has 3 records; they are deleted with it"
        in changes["garage"]["reasons"]
    )
    assert "garage.city" not in changes  # its fields go with it
    # the lookup field that points at it goes first (step order), then the object
    applied = zcd("apply", "--project", root, "--yes", "--allow-destroy", "--parallelism", "1")
    assert applied.code == 0, applied.out + applied.err
    assert applied.out.index("field vehicle.garage: deleted") < applied.out.index(
        "custom object garage: deleted"
    )
    assert plan_of(zcd, root) == []


def test_a_new_object_and_a_lookup_to_it_are_created_in_order(zcd, fleet):
    text = VEHICLE.replace(
        "      notes: {type: textarea, title: Notes}\n",
        "      notes: {type: textarea, title: Notes}\n"
        "      depot: {type: lookup, title: Depot, target: depot}\n",
    )
    root = fleet(text + "  depot:\n    title: Depot\n    title_pluralized: Depots\n")
    applied = zcd("apply", "--project", root, "--yes", "--parallelism", "8")
    assert applied.code == 0, applied.out + applied.err
    created = applied.out.index("custom object depot: created")
    assert created < applied.out.index("field vehicle.depot: created")
    assert plan_of(zcd, root) == []


def test_a_naming_change_with_records_is_refused_at_plan_and_apply(zcd, fleet):
    root = fleet(VEHICLE)
    add_record(root, "vehicle", make="Volvo")
    fleet(VEHICLE.replace("name_field: {title: Plate}", "name_field: {title: Plate, unique: true}"))
    planned = zcd("plan", "--project", root)
    assert planned.code == 4
    assert (
        "custom object vehicle: Zendesk refuses to change name_field's unique or autonumber"
        in planned.out
    )
    refused = zcd("apply", "--project", root, "--yes")
    assert refused.code == 4 and "refusing to apply what Zendesk refuses" in refused.err


def test_prevent_destroy_protects_a_custom_object(zcd, fleet):
    root = fleet(
        VEHICLE.replace(
            "    title_pluralized: Vehicles\n",
            "    title_pluralized: Vehicles\n    prevent_destroy: true\n",
        )
    )
    assert zcd("apply", "--project", root, "--yes").code == 0
    (root / "zcd.yaml").write_text("prune: true\n")
    fleet(
        "custom_objects:\n  garage:\n    title: Garage\n    title_pluralized: Garages\n"
        "    fields:\n      city: {type: text, title: City}\n"
    )
    saved = root / "plan.json"
    planned = zcd("plan", "--project", root, "-o", saved)
    # a pruned object is declared nowhere, so prevent_destroy no longer protects it: only the
    # destructive guard stands (contract: prevent_destroy vanishes with its declaration)
    changes = {(c["key"], c["action"]) for c in json.loads(saved.read_text())["changes"]}
    assert ("vehicle", "delete") in changes and ("garage.city", "delete") not in changes
    assert planned.code == 0
    assert zcd("apply", saved, "--project", root).code == 4  # destructive without --allow-destroy


def test_saved_plans_of_custom_objects_are_checked_and_applied(zcd, fleet):
    root = fleet(VEHICLE.replace("{sedan: Sedan, suv: SUV}", "{sedan: Sedan, suv: SUV, van: Van}"))
    saved = root / "plan.json"
    assert zcd("plan", "--project", root, "-o", saved).code == 0
    assert zcd("apply", saved, "--project", root).code == 0
    assert plan_of(zcd, root) == []


def test_the_object_limit_is_checked_before_any_write(zcd, tmp_path):
    root = tmp_path / "project"
    root.mkdir()
    (root / "zcd.yaml").write_text("local:\n  plan_tier: team\n")
    objects = "".join(f"  o{i}:\n    title: O{i}\n    title_pluralized: O{i}s\n" for i in range(3))
    (root / "a.yaml").write_text("custom_objects:\n" + objects)
    assert zcd("apply", "--project", root, "--yes").code == 0
    (root / "a.yaml").write_text(
        "custom_objects:\n" + objects + "  o3:\n    title: O3\n    title_pluralized: O3s\n"
    )
    planned = zcd("plan", "--project", root)
    assert planned.code == 4
    assert (
        "the account holds 3 of at most 3 custom objects; this plan would need 4 at once"
        in planned.out
    )


def test_an_account_without_the_legacy_api(zcd, tmp_path):
    root = tmp_path / "project"
    root.mkdir()
    (root / "zcd.yaml").write_text("local:\n  legacy_api: false\n")
    (root / "a.yaml").write_text("custom_objects:\n  o1:\n    title: O\n    title_pluralized: Os\n")
    planned = zcd("plan", "--project", root)
    assert planned.code == 0
    # a project without legacy sections does not ask the legacy API at all, so says nothing of it
    assert "Legacy" not in planned.out and "1 to create" in planned.out
    pruned = zcd("plan", "--project", root, "--prune")
    assert pruned.code == 0
    assert (
        "this account has no Legacy Custom Objects API (Zendesk removed it in 2026)" in pruned.out
    )
    (root / "b.yaml").write_text(
        "object_types:\n  product:\n    schema: {properties: {a: {type: string}}}\n"
    )
    refused = zcd("plan", "--project", root)
    assert refused.code == 3
    assert (
        "Zendesk removed Legacy Custom Objects in 2026" in refused.err
        and "custom_objects" in refused.err
    )


def test_import_writes_custom_objects_that_plan_empty_whatever_their_keys(
    zcd, tmp_path, emulator_factory
):
    served = emulator_factory(served=True)
    with served.http() as http:
        for key in ("null", "yes", "depot"):
            body = {
                "custom_object": {"key": key, "title": f"T: {key} # x", "title_pluralized": "on"}
            }
            assert http.post("/api/v2/custom_objects", json=body).status_code == 201
        options = [
            {"value": v, "name": n}
            for v, n in (("yes", "no"), ("010", "1:20"), ("on", "null"), ("x y", "#hash"))
        ]
        fields = [
            {"key": "on", "type": "dropdown", "title": "yes", "custom_field_options": options},
            {"key": "2019_car", "type": "text", "title": "010", "description": "a: b"},
            {
                "key": "off",
                "type": "lookup",
                "title": "Depot",
                "relationship_target_type": "zen:custom_object:depot",
            },
            {
                "key": "no",
                "type": "regexp",
                "title": "Code",
                "regexp_for_validation": "^[0-9]{3}: .*$",
            },
        ]
        for field in fields:
            answer = http.post(
                "/api/v2/custom_objects/yes/fields", json={"custom_object_field": field}
            )
            assert answer.status_code == 201, answer.text
    out = tmp_path / "imported"
    imported = zcd("import", "--project", tmp_path, "--url", served.url, "--out", out)
    assert imported.code == 0, imported.err
    assert sorted(p.name for p in (out / "custom_objects").iterdir()) == [
        "depot.yaml",
        "null.yaml",
        "yes.yaml",
    ]
    strict = zcd("validate", "--project", out, "--strict")
    assert strict.code == 0, strict.out
    planned = zcd("plan", "--project", out, "--url", served.url, "--detailed-exitcode")
    assert planned.code == 0, planned.out + planned.err


def test_every_format_shows_custom_object_changes_at_their_declarations(zcd, fleet):
    root = fleet(
        VEHICLE.replace("{sedan: Sedan, suv: SUV}", "{sedan: Sedan}").replace(
            "make: {type: text, title: Make}", "make: {type: text, title: Make, active: false}"
        )
    )
    text = zcd("plan", "--project", root).out
    assert "~ field vehicle.body: update, destructive  (" in text and "fleet.yaml:15)" in text
    markdown = zcd("plan", "--project", root, "--format", "markdown").out
    assert "update field vehicle.body (<b>destructive</b>)" in markdown
    assert "Declared at `fleet.yaml:15`." in markdown
    github = zcd("plan", "--project", root, "--format", "github").out
    assert re.search(
        r"::error file=[^,]*fleet.yaml,line=15,col=7,title=zcd-schema%3A destructive change::"
        r"update field vehicle.body",
        github,
    )
    assert re.search(
        r"::warning file=[^,]*fleet.yaml,line=13,col=7,.*update field vehicle.make", github
    )
    document = zcd("plan", "--project", root, "--format", "json").plan
    body = next(c for c in document["changes"] if c["key"] == "vehicle.body")
    assert body["kind"] == "custom_object_field"
    assert body["declared_at"] == {"file": "fleet.yaml", "line": 15, "column": 7}


def test_faults_during_a_custom_objects_apply_converge_with_nothing_doubled(zcd, tmp_path):
    root = tmp_path / "project"
    root.mkdir()
    (root / "fleet.yaml").write_text(VEHICLE)
    faults = {"ZCD_EMULATOR_FAULTS": "429=0.15,500=0.15,drop=0.2,retry-after=0,seed=4"}
    applied = zcd("apply", "--project", root, "--yes", env=faults)
    assert applied.code == 0, applied.out + applied.err
    assert "Apply complete" in applied.out
    assert plan_of(zcd, root) == []
    with local(root) as client:
        objects = client.list("/api/v2/custom_objects", envelope="custom_objects", per_page=None)
    fields = live_fields(root, "vehicle", standard=True)
    assert sorted(o["key"] for o in objects) == ["garage", "vehicle"]  # nothing created twice
    assert len(fields) == 2 + 8
    changed = (
        VEHICLE.replace("title: Vehicle\n", "title: Car\n")
        .replace("{sedan: Sedan, suv: SUV}", "{sedan: Saloon, suv: SUV, van: Van}")
        .replace("      make: {type: text, title: Make}\n      seats", "      seats")
    )
    (root / "fleet.yaml").write_text(changed + "      make: {type: text, title: Make}\n")
    updated = zcd("apply", "--project", root, "--yes", env=faults)
    assert updated.code == 0, updated.out + updated.err
    assert plan_of(zcd, root) == []


def test_pruning_objects_that_point_at_each_other(zcd, fleet):
    """Both objects go; the lookup from one to the other is deleted first, or Zendesk refuses."""
    root = fleet(VEHICLE)
    (root / "zcd.yaml").write_text("prune: true\n")
    fleet("custom_objects:\n  other:\n    title: Other\n    title_pluralized: Others\n")
    changes = {(c["key"], c["action"]) for c in plan_of(zcd, root)}
    assert {("garage", "delete"), ("vehicle", "delete"), ("vehicle.garage", "delete")} <= changes
    assert ("vehicle.make", "delete") not in changes  # the rest goes with its object
    applied = zcd("apply", "--project", root, "--yes", "--allow-destroy", "--parallelism", "8")
    assert applied.code == 0, applied.out + applied.err
    assert plan_of(zcd, root) == []


PEOPLE = """
custom_objects:
  car:
    title: Car
    title_pluralized: Cars
  shop:
    title: Shop
    title_pluralized: Shops
user_fields:
  my_car: {title: My car, target: car}
organization_fields:
  main_shop: {title: Main shop, target: shop, description: Where they buy}
"""


def test_lookup_fields_on_users_and_organizations(zcd, tmp_path):
    root = tmp_path / "project"
    root.mkdir()
    (root / "a.yaml").write_text(PEOPLE)
    created = zcd("apply", "--project", root, "--yes", "--parallelism", "8")
    assert created.code == 0, created.out + created.err
    assert created.out.index("custom object car: created") < created.out.index(
        "user field my_car: created"
    )
    assert plan_of(zcd, root) == []
    with local(root) as client:  # a user field that is not a lookup is the account's own business
        client.request(
            "POST",
            "/api/v2/user_fields",
            json={"user_field": {"key": "shoe_size", "type": "integer", "title": "Shoe size"}},
        )
    assert plan_of(zcd, root) == []
    (root / "a.yaml").write_text(
        PEOPLE.replace("title: My car", "title: Car of mine").replace("target: shop", "target: car")
    )
    changes = {c["key"]: c for c in plan_of(zcd, root)}
    assert (changes["my_car"]["action"], changes["my_car"]["risk"]) == ("update", "safe")
    assert (changes["main_shop"]["action"], changes["main_shop"]["risk"]) == (
        "replace",
        "destructive",
    )
    assert zcd("apply", "--project", root, "--yes", "--allow-destroy").code == 0
    assert plan_of(zcd, root) == []
    out = tmp_path / "imported"
    assert zcd("import", "--project", root, "--out", out).code == 0
    assert "my_car:" in (out / "user_fields.yaml").read_text()
    assert "shoe_size" not in (out / "user_fields.yaml").read_text()
    (root / "zcd.yaml").write_text("prune: true\n")
    (root / "a.yaml").write_text(
        "custom_objects:\n  other:\n    title: O\n    title_pluralized: Os\n"
    )
    pruned = zcd("apply", "--project", root, "--yes", "--allow-destroy", "--parallelism", "8")
    assert pruned.code == 0, pruned.out + pruned.err
    assert pruned.out.index("user field my_car: deleted") < pruned.out.index(
        "custom object car: deleted"
    )
    assert plan_of(zcd, root) == []
