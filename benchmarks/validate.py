"""validate against check-jsonschema, on a project at Zendesk's hard limits and on a small one.

Generates both projects under benchmarks/.work/, then runs each tool on the same files, alternating
runs in one go so that machine noise hits both alike, and prints median wall times and ratios.
check-jsonschema gets schemas/document.schema.json: the full schema editors use, which also
describes the inner JSON Schemas (zcd-schema checks more: Zendesk's rules, references, limits).

Two setups of the peer: check-jsonschema as pip installs it (ruamel.yaml parsing in pure Python),
and as a careful user installs it, with libyaml (``ruamel.yaml[oldlibyaml]``), in a virtual
environment the script makes under benchmarks/.work/ the first time. zcd-schema is timed cold (no
cache), with --no-cache, warm (nothing changed) and after a one-file change.

Usage: python benchmarks/validate.py [--runs N]     (make bench installs what it needs)
Targets (issues 2 and 14): cold at most 0.25x either peer's time at the limits and 0.9x the plain
peer's on the small project; warm at the limits under 0.25 s.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
WORK = HERE / ".work"
PEER = WORK / "peer-libyaml"  # a virtual environment of check-jsonschema with libyaml
BIN = Path(sys.executable).parent
ENV = {**os.environ, "XDG_CACHE_HOME": str(WORK / "user-cache")}  # zcd-schema's signing key
PLAIN = "check-jsonschema (pure-Python YAML, as pip installs it)"
LIBYAML = "check-jsonschema with libyaml (ruamel.yaml[oldlibyaml])"
COLD = "zcd-schema validate, cold (empty cache, fills it)"
WARM = "zcd-schema validate, warm (nothing changed)"
ONE_FILE = "zcd-schema validate, one file changed"
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
    result = subprocess.run(command, capture_output=True, text=True, env=ENV)
    elapsed = time.perf_counter() - started
    if result.returncode != expect:
        sys.exit(
            f"{command[0]} exited "
            f"{result.returncode}:\n{result.stdout[-2000:]}{result.stderr[-2000:]}"
        )
    return elapsed


def libyaml_peer() -> Path:
    """check-jsonschema as a careful user installs it: with ruamel.yaml's libyaml parser
    (``ruamel.yaml[oldlibyaml]``, i.e. ruamel.yaml.clib), in a virtual environment of its own
    under benchmarks/.work/ (made once, from the package index), the same check-jsonschema
    version as beside this Python."""
    from importlib.metadata import version

    wanted = version("check-jsonschema")
    python = PEER / "bin" / "python"
    probe = (
        "import importlib.metadata as m, ruamel.yaml as r; "
        "assert 'clib' in r.YAML(typ='safe').Parser.__module__; "
        "print(m.version('check-jsonschema'))"
    )
    found = (
        subprocess.run([str(python), "-c", probe], capture_output=True, text=True)
        if python.exists()
        else None
    )
    if found is None or found.returncode != 0 or found.stdout.strip() != wanted:
        shutil.rmtree(PEER, ignore_errors=True)
        subprocess.run([sys.executable, "-m", "venv", str(PEER)], check=True)
        subprocess.run(
            [str(python), "-m", "pip", "install", "-q", "--disable-pip-version-check",
             f"check-jsonschema=={wanted}", "ruamel.yaml[oldlibyaml]"],
            check=True,
        )  # fmt: skip
        subprocess.run([str(python), "-c", probe], check=True, capture_output=True)
    return PEER / "bin"


def _median(times: list[float]) -> str:
    return f"{statistics.median(times):7.3f} s  (min {min(times):.3f}, max {max(times):.3f})"


def compare(name: str, project: Path, files: list[Path], runs: int, peer: Path) -> dict[str, float]:
    """Alternating runs of each setup; the medians, by setup."""
    schema = str(ROOT / "schemas" / "document.schema.json")
    zcd = [str(BIN / "zcd-schema"), "validate", "--project", str(project)]
    setups = {
        PLAIN: lambda: _time(
            [str(BIN / "check-jsonschema"), "--schemafile", schema, *map(str, files)]
        ),
        LIBYAML: lambda: _time(
            [str(peer / "check-jsonschema"), "--schemafile", schema, *map(str, files)]
        ),
        COLD: lambda: _cold(zcd, project),
        "zcd-schema validate --no-cache": lambda: _time([*zcd, "--no-cache"]),
        WARM: lambda: _time(zcd),
        ONE_FILE: lambda: _one_changed(zcd, files[0]),
    }
    size = sum(f.stat().st_size for f in files)  # before the one-file runs add their comments
    for run in setups.values():
        run()  # warm the file cache and every tool's bytecode; fill our cache
    times: dict[str, list[float]] = {label: [] for label in setups}
    for _ in range(runs):
        for label, run in setups.items():
            times[label].append(run())
    print(f"{name}: {len(files)} files, {size / 1024:,.0f} KiB, {runs} alternating runs each")
    for label, measured in times.items():
        print(f"  {label:58s} median {_median(measured)}")
    return {label: statistics.median(measured) for label, measured in times.items()}


def _cold(zcd: list[str], project: Path) -> float:
    shutil.rmtree(project / ".zcd", ignore_errors=True)
    return _time(zcd)


def _one_changed(zcd: list[str], file: Path) -> float:
    with file.open("a", encoding="utf-8") as handle:  # new content every time: never cached
        handle.write(f"# run {time.time_ns()}\n")
    return _time(zcd)


def bomb_seconds() -> float:
    sys.path.insert(0, str(ROOT))
    from zcd_schema.project.yamlio import load_text

    lines = ["a: &a [x, x, x, x, x, x, x, x, x, x]"]
    for i in range(1, 9):
        prev, cur = chr(96 + i), chr(97 + i)
        lines.append(f"{cur}: &{cur} [" + ", ".join([f"*{prev}"] * 10) + "]")
    load_text("warm: [the parser's imports]")
    started = time.perf_counter()
    document = load_text("\n".join(lines))
    elapsed = time.perf_counter() - started
    assert document.issues and document.issues[0].code == "ZCD005"
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    if not (BIN / "check-jsonschema").exists():
        sys.exit("check-jsonschema is not installed beside this Python; run `make bench`")
    for generated in ("limits", "small"):
        shutil.rmtree(WORK / generated, ignore_errors=True)
    peer = libyaml_peer()
    limits = generate_limits(WORK / "limits")
    small = generate_small(WORK / "small")
    at_limits = compare("at the hard limits", WORK / "limits", limits, args.runs, peer)
    one_file = compare("small project (one file)", WORK / "small", small, args.runs * 2, peer)
    print(f"alias bomb (10^9 nodes once expanded) refused in {bomb_seconds() * 1000:.1f} ms")
    cold, warm = at_limits[COLD], at_limits[WARM]
    small = one_file[COLD]
    verdicts = [
        ("limits, cold vs check-jsonschema with libyaml", cold / at_limits[LIBYAML], 0.25),
        ("limits, cold vs check-jsonschema as pip installs it", cold / at_limits[PLAIN], 0.25),
        ("small, cold vs check-jsonschema as pip installs it", small / one_file[PLAIN], 0.9),
        ("small, cold vs check-jsonschema with libyaml", small / one_file[LIBYAML], None),
    ]
    for label, ratio, target in verdicts:
        verdict = "" if target is None else (" (met)" if ratio <= target else " (NOT met)")
        shown = "" if target is None else f", target <= {target:.2f}x"
        print(f"ratio {label}: {ratio:.2f}x{shown}{verdict}")
    print(
        f"limits, warm: {warm:.3f} s, target < 0.25 s ({'met' if warm < 0.25 else 'NOT met'}); "
        f"one file changed: {at_limits[ONE_FILE]:.3f} s"
    )


if __name__ == "__main__":
    main()
