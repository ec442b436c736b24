"""The core of ``import``: an account's items written out as a project that plans empty.

Each kind says which files declare its items (``Kind.import_into``); the YAML writer beside the
reader quotes every string YAML would read as something else, so the files load back exactly.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from zcd_schema import __version__
from zcd_schema.commands import Messages
from zcd_schema.commands.writing import some, write_new_files
from zcd_schema.errors import InvalidProject, UsageError
from zcd_schema.kinds import KINDS
from zcd_schema.kinds.base import LiveState
from zcd_schema.project.load import SETTINGS_FILE, build_project, read_documents
from zcd_schema.project.validate import ValidationResult, validate_project
from zcd_schema.zendesk.accounts import open_client, resolve_target
from zcd_schema.zendesk.read import read_live_state


@dataclass(frozen=True)
class ImportResult:
    destination: Path
    written: list[Path]
    # of the destination, new files included; None when the account held nothing to write
    validation: ValidationResult | None
    source: str = ""  # the account, described


def import_account(
    root: Path,
    account: str | None,
    url: str | None,
    out: Path | None = None,
    messages: Messages = Messages(),
) -> ImportResult:
    """Read the account named by the project's zcd.yaml (or ``url``) and write its items into
    ``out``
    (the project folder by default), never overwriting a file nor declaring a key twice."""
    if not root.is_dir():
        raise UsageError(f"--project {root}: not a folder")
    settings = _valid_settings(root).project.settings
    target = resolve_target(root, settings, account, url)
    with open_client(target, notify=messages.notify, log_request=messages.log_request) as client:
        state = read_live_state(client, with_limits=False)
    destination = out if out is not None else root
    written = write_project(state, destination, target.describe(), root / SETTINGS_FILE)
    if not written:
        return ImportResult(destination, [], None, target.describe())
    return ImportResult(destination, written, validate_project(destination), target.describe())


def _valid_settings(root: Path) -> ValidationResult:
    """The project's validation, refused (exit 1) when zcd.yaml itself has errors: the accounts
    it declares are what import reads from."""
    result = validate_project(root)
    in_settings = tuple(d for d in result.diagnostics if d.file == SETTINGS_FILE)
    settings_only = ValidationResult(result.project, in_settings, 1)
    if not settings_only.valid:
        raise InvalidProject(settings_only)
    return settings_only


def import_files(state: LiveState) -> dict[str, dict[str, Any]]:
    """File name (relative) -> YAML document, for every live item of every kind."""
    files: dict[str, dict[str, Any]] = {}
    used: set[str] = set()
    for kind in KINDS:
        kind.import_into(state.of(kind), files, used)
    return files


def write_project(
    state: LiveState, out: Path, source: str, settings_from: Path | None
) -> list[Path]:
    """Write the files; refuse (before writing anything) to overwrite a file or redeclare a key.
    An account that holds nothing to import gets nothing written, zcd.yaml included."""
    files = import_files(state)
    if not files:
        return []
    if (
        out.is_dir()
    ):  # the items must not already be declared there: that would make the project invalid
        existing = build_project(read_documents(out))
        declared = sorted(
            key for kind in KINDS for key in set(kind.declared(existing)) & set(state.of(kind))
        )
        if declared:
            raise UsageError(
                f"{out} already declares {some(declared)}; import into an empty folder with --out"
            )
    header = f"# Imported from {source} by zcd-schema {__version__}.\n"
    return write_new_files(out, files, header, settings_from, "import")
