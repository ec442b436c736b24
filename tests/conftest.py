from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
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

    def _run(
        *args: str,
        cwd: Path | None = None,
        env: dict[str, str] | None = None,
        input: str | None = None,
    ) -> subprocess.CompletedProcess[str]:
        full_env = {**os.environ, "NO_COLOR": "1", **(env or {})}
        return subprocess.run(
            [*zcd_executable(), *args],
            capture_output=True,
            text=True,
            cwd=cwd,
            env=full_env,
            input=input,
            timeout=120,
        )

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


class Emulated:
    """An emulator reachable two ways: in-process (WSGI transport) or over a real loopback
    socket."""

    def __init__(self, app, url: str, transport) -> None:
        self.app = app
        self.url = url
        self.transport = transport  # None when served: clients connect to ``url``

    @property
    def faults(self):
        return self.app.faults

    def http(self, **kwargs):
        """A plain httpx client (not ours): for tests written from Zendesk's docs."""
        import httpx

        if self.transport is not None:
            return httpx.Client(base_url=self.url, transport=self.transport, **kwargs)
        return httpx.Client(base_url=self.url, **kwargs)

    def client(self, **kwargs):
        from zcd_schema.zendesk.client import Client, RetryPolicy

        kwargs.setdefault("retry", RetryPolicy(attempts=8, backoff_base=0.001, backoff_cap=0.01))
        return Client(self.url, transport=self.transport, **kwargs)


@pytest.fixture
def emulator_factory():
    """``emulator_factory(served=False, **Emulator options)``; servers are shut down afterwards."""
    from zcd_schema.emulator.app import Emulator
    from zcd_schema.emulator.serve import EmulatorServer
    from zcd_schema.emulator.store import Store
    from zcd_schema.zendesk.client import in_process_transport

    servers = []

    def _make(served: bool = False, db: str = ":memory:", **options) -> Emulated:
        app = Emulator(Store(db), **options)
        if not served:
            return Emulated(app, "http://localhost", in_process_transport(app))
        server = EmulatorServer(app, "127.0.0.1", 0)
        server.start_background()
        servers.append(server)
        return Emulated(app, server.url, None)

    yield _make
    for server in servers:
        server.shutdown()
        server.server_close()


@pytest.fixture(params=["in-process", "served"])
def emulated(request, emulator_factory) -> Emulated:
    """The emulator with default settings, once in-process and once over a socket."""
    return emulator_factory(served=request.param == "served")


@dataclass
class Result:
    code: int
    out: str
    err: str

    @property
    def plan(self) -> dict:
        return json.loads(self.out)


@pytest.fixture
def zcd(capsys, monkeypatch):
    """The real CLI, in this process: ``zcd("plan", "--project", dir)`` -> Result."""

    def _run(*args: str, env: dict[str, str] | None = None) -> Result:
        with monkeypatch.context() as patch:
            patch.delenv("ZCD_EMULATOR_FAULTS", raising=False)
            for name, value in (env or {}).items():
                patch.setenv(name, value)
            try:
                from zcd_schema.cli import main

                main([str(a) for a in args])
                code = 0
            except SystemExit as exc:
                code = int(exc.code or 0)
        out, err = capsys.readouterr()
        assert "Traceback" not in err, err
        return Result(code, out, err)

    return _run


def doc(object_types: dict | None = None, relationship_types: dict | None = None) -> str:
    document: dict = {}
    if object_types:
        document["object_types"] = object_types
    if relationship_types:
        document["relationship_types"] = relationship_types
    return json.dumps(document, indent=1)
