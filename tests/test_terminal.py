"""apply's confirmation, driven through a real pseudo-terminal: only 'yes' applies; any other
answer, or Ctrl-C at the prompt, writes nothing."""

from __future__ import annotations

import os
import pty
import select
import time
from pathlib import Path

import pytest
from conftest import doc, zcd_executable

PROMPT = b"Only 'yes' is accepted"
SCHEMA = {"properties": {"id": {"type": "string"}}}


def run_in_terminal(args: list[str], answer: bytes, *, timeout: float = 60.0) -> tuple[int, str]:
    """Run the CLI on a pseudo-terminal and type ``answer`` at the prompt: (exit code, output)."""
    command = [*zcd_executable(), *args]
    env = {**os.environ, "NO_COLOR": "1", "TERM": "dumb"}
    env.pop("ZCD_EMULATOR_FAULTS", None)
    pid, fd = pty.fork()
    if pid == 0:  # the child: its stdin, stdout and stderr are the terminal
        os.execvpe(command[0], command, env)
    shown, answered, deadline = b"", False, time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            ready, _, _ = select.select([fd], [], [], 0.5)
            if not ready:
                continue
            try:
                chunk = os.read(fd, 4096)
            except OSError:  # EIO: the child closed the terminal
                break
            if not chunk:
                break
            shown += chunk
            if not answered and PROMPT in shown:
                os.write(fd, answer)
                answered = True
        else:
            os.kill(pid, 9)
            pytest.fail(f"no end within {timeout} s: {shown.decode(errors='replace')}")
    finally:
        os.close(fd)
    _, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status), shown.decode(errors="replace").replace("\r\n", "\n")


@pytest.fixture
def pending(tmp_path: Path) -> Path:
    """A project with one object type that the (local) account does not have yet."""
    root = tmp_path / "project"
    root.mkdir()
    (root / "types.yaml").write_text(doc({"product": {"schema": SCHEMA}}))
    return root


def changes_left(zcd, root: Path) -> int:
    return len(zcd("plan", "--project", root, "--format", "json").plan["changes"])


@pytest.mark.parametrize("answer", [b"no\n", b"y\n", b"YES please\n", b"\n"])
def test_any_answer_but_yes_writes_nothing(zcd, pending, answer):
    code, shown = run_in_terminal(["apply", "--project", str(pending)], answer)
    assert code == 4, shown
    assert "+ object type product: create, safe" in shown  # the plan was shown before asking
    assert "apply cancelled: the answer was not 'yes'; nothing was written" in shown
    assert changes_left(zcd, pending) == 1


def test_yes_applies(zcd, pending):
    code, shown = run_in_terminal(["apply", "--project", str(pending)], b"yes\n")
    assert code == 0, shown
    assert "Apply complete: 1 changes applied." in shown
    assert changes_left(zcd, pending) == 0


def test_ctrl_c_at_the_prompt_exits_130_and_writes_nothing(zcd, pending):
    code, shown = run_in_terminal(["apply", "--project", str(pending)], b"\x03")
    assert code == 130, shown
    assert "aborted" in shown and "Traceback" not in shown
    assert changes_left(zcd, pending) == 1
