"""Custom objects against `zcd-schema emulator serve` with injected latency (issue 11's targets).

- plan of 50 objects with 100 fields each, on an account that already holds them (read + diff):
  the target is under 12 round trips of latency, whatever the number of objects, since objects
  are read in one round and every object's fields (two pages of 100) and field limit at once;
- apply of 20 objects with 20 fields each at --parallelism 1 and 8 (a fresh emulator each): the
  target is a speed-up of at least 5x;
- pacing: an account with `requests_per_minute` against an emulator enforcing the same rate
  (`--rate-limit`): the target is no 429 at all, and no minute above the rate.

Phases run in this process, so that start-up and imports do not blur them.

Usage: python benchmarks/custom_objects.py [--latency 0.05]
"""

from __future__ import annotations

import argparse
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from zcd_schema.planning.apply import apply_plan
from zcd_schema.planning.build import build_plan
from zcd_schema.planning.document import AccountRef
from zcd_schema.project.model import CustomObject, CustomObjectField, FieldOption, Project, Settings
from zcd_schema.zendesk.client import Client
from zcd_schema.zendesk.read import read_live_state
from zcd_schema.zendesk.write import AccountApi

ZCD = [sys.executable, "-m", "zcd_schema"]
OPTIONS = tuple(FieldOption(f"v{i}", f"Value {i}") for i in range(5))


def project(objects: int, fields: int) -> Project:
    declared = {}
    for o in range(objects):
        key = f"obj_{o:02d}"
        made = []
        for f in range(fields):
            kind = ("text", "integer", "dropdown", "checkbox", "lookup")[f % 5]
            extra: dict = {}
            if kind == "dropdown":
                extra["options"] = OPTIONS
            if kind == "lookup":
                extra["target"] = "zen:user" if f % 2 else f"obj_{(o + 1) % objects:02d}"
            made.append(CustomObjectField(f"field_{f:03d}", kind, f"Field {f}", **extra))
        lookups = [f for f in made if f.type == "lookup"]
        made = [f for f in made if f.type != "lookup"] + lookups[:10]  # at most 10 lookups
        declared[key] = CustomObject(key, f"Object {o}", f"Objects {o}", fields=tuple(made))
    return Project(Path("."), Settings(), (), custom_objects=declared)


class Emulator:
    def __init__(self, *options: str) -> None:
        self.process = subprocess.Popen(
            [*ZCD, "emulator", "serve", "--port", "0", *options], stdout=subprocess.PIPE, text=True
        )
        assert self.process.stdout is not None
        match = re.search(r"(http://\S+)", self.process.stdout.readline())
        if not match:
            raise SystemExit("the emulator did not start")
        self.url = match.group(1)

    def stop(self) -> str:
        self.process.send_signal(signal.SIGTERM)
        out, _ = self.process.communicate(timeout=60)
        return out


def timed_apply(
    url: str, declared: Project, parallelism: int, **client: object
) -> tuple[float, int, bool]:
    with Client(url, **client) as api:  # type: ignore[arg-type]
        plan = build_plan(declared, read_live_state(api), AccountRef("bench", url), prune=False)
        sent, started = api.requests_sent, time.perf_counter()
        report = apply_plan(plan, AccountApi(api), parallelism=parallelism)
        elapsed, count = time.perf_counter() - started, api.requests_sent - sent
        again = build_plan(declared, read_live_state(api), AccountRef("bench", url), prune=False)
        return elapsed, count, report.complete and not again.changes


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--latency", type=float, default=0.05)
    args = parser.parse_args()
    latency = args.latency
    print(f"emulator latency {latency * 1000:.0f} ms per request\n")

    # plan: 50 objects x 100 fields, already applied (built with no latency, then planned with it)
    big = project(50, 100)
    emulator = Emulator("--db", str(Path(__file__).parent / ".work" / "big.sqlite"))
    try:
        Path(__file__).parent.joinpath(".work").mkdir(exist_ok=True)
        done = timed_apply(emulator.url, big, 16)
        assert done[2], "setting up the 50 x 100 account did not converge"
    finally:
        emulator.stop()
    emulator = Emulator(
        "--db", str(Path(__file__).parent / ".work" / "big.sqlite"), "--latency", str(latency)
    )
    try:
        with Client(emulator.url) as api:
            started, sent = time.perf_counter(), api.requests_sent
            plan = build_plan(
                big, read_live_state(api), AccountRef("bench", emulator.url), prune=False
            )
            seconds = time.perf_counter() - started
            requests = api.requests_sent - sent
        assert not plan.changes
    finally:
        emulator.stop()
        Path(__file__).parent.joinpath(".work", "big.sqlite").unlink(missing_ok=True)
    rounds = seconds / latency
    print(
        f"plan, 50 objects x 100 fields (no changes): {requests} requests, {seconds:.3f} s = "
        f"{rounds:.1f} round trips; target under 12: {'met' if rounds < 12 else 'NOT met'}"
    )

    # apply: 20 objects x 20 fields, parallelism 1 and 8
    small = project(20, 20)
    figures = {}
    for parallelism in (1, 8):
        emulator = Emulator("--latency", str(latency))
        try:
            figures[parallelism] = timed_apply(emulator.url, small, parallelism)
        finally:
            emulator.stop()
        elapsed, count, ok = figures[parallelism]
        print(
            f"apply, 20 objects x 20 fields, parallelism {parallelism}: {count} requests, "
            f"{elapsed:.2f} s, converged: {ok}"
        )
    speed_up = figures[1][0] / figures[8][0]
    print(
        f"speed-up, parallelism 8 over 1: {speed_up:.2f}x; target at least 5x: "
        f"{'met' if speed_up >= 5 else 'NOT met'}"
    )

    # pacing: the account's requests_per_minute against an emulator enforcing the same rate
    rate = 120  # a run of more than a minute, so the emulator's window is really tested
    paced = project(6, 10)
    emulator = Emulator("--rate-limit", str(rate))
    try:
        elapsed, count, ok = timed_apply(emulator.url, paced, 8, requests_per_minute=rate)
    finally:
        closing = emulator.stop()
    refused = re.search(r"rpm: (\d+)", closing)
    print(
        f"pacing at {rate}/min against an emulator enforcing {rate}/min: {count} requests in "
        f"{elapsed:.1f} s ({count / elapsed * 60:.0f}/min), 429s: "
        f"{refused.group(1) if refused else 0}, converged: {ok}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
