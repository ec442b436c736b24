"""Writing a new project folder, as import and migrate do: never over an existing file."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from zcd_schema.errors import UsageError
from zcd_schema.project.load import SETTINGS_FILE
from zcd_schema.project.yamlio import dump_yaml


def write_new_files(
    out: Path,
    files: dict[str, dict[str, Any]],
    header: str,
    settings_from: Path | None,
    command: str,
) -> list[Path]:
    """Write ``files`` (relative name -> YAML document) into ``out``, each under ``header``, and
    copy ``settings_from`` as zcd.yaml (the same accounts, so plan works there) when ``out`` has
    none. Refuses, before writing anything, to overwrite a file. Returns what was written."""
    clashes = sorted(name for name in files if (out / name).exists())
    if clashes:
        raise UsageError(
            f"{command} would overwrite {some(clashes)} in {out}; choose an empty folder with --out"
        )
    written = []
    for name, document in files.items():
        path = out / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(header + dump_yaml(document), encoding="utf-8")
        written.append(path)
    settings = out / SETTINGS_FILE
    if settings_from is not None and settings_from.is_file() and not settings.exists():
        out.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(settings_from, settings)
        written.append(settings)
    return written


def some(names: list[str]) -> str:
    """The first five names, and how many more."""
    return ", ".join(names[:5]) + (f" and {len(names) - 5} more" if len(names) > 5 else "")
