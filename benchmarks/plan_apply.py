"""plan and apply against `zcd-schema emulator serve` with injected latency, at the limits.

A project of 50 object types and 50 relationship types (generated under benchmarks/.work/), an
emulator adding LATENCY seconds to every request. It prints requests made and time of:
  - plan (reads and diff) on an empty account: the target is at most 3 round trips of latency,
    whatever the number of types, since each kind is one paginated list and the kinds are read
    concurrently;
  - a full apply at parallelism 1 and 4 (a fresh emulator each), and the speed-up;
  - plan again after the apply (no changes).
These phases run in this process, so that Python's start-up and imports do not blur them; the same
commands through the real CLI follow, once, for the whole picture.

Usage: python benchmarks/plan_apply.py [--latency 0.05] [--runs 3]
"""

from __future__ import annotations

import argparse
import os
import re
import signal
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

HERE = Path(__file__).resolve().parent
WORK = HERE / ".work" / "plan_apply"
ZCD = [sys.executable, "-m", "zcd_schema"]
ENV = {
    **{k: v for k, v in os.environ.items() if not k.startswith(("ZENDESK_", "ZCD_"))},
    "NO_COLOR": "1",
}


def generate(root: Path) -> None:
    root.mkdir(parents=True, exist_ok=True)
    for old in root.glob("*.yaml"):
        old.unlink()
    types = []
    for t in range(50):
        props = "".join(
            f"        field_{i}: "
            f"{{type: {'string' if i % 2 else 'number'}, description: Field {i}}}\n"
            for i in range(30)
        )
        types.append(
            f"  type_{t:02d}:\n    schema:\n      properties:\n{props}      required: [field_1]\n"
        )
    (root / "objects.yaml").write_text("object_types:\n" + "".join(types))
    rels = "".join(
        f"  link_{r:02d}:\n    source: type_{r:02d}\n    target: "
        f"{'[zen:user]' if r % 2 else f'type_{(r + 1) % 50:02d}'}\n"
        for r in range(50)
    )
    (root / "relationships.yaml").write_text("relationship_types:\n" + rels)


class Emulator:
    def __init__(self, latency: float) -> None:
        self.process = subprocess.Popen(
            [*ZCD, "emulator", "serve", "--port", "0", "--latency", str(latency)],
            stdout=subprocess.PIPE,
            text=True,
            env=ENV,
        )
        assert self.process.stdout is not None
        line = self.process.stdout.readline()
        match = re.search(r"(http://\S+)", line)
        if not match:
            raise SystemExit(f"emulator did not start: {line!r}")
        self.url = match.group(1)

    def stop(self) -> None:
        self.process.send_signal(signal.SIGTERM)
        self.process.communicate(timeout=30)


def timed_cli(*args: str) -> tuple[float, int, subprocess.CompletedProcess[str]]:
    """Wall time, requests logged by --debug, and the result of one CLI run."""
    started = time.perf_counter()
    result = subprocess.run(
        [*ZCD, *args, "--debug"], capture_output=True, text=True, env=ENV, timeout=600
    )
    elapsed = time.perf_counter() - started
    requests = len(
        re.findall(r"^debug: (GET|POST|PUT|DELETE) .* -> \d{3}", result.stderr, re.MULTILINE)
    )
    return elapsed, requests, result


def phases(url: str, parallelism: int) -> dict[str, tuple[float, int]]:
    """In this process: the plan's reads and diff, the apply, and the plan after it; (seconds,
    requests)."""
    from zcd_schema.planning.apply import apply_plan
    from zcd_schema.planning.build import build_plan
    from zcd_schema.planning.document import AccountRef
    from zcd_schema.project.validate import validate_project
    from zcd_schema.zendesk.client import Client
    from zcd_schema.zendesk.read import read_live_state
    from zcd_schema.zendesk.write import AccountApi

    project = validate_project(WORK).project
    account = AccountRef("bench", url)
    figures = {}
    with Client(url) as client:

        def measure(name: str, work):
            sent, started = client.requests_sent, time.perf_counter()
            value = work()
            figures[name] = (time.perf_counter() - started, client.requests_sent - sent)
            return value

        plan = measure(
            "plan", lambda: build_plan(project, read_live_state(client), account, prune=False)
        )
        assert len(plan.changes) == 100
        report = measure(
            "apply", lambda: apply_plan(plan, AccountApi(client), parallelism=parallelism)
        )
        assert report.complete
        again = measure(
            "replan", lambda: build_plan(project, read_live_state(client), account, prune=False)
        )
        assert not again.changes, "the plan after apply is not empty"
    return figures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--latency", type=float, default=0.05)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    generate(WORK)
    latency = args.latency
    samples: dict[str, list[float]] = {}
    requests: dict[str, int] = {}
    for _ in range(args.runs):
        for parallelism in (1, 4):
            emulator = Emulator(latency)
            try:
                for name, (seconds, count) in phases(emulator.url, parallelism).items():
                    key = f"apply {parallelism}" if name == "apply" else name
                    samples.setdefault(key, []).append(seconds)
                    requests[key] = count
            finally:
                emulator.stop()
    emulator = Emulator(latency)
    try:  # the same through the real CLI, once, start-up and validation included
        cli = {"plan": timed_cli("plan", "--project", str(WORK), "--url", emulator.url)}
        cli["apply 4"] = timed_cli("apply", "--project", str(WORK), "--url", emulator.url, "--yes")
        cli["replan"] = timed_cli(
            "plan", "--project", str(WORK), "--url", emulator.url, "--detailed-exitcode"
        )
        assert cli["replan"][2].returncode == 0
    finally:
        emulator.stop()

    median = {k: statistics.median(v) for k, v in samples.items()}
    print(
        f"emulator latency {latency * 1000:.0f} ms per request; 50 object types + 50 relationship "
        "types; "
        f"median of {args.runs} runs\n"
    )
    print(f"{'phase (in process)':<40} {'requests':>8} {'time':>8} {'in latencies':>13}")
    labels = [
        ("plan: read + diff, empty account", "plan"),
        ("apply, parallelism 1 (100 creates)", "apply 1"),
        ("apply, parallelism 4 (100 creates)", "apply 4"),
        ("plan after apply: read + diff", "replan"),
    ]
    for label, key in labels:
        print(
            f"{label:<40} {requests[key]:>8} {median[key]:>7.3f}s {median[key] / latency:>12.1f}x"
        )
    print(f"\napply speed-up, parallelism 4 over 1: {median['apply 1'] / median['apply 4']:.2f}x")
    worst_plan = max(median["plan"], median["replan"])
    verdict = "met" if worst_plan <= 3 * latency else "NOT met"
    print(
        f"plan target, at most 3 round trips ({3 * latency:.3f} s): {verdict} (slower plan "
        f"{worst_plan:.3f} s)"
    )
    print("\nthrough the CLI (process start-up, imports and validation included):")
    for name, (seconds, count, _) in cli.items():
        print(f"  {name:<10} {count:>4} requests {seconds:>7.3f}s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
