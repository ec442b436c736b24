"""The warm cache: each file's parse and per-file checks, kept under ``<project>/.zcd/cache/``.

A pre-commit hook, an editor or CI validates the same files again and again. An entry holds what
reading and checking one file gave (its value, the reader's issues, the structure check's
diagnostics); it is found by the file's content hash, so an unchanged file is never parsed again
and a changed one is, whatever its time stamps say. What spans files (references, keys declared
twice, limits) is checked on every run, from the cached values.

Never trusted blindly:
- the key of an entry is the SHA-256 of the file's bytes, of what it is read as (a schema
  document or zcd.yaml), and of the exact code that would read it (this package's sources and
  the libraries that parse and check: their paths, sizes and modification times), so another
  version, or an edited checkout, never meets an entry it did not write;
- every entry is signed (HMAC-SHA-256) with a key kept outside the project, in the user's cache
  folder, so an entry committed to a repository, copied from another machine or edited by hand
  is foreign: it is ignored and rewritten, like one that is corrupt or of another shape;
- the cache never changes a result (a test runs every data case cold and warm and compares the
  output byte for byte), and any failure to read or write it only means the file is read cold.

Entries are JSON, never pickle, so that reading one can never run code.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import json
import os
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from importlib.util import find_spec
from pathlib import Path

from zcd_schema.diagnostics import Diagnostic
from zcd_schema.project.load import read_regular_file
from zcd_schema.project.yamlio import MAX_FILE_BYTES, Document, YamlIssue
from zcd_schema.statedir import STATE_DIR
from zcd_schema.statedir import prepare as prepare_state_dir

FORMAT = 1
FOLDER = STATE_DIR / "cache"
MAX_ENTRIES = 2000  # oldest beyond this are removed after a run that wrote any
MAX_ENTRY_BYTES = 4 * MAX_FILE_BYTES  # a file's value, as JSON, with its diagnostics
_LIBRARIES = ("yaml", "jsonschema", "regress")


@dataclass(frozen=True)
class Entry:
    document: Document
    diagnostics: tuple[Diagnostic, ...]  # the per-file checks, their file set to the file's path


@dataclass
class DocumentCache:
    folder: Path
    key: bytes  # the signing key
    code: str  # fingerprint of the code that reads and checks
    hits: int = 0
    misses: dict[str, str] = field(default_factory=dict)  # rel -> the name of its entry

    @classmethod
    def open(cls, root: Path) -> DocumentCache | str:
        """The cache of the project at ``root``, or why there is none: no signing key can be had,
        or ``.zcd`` or its ``cache`` is a symbolic link (a repository could point it anywhere)."""
        for part in (STATE_DIR, FOLDER):
            if os.path.islink(root / part):
                return f"{part.as_posix()} is a symbolic link, which is never followed"
        key = _signing_key()
        if key is None:
            return "no signing key could be read or made in the user's cache folder"
        return cls(root / FOLDER, key, _code_fingerprint())

    def get(self, rel: str, role: str, data: bytes) -> Entry | None:
        """The entry of a file with these bytes, read as ``role``, when a sound one is kept."""
        name = self._name(role, data)
        entry = self._load(name, rel)
        if entry is None:
            self.misses[rel] = name
        else:
            self.hits += 1
        return entry

    def save(
        self, documents: Mapping[str, Document], checked: Mapping[str, list[Diagnostic]]
    ) -> None:
        """Keep what reading and checking each missed file gave, then drop the oldest entries
        beyond ``MAX_ENTRIES``. A folder that cannot be made keeps nothing."""
        if not self.misses:
            return
        try:
            prepare_state_dir(self.folder.parent)
            self.folder.mkdir(exist_ok=True)
        except OSError:
            return
        for rel, name in self.misses.items():
            with contextlib.suppress(OSError, ValueError):  # a value JSON cannot hold: not kept
                self._write(name, documents[rel], checked.get(rel, []))
        self._prune()

    def _write(self, name: str, document: Document, diagnostics: list[Diagnostic]) -> None:
        body = json.dumps(
            {
                "format": FORMAT,
                "name": name,
                "ok": document.ok,
                "value": document.value,
                "issues": [list(vars(i).values()) for i in document.issues],
                "diagnostics": [
                    [d.code, d.severity, d.line, d.column, d.pointer, d.message]
                    for d in diagnostics
                ],
            },
            ensure_ascii=False,
            separators=(",", ":"),
        ).encode("utf-8")
        _write_atomically(self.folder / f"{name}.json", self._sign(body) + b"\n" + body)

    def _prune(self) -> None:
        with contextlib.suppress(OSError):
            entries = sorted(self.folder.glob("*.json"), key=lambda p: p.stat().st_mtime_ns)
            for stale in entries[: max(0, len(entries) - MAX_ENTRIES)]:
                stale.unlink(missing_ok=True)

    def _name(self, role: str, data: bytes) -> str:
        content = hashlib.sha256(data).hexdigest()
        return hashlib.sha256(f"{FORMAT}\0{self.code}\0{role}\0{content}".encode()).hexdigest()

    def _sign(self, body: bytes) -> bytes:
        return hmac.new(self.key, body, hashlib.sha256).hexdigest().encode("ascii")

    def _load(self, name: str, rel: str) -> Entry | None:
        try:  # a link is followed only to a regular file; a FIFO or a device is never read
            raw = read_regular_file(self.folder / f"{name}.json", MAX_ENTRY_BYTES)
        except OSError:
            return None
        if isinstance(raw, int):
            return None  # larger than an entry can be
        signature, _, body = raw.partition(b"\n")
        if not hmac.compare_digest(signature, self._sign(body)):
            return None  # foreign or corrupt
        try:
            entry = json.loads(body)
            if entry["format"] != FORMAT or entry["name"] != name:
                return None
            issues = [YamlIssue(*issue) for issue in entry["issues"]]
            diagnostics = tuple(
                Diagnostic(code, severity, rel, line, column, pointer, message)
                for code, severity, line, column, pointer, message in entry["diagnostics"]
            )
            return Entry(Document(entry["value"], issues, entry["ok"] is True), diagnostics)
        except (ValueError, KeyError, TypeError):
            return None


def _signing_key() -> bytes | None:
    """This user's key for signing cache entries, made on first use; None when it can be neither
    read nor made (the cache is then off)."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    path = Path(base) / "zcd-schema" / "cache.key"
    try:
        key = path.read_bytes()
        if len(key) >= 32:
            return key
    except OSError:
        pass
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        _write_atomically(path, os.urandom(32), mode=0o600)
        key = path.read_bytes()  # another process may have made it first: use what is there
        return key if len(key) >= 32 else None
    except OSError:
        return None


def _code_fingerprint() -> str:
    """What identifies the code that reads and checks: every file of this package (sources and
    shipped schemas) and of the libraries it parses and checks with, by path, size and
    modification time, and Python's version."""
    package = Path(__file__).resolve().parent.parent
    files = [p for p in package.rglob("*") if p.suffix in (".py", ".json")]
    for name in _LIBRARIES:
        spec = find_spec(name)
        if spec is not None and spec.origin:
            files.append(Path(spec.origin))
            files += Path(spec.origin).parent.glob("*.so")  # libyaml's, regress's compiled parts
    lines = [sys.version]
    for path in sorted(files):
        with contextlib.suppress(OSError):
            status = path.stat()
            lines.append(f"{path}\0{status.st_size}\0{status.st_mtime_ns}")
    return hashlib.sha256("\n".join(lines).encode("utf-8", "surrogateescape")).hexdigest()


def _write_atomically(path: Path, data: bytes, mode: int = 0o644) -> None:
    """Write a file whole or not at all: another process reading it sees the old or the new."""
    temporary = path.with_name(f".tmp-{os.getpid()}-{os.urandom(6).hex()}")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
