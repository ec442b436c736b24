"""``import``: an account's object and relationship types written out as a project.

One file per object type (``object_types/<key>.yaml``) and one for all relationship types. PyYAML's
safe dumper quotes every string that YAML would read as something else (``on``, ``yes``, ``010``,
``1:20``, ``null``...), so the files load back exactly; a test round-trips them through our loader.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Any

import yaml

from zcd_schema import __version__
from zcd_schema.errors import UsageError
from zcd_schema.project.load import SETTINGS_FILE, load_project
from zcd_schema.zendesk.kinds import OBJECT_TYPE
from zcd_schema.zendesk.live import LiveState

RELATIONSHIPS_FILE = "relationship_types.yaml"
_UNSAFE = re.compile(r"[^A-Za-z0-9_-]")


class _Dumper(yaml.SafeDumper):
    """Block style, and lists indented under their key as people write them."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> Any:
        return super().increase_indent(flow, False)


def dump(document: dict[str, Any]) -> str:
    return yaml.dump(document, Dumper=_Dumper, sort_keys=False, allow_unicode=True, default_flow_style=False,
                     width=100)


def plan_files(state: LiveState) -> dict[str, str]:
    """File name (relative) -> content, for every live type."""
    files: dict[str, str] = {}
    used: set[str] = set()
    for key, obj in sorted(state.object_types.items()):
        content = OBJECT_TYPE.normalize({"key": key, "schema": obj.schema})
        name = _file_name(key, used)
        files[f"object_types/{name}.yaml"] = dump({"object_types": {key: {"schema": content["schema"]}}})
    if state.relationship_types:
        relationships = {key: {"source": r.source, "target": r.target_value}
                         for key, r in sorted(state.relationship_types.items())}
        files[RELATIONSHIPS_FILE] = dump({"relationship_types": relationships})
    return files


def _file_name(key: str, used: set[str]) -> str:
    name = _UNSAFE.sub("_", key) or "type"
    candidate, n = name, 2
    while candidate.lower() in used:  # case-insensitive file systems
        candidate, n = f"{name}_{n}", n + 1
    used.add(candidate.lower())
    return candidate


def write_project(state: LiveState, out: Path, source: str, settings_from: Path | None) -> list[Path]:
    """Write the files; refuse (before writing anything) to overwrite a file that exists."""
    files = plan_files(state)
    if out.is_dir():  # the types must not already be declared there: that would make the project invalid
        existing_project, _ = load_project(out)
        declared = sorted((set(existing_project.object_types) & set(state.object_types))
                          | (set(existing_project.relationship_types) & set(state.relationship_types)))
        if declared:
            raise UsageError(f"{out} already declares {_some(declared)}; import into an empty folder with --out")
    header = f"# Imported from {source} by zcd-schema {__version__}.\n"
    existing = [name for name in files if (out / name).exists()]
    if existing:
        raise UsageError(f"import would overwrite {_some(existing)} in {out}; choose an empty folder with --out")
    written = []
    for name, content in files.items():
        path = out / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(header + content, encoding="utf-8")
        written.append(path)
    settings = out / SETTINGS_FILE
    if settings_from is not None and settings_from.is_file() and not settings.exists():
        shutil.copyfile(settings_from, settings)  # the same accounts, so plan works in the new folder
        written.append(settings)
    return written


def _some(names: list[str]) -> str:
    """The first five names, and how many more."""
    return ", ".join(names[:5]) + (f" and {len(names) - 5} more" if len(names) > 5 else "")
