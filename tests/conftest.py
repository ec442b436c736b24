from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CASES = ROOT / "tests" / "cases"
QUICKSTART = ROOT / "examples" / "quickstart"


def zcd_executable() -> list[str]:
    """The installed console script, or ``python -m zcd_schema`` when it is not on PATH."""
    script = Path(sys.executable).parent / "zcd-schema"
    return [str(script)] if script.exists() else [sys.executable, "-m", "zcd_schema"]


@pytest.fixture
def run():
    """Run the real CLI in a subprocess: (exit code, stdout, stderr)."""

    def _run(*args: str, cwd: Path | None = None, env: dict[str, str] | None = None,
             input: str | None = None) -> subprocess.CompletedProcess[str]:
        full_env = {**os.environ, "NO_COLOR": "1", **(env or {})}
        return subprocess.run([*zcd_executable(), *args], capture_output=True, text=True, cwd=cwd,
                              env=full_env, input=input, timeout=120)

    return _run


@pytest.fixture
def project(tmp_path: Path):
    """A scratch project: ``project({"a.yaml": "..."})`` writes the files and returns the folder."""

    def _make(files: dict[str, str | bytes]) -> Path:
        root = tmp_path / "project"
        if root.exists():
            shutil.rmtree(root)
        root.mkdir()
        for name, content in files.items():
            path = root / name
            path.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(content, bytes):
                path.write_bytes(content)
            else:
                path.write_text(content, encoding="utf-8")
        return root

    return _make
