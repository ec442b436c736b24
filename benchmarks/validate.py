"""validate against check-jsonschema, on a project at Zendesk's hard limits and on a small one.

Generates both projects under benchmarks/.work/, then runs each tool on the same files, alternating
runs in one go so that machine noise hits both alike, and prints median wall times and ratios.
check-jsonschema gets schemas/document.schema.json: the full schema editors use, which also
describes the inner JSON Schemas (zcd-schema checks more: Zendesk's rules, references, limits).

Usage: python benchmarks/validate.py [--runs N]     (make bench installs what it needs)
Targets (issue 2): zcd-schema at most 0.25x check-jsonschema's time at the limits, 0.9x on the
small project.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
WORK = HERE / ".work"
BIN = Path(sys.executable).parent
TYPES = ["string", "number", "integer", "boolean"]


def _property(i: int) -> str:
    kind = TYPES[i % 4]
    extra = {
        "string": f', maxLength: {40 + i}, pattern: "^[A-Za-z0-9 ]*$"'
        if i % 3 == 0
        else ", maxLength: 200",
        "number": "",
        "integer": "",
        "boolean": "",
    }[kind]
    if i % 15 == 0:
        return (
            f"        group_{i}:\n          type: object\n          description: Nested group {i}\n"
            f"          properties:\n            code: {{type: string, enum: [a, b, c]}}\n"
            f"            amount: {{type: number}}\n          required: [code]\n"
        )
    if i % 11 == 0:
        return (
            f"        list_{i}:\n          type: array\n"
            "          items: {type: string, maxLength: 64}\n"
        )
    return f"        field_{i}: {{type: {kind}, description: Field number {i}{extra}}}\n"


def generate_limits(root: Path) -> list[Path]:
    """50 object types of about 90 properties (one file each), 50 relationship types,
    50 profile sources with 2,500 types, 50 event sources with 2,500 types."""
    files = []
    for t in range(50):
        props = "".join(_property(i) for i in range(90))
        text = (
            f"object_types:\n  type_{t:02d}:\n    schema:\n      description: Object type {t}\n"
            f"      properties:\n{props}      required: [field_1, field_2]\n"
        )
        files.append(_write(root / "objects" / f"type_{t:02d}.yaml", text))
    rels = "relationship_types:\n" + "".join(
        f"  link_{r:02d}:\n    source: type_{r:02d}\n    target: "
        f"{'[zen:user]' if r % 2 else f'type_{(r + 1) % 50:02d}'}\n"
        for r in range(50)
    )
    files.append(_write(root / "relationships.yaml", rels))
    profiles = ["profile_sources:"]
    events = ["event_sources:"]
    for s in range(50):
        profiles.append(f"  source_{s:02d}:\n    types:")
        events.append(f"  source_{s:02d}:\n    types:")
        for t in range(50):
            profiles.append(
                f"      type_{t:02d}:\n        identifier_types: [email, external_id, id_{t}]\n"
                f"        attributes: {{properties: {{plan: {{type: string}}}}}}"
            )
            events.append(
                f"      event_{t:02d}:\n        description: Event {t} of source {s}\n"
                "        properties: "
                f"{{properties: {{total: {{type: number}}}}, required: [total]}}"
            )
    files.append(_write(root / "profiles.yaml", "\n".join(profiles) + "\n"))
    files.append(_write(root / "events.yaml", "\n".join(events) + "\n"))
    return files


def generate_small(root: Path) -> list[Path]:
    text = (ROOT / "examples" / "quickstart" / "catalog" / "product.yaml").read_text("utf-8")
    return [_write(root / "product.yaml", text)]


def _write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def _time(command: list[str], expect: int = 0) -> float:
    started = time.perf_counter()
    result = subprocess.run(command, capture_output=True, text=True)
    elapsed = time.perf_counter() - started
    if result.returncode != expect:
        sys.exit(
            f"{command[0]} exited "
            f"{result.returncode}:\n{result.stdout[-2000:]}{result.stderr[-2000:]}"
        )
    return elapsed


def compare(name: str, project: Path, files: list[Path], runs: int) -> float:
    zcd = [str(BIN / "zcd-schema"), "validate", "--project", str(project)]
    other = [
        str(BIN / "check-jsonschema"),
        "--schemafile",
        str(ROOT / "schemas" / "document.schema.json"),
        *map(str, files),
    ]
    _time(zcd), _time(other)  # warm the file cache and both tools' bytecode
    ours, theirs = [], []
    for _ in range(runs):
        ours.append(_time(zcd))
        theirs.append(_time(other))
    a, b = statistics.median(ours), statistics.median(theirs)
    size = sum(f.stat().st_size for f in files)
    print(f"{name}: {len(files)} files, {size / 1024:,.0f} KiB, {runs} alternating runs each")
    print(f"  zcd-schema validate   median {a:.3f} s  (min {min(ours):.3f}, max {max(ours):.3f})")
    print(
        f"  check-jsonschema      median {b:.3f} s  (min {min(theirs):.3f}, max {max(theirs):.3f})"
    )
    print(f"  ratio                 {a / b:.2f}x")
    return a / b


def bomb_seconds() -> float:
    sys.path.insert(0, str(ROOT))
    from zcd_schema.project.yamlio import load_text

    lines = ["a: &a [x, x, x, x, x, x, x, x, x, x]"]
    for i in range(1, 9):
        prev, cur = chr(96 + i), chr(97 + i)
        lines.append(f"{cur}: &{cur} [" + ", ".join([f"*{prev}"] * 10) + "]")
    started = time.perf_counter()
    document = load_text("\n".join(lines))
    elapsed = time.perf_counter() - started
    assert document.issues and document.issues[0].code == "ZCD005"
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=9)
    args = parser.parse_args()
    if not (BIN / "check-jsonschema").exists():
        sys.exit("check-jsonschema is not installed beside this Python; run `make bench`")
    shutil.rmtree(WORK, ignore_errors=True)
    limits = generate_limits(WORK / "limits")
    small = generate_small(WORK / "small")
    r_limits = compare("at the hard limits", WORK / "limits", limits, args.runs)
    r_small = compare("small project (one file)", WORK / "small", small, args.runs * 2)
    print(f"alias bomb (10^9 nodes once expanded) refused in {bomb_seconds() * 1000:.1f} ms")
    print(
        f"targets: limits <= 0.25x ({'met' if r_limits <= 0.25 else 'NOT met'}), "
        f"small <= 0.90x ({'met' if r_small <= 0.9 else 'NOT met'})"
    )


if __name__ == "__main__":
    main()
