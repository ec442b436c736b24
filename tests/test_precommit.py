"""The pre-commit hook: its definition, and its entry run as pre-commit would run it."""

from __future__ import annotations

import shlex
import subprocess
import sys

import yaml
from conftest import CASES, QUICKSTART, ROOT, zcd_executable


def _hook(id: str = "zcd-schema-validate") -> dict:
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text("utf-8"))
    [hook] = [h for h in hooks if h["id"] == id]
    return hook


def _run_entry(entry: str, args: list[str], cwd) -> subprocess.CompletedProcess[str]:
    command = shlex.split(entry)
    if command[0] == "zcd-schema":
        command = zcd_executable() + command[1:]
    elif command[0] == "python":
        command = [sys.executable, *command[1:]]
    return subprocess.run(command + args, capture_output=True, text=True, cwd=cwd, timeout=60)


def test_hook_definition() -> None:
    hook = _hook()
    assert hook["id"] == "zcd-schema-validate"
    assert hook["pass_filenames"] is False  # whole project: cross-file references need every file
    assert hook["language"] == "python"
    assert hook["entry"] == "zcd-schema validate"


def test_hook_entry_passes_on_the_example_and_fails_on_a_broken_project() -> None:
    entry = _hook()["entry"]
    ok = _run_entry(entry, ["--project", str(QUICKSTART)], cwd=ROOT)
    assert ok.returncode == 0, ok.stdout + ok.stderr
    broken = _run_entry(entry, [], cwd=CASES / "references")
    assert broken.returncode == 1
    assert broken.stdout.startswith("refs.yaml:10:18: error[ZCD401]")


def test_repository_uses_its_own_hook() -> None:
    config = yaml.safe_load((ROOT / ".pre-commit-config.yaml").read_text("utf-8"))
    hooks = [h for repo in config["repos"] for h in repo["hooks"]]
    [hook] = [h for h in hooks if h["id"] == _hook()["id"]]
    result = _run_entry(hook["entry"], [], cwd=ROOT)
    assert result.returncode == 0, result.stdout + result.stderr


def test_payload_hook_checks_the_fixtures_it_is_given(tmp_path) -> None:
    """pre-commit passes the changed fixtures matching ``files:``: the entry gets their names."""
    import re

    hook = _hook("zcd-schema-check-payloads")
    assert hook["pass_filenames"] is True
    fixtures = sorted((QUICKSTART / "payloads").iterdir())
    names = [f.relative_to(ROOT).as_posix() for f in fixtures]
    assert names and all(re.search(hook["files"], name) for name in names)
    assert not re.search(hook["files"], "package.json")  # not every JSON file of a repository
    args = ["--project", str(QUICKSTART)]
    ok = _run_entry(hook["entry"], [*args, *names], cwd=ROOT)
    assert ok.returncode == 0, ok.stdout + ok.stderr
    bad = tmp_path / "payloads" / "bad.ndjson"
    bad.parent.mkdir()
    bad.write_text('{"event": {"source": "shopify", "type": "order_paid"}}\n')
    failed = _run_entry(hook["entry"], [*args, str(bad)], cwd=ROOT)
    assert failed.returncode == 1
    assert failed.stdout.startswith(f"{bad}:1:1: error[ZCD904]: /event/type:")


def test_repository_checks_its_own_payload_fixtures() -> None:
    config = yaml.safe_load((ROOT / ".pre-commit-config.yaml").read_text("utf-8"))
    hooks = [h for repo in config["repos"] for h in repo["hooks"]]
    [hook] = [h for h in hooks if h["id"] == "zcd-schema-check-payloads"]
    names = [f.relative_to(ROOT).as_posix() for f in (QUICKSTART / "payloads").iterdir()]
    result = _run_entry(hook["entry"], names, cwd=ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
