"""Fault drill: create, list, update and delete object and relationship types through the client
against ``zcd-schema emulator serve`` while about 30% of requests fail, then check that the
account holds exactly the intended state: nothing lost, nothing doubled, nothing left over.

    python scripts/fault_drill.py                  # starts its own emulator with faults
    python scripts/fault_drill.py --types 20 --seed 3

Exit 0 when the final state is exactly the intended one, 1 otherwise. It prints what it did, the
requests it sent, the retries it made and the faults the emulator injected.
"""

from __future__ import annotations

import argparse
import os
import re
import signal
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor

from zcd_schema.kinds import OBJECT_TYPE, RELATIONSHIP_TYPE
from zcd_schema.zendesk.client import Client, RetryPolicy
from zcd_schema.zendesk.read import read_live_state
from zcd_schema.zendesk.write import AccountApi

# 429 10%, 503 5%, 500 10% on every request, and 15% of the writes that succeed lose their response:
# about 25% of reads and 36% of writes fail.
FAULTS = [
    "--fault-429",
    "0.10",
    "--fault-503",
    "0.05",
    "--fault-500",
    "0.10",
    "--fault-drop",
    "0.15",
]


def schema(i: int, revision: int) -> dict:
    properties = {
        "id": {"type": "string"},
        "name": {"type": "string", "maxLength": 80 + i},
        "tags": {"type": "array", "items": {"type": "string"}},
        "dims": {
            "type": "object",
            "properties": {"w": {"type": "number"}, "h": {"type": "number"}},
        },
    }
    if revision:
        properties[f"added_{revision}"] = {"type": "integer", "description": f"revision {revision}"}
    return {"properties": properties, "required": ["id"]}


def start_emulator(seed: int, page: int) -> tuple[subprocess.Popen[str], str]:
    command = [
        sys.executable,
        "-m",
        "zcd_schema",
        "emulator",
        "serve",
        "--port",
        "0",
        "--retry-after",
        "0",
        "--max-page-size",
        str(page),
        "--seed",
        str(seed),
        *FAULTS,
    ]
    env = {k: v for k, v in os.environ.items() if not k.startswith("ZENDESK_")}
    server = subprocess.Popen(command, stdout=subprocess.PIPE, text=True, env=env)
    assert server.stdout is not None
    first = server.stdout.readline()
    match = re.search(r"(http://\S+)", first)
    if not match:
        server.kill()
        raise SystemExit(f"the emulator did not start: {first!r}")
    return server, match.group(1)


def drill(client: Client, types: int, parallelism: int) -> dict[str, dict]:
    """Run the changes; return the intended final state, kind -> key -> content."""
    objects = {
        f"drill_type_{i:02d}": {"key": f"drill_type_{i:02d}", "schema": schema(i, 0)}
        for i in range(types)
    }
    keys = sorted(objects)
    relations = {
        f"drill_rel_{i:02d}": {
            "key": f"drill_rel_{i:02d}",
            "source": keys[i],
            "target": [keys[(i + 1) % types]] if i % 2 else "zen:user",
        }
        for i in range(types * 3 // 4)
    }
    with ThreadPoolExecutor(parallelism) as pool:
        list(pool.map(lambda c: AccountApi(client).create(OBJECT_TYPE, c), objects.values()))
        list(
            pool.map(lambda c: AccountApi(client).create(RELATIONSHIP_TYPE, c), relations.values())
        )

        listed = [t["key"] for t in client.list(OBJECT_TYPE.collection)]
        if sorted(listed) != keys:
            raise SystemExit(f"listing after create is wrong: {len(listed)} types")

        for i, key in enumerate(keys[: types // 2]):
            objects[key] = {"key": key, "schema": schema(i, 1)}
        list(
            pool.map(
                lambda k: AccountApi(client).update(OBJECT_TYPE, objects[k]), keys[: types // 2]
            )
        )

        doomed_relations = sorted(relations)[: len(relations) // 3]
        list(pool.map(lambda k: AccountApi(client).delete(RELATIONSHIP_TYPE, k), doomed_relations))
        for key in doomed_relations:
            del relations[key]
        used = {r["source"] for r in relations.values()} | {
            t
            for r in relations.values()
            for t in (r["target"] if isinstance(r["target"], list) else [r["target"]])
        }
        doomed_objects = [k for k in keys if k not in used][:5]
        list(pool.map(lambda k: AccountApi(client).delete(OBJECT_TYPE, k), doomed_objects))
        for key in doomed_objects:
            del objects[key]
    return {OBJECT_TYPE.name: objects, RELATIONSHIP_TYPE.name: relations}


def compare(client: Client, intended: dict[str, dict]) -> list[str]:
    problems = []
    state = read_live_state(client, with_limits=False)
    for kind in (OBJECT_TYPE, RELATIONSHIP_TYPE):
        found = {
            key: kind.normalize(item)
            for (name, key), item in state.items.items()
            if name == kind.name
        }
        want = intended[kind.name]
        for key in sorted(set(found) | set(want)):
            if key not in found:
                problems.append(f"{kind.label} {key} is missing")
            elif key not in want:
                problems.append(f"{kind.label} {key} should not exist")
            elif found[key] != want[key]:
                problems.append(f"{kind.label} {key} has other content than intended")
    return problems


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--types", type=int, default=40, help="object types to create (at most 50)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--page-size", type=int, default=7, help="the emulator's page size cap")
    parser.add_argument("--parallelism", type=int, default=4)
    args = parser.parse_args()
    if not 4 <= args.types <= 50:
        parser.error("--types must be between 4 and 50")

    server, url = start_emulator(args.seed, args.page_size)
    started = time.monotonic()
    retry = RetryPolicy(attempts=12, backoff_base=0.01, backoff_cap=0.2)
    try:
        with Client(url, retry=retry, seed=args.seed) as client:
            intended = drill(client, args.types, args.parallelism)
            problems = compare(client, intended)
            sent, retries = client.requests_sent, client.retries
    finally:
        server.send_signal(signal.SIGTERM)
        tail, _ = server.communicate(timeout=30)
    elapsed = time.monotonic() - started
    injected = tail.strip().splitlines()[-1] if tail.strip() else "(no report)"
    counts = {
        k: int(v) for k, v in re.findall(r"(\w+): (\d+)", injected.split("faults injected:")[-1])
    }
    served = int(m.group(1)) if (m := re.search(r"after (\d+) requests", injected)) else 0
    faulted = sum(counts.values())
    print(
        f"intended: {len(intended['object_type'])} object types, "
        f"{len(intended['relationship_type'])} relationship types"
    )
    print(
        f"requests: {sent} sent by the client, {served} served; {retries} retries; {elapsed:.1f} s"
    )
    print(
        f"faults:   {faulted} of {served} requests ({faulted / max(served, 1):.0%}): "
        + ", ".join(f"{k} {v}" for k, v in sorted(counts.items()))
    )
    if problems:
        print("FAILED: the account differs from the intended state:")
        for problem in problems:
            print(f"  - {problem}")
        return 1
    print("converged: the account holds exactly the intended state")
    return 0


if __name__ == "__main__":
    sys.exit(main())
