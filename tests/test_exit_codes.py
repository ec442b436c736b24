"""Contract section 5, one row per exit code: a command that produces it, and what it says."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import QUICKSTART, doc
from test_terminal import run_in_terminal

from zcd_schema.errors import ExitCode
from zcd_schema.project.model import Settings
from zcd_schema.zendesk.accounts import open_client, resolve_target

SCHEMA = {"properties": {"id": {"type": "string"}}}


def project(tmp_path: Path, content: str) -> Path:
    root = tmp_path / "project"
    root.mkdir(exist_ok=True)
    (root / "types.yaml").write_text(content)
    return root


def ok(zcd, tmp_path):
    return zcd("validate", "--project", QUICKSTART), "valid:"


def invalid(zcd, tmp_path):
    root = project(tmp_path, doc({"_bad": {"schema": SCHEMA}}))
    return zcd("plan", "--project", root), "error[ZCD201]"


def changes_pending(zcd, tmp_path):
    root = project(tmp_path, doc({"product": {"schema": SCHEMA}}))
    return zcd("plan", "--project", root, "--detailed-exitcode"), "Plan: 1 to create"


def account_failed(zcd, tmp_path):
    root = project(tmp_path, doc({"product": {"schema": SCHEMA}}))
    return zcd("plan", "--project", root, env={"ZCD_EMULATOR_FAULTS": "500=1"}), "gave up after"


def guard(zcd, tmp_path):
    root = project(tmp_path, doc({"product": {"schema": SCHEMA}}))
    return zcd("apply", "--project", root), "refusing to apply without confirmation"


def partial(zcd, tmp_path):
    """Two object types to delete, one with records, which Zendesk refuses to delete."""
    root = project(tmp_path, doc({"empty": {"schema": SCHEMA}, "full": {"schema": SCHEMA}}))
    assert zcd("apply", "--project", root, "--yes").code == 0
    with open_client(resolve_target(root, Settings(), environ={}), environ={}) as client:
        record = {"data": {"type": "full", "attributes": {"id": "1"}}}
        client.request("POST", "/api/sunshine/objects/records", json=record)
    (root / "zcd.yaml").write_text("prune: true\n")
    project(tmp_path, "{}\n")
    result = zcd("apply", "--project", root, "--yes", "--allow-destroy", "--parallelism", "1")
    return result, "Apply stopped part-way"


def usage(zcd, tmp_path):
    return zcd("plan", "--no-such-option"), "No such option"


def internal(zcd, tmp_path, monkeypatch):
    def planted(root, **options):
        raise KeyError("planted")

    monkeypatch.setattr("zcd_schema.project.validate.read_documents", planted)
    return zcd("validate", "--project", QUICKSTART), "this is a bug in zcd-schema"


ROWS = [
    (ExitCode.OK, ok),
    (ExitCode.INVALID, invalid),
    (ExitCode.CHANGES, changes_pending),
    (ExitCode.ACCOUNT, account_failed),
    (ExitCode.GUARD, guard),
    (ExitCode.PARTIAL, partial),
    (ExitCode.USAGE, usage),
    (ExitCode.INTERNAL, internal),
]


@pytest.mark.parametrize(("code", "command"), ROWS, ids=[code.name for code, _ in ROWS])
def test_exit_code(zcd, tmp_path, monkeypatch, code, command):
    arguments = (zcd, tmp_path, monkeypatch) if command is internal else (zcd, tmp_path)
    result, says = command(*arguments)
    assert result.code == code, result.out + result.err
    assert says in result.out + result.err


def test_exit_code_interrupted(tmp_path):
    """130: Ctrl-C at apply's prompt, before anything was written (a real terminal is needed)."""
    root = project(tmp_path, doc({"product": {"schema": SCHEMA}}))
    code, shown = run_in_terminal(["apply", "--project", str(root)], b"\x03")
    assert code == ExitCode.INTERRUPTED and "aborted" in shown


def test_every_exit_code_has_a_row():
    assert {code for code, _ in ROWS} | {ExitCode.INTERRUPTED} == set(ExitCode)
