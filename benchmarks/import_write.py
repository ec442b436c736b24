"""import's YAML writing, with libyaml and with PyYAML's pure-Python dumper, on a 50-type account.

Applies 50 object types of about 90 properties and 50 relationship types (the objects of
benchmarks/validate.py's project at the limits) to a fresh `local` account, reads it back once,
then times writing the imported project (``commands/importing.write_project``: every file, the
YAML rendered and written) with each writer, alternating runs in this process, and prints the
medians and their ratio; then the whole ``zcd-schema import`` command once through the CLI, and
what share of it the writing is.

Usage: python benchmarks/import_write.py [--runs N]
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
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

from validate import generate_limits  # noqa: E402

from zcd_schema.commands.importing import write_project  # noqa: E402
from zcd_schema.project import yamlwrite  # noqa: E402
from zcd_schema.project.load import SETTINGS_FILE  # noqa: E402
from zcd_schema.project.yamlio import load_text  # noqa: E402

WORK = HERE / ".work" / "import"
ZCD = [str(Path(sys.executable).parent / "zcd-schema")]


def setup() -> Path:
    shutil.rmtree(WORK, ignore_errors=True)
    project = WORK / "project"
    generate_limits(project)
    for offline in ("profiles.yaml", "events.yaml"):  # import reads what an account serves
        (project / offline).unlink()
    subprocess.run(
        [*ZCD, "apply", "--project", str(project), "--yes"], check=True, capture_output=True
    )
    return project


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    project = setup()

    from zcd_schema.project.validate import valid_project
    from zcd_schema.zendesk.accounts import open_client, resolve_target
    from zcd_schema.zendesk.read import read_live_state

    target = resolve_target(project, valid_project(project).project.settings, None, None)
    with open_client(target) as client:
        state = read_live_state(client, with_limits=False)
    with_libyaml = yamlwrite._CDumper
    times: dict[str, list[float]] = {"libyaml": [], "PyYAML's dumper": []}
    for run in range(args.runs + 1):
        for label, dumper in (("libyaml", with_libyaml), ("PyYAML's dumper", None)):
            out = WORK / f"out-{label[:3]}-{run}"
            yamlwrite._CDumper = dumper
            started = time.perf_counter()
            written = write_project(state, out, "bench", project / SETTINGS_FILE)
            elapsed = time.perf_counter() - started
            if run:  # the first round warms up
                times[label].append(elapsed)
    yamlwrite._CDumper = with_libyaml
    a, b = (statistics.median(t) for t in times.values())
    same = all(
        load_text(p.read_text("utf-8")).value
        == load_text((WORK / "out-PyY-1" / p.relative_to(WORK / "out-lib-1")).read_text()).value
        for p in (WORK / "out-lib-1").rglob("*.yaml")
    )
    print(f"{len(written)} files written, {args.runs} alternating runs each")
    print(f"  write_project with libyaml          median {a:.3f} s")
    print(f"  write_project with PyYAML's dumper  median {b:.3f} s")
    print(f"  ratio {a / b:.2f}x; both read back as the same values: {same}")
    out = WORK / "out-cli"
    started = time.perf_counter()
    subprocess.run(
        [*ZCD, "import", "--project", str(project), "--out", str(out)],
        check=True,
        capture_output=True,
    )
    whole = time.perf_counter() - started
    print(f"zcd-schema import through the CLI: {whole:.3f} s, of which writing ~{a / whole:.0%}")


if __name__ == "__main__":
    main()
