"""`zcd-schema emulator serve` as users run it: a real process, a real socket, its credentials."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys

import pytest
from conftest import ROOT, zcd_executable

from zcd_schema.kinds import OBJECT_TYPE
from zcd_schema.zendesk.client import ApiError, Client, Credentials, RetryPolicy
from zcd_schema.zendesk.write import AccountApi

QUICK = RetryPolicy(attempts=6, backoff_base=0.001, backoff_cap=0.01)


def start(
    *args: str, env: dict[str, str] | None = None
) -> tuple[subprocess.Popen[str], str, list[str]]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("ZENDESK_")}
    process = subprocess.Popen(
        [*zcd_executable(), "emulator", "serve", "--port", "0", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**clean, **(env or {})},
    )
    assert process.stdout is not None
    banner = [process.stdout.readline() for _ in range(5)]
    match = re.search(r"listening on (http://\S+)", banner[0])
    assert match, banner
    return process, match.group(1), banner


def stop(process: subprocess.Popen[str]) -> tuple[int, str, str]:
    process.send_signal(signal.SIGTERM)
    out, err = process.communicate(timeout=30)
    return process.returncode, out, err


def test_serve_without_credentials_accepts_everyone_and_says_so(tmp_path):
    process, url, banner = start("--db", str(tmp_path / "state.sqlite"))
    try:
        assert "accepting every request" in "".join(banner)
        with Client(url, retry=QUICK) as client:
            AccountApi(client).create(
                OBJECT_TYPE,
                {"key": "product", "schema": {"properties": {"id": {"type": "string"}}}},
            )
    finally:
        code, out, _ = stop(process)
    assert code == 0 and re.search(r"stopped after \d+ requests; faults injected: none", out)
    again, url, _ = start("--db", str(tmp_path / "state.sqlite"))  # the state outlives the process
    try:
        with Client(url, retry=QUICK) as client:
            assert [t["key"] for t in client.list(OBJECT_TYPE.collection)] == ["product"]
    finally:
        stop(again)


def test_serve_demands_the_credentials_of_its_environment():
    env = {"ZENDESK_EMAIL": "ci@acme.com", "ZENDESK_API_TOKEN": "serve-secret-token"}
    process, url, banner = start(env=env)
    try:
        assert "demanding the credentials" in "".join(banner)
        assert "serve-secret-token" not in "".join(banner)
        with Client(url, retry=QUICK) as anonymous, pytest.raises(ApiError) as refused:
            anonymous.list(OBJECT_TYPE.collection)
        assert refused.value.status == 401
        with Client(url, Credentials("ci@acme.com", "serve-secret-token"), retry=QUICK) as client:
            assert client.list(OBJECT_TYPE.collection) == []
    finally:
        stop(process)


def test_serve_with_faults_reports_them():
    process, url, banner = start("--fault-500", "0.3", "--seed", "4", "--retry-after", "0")
    try:
        assert "faults: 500 30%" in "".join(banner)
        with Client(
            url, retry=RetryPolicy(attempts=20, backoff_base=0.001, backoff_cap=0.01)
        ) as client:
            for _ in range(10):
                client.list(OBJECT_TYPE.collection)
    finally:
        _, out, _ = stop(process)
    assert re.search(r"faults injected: 500: [1-9]", out)


@pytest.mark.parametrize(
    ("args", "text"),
    [
        (["--host", "0.0.0.0"], "loopback only"),
        (["--fault-500", "1.5"], "1.5"),
        (["--fault-429", "0.6", "--fault-500", "0.6"], "more than 1"),
    ],
)
def test_serve_refuses_bad_options(run, args, text):
    result = run("emulator", "serve", "--port", "0", *args)
    assert result.returncode == 64 and text in result.stderr and "Traceback" not in result.stderr


def test_serve_on_a_busy_port(run):
    process, url, _ = start()
    try:
        port = url.rsplit(":", 1)[1]
        result = run("emulator", "serve", "--port", port)
        assert result.returncode == 64 and "cannot listen" in result.stderr
    finally:
        stop(process)


def test_fault_drill_converges_with_30_percent_of_requests_faulted():
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "fault_drill.py"), "--types", "24", "--seed", "2"],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=ROOT,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "converged" in result.stdout
    share = re.search(r"faults:\s+(\d+) of (\d+) requests", result.stdout)
    assert share and int(share.group(1)) / int(share.group(2)) >= 0.25


def test_fault_drill_comparison_sees_a_difference(emulator_factory):
    """The drill's final check is not vacuous: a state that differs from the intended one is
    caught."""
    sys.path.insert(0, str(ROOT / "scripts"))
    try:
        import fault_drill
    finally:
        sys.path.pop(0)
    emulated = emulator_factory()
    with emulated.client() as client:
        intended = fault_drill.drill(client, 6, 2)
        assert fault_drill.compare(client, intended) == []
        some = max(intended["object_type"])
        AccountApi(client).update(
            OBJECT_TYPE, {"key": some, "schema": {"properties": {"x": {"type": "string"}}}}
        )
        problems = fault_drill.compare(client, intended)
    assert problems == [f"object type {some} has other content than intended"]
