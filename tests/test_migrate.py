"""migrate, as data: tests/migrate_cases/NAME/input is a legacy project; expected.txt holds the
decisions (text format) and expected/ the project migrate writes. ZCD_REGEN=1 rewrites the
expectations that differ (and still fails that run). Every case is then applied to the emulator:
the migrated project applies, and the plan right after is empty."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from conftest import ROOT

from zcd_schema.commands.migrate import migrate_project, report_markdown
from zcd_schema.render.validation import validation_text

CASES = ROOT / "tests" / "migrate_cases"
NAMES = sorted(p.name for p in CASES.iterdir() if p.is_dir())


def written_tree(root: Path) -> dict[str, str]:
    """Every file migrate wrote, without the header line naming where it came from."""
    return {
        p.relative_to(root).as_posix(): p.read_text().split("\n", 1)[1]
        if p.name != "zcd.yaml"
        else p.read_text()
        for p in sorted(root.rglob("*"))
        if p.is_file() and ".zcd" not in p.parts
    }


def check(expected_file: Path, actual: str) -> None:
    expected = expected_file.read_text() if expected_file.exists() else ""
    if os.environ.get("ZCD_REGEN") == "1" and actual != expected:
        expected_file.parent.mkdir(parents=True, exist_ok=True)
        expected_file.write_text(actual)
    assert actual == expected, expected_file


@pytest.mark.parametrize("name", NAMES)
def test_migrate_case(name: str, tmp_path: Path, zcd) -> None:
    case = CASES / name
    out = tmp_path / "migrated"
    result = migrate_project(case / "input", out)
    check(case / "expected.txt", validation_text(result.legacy, lambda f: f))
    tree = written_tree(out)
    for rel, text in tree.items():
        check(case / "expected" / rel, text)
    expected_files = {
        p.relative_to(case / "expected").as_posix()
        for p in (case / "expected").rglob("*")
        if p.is_file()
    }
    assert set(tree) == expected_files
    assert result.validation.valid, validation_text(result.validation, lambda f: f)
    assert "## Migration from Legacy Custom Objects" in report_markdown(result)
    # the migrated project applies, and plans empty afterwards
    applied = zcd("apply", "--project", out, "--yes")
    assert applied.code == 0, applied.out + applied.err
    assert zcd("plan", "--project", out, "--detailed-exitcode").code == 0


def test_every_migration_code_is_exercised() -> None:
    from zcd_schema.diagnostics import CODES

    seen = "".join((CASES / n / "expected.txt").read_text() for n in NAMES)
    assert [c for c in CODES if c.startswith("ZCD8") and f"[{c}]" not in seen] == []


def test_migrate_through_the_cli(zcd, tmp_path: Path) -> None:
    out, report = tmp_path / "migrated", tmp_path / "report.md"
    result = zcd(
        "migrate",
        "--project",
        CASES / "relationships" / "input",
        "--out",
        out,
        "--report",
        report,
        "--format",
        "github",
    )
    assert result.code == 1  # two relationships need a person (zen:ticket, zen:deal)
    assert "::error file=" in result.out and "::notice file=" in result.out
    assert (
        "| `relationship supplier_products` | `supplier_products` | lookup |" in report.read_text()
    )
    again = zcd("migrate", "--project", CASES / "relationships" / "input", "--out", out)
    assert again.code == 64 and "would overwrite" in again.err
    nothing = zcd("migrate", "--project", ROOT / "examples" / "fleet", "--out", tmp_path / "x")
    assert nothing.code == 64 and "nothing to migrate" in nothing.err
