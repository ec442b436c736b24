"""plan, apply, show and import end to end: the CLI (in-process through ``main``, and as a real
process) against the emulator (the in-process ``local`` account, and ``emulator serve``-style
servers on loopback)."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest
from conftest import QUICKSTART, doc, zcd_executable

from zcd_schema.kinds import OBJECT_TYPE, RELATIONSHIP_TYPE
from zcd_schema.kinds.relationship_type import RELATIONSHIPS_FILE
from zcd_schema.project.model import Settings
from zcd_schema.zendesk.accounts import open_client, resolve_target
from zcd_schema.zendesk.read import read_item, read_live_state
from zcd_schema.zendesk.write import AccountApi

BASE = {
    "properties": {
        "id": {"type": "string"},
        "name": {"type": "string", "maxLength": 50, "minLength": 1, "pattern": "^[A-Z]"},
        "price": {"type": "number", "minimum": 0, "maximum": 1000},
        "colour": {"type": "string", "enum": ["red", "green"], "description": "paint"},
        "dims": {
            "type": "object",
            "properties": {"w": {"type": "number"}, "h": {"type": "number"}},
        },
    },
    "required": ["id", "name"],
}


def variant(**changes) -> dict:
    schema = json.loads(json.dumps(BASE))
    for path, value in changes.items():
        node = schema
        *parents, last = path.split("__")
        for part in parents:
            node = node[part]
        if value is None:
            del node[last]
        else:
            node[last] = value
    return schema


@pytest.fixture
def workspace(tmp_path: Path):
    root = tmp_path / "project"
    root.mkdir()

    def write(content: str) -> Path:
        (root / "types.yaml").write_text(content, encoding="utf-8")
        return root

    return write


RISK_ROWS = [
    (
        "adds optional property",
        dict(properties__sku={"type": "string"}),
        "update",
        "safe",
        "adds optional property 'sku'",
    ),
    (
        "description changed",
        dict(properties__colour__description="paint colour"),
        "update",
        "safe",
        "changes the description of 'colour'",
    ),
    (
        "required entry dropped",
        dict(required=["id"]),
        "update",
        "safe",
        "no longer requires 'name'",
    ),
    (
        "enum widened",
        dict(properties__colour__enum=["red", "green", "blue"]),
        "update",
        "safe",
        "adds enum value \"blue\" to 'colour'",
    ),
    (
        "limit relaxed",
        dict(properties__name__maxLength=80),
        "update",
        "safe",
        "raises maxLength of 'name' from 50 to 80",
    ),
    (
        "adds required property",
        dict(properties__sku={"type": "string"}, required=["id", "name", "sku"]),
        "update",
        "breaking",
        "adds required property 'sku'",
    ),
    (
        "makes existing required",
        dict(required=["id", "name", "price"]),
        "update",
        "breaking",
        "makes 'price' required",
    ),
    (
        "type changed",
        dict(
            properties__price__type="string",
            properties__price__minimum=None,
            properties__price__maximum=None,
        ),
        "update",
        "breaking",
        "changes the type of 'price' from number to string",
    ),
    (
        "enum value removed",
        dict(properties__colour__enum=["red"]),
        "update",
        "breaking",
        "removes enum value \"green\" from 'colour'",
    ),
    (
        "maxLength lowered",
        dict(properties__name__maxLength=20),
        "update",
        "breaking",
        "lowers maxLength of 'name' from 50 to 20",
    ),
    (
        "maximum lowered",
        dict(properties__price__maximum=10),
        "update",
        "breaking",
        "lowers maximum of 'price' from 1000 to 10",
    ),
    (
        "minLength raised",
        dict(properties__name__minLength=3),
        "update",
        "breaking",
        "raises minLength of 'name' from 1 to 3",
    ),
    (
        "minimum raised",
        dict(properties__price__minimum=5),
        "update",
        "breaking",
        "raises minimum of 'price' from 0 to 5",
    ),
    (
        "pattern changed",
        dict(properties__name__pattern="^[a-z]"),
        "update",
        "breaking",
        "changes the pattern of 'name'",
    ),
    (
        "property removed",
        dict(properties__colour=None),
        "update",
        "destructive",
        "removes property 'colour'",
    ),
    (
        "nested property removed",
        dict(properties__dims__properties__h=None),
        "update",
        "destructive",
        "removes property 'dims.h'",
    ),
    (
        "nested property added",
        dict(properties__dims__properties__d={"type": "number"}),
        "update",
        "safe",
        "adds optional property 'dims.d'",
    ),
]


@pytest.mark.parametrize(
    ("name", "changes", "action", "risk", "reason"), RISK_ROWS, ids=[r[0] for r in RISK_ROWS]
)
def test_risk_table_rows(zcd, workspace, name, changes, action, risk, reason):
    root = workspace(doc({"product": {"schema": BASE}}))
    assert zcd("apply", "--project", root, "--yes").code == 0
    workspace(doc({"product": {"schema": variant(**changes)}}))
    result = zcd("plan", "--project", root, "--format", "json", "--detailed-exitcode")
    assert result.code == 2
    [change] = result.plan["changes"]
    assert (change["action"], change["risk"]) == (action, risk)
    assert reason in change["reasons"], change["reasons"]
    # the update applies, and the next plan is empty
    flags = ["--allow-destroy"] if risk == "destructive" else []
    assert zcd("apply", "--project", root, "--yes", *flags).code == 0
    assert zcd("plan", "--project", root, "--detailed-exitcode").code == 0


def test_create_replace_delete_rows_and_unmanaged(zcd, workspace):
    schema = {"properties": {"id": {"type": "string"}}}
    root = workspace(
        doc(
            {"product": {"schema": schema}, "old": {"schema": schema}},
            {"link": {"source": "product", "target": "zen:user"}},
        )
    )
    assert zcd("apply", "--project", root, "--yes").code == 0
    workspace(
        doc(
            {"product": {"schema": schema}, "fresh": {"schema": schema}},
            {"link": {"source": "product", "target": ["zen:ticket"]}},
        )
    )
    plan = zcd("plan", "--project", root, "--format", "json").plan
    changes = {(c["kind"], c["key"]): c for c in plan["changes"]}
    assert (
        changes[("object_type", "fresh")]["action"] == "create"
        and changes[("object_type", "fresh")]["risk"] == "safe"
    )
    replace = changes[("relationship_type", "link")]
    assert (replace["action"], replace["risk"]) == ("replace", "destructive")
    assert "relationship types cannot be updated: delete and create" in replace["reasons"]
    assert plan["unmanaged"] == [{"kind": "object_type", "key": "old"}]
    assert plan["summary"] == {"create": 1, "update": 0, "replace": 1, "delete": 0, "unmanaged": 1}

    pruned = zcd("plan", "--project", root, "--format", "json", "--prune").plan
    delete = next(c for c in pruned["changes"] if c["key"] == "old")
    assert (delete["action"], delete["risk"]) == ("delete", "destructive")
    assert "object type old has no records" in delete["reasons"]
    assert pruned["unmanaged"] == []

    assert zcd("apply", "--project", root, "--yes", "--prune", "--allow-destroy").code == 0
    assert zcd("plan", "--project", root, "--prune", "--detailed-exitcode").code == 0


def seed_records(root: Path, key: str, count: int = 1) -> None:
    with open_client(resolve_target(root, Settings(), environ={}), environ={}) as client:
        for i in range(count):
            client.request(
                "POST",
                "/api/sunshine/objects/records",
                json={"data": {"type": key, "attributes": {"id": str(i), "name": "Desk"}}},
            )


def test_destructive_change_says_what_data_is_at_stake(zcd, workspace):
    root = workspace(doc({"product": {"schema": BASE}}))
    zcd("apply", "--project", root, "--yes")
    seed_records(root, "product")
    workspace(doc({"product": {"schema": variant(properties__colour=None)}}))
    text = zcd("plan", "--project", root).out
    assert "removes property 'colour'" in text and "object type product has records" in text


def test_destructive_changes_need_allow_destroy_and_a_refusal_writes_nothing(zcd, workspace):
    root = workspace(doc({"product": {"schema": BASE}}))
    zcd("apply", "--project", root, "--yes")
    workspace(
        doc(
            {
                "product": {
                    "schema": variant(properties__colour=None, properties__sku={"type": "string"})
                }
            }
        )
    )
    before = zcd("plan", "--project", root, "--format", "json").plan["changes"]
    refused = zcd("apply", "--project", root, "--yes")
    assert (
        refused.code == 4
        and "without --allow-destroy" in refused.err
        and "removes property 'colour'" in refused.err
    )
    # nothing written
    assert zcd("plan", "--project", root, "--format", "json").plan["changes"] == before
    saved = root / "plan.json"
    zcd("plan", "--project", root, "-o", saved)
    assert zcd("apply", saved, "--project", root).code == 4
    assert zcd("apply", saved, "--project", root, "--allow-destroy").code == 0
    assert zcd("plan", "--project", root, "--detailed-exitcode").code == 0


def test_prevent_destroy_refuses_even_with_allow_destroy(zcd, workspace):
    schema = {"properties": {"id": {"type": "string"}}}
    root = workspace(
        doc(
            {"product": {"schema": schema}},
            {"link": {"source": "product", "target": "zen:user", "prevent_destroy": True}},
        )
    )
    zcd("apply", "--project", root, "--yes")
    workspace(
        doc(
            {"product": {"schema": schema}},
            {"link": {"source": "product", "target": "zen:ticket", "prevent_destroy": True}},
        )
    )
    refused = zcd("apply", "--project", root, "--yes", "--allow-destroy")
    assert (
        refused.code == 4
        and "prevent_destroy protects relationship type link (replace)" in refused.err
    )
    saved = root / "plan.json"
    zcd("plan", "--project", root, "-o", saved)
    assert zcd("apply", saved, "--project", root, "--allow-destroy").code == 4
    plan = zcd("plan", "--project", root, "--format", "json").plan
    assert plan["changes"][0]["action"] == "replace"  # still pending: nothing was written


def test_prevent_destroy_from_the_current_project_guards_a_saved_plan(zcd, workspace):
    schema = {"properties": {"id": {"type": "string"}}}
    root = workspace(
        doc({"product": {"schema": schema}}, {"link": {"source": "product", "target": "zen:user"}})
    )
    zcd("apply", "--project", root, "--yes")
    workspace(
        doc(
            {"product": {"schema": schema}}, {"link": {"source": "product", "target": "zen:ticket"}}
        )
    )
    saved = root / "plan.json"
    zcd("plan", "--project", root, "-o", saved)
    workspace(
        doc(
            {"product": {"schema": schema}},
            {"link": {"source": "product", "target": "zen:ticket", "prevent_destroy": True}},
        )
    )
    assert zcd("apply", saved, "--project", root, "--allow-destroy").code == 4


def other_client(root: Path):
    return open_client(resolve_target(root, Settings(), environ={}), environ={})


def test_stale_plan_touching_a_moved_object_is_refused(zcd, workspace):
    schema = {"properties": {"id": {"type": "string"}}}
    root = workspace(doc({"product": {"schema": schema}, "supplier": {"schema": schema}}))
    zcd("apply", "--project", root, "--yes")
    workspace(
        doc(
            {
                "product": {
                    "schema": {"properties": {"id": {"type": "string"}, "sku": {"type": "string"}}}
                },
                "supplier": {"schema": schema},
                "fresh": {"schema": schema},
            }
        )
    )
    saved = root / "plan.json"
    zcd("plan", "--project", root, "-o", saved)
    with other_client(root) as client:  # someone changes product behind the plan's back
        AccountApi(client).update(
            OBJECT_TYPE, {"key": "product", "schema": {"properties": {"x": {"type": "string"}}}}
        )
    refused = zcd("apply", saved, "--project", root)
    assert (
        refused.code == 4
        and "stale" in refused.err
        and "object type product changed" in refused.err
    )
    with other_client(root) as client:
        assert read_item(client, OBJECT_TYPE, "fresh") is None  # nothing written

    zcd("plan", "--project", root, "-o", saved)
    with other_client(root) as client:  # appears: the plan wanted to create it
        AccountApi(client).create(
            OBJECT_TYPE, {"key": "fresh", "schema": {"properties": {"y": {"type": "string"}}}}
        )
    stale = zcd("apply", saved, "--project", root, "--allow-destroy")
    assert (
        stale.code == 4
        and "object type fresh appeared" in stale.err
        and "Applying" not in stale.out
    )


def test_stale_check_ignores_objects_the_plan_does_not_touch(zcd, workspace):
    schema = {"properties": {"id": {"type": "string"}}}
    root = workspace(doc({"product": {"schema": schema}, "supplier": {"schema": schema}}))
    zcd("apply", "--project", root, "--yes")
    workspace(
        doc(
            {
                "product": {
                    "schema": {"properties": {"id": {"type": "string"}, "sku": {"type": "string"}}}
                },
                "supplier": {"schema": schema},
            }
        )
    )
    saved = root / "plan.json"
    zcd("plan", "--project", root, "-o", saved)
    with other_client(root) as client:
        AccountApi(client).update(
            OBJECT_TYPE, {"key": "supplier", "schema": {"properties": {"z": {"type": "string"}}}}
        )
        AccountApi(client).create(OBJECT_TYPE, {"key": "unrelated", "schema": schema})
    applied = zcd("apply", saved, "--project", root)
    assert applied.code == 0, applied.err
    with other_client(root) as client:
        assert "sku" in read_item(client, OBJECT_TYPE, "product")["schema"]["properties"]


def test_faults_during_apply_converge_with_nothing_doubled(zcd, workspace):
    schema = {"properties": {"id": {"type": "string"}}}
    types = {f"type{i:02d}": {"schema": schema} for i in range(20)}
    links = {f"link{i:02d}": {"source": f"type{i:02d}", "target": ["zen:user"]} for i in range(15)}
    root = workspace(doc(types, links))
    faults = {"ZCD_EMULATOR_FAULTS": "429=0.15,500=0.15,drop=0.2,retry-after=0,seed=3"}
    applied = zcd("apply", "--project", root, "--yes", env=faults)
    assert applied.code == 0, applied.out + applied.err
    assert "retrying" in applied.err and "checking whether it was carried out" in applied.err
    assert zcd("plan", "--project", root, "--detailed-exitcode").code == 0
    with other_client(root) as client:
        state = read_live_state(client)
    assert sorted(state.of(OBJECT_TYPE)) == sorted(types) and sorted(
        state.of(RELATIONSHIP_TYPE)
    ) == sorted(links)
    assert (
        state.limits["resource_types"].count == 20
        and state.limits["relationship_types"].count == 15
    )


def test_partial_failure_reports_and_plan_shows_the_rest(zcd, workspace):
    """Zendesk refuses to delete an object type that still has records; nothing foresees it, so
    the apply stops part-way and says exactly what was done."""
    schema = {"properties": {"id": {"type": "string"}, "name": {"type": "string"}}}
    root = workspace(doc({name: {"schema": schema} for name in ("aaa", "full", "zzz")}))
    assert zcd("apply", "--project", root, "--yes").code == 0
    seed_records(root, "full")
    (root / "zcd.yaml").write_text("prune: true\n")
    workspace(
        doc(
            {"aaa": {"schema": schema}, "bbb": {"schema": schema}},
            {"bbb_link": {"source": "bbb", "target": "zen:user"}},
        )
    )
    result = zcd("apply", "--project", root, "--yes", "--allow-destroy", "--parallelism", "1")
    assert result.code == 5, result.out + result.err
    assert "Apply stopped part-way" in result.out
    assert "Applied (2):\n  + object type bbb\n  + relationship type bbb_link" in result.out
    assert (
        "Failed (1):\n  - object type full: DELETE /api/sunshine/objects/types/full: 409"
        in result.out
    )
    assert "Not attempted (1):\n  - object type zzz" in result.out
    assert result.out.count("409") == 1  # the error is told once, in the report
    rest = zcd("plan", "--project", root, "--format", "json").plan
    assert [(c["key"], c["action"]) for c in rest["changes"]] == [
        ("full", "delete"),
        ("zzz", "delete"),
    ]


def test_a_plan_that_cannot_fit_the_limits_is_refused_before_any_write(zcd, workspace):
    schema = {"properties": {"id": {"type": "string"}}}
    root = workspace(doc({"product": {"schema": schema}}))
    zcd("apply", "--project", root, "--yes")
    # 48 types nobody declares: the account is near its cap of 50
    with other_client(root) as client:
        for i in range(48):
            AccountApi(client).create(OBJECT_TYPE, {"key": f"legacy{i:02d}", "schema": schema})
    workspace(doc({name: {"schema": schema} for name in ("product", "aaa", "bbb")}))
    planned = zcd("plan", "--project", root, "-o", root / "plan.json")
    assert planned.code == 4
    refusal = (
        "over the account's limits: the account holds 49 of at most 50 resource types; "
        "this plan would need 51 at once"
    )
    assert refusal in planned.out
    applied = zcd("apply", root / "plan.json", "--project", root)
    assert applied.code == 4 and "Nothing was written" in applied.err
    with other_client(root) as client:
        assert len(read_live_state(client).of(OBJECT_TYPE)) == 49


def test_nothing_applied_is_exit_3(zcd, workspace):
    schema = {"properties": {"id": {"type": "string"}, "name": {"type": "string"}}}
    root = workspace(doc({"product": {"schema": schema}}))
    unreadable = zcd("apply", "--project", root, "--yes", env={"ZCD_EMULATOR_FAULTS": "500=1"})
    assert (
        unreadable.code == 3
        and "gave up after 10 attempts" in unreadable.err
        and unreadable.out == ""
    )
    # the one change is refused by Zendesk (an object type with records cannot be deleted)
    assert zcd("apply", "--project", root, "--yes").code == 0
    seed_records(root, "product")
    (root / "zcd.yaml").write_text("prune: true\n")
    workspace("{}\n")
    refused = zcd("apply", "--project", root, "--yes", "--allow-destroy")
    assert refused.code == 3, refused.out + refused.err
    assert "Apply failed; nothing was changed" in refused.out and "Failed (1)" in refused.out


def test_targets_and_fail_on_and_detailed_exitcode(zcd, workspace):
    schema = {"properties": {"id": {"type": "string"}}}
    root = workspace(doc({"product": {"schema": schema}, "supplier": {"schema": schema}}))
    only = zcd("plan", "--project", root, "--target", "supplier", "--format", "json").plan
    assert [c["key"] for c in only["changes"]] == ["supplier"]
    unknown = zcd("plan", "--project", root, "--target", "nope")
    assert unknown.code == 64 and "--target nope" in unknown.err
    zcd("apply", "--project", root, "--yes")
    workspace(
        doc(
            {
                "product": {"schema": {"properties": {"id": {"type": "number"}}}},
                "supplier": {"schema": schema},
            }
        )
    )
    assert zcd("plan", "--project", root, "--fail-on", "destructive").code == 0
    failed = zcd("plan", "--project", root, "--fail-on", "breaking")
    assert failed.code == 4 and "object type product (breaking)" in failed.err
    assert zcd("plan", "--project", root, "--detailed-exitcode").code == 2


def test_apply_without_a_terminal_or_yes_refuses_and_writes_nothing(zcd, workspace):
    root = workspace(doc({"product": {"schema": {"properties": {"id": {"type": "string"}}}}}))
    refused = zcd("apply", "--project", root)
    assert refused.code == 4 and "no terminal" in refused.err
    assert zcd("plan", "--project", root, "--detailed-exitcode").code == 2


def test_show_renders_a_saved_plan_in_every_format(zcd, workspace):
    root = workspace(doc({"product": {"schema": {"properties": {"id": {"type": "string"}}}}}))
    saved = root / "plan.json"
    text = zcd("plan", "--project", root, "-o", saved).out
    assert zcd("show", saved, "--project", root).out == text
    assert json.loads(zcd("show", saved, "--format", "json").out) == json.loads(saved.read_text())
    markdown = zcd("show", saved, "--format", "markdown").out
    assert (
        markdown.startswith("<!-- zcd-schema plan: project=")
        and "accounts=local -->" in markdown.splitlines()[0]
    )
    assert (
        "<details><summary><code>+</code> create object type product (safe)</summary>" in markdown
    )
    document = json.loads(saved.read_text())
    assert document["format_version"] == 1 and document["account"]["name"] == "local"
    assert document["changes"][0]["live_fingerprint"] is None


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("not json", "not a plan file"),
        ('{"format_version": 9}', "format_version 9"),
        ('{"format_version": 1}', "not a valid plan file"),
    ],
)
def test_bad_plan_files(zcd, tmp_path, content, message):
    path = tmp_path / "plan.json"
    path.write_text(content)
    for command in (["show", path], ["apply", path, "--project", tmp_path]):
        result = zcd(*command)
        assert result.code == 64 and message in result.err


def test_an_edited_plan_file_is_refused(zcd, workspace):
    root = workspace(doc({"product": {"schema": {"properties": {"id": {"type": "string"}}}}}))
    saved = root / "plan.json"
    zcd("plan", "--project", root, "-o", saved)
    document = json.loads(saved.read_text())
    document["changes"].append(dict(document["changes"][0], key="sneaky"))
    saved.write_text(json.dumps(document))
    assert zcd("apply", saved, "--project", root).code == 64


def test_invalid_project_exits_1_before_reaching_the_account(zcd, workspace):
    root = workspace(doc({"_bad": {"schema": {}}}))
    result = zcd("plan", "--project", root)
    assert result.code == 1 and "ZCD" in result.err and not (root / ".zcd").exists()


def test_unreachable_account_exits_3(zcd, workspace):
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    root = workspace(doc({"product": {"schema": {"properties": {"id": {"type": "string"}}}}}))
    result = zcd(
        "plan", "--project", root, "--url", f"http://127.0.0.1:{port}", env={"ZCD_DEBUG": "0"}
    )
    assert result.code == 3 and "could not connect" in result.err


def test_plan_and_apply_against_a_served_emulator_with_credentials(
    zcd, workspace, emulator_factory
):
    from zcd_schema.emulator.app import accepted_authorizations

    token = "served-SECRET-token-42"
    served = emulator_factory(
        served=True, authorizations=accepted_authorizations("ci@acme.com", token, None)
    )
    root = workspace(doc({"product": {"schema": {"properties": {"id": {"type": "string"}}}}}))
    creds = {"ZENDESK_EMAIL": "ci@acme.com", "ZENDESK_API_TOKEN": token}
    refused = zcd(
        "plan",
        "--project",
        root,
        "--url",
        served.url,
        "--debug",
        env={"ZENDESK_EMAIL": "ci@acme.com", "ZENDESK_API_TOKEN": "wrong-" + token},
    )
    assert refused.code == 3 and "401 Unauthorized: Couldn't authenticate you" in refused.err
    saved = root / "plan.json"
    planned = zcd("plan", "--project", root, "--url", served.url, "-o", saved, "--debug", env=creds)
    assert (
        planned.code == 0 and f"Account: {served.url.split('//')[1]} ({served.url})" in planned.out
    )
    assert "debug: GET /api/sunshine/objects/types?per_page=1000 -> 200 OK" in planned.err
    # --debug before the command too
    # a plan for an account zcd.yaml does not declare goes only where --url says
    refused = zcd("apply", saved, "--project", root, env=creds)
    assert refused.code == 4 and f"Pass --url {served.url}" in refused.err
    applied = zcd("--debug", "apply", saved, "--project", root, "--url", served.url, env=creds)
    assert "debug: POST /api/sunshine/objects/types -> 201 Created" in applied.err
    assert applied.code == 0, applied.err
    assert (
        zcd("plan", "--project", root, "--url", served.url, "--detailed-exitcode", env=creds).code
        == 0
    )
    everything = (
        refused.out
        + refused.err
        + planned.out
        + planned.err
        + applied.out
        + applied.err
        + saved.read_text()
    )
    assert token not in everything and "[redacted]" in planned.err


def test_a_saved_plan_is_for_its_own_account(zcd, workspace, emulator_factory):
    served = emulator_factory(served=True)
    root = workspace(doc({"product": {"schema": {"properties": {"id": {"type": "string"}}}}}))
    saved = root / "plan.json"
    zcd("plan", "--project", root, "-o", saved)  # local
    result = zcd("apply", saved, "--project", root, "--url", served.url)
    assert result.code == 4 and "the plan was made for local" in result.err


def test_import_round_trip_with_keys_yaml_would_misread(zcd, tmp_path, emulator_factory):
    served = emulator_factory(served=True)
    with served.client() as client:
        for key in ("on", "yes", "2019-car", "null", "010"):
            AccountApi(client).create(
                OBJECT_TYPE,
                {
                    "key": key,
                    "schema": {
                        "properties": {
                            "no": {"type": "string", "enum": ["yes", "no", "on", "1:20"]},
                            "true": {"type": "boolean", "description": "010"},
                        },
                        "required": ["no"],
                    },
                },
            )
        AccountApi(client).create(
            RELATIONSHIP_TYPE, {"key": "off", "source": "yes", "target": ["2019-car"]}
        )
        AccountApi(client).create(
            RELATIONSHIP_TYPE, {"key": "y_n", "source": "zen:user", "target": "on"}
        )
    out = tmp_path / "imported"
    result = zcd("import", "--project", tmp_path, "--url", served.url, "--out", out)
    assert result.code == 0, result.err
    assert sorted(p.name for p in (out / "object_types").iterdir()) == [
        "010.yaml",
        "2019-car.yaml",
        "null.yaml",
        "on.yaml",
        "yes.yaml",
    ]
    assert zcd("validate", "--project", out, "--strict").code == 0
    assert zcd("plan", "--project", out, "--url", served.url, "--detailed-exitcode").code == 0
    again = zcd("import", "--project", tmp_path, "--url", served.url, "--out", out)
    assert again.code == 64 and "already declares" in again.err
    for path in (out / "object_types").iterdir():
        path.rename(out / f"moved-{path.name}")  # declared elsewhere in the folder: still refused
    assert (
        "already declares"
        in zcd("import", "--project", tmp_path, "--url", served.url, "--out", out).err
    )
    other = tmp_path / "other"
    other.mkdir()
    (other / RELATIONSHIPS_FILE).write_text("# mine\n")
    clash = zcd("import", "--project", tmp_path, "--url", served.url, "--out", other)
    assert clash.code == 64 and "would overwrite relationship_types.yaml" in clash.err
    assert (other / RELATIONSHIPS_FILE).read_text() == "# mine\n" and not (
        other / "object_types"
    ).exists()


def test_quickstart_main_job_as_a_real_process(tmp_path):
    """The README's main job: validate, plan, apply, plan again, on a copy of the quickstart."""
    import shutil

    project = tmp_path / "quickstart"
    shutil.copytree(QUICKSTART, project, ignore=shutil.ignore_patterns(".zcd"))
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ZENDESK_", "ZCD_"))}

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [*zcd_executable(), *args, "--project", str(project)],
            capture_output=True,
            text=True,
            env={**env, "NO_COLOR": "1"},
            timeout=120,
        )

    assert run("validate").returncode == 0
    first = run("plan", "--detailed-exitcode")
    assert first.returncode == 2 and "Plan: 7 to create" in first.stdout
    applied = run("apply", "--yes")
    assert applied.returncode == 0 and "Apply complete: 7 changes applied." in applied.stdout
    second = run("plan", "--detailed-exitcode")
    assert second.returncode == 0 and "No changes" in second.stdout


def test_ctrl_c_during_apply_reports_what_was_done(tmp_path):
    """SIGINT to a real process: the requests in flight finish, no more start, the report is
    printed."""
    import signal
    import time

    project = tmp_path / "project"
    project.mkdir()
    types = {
        f"type{i:02d}": {"schema": {"properties": {"id": {"type": "string"}}}} for i in range(30)
    }
    (project / "types.yaml").write_text(doc(types))
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("ZENDESK_", "ZCD_"))},
        "ZCD_EMULATOR_FAULTS": "latency=0.1",
        "NO_COLOR": "1",
    }
    process = subprocess.Popen(
        [*zcd_executable(), "apply", "--project", str(project), "--yes", "--parallelism", "1"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    assert process.stdout is not None
    for line in process.stdout:
        if "created" in line:  # the apply is under way
            break
    time.sleep(0.3)
    process.send_signal(signal.SIGINT)
    out, err = process.communicate(timeout=60)
    assert process.returncode == 5, out + err
    assert "Apply interrupted:" in out and "Applied (" in out and "Not attempted (" in out
    assert "Traceback" not in err


def test_faults_during_apply_over_a_socket(zcd, workspace, emulator_factory):
    """Each fault kind once, against a served emulator: the apply converges, nothing doubled."""
    from zcd_schema.emulator.faults import Faults

    served = emulator_factory(served=True, faults=Faults(retry_after=0))
    served.faults.script("429", "500", "drop", method="POST")
    served.faults.script("503", method="GET")
    schema = {"properties": {"id": {"type": "string"}}}
    root = workspace(
        doc(
            {"product": {"schema": schema}, "supplier": {"schema": schema}},
            {"link": {"source": "product", "target": "supplier"}},
        )
    )
    applied = zcd("apply", "--project", root, "--url", served.url, "--yes", "--parallelism", "1")
    assert applied.code == 0, applied.out + applied.err
    assert {"429": 1, "500": 1, "drop": 1, "503": 1} == dict(served.faults.counts)
    assert zcd("plan", "--project", root, "--url", served.url, "--detailed-exitcode").code == 0
    with served.client() as client:
        assert (
            len(client.list(OBJECT_TYPE.collection)) == 2
            and len(client.list(RELATIONSHIP_TYPE.collection)) == 1
        )


def test_import_shows_errors_in_zcd_yaml_instead_of_an_unknown_account(zcd, tmp_path):
    """A broken zcd.yaml is what it is (exit 1, with its position), not 'unknown account' (64)."""
    root = tmp_path / "project"
    root.mkdir()
    (root / "zcd.yaml").write_text("accounts:\n  production:\n    subdomain: acme\n  bad: [\n")
    result = zcd("import", "--project", root, "--account", "production", "--out", tmp_path / "out")
    assert result.code == 1, result.err
    assert "zcd.yaml:5:1: error[ZCD001]" in result.err
    assert "unknown account" not in result.err
    assert not (tmp_path / "out").exists()


def test_import_of_an_empty_account_writes_nothing(zcd, tmp_path):
    """It used to fail (exit 70) copying zcd.yaml into an --out folder it had not made."""
    root = tmp_path / "project"
    root.mkdir()
    (root / "zcd.yaml").write_text("prune: false\n")
    (root / "notes.yaml").write_text("custom_objects: {}\n")
    result = zcd("import", "--project", root, "--out", tmp_path / "out")
    assert result.code == 0, result.err
    assert "nothing to import" in result.err and "nothing was written" in result.err
    assert not (tmp_path / "out").exists()
