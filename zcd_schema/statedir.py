"""``<project>/.zcd/``: zcd-schema's own files in a project (the local account's state, the warm
cache), never schema documents (hidden folders are not read) and never for version control."""

from __future__ import annotations

import os
from pathlib import Path

STATE_DIR = Path(".zcd")


def prepare(folder: Path) -> None:
    """Create ``folder`` (a project's ``.zcd/``) with a .gitignore, so that nothing in it is
    committed by accident."""
    folder.mkdir(parents=True, exist_ok=True)
    ignore = folder / ".gitignore"
    if os.path.lexists(ignore):
        return  # whatever it is; a link is never followed
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
    try:
        descriptor = os.open(ignore, flags, 0o644)
    except FileExistsError:
        return  # made by another process meanwhile
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        handle.write(
            "# zcd-schema's own files (the local account's state, the warm cache); "
            "not for version control\n*\n"
        )
