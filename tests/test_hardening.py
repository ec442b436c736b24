"""Issue 10: hostile and odd files, credentials that cannot go in a header, ECMA-262 patterns,
one line per diagnostic. Each test failed on the code before the fix."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import doc, zcd_executable

from zcd_schema.errors import AccountError
from zcd_schema.kinds import OBJECT_TYPE
from zcd_schema.kinds.base import ACTIONS
from zcd_schema.planning.apply import apply_plan
from zcd_schema.planning.build import build_plan
from zcd_schema.planning.document import AccountRef
from zcd_schema.project.model import Account, ObjectType, Project, Settings
from zcd_schema.project.validate import validate_project
from zcd_schema.project.yamlio import load_text
from zcd_schema.zendesk.accounts import open_client, resolve_target
from zcd_schema.zendesk.client import Client, Credentials
from zcd_schema.zendesk.read import read_live_state
from zcd_schema.zendesk.write import AccountApi

SCHEMA = {"properties": {"id": {"type": "string"}}}


def codes(root: Path) -> list[tuple[str, str, str]]:
    return [(d.file, d.code, d.message) for d in validate_project(root).diagnostics]


def test_links_to_devices_fifos_and_sockets_are_refused_unread(tmp_path):
    root = tmp_path / "project"
    root.mkdir()
    (root / "ok.yaml").write_text(doc({"product": {"schema": SCHEMA}}))
    os.symlink("/dev/zero", root / "zero.yaml")  # read, it would never end
    os.mkfifo(root / "fifo.yaml")  # read, it would block forever
    listener = socket.socket(socket.AF_UNIX)
    listener.bind(str(root / "socket.yaml"))
    try:
        # a separate process with a deadline: a hang or a runaway read fails the test, not the suite
        result = subprocess.run(
            [*zcd_executable(), "validate", "--project", str(root)],
            capture_output=True,
            text=True,
            timeout=30,
        )
    finally:
        listener.close()
    assert result.returncode == 1, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    assert any(
        "fifo.yaml:1:1: error[ZCD014]" in x and "not a regular file (a FIFO)" in x for x in lines
    )
    assert any("socket.yaml:1:1: error[ZCD014]" in x and "(a socket)" in x for x in lines)
    assert any("zero.yaml:1:1: error[ZCD014]" in x and "(a character device)" in x for x in lines)
    assert "1 object type" not in result.stderr  # the project is not called valid


def test_a_settings_file_that_is_a_fifo_is_refused_not_ignored(tmp_path):
    root = tmp_path / "project"
    root.mkdir()
    (root / "ok.yaml").write_text(doc({"product": {"schema": SCHEMA}}))
    os.mkfifo(root / "zcd.yaml")
    found = codes(root)
    assert ("zcd.yaml", "ZCD014", "cannot read the file: not a regular file (a FIFO)") in found


def test_a_folder_that_cannot_be_listed_is_an_error_and_prune_deletes_nothing(
    zcd, tmp_path, monkeypatch
):
    """Root reads any folder, so the refusal comes from a stand-in for the file system."""
    root = tmp_path / "project"
    (root / "hidden").mkdir(parents=True)
    (root / "hidden" / "types.yaml").write_text(doc({"product": {"schema": SCHEMA}}))
    (root / "zcd.yaml").write_text("prune: true\n")
    assert zcd("apply", "--project", root, "--yes").code == 0  # product now lives in the account

    real_scandir = os.scandir

    def scandir(path=".", *args, **kwargs):
        if str(path).endswith("hidden"):
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path, *args, **kwargs)

    monkeypatch.setattr(os, "scandir", scandir)
    assert ("hidden", "ZCD014", "cannot read the folder: Permission denied") in codes(root)
    planned = zcd("plan", "--project", root)
    assert planned.code == 1 and "delete" not in planned.out


def test_merge_keys_with_a_sequence_merge_in_yaml_order():
    document = load_text(
        "a: &a {x: 1, only_a: true}\n"
        "b: &b {x: 2, y: 3}\n"
        "c:\n  <<: [*a, *b]\n  z: 0\n"
        "d:\n  <<: [*b, *a]\n  x: own\n"
    )
    assert document.issues == []
    assert document.value["c"] == {"z": 0, "x": 1, "only_a": True, "y": 3}
    assert document.value["d"] == {"x": "own", "y": 3, "only_a": True}
    refused = load_text("a: &a [1]\nc:\n  <<: [*a]\n")
    assert [i.code for i in refused.issues] == ["ZCD104"]


@pytest.mark.parametrize("variable", ["ZENDESK_API_TOKEN", "ZENDESK_OAUTH_TOKEN", "ZENDESK_EMAIL"])
def test_a_credential_with_a_line_break_is_refused_unshown(variable):
    environ = {
        "ZENDESK_EMAIL": "me@example.com",
        "ZENDESK_API_TOKEN": "tokentokentoken",
        "ZENDESK_OAUTH_TOKEN": "",
        variable: "secretpart1\nsecretpart2",
    }
    settings = Settings(accounts={"production": Account("production", subdomain="acme")})
    with pytest.raises(AccountError) as refused:
        resolve_target(Path("."), settings, "production", environ=environ)
    message = str(refused.value)
    assert variable in message and "control character" in message
    assert "secretpart" not in message


def test_the_client_refuses_credentials_no_header_can_carry():
    with pytest.raises(AccountError) as refused:
        Client("https://acme.zendesk.com", Credentials(oauth_token="abc\r\nX-Injected: 1"))
    assert "abc" not in str(refused.value) and "Injected" not in str(refused.value)


def test_a_token_with_a_line_break_is_never_sent_nor_printed(run, tmp_path):
    root = tmp_path / "project"
    root.mkdir()
    (root / "types.yaml").write_text(doc({"product": {"schema": SCHEMA}}))
    (root / "zcd.yaml").write_text("accounts:\n  production:\n    url: http://127.0.0.1:9\n")
    result = run(
        "plan",
        "--project",
        str(root),
        "--account",
        "production",
        env={
            "ZENDESK_OAUTH_TOKEN": "hunter2hunter2\nmore",
            "ZENDESK_EMAIL": "",
            "ZENDESK_API_TOKEN": "",
        },
    )
    assert result.returncode == 3
    assert "hunter2" not in result.stdout + result.stderr
    assert "retrying" not in result.stderr  # refused when read, never tried


@pytest.mark.parametrize(
    ("pattern", "valid"),
    [
        (r"^\p{L}+$", True),  # Unicode property escapes: ECMA-262 with the u flag
        (r"^(?<year>\d{4})-(?<month>\d{2})$", True),  # ECMA-262 named groups
        ("(?i)^abc$", False),  # Python's inline flags are not ECMA-262
        ("(?P<year>\\d{4})", False),  # Python's named groups are not ECMA-262
        ("[z-a]", False),
    ],
)
def test_patterns_follow_ecma_262(project, pattern, valid):
    schema = {"properties": {"code": {"type": "string", "pattern": pattern}}}
    root = project({"types.yaml": doc({"thing": {"schema": schema}})})
    found = [code for _, code, _ in codes(root) if code == "ZCD311"]
    assert found == ([] if valid else ["ZCD311"])


def test_relationship_types_accept_zen_deal_and_warn_on_unknown_zen_names(project):
    root = project(
        {
            "types.yaml": doc(
                {"product": {"schema": SCHEMA}},
                {
                    "deals": {"source": "zen:deal", "target": ["product"]},
                    "groups": {"source": "zen:group", "target": ["product"]},
                },
            )
        }
    )
    result = validate_project(root)
    assert result.valid
    assert [(d.code, d.severity, d.pointer) for d in result.diagnostics] == [
        ("ZCD404", "warning", "/relationship_types/groups/source")
    ]


def test_one_diagnostic_is_one_line_whatever_its_key_holds(run, project):
    schema = {"properties": {"bad\nname\x1b[2J": {"type": "string"}, "_x": {"type": "string"}}}
    root = project({"types.yaml": doc({"thing": {"schema": schema}})})
    result = run("validate", "--project", str(root))
    lines = result.stdout.splitlines()
    assert len(lines) == 2 and all("types.yaml:" in line for line in lines)
    assert "bad\\nname\\x1b[2J" in result.stdout and "\x1b" not in result.stdout


if sys.platform != "linux":  # pragma: no cover - FIFOs, sockets and /dev/zero are what Linux has
    pytestmark = pytest.mark.skip("POSIX file types")


# -- diffs are exact and symmetric --------------------------------------------------------------


def local_project(tmp_path: Path, content: str) -> Path:
    root = tmp_path / "project"
    root.mkdir(exist_ok=True)
    (root / "types.yaml").write_text(content)
    return root


def planned(zcd, root: Path, *args: str) -> list[dict]:
    result = zcd("plan", "--project", root, "--format", "json", *args)
    assert result.code == 0, result.err
    return result.plan["changes"]


def test_declaring_what_zendesk_adds_is_no_change(zcd, tmp_path):
    schema = {**SCHEMA, "additionalProperties": False}
    root = local_project(tmp_path, doc({"product": {"schema": schema}}))
    assert zcd("apply", "--project", root, "--yes").code == 0
    assert planned(zcd, root) == []


def test_one_and_true_are_different_values(zcd, tmp_path):
    def schema(values: list) -> dict:
        return {
            "properties": {
                "flag": {"type": ["integer", "boolean"], "enum": values},
                "flags": {"type": "array", "items": {"enum": values}},
            }
        }

    root = local_project(tmp_path, doc({"product": {"schema": schema([1, 0])}}))
    assert zcd("apply", "--project", root, "--yes").code == 0
    local_project(tmp_path, doc({"product": {"schema": schema([True, False])}}))
    (change,) = planned(zcd, root)
    assert change["action"] == "update" and change["risk"] == "breaking"
    assert "removes enum value 1 from 'flag'" in change["reasons"]
    assert "adds enum value true to 'flag'" in change["reasons"]


def test_dropping_items_relaxes_an_array(zcd, tmp_path):
    tags = {"type": "array", "items": {"type": "string"}}
    root = local_project(tmp_path, doc({"product": {"schema": {"properties": {"tags": tags}}}}))
    assert zcd("apply", "--project", root, "--yes").code == 0
    local_project(
        tmp_path, doc({"product": {"schema": {"properties": {"tags": {"type": "array"}}}}})
    )
    (change,) = planned(zcd, root)
    assert (change["risk"], change["reasons"]) == (
        "safe",
        ["no longer constrains the items of 'tags'"],
    )


def test_a_target_without_what_it_needs_is_refused(zcd, tmp_path):
    root = local_project(
        tmp_path,
        doc(
            {"product": {"schema": SCHEMA}}, {"owner": {"source": "product", "target": "zen:user"}}
        ),
    )
    refused = zcd("plan", "--project", root, "--target", "owner")
    assert refused.code == 64
    assert (
        "relationship type owner points at object type product, which this plan creates; "
        "add --target product" in refused.err
    )
    both = planned(zcd, root, "--target", "owner", "--target", "product")
    assert [(c["key"], c["action"]) for c in both] == [("product", "create"), ("owner", "create")]
    assert zcd("apply", "--project", root, "--yes").code == 0
    # and the other way: deleting an object type that a relationship type still points at
    (root / "zcd.yaml").write_text("prune: true\n")
    local_project(tmp_path, doc({"other": {"schema": SCHEMA}}))
    refused = zcd("plan", "--project", root, "--target", "product")
    assert refused.code == 64 and "add --target owner" in refused.err


# -- a saved plan is untrusted input ------------------------------------------------------------


def saved_plan(zcd, root: Path) -> tuple[Path, dict]:
    path = root / "plan.json"
    result = zcd("plan", "--project", root, "-o", path)
    assert result.code == 0, result.err
    return path, json.loads(path.read_text())


def tamper(path: Path, document: dict) -> Path:
    """Write an edited plan back, with a summary that agrees (as an attacker would)."""
    counts = {a: sum(1 for c in document["changes"] if c["action"] == a) for a in ACTIONS}
    document["summary"] = {**counts, "unmanaged": len(document["unmanaged"])}
    path.write_text(json.dumps(document))
    return path


def live_keys(root: Path) -> set[str]:
    with open_client(resolve_target(root, Settings(), environ={}), environ={}) as client:
        return set(read_live_state(client).of(OBJECT_TYPE))


def test_an_update_edited_into_a_delete_is_refused(zcd, tmp_path):
    root = local_project(tmp_path, doc({"product": {"schema": SCHEMA}}))
    assert zcd("apply", "--project", root, "--yes").code == 0
    wider = {"properties": {**SCHEMA["properties"], "sku": {"type": "string"}}}
    local_project(tmp_path, doc({"product": {"schema": wider}}))
    path, document = saved_plan(zcd, root)
    (change,) = document["changes"]
    change.update(action="delete", after=None)  # still labelled "safe", with its old reasons
    refused = zcd("apply", tamper(path, document), "--project", root)
    assert refused.code == 4, refused.err
    assert "object type product: it says safe, its contents are destructive" in refused.err
    assert live_keys(root) == {"product"}


def test_a_property_removal_relabelled_safe_is_refused(zcd, tmp_path):
    wider = {"properties": {**SCHEMA["properties"], "sku": {"type": "string"}}}
    root = local_project(tmp_path, doc({"product": {"schema": wider}}))
    assert zcd("apply", "--project", root, "--yes").code == 0
    local_project(tmp_path, doc({"product": {"schema": SCHEMA}}))
    path, document = saved_plan(zcd, root)
    (change,) = document["changes"]
    assert change["risk"] == "destructive"
    change.update(risk="safe", reasons=["adds optional property 'x'"])
    refused = zcd("apply", tamper(path, document), "--project", root)
    assert refused.code == 4
    assert "object type product: it says safe, its contents are destructive" in refused.err


def test_a_before_that_is_not_the_live_object_is_refused(zcd, tmp_path):
    root = local_project(tmp_path, doc({"product": {"schema": SCHEMA}}))
    assert zcd("apply", "--project", root, "--yes").code == 0
    local_project(
        tmp_path, doc({"product": {"schema": {"properties": {"id": {"type": "number"}}}}})
    )
    path, document = saved_plan(zcd, root)
    document["changes"][0]["before"]["schema"]["properties"]["id"]["type"] = "number"
    refused = zcd("apply", tamper(path, document), "--project", root)
    assert refused.code == 4
    assert "its before is not the live object its fingerprint names" in refused.err


def test_credentials_go_only_where_zcd_yaml_or_url_says(zcd, tmp_path, emulator_factory):
    real, elsewhere = emulator_factory(served=True), emulator_factory(served=True)
    root = local_project(tmp_path, doc({"product": {"schema": SCHEMA}}))
    (root / "zcd.yaml").write_text(f"accounts:\n  production:\n    url: {real.url}\n")
    creds = {"ZENDESK_OAUTH_TOKEN": "oauth-secret-token"}
    path = root / "plan.json"
    assert (
        zcd("plan", "--project", root, "--account", "production", "-o", path, env=creds).code == 0
    )
    document = json.loads(path.read_text())
    document["account"]["url"] = elsewhere.url
    refused = zcd("apply", tamper(path, document), "--project", root, env=creds)
    assert refused.code == 4 and "the plan was made for production" in refused.err
    assert elsewhere.app.requests == 0  # not one request, so no credentials, went there
    # the file's own URL, given explicitly: accepted
    document["account"]["url"] = real.url
    tamper(path, document)
    applied = zcd("apply", path, "--project", root, "--url", real.url, env=creds)
    assert applied.code == 0, applied.err


def test_plan_says_when_apply_will_refuse(zcd, tmp_path):
    root = local_project(
        tmp_path,
        doc(
            {"product": {"schema": SCHEMA}},
            {"link": {"source": "product", "target": "zen:user", "prevent_destroy": True}},
        ),
    )
    assert zcd("apply", "--project", root, "--yes").code == 0
    local_project(
        tmp_path,
        doc(
            {"product": {"schema": SCHEMA}},
            {"link": {"source": "product", "target": "zen:ticket", "prevent_destroy": True}},
        ),
    )
    text = zcd("plan", "--project", root)
    assert text.code == 4
    assert "apply will refuse: it is prevent_destroy" in text.out
    assert "relationship type link is prevent_destroy: apply refuses to replace it" in text.out
    markdown = zcd("plan", "--project", root, "--format", "markdown").out
    assert "**Apply will refuse this plan:**" in markdown
    github = zcd("plan", "--project", root, "--format", "github").out
    assert "::error title=zcd-schema%3A apply will refuse::apply will refuse this plan" in github
    document = zcd("plan", "--project", root, "--format", "json").plan
    assert document["refusals"] == [
        "relationship type link is prevent_destroy: apply refuses to replace it"
    ]


# -- two applies at once ------------------------------------------------------------------------


def test_two_applies_of_the_local_account_at_once_lose_nothing(zcd, tmp_path):
    root = local_project(tmp_path, doc({"product": {"schema": SCHEMA}}))
    assert zcd("apply", "--project", root, "--yes").code == 0
    plans = {}
    for name in ("sku", "ean"):
        wider = {"properties": {**SCHEMA["properties"], name: {"type": "string"}}}
        local_project(tmp_path, doc({"product": {"schema": wider}}))
        plans[name], _ = saved_plan(zcd, root)
        plans[name] = plans[name].rename(root / f"{name}.json")
    env = {**os.environ, "NO_COLOR": "1"}
    env.pop("ZCD_EMULATOR_FAULTS", None)
    running = {
        name: subprocess.Popen(
            [*zcd_executable(), "apply", str(path), "--project", str(root)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        for name, path in plans.items()
    }
    results = {
        name: (process.wait(timeout=60), process.communicate()) for name, process in running.items()
    }
    codes = sorted(code for code, _ in results.values())
    assert codes == [0, 4], results
    (winner,) = [name for name, (code, _) in results.items() if code == 0]
    (loser,) = [name for name, (code, _) in results.items() if code == 4]
    assert (
        "the plan is stale" in results[loser][1][1]
        and "object type product changed" in results[loser][1][1]
    )
    with open_client(resolve_target(root, Settings(), environ={}), environ={}) as client:
        properties = read_live_state(client).of(OBJECT_TYPE)["product"]["schema"]["properties"]
    assert winner in properties and loser not in properties


def test_an_object_that_moves_right_before_its_write_is_not_written(tmp_path):
    """The window between apply's fresh read and a write, made to happen (a real account has no
    lock): the change is refused and the report says so (exit 4, as for a stale plan)."""
    root = tmp_path / "project"
    root.mkdir()
    target = resolve_target(root, Settings(), environ={})
    with open_client(target, environ={}) as client:
        api = AccountApi(client)
        api.create(OBJECT_TYPE, {"key": "product", "schema": SCHEMA})
        state = read_live_state(client)
        wider = {"properties": {**SCHEMA["properties"], "sku": {"type": "string"}}}
        project = Project(
            root,
            Settings(),
            (),
            {"product": ObjectType("product", wider)},
        )
        plan = build_plan(project, state, AccountRef("local", None, "x"), prune=False)

        class SomeoneElseWritesFirst(AccountApi):
            def read(self, kind, key):
                if key == "product":
                    other = {"properties": {**SCHEMA["properties"], "ean": {"type": "string"}}}
                    AccountApi(client).update(OBJECT_TYPE, {"key": "product", "schema": other})
                return super().read(kind, key)

        report = apply_plan(plan, SomeoneElseWritesFirst(client), parallelism=1)
        schema = read_live_state(client).of(OBJECT_TYPE)["product"]["schema"]
    assert report.exit_code == 4 and not report.wrote_anything
    (outcome,) = report.outcomes
    assert (outcome.state, outcome.moved) == ("failed", True)
    assert "ean" in schema["properties"] and "sku" not in schema["properties"]


# -- errors, not bugs ---------------------------------------------------------------------------


def test_a_corrupt_local_state_file_is_an_account_error(zcd, tmp_path):
    root = local_project(tmp_path, doc({"product": {"schema": SCHEMA}}))
    (root / ".zcd").mkdir()
    (root / ".zcd" / "local.sqlite").write_bytes(b"this is not SQLite" * 100)
    result = zcd("plan", "--project", root)
    assert result.code == 3
    assert "local account's state file" in result.err and "Delete it to start" in result.err


def test_a_state_folder_that_cannot_be_made_is_an_account_error(zcd, tmp_path):
    root = local_project(tmp_path, doc({"product": {"schema": SCHEMA}}))
    (root / ".zcd").write_text("a file where the folder should be")
    result = zcd("plan", "--project", root)
    assert result.code == 3 and "cannot be created or opened" in result.err


def test_o_naming_a_folder_is_a_usage_error(zcd, tmp_path):
    root = local_project(tmp_path, doc({"product": {"schema": SCHEMA}}))
    result = zcd("plan", "--project", root, "-o", root)
    assert result.code == 64 and "that is a folder" in result.err


def test_a_base_url_with_a_path_is_refused(zcd, tmp_path):
    root = local_project(tmp_path, doc({"product": {"schema": SCHEMA}}))
    result = zcd("plan", "--project", root, "--url", "https://acme.zendesk.com/api/v2")
    assert result.code == 64 and "use 'https://acme.zendesk.com'" in result.err
    (root / "zcd.yaml").write_text(
        "accounts:\n  production:\n    url: https://acme.zendesk.com/?x=1\n"
    )
    invalid = zcd("validate", "--project", root)
    assert invalid.code == 1 and "error[ZCD604]" in invalid.out


def test_plan_json_is_json_whatever_happens(zcd, tmp_path):
    root = local_project(tmp_path, doc({"_bad": {"schema": SCHEMA}}))
    invalid = zcd("plan", "--project", root, "--format", "json")
    assert invalid.code == 1
    error = json.loads(invalid.out)["error"]
    assert error["exit_code"] == 1 and error["diagnostics"][0]["code"] == "ZCD201"
    local_project(tmp_path, doc({"good": {"schema": SCHEMA}}))
    failed = zcd(
        "plan", "--project", root, "--format", "json", env={"ZCD_EMULATOR_FAULTS": "500=1"}
    )
    assert failed.code == 3 and json.loads(failed.out)["error"]["exit_code"] == 3


# -- the client trusts only Zendesk-shaped answers ----------------------------------------------


def mock_client(answer) -> Client:
    import httpx

    return Client(
        "https://acme.zendesk.com",
        transport=httpx.MockTransport(answer),
        sleep=lambda seconds: None,
    )


def test_a_2xx_that_is_not_the_created_item_is_a_failure(zcd, tmp_path):
    import httpx

    client = mock_client(
        lambda r: httpx.Response(
            200, text="<html><title>Sign in</title></html>", headers={"Content-Type": "text/html"}
        )
    )
    with pytest.raises(AccountError) as failed:
        AccountApi(client).create(OBJECT_TYPE, {"key": "product", "schema": SCHEMA})
    assert "answered with success but not with the object type product" in str(failed.value)
    other_key = mock_client(
        lambda r: httpx.Response(201, json={"data": {"key": "else", "schema": {}}})
    )
    with pytest.raises(AccountError):
        AccountApi(other_key).update(OBJECT_TYPE, {"key": "product", "schema": SCHEMA})


@pytest.mark.parametrize(
    "body",
    [
        {"data": {"key": "resource_types"}},
        {"data": [{"key": "resource_types", "limit": "fifty", "count": None}, "odd", 7]},
        {"data": [{"key": 5, "limit": 50, "count": 1}, {"key": "resource_types", "limit": -1}]},
        {"data": None},
        ["not", "an", "envelope"],
    ],
)
def test_a_limits_body_of_an_odd_shape_never_crashes(body):
    import httpx

    from zcd_schema.zendesk.read import read_limits

    assert read_limits(mock_client(lambda r: httpx.Response(200, json=body))) in ({}, None)


def test_a_cursor_of_empty_pages_stops_early():
    import httpx

    pages = []

    def answer(request: httpx.Request) -> httpx.Response:
        pages.append(request.url)
        following = f"https://acme.zendesk.com/api/sunshine/objects/types?page={len(pages)}"
        return httpx.Response(200, json={"data": [], "links": {"next": following}})

    with pytest.raises(AccountError) as failed:
        mock_client(answer).list("/api/sunshine/objects/types")
    assert len(pages) == 3 and "pages in a row were empty" in str(failed.value)


# -- the emulator, as Zendesk documents it ------------------------------------------------------


def raw_request(url: str, data: bytes) -> bytes:
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    with socket.create_connection((parts.hostname, parts.port), timeout=10) as connection:
        connection.sendall(data)
        received = b""
        while chunk := connection.recv(65536):
            received += chunk
    return received


def test_the_emulator_answers_odd_requests_as_a_server_should(emulator_factory):
    served = emulator_factory(served=True)
    bad_length = raw_request(
        served.url,
        b"POST /api/sunshine/objects/types HTTP/1.1\r\nHost: x\r\nContent-Length: ten\r\n\r\n",
    )
    assert bad_length.startswith(b"HTTP/1.1 400")
    body = json.dumps({"data": {"key": "product", "schema": SCHEMA}}).encode()
    chunked = (
        b"POST /api/sunshine/objects/types HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
        b"Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
        + f"{len(body[:10]):x}\r\n".encode()
        + body[:10]
        + b"\r\n"
        + f"{len(body[10:]):x}\r\n".encode()
        + body[10:]
        + b"\r\n0\r\n\r\n"
    )
    assert raw_request(served.url, chunked).startswith(b"HTTP/1.1 201")
    with served.http() as http:
        head = http.head("/api/sunshine/objects/types/product")
        got = http.get("/api/sunshine/objects/types/product")
        assert head.status_code == 200 and head.content == b""
        assert head.headers["Content-Length"] == got.headers["Content-Length"] != "0"
        wrong_type = http.post(
            "/api/sunshine/objects/types", content=body, headers={"Content-Type": "text/plain"}
        )
        assert wrong_type.status_code == 415
        for answer in (head, got, wrong_type, http.get("/nowhere")):
            assert "x-rate-limit" in answer.headers and "x-rate-limit-remaining" in answer.headers


def test_the_documented_pattern_properties_example_gets_the_documented_message(emulated):
    example = {
        "patternProperties": {
            "^[a-zA-Z0-9]*$": {"properties": {"name": {"type": "string", "maxLength": 10}}}
        }
    }
    with emulated.http() as http:
        refused = http.post(
            "/api/sunshine/objects/types", json={"data": {"key": "product", "schema": example}}
        )
    assert refused.status_code == 400
    message = (
        "data.schema object instance has properties which are not allowed by the schema: "
        '["patternProperties"]'
    )
    assert [e["detail"] for e in refused.json()["errors"]] == [message]


def test_did_you_mean_compares_few_names_among_many():
    from zcd_schema.project.rules import NameHints

    hints = NameHints(f"type_{i:04d}" for i in range(2000))
    assert len(hints._candidates("typo_0042")) <= 3
    assert hints("typo_0042") == "; did you mean 'type_0042'?"
