"""Rewrite the README's generated tables (diagnostic codes, hard limits) from the code's tables.
A test keeps them equal; run this after changing either table."""

from __future__ import annotations

from pathlib import Path

from zcd_schema.diagnostics import markdown_table as codes_table
from zcd_schema.project.limits import markdown_table as limits_table

README = Path(__file__).resolve().parent.parent / "README.md"


def replace_block(text: str, marker: str, table: str) -> str:
    start, end = f"<!-- {marker}:start -->", f"<!-- {marker}:end -->"
    before, rest = text.split(start, 1)
    _, after = rest.split(end, 1)
    return f"{before}{start}\n{table}\n{end}{after}"


if __name__ == "__main__":
    text = README.read_text(encoding="utf-8")
    text = replace_block(text, "codes", codes_table())
    text = replace_block(text, "limits", limits_table())
    README.write_text(text, encoding="utf-8")
