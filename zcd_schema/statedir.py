"""``<project>/.zcd/``: zcd-schema's own files in a project (the local account's state, the warm
cache), never schema documents (hidden folders are not read) and never for version control."""

from __future__ import annotations

from pathlib import Path

STATE_DIR = Path(".zcd")


def prepare(folder: Path) -> None:
    """Create ``folder`` (``.zcd/`` or a folder in it) and give ``.zcd/`` a .gitignore, so that
    nothing in it is committed by accident."""
    folder.mkdir(parents=True, exist_ok=True)
    state = folder if folder.name == STATE_DIR.name else folder.parent
    ignore = state / ".gitignore"
    if not ignore.exists():
        ignore.write_text(
            "# zcd-schema's own files (the local account's state, the warm cache); "
            "not for version control\n*\n"
        )
