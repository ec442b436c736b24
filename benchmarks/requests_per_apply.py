"""Requests per apply (contract section 8.1): under a rate limit they are the apply's time.

For each project it applies the project to a fresh emulator through the real CLI (in this
process, over a loopback socket) and counts every request by what it is for:

- the plan's reads (a `plan` run against the same account, counted separately first),
- the stale check's reads (apply reads the account once more before its first write),
- the writes,
- any other read (a read a write needs, or one that should not be there).

The target is writes + one plan's reads + one stale check's reads; the script prints the figures
and how far each apply is from the target. Projects: examples/fleet, and 20 objects of 20 fields
each (of them 2 dropdowns and 1 lookup), the shape issue 18 measured at 880 requests.

Usage: python benchmarks/requests_per_apply.py
"""

from __future__ import annotations

import contextlib
import io
import shutil
import sys
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from zcd_schema.cli import main
from zcd_schema.emulator.app import Emulator
from zcd_schema.emulator.serve import EmulatorServer
from zcd_schema.emulator.store import Store

ROOT = Path(__file__).resolve().parent.parent


class Counter:
    def __init__(self, app: Emulator) -> None:
        self.app = app
        self.seen: list[tuple[str, str]] = []

    def __call__(self, environ: dict[str, Any], start: Callable[..., Any]) -> Iterable[bytes]:
        self.seen.append((environ["REQUEST_METHOD"], environ.get("PATH_INFO", "")))
        return self.app(environ, start)


def cli(*args: str) -> int:
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
        try:
            main(list(args))
        except SystemExit as exit:
            return int(exit.code or 0)
    return 0


def twenty_objects(folder: Path) -> Path:
    lines = ["custom_objects:"]
    for n in range(20):
        lines += [f"  object_{n}:", f"    title: Object {n}", f"    title_pluralized: Objects {n}"]
        lines.append("    fields:")
        for f in range(17):
            lines.append(f"      text_{f}: {{type: text, title: Text {f}}}")
        lines.append("      kind: {type: dropdown, title: Kind, options: {a: A, b: B, c: C}}")
        lines.append("      tags: {type: multiselect, title: Tags, options: {x: X, y: Y}}")
        lines.append("      owner: {type: lookup, title: Owner, target: zen:user}")
    (folder / "objects.yaml").write_text("\n".join(lines) + "\n")
    return folder


def measure(name: str, root: Path) -> None:
    counter = Counter(Emulator(Store(":memory:")))
    server = EmulatorServer(counter, "127.0.0.1", 0)
    server.start_background()
    try:
        assert cli("plan", "--project", str(root), "--url", server.url) == 0
        plan_reads = len(counter.seen)
        counter.seen.clear()
        assert cli("apply", "--project", str(root), "--url", server.url, "--yes") == 0
        seen = list(counter.seen)
        counter.seen.clear()
        assert cli("plan", "--project", str(root), "--url", server.url, "--detailed-exitcode") == 0
    finally:
        server.shutdown()
        server.server_close()
    writes = sum(1 for method, _ in seen if method != "GET")
    reads = len(seen) - writes
    # apply plans first (the plan's reads), then the stale check reads the same lists again
    other = reads - 2 * plan_reads
    target = writes + 2 * plan_reads
    print(
        f"{name:<34} {len(seen):>8} {writes:>7} {plan_reads:>10} {plan_reads:>11} {other:>6} "
        f"{target:>7} {len(seen) / target:>7.2f}x"
    )


def run() -> None:
    print(
        f"{'apply of':<34} {'requests':>8} {'writes':>7} {'plan reads':>10} "
        f"{'stale reads':>11} {'other':>6} {'target':>7} {'ratio':>8}"
    )
    with tempfile.TemporaryDirectory() as scratch:
        fleet = Path(scratch) / "fleet"
        shutil.copytree(ROOT / "examples" / "fleet", fleet, ignore=shutil.ignore_patterns(".zcd"))
        measure("examples/fleet", fleet)
        big = Path(scratch) / "twenty"
        big.mkdir()
        measure("20 objects x 20 fields", twenty_objects(big))
    print(
        "\n'other' are reads a write needs: the reorder endpoint takes field ids, so each object "
        "whose order is set lists its fields once right before; a field whose options change "
        "reads its option ids."
    )


if __name__ == "__main__":
    run()
