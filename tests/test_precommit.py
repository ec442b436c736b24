"""The pre-commit hook: its definition, and its entry run as pre-commit would run it."""

from __future__ import annotations

import shlex
import subprocess
import sys

import yaml
from conftest import CASES, QUICKSTART, ROOT, zcd_executable


def _hook() -> dict:
    [hook] = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text("utf-8"))
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
