"""check-payloads on NDJSON: throughput and memory, 10,000 against 100,000 events.

Writes two NDJSON files of events of the quickstart example (every 50th with a problem) under
benchmarks/.work/, runs the real command on each in a subprocess, and prints wall time, events
per second and the peak resident memory of each run. Flat memory means the 100,000-event run
peaks near the 10,000-event run, not ten times higher.

Usage: python benchmarks/payloads.py [--events N]
Target (issue 13): 100,000 events in a few seconds, memory flat.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
WORK = HERE / ".work"
QUICKSTART = ROOT / "examples" / "quickstart"


def _event(i: int) -> str:
    properties: dict[str, object] = {"order_id": f"A-{i}", "total": i / 100, "currency": "EUR"}
    if i % 50 == 0:
        properties["total"] = "not a number"
    properties["items"] = [{"sku": f"S{i % 97}", "quantity": 1 + i % 4}]
    return json.dumps(
        {
            "profile": {
                "source": "shopify",
                "type": "customer",
                "identifiers": [{"type": "email", "value": f"c{i}@example.com"}],
                "attributes": {"plan": "plus"},
            },
            "event": {"source": "shopify", "type": "order_placed", "properties": properties},
        }
    )


def _write(count: int) -> Path:
    WORK.mkdir(exist_ok=True)
    path = WORK / f"events-{count}.ndjson"
    with path.open("w") as out:
        for i in range(count):
            out.write(_event(i) + "\n")
    return path


def _run(path: Path) -> tuple[float, int, int]:
    """Wall seconds, peak RSS in KiB of the child, and the number of problem lines printed."""
    script = (
        "import resource, sys; from zcd_schema.cli import main\n"
        "try: main(sys.argv[1:])\n"
        "except SystemExit: pass\n"
        "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, file=sys.stderr)"
    )
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", script, "check-payloads", "--project", str(QUICKSTART), str(path)],
        capture_output=True,
        text=True,
    )
    seconds = time.perf_counter() - start
    peak = int(done.stderr.strip().splitlines()[-1])
    return seconds, peak, len(done.stdout.splitlines())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=100_000)
    events = parser.parse_args().events
    assert resource  # imported for the child's sake too
    small, large = _write(events // 10), _write(events)
    print(f"{'events':>8} {'seconds':>8} {'events/s':>9} {'peak RSS':>10} {'problems':>9}")
    rows = []
    for path, count in ((small, events // 10), (large, events)):
        seconds, peak, problems = _run(path)
        rows.append(peak)
        print(
            f"{count:>8,} {seconds:>8.2f} {count / seconds:>9,.0f} {peak / 1024:>7.1f} MiB "
            f"{problems:>9,}"
        )
    print(f"peak memory, {events:,} against {events // 10:,} events: {rows[1] / rows[0]:.2f}x")


if __name__ == "__main__":
    main()
