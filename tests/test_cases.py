"""Valid and invalid projects kept as data: tests/cases/NAME/ is a project, expected.txt its
diagnostics.

expected.txt holds the text format, one diagnostic per line (paths relative to the case). After a
deliberate change of messages, ZCD_REGEN=1 rewrites the files of the cases that differ (they
still fail in that run); review the diff like code and run again.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from conftest import CASES

from zcd_schema.project.validate import validate_project
from zcd_schema.render.validation import validation_text

CASE_NAMES = sorted(p.name for p in CASES.iterdir() if p.is_dir())


@pytest.mark.parametrize("name", CASE_NAMES)
def test_case(name: str) -> None:
    folder = CASES / name
    result = validate_project(folder)
    actual = validation_text(result, lambda file: file)
    expected_file = folder / "expected.txt"
    expected = expected_file.read_text(encoding="utf-8")
    if os.environ.get("ZCD_REGEN") == "1" and actual != expected:
        # write the new expectation for review, and still fail: a regeneration is never a pass
        expected_file.write_text(actual, encoding="utf-8")
    assert actual == expected


def test_every_error_code_is_exercised_by_some_case() -> None:
    """Each code a case can show appears in at least one expected.txt (the rest have unit tests)."""
    from zcd_schema.diagnostics import CODES

    seen = "".join((CASES / n / "expected.txt").read_text("utf-8") for n in CASE_NAMES)
    # Codes that need a generated input (huge files, 51 types, unreadable files) are tested in
    # test_rules.py.
    generated = {
        "ZCD004",
        "ZCD012",
        "ZCD013",
        "ZCD014",
        "ZCD312",
        "ZCD501",
        "ZCD502",
        "ZCD503",
        "ZCD504",
        "ZCD506",
        "ZCD507",
        "ZCD710",
        "ZCD711",
        "ZCD712",
        "ZCD011",
    }
    # migrate's decisions (ZCD8xx) have cases of their own: tests/migrate_cases, test_migrate.py;
    # payload findings (ZCD9xx) theirs: test_payloads.py, checked by the test below
    missing = [
        c
        for c in CODES
        if c not in generated and not c.startswith(("ZCD8", "ZCD9")) and f"[{c}]" not in seen
    ]
    assert missing == []


def test_every_payload_code_is_exercised_by_test_payloads() -> None:
    from zcd_schema.diagnostics import CODES

    text = (Path(__file__).parent / "test_payloads.py").read_text("utf-8")
    missing = [c for c in CODES if c.startswith("ZCD9") and c not in text]
    assert missing == []
