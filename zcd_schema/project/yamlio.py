"""Hardened YAML reading, with the position of every key and value, and the writer import uses.

The parser itself is ``yamlparse`` (one pass over libyaml's events) and the writer ``yamlwrite``;
both are imported when first needed, so that what only looks at documents (the cache, the rules)
does not load PyYAML.

What the loader refuses or warns about, with the codes of ``diagnostics.CODES``:
files over 8 MiB, bytes that are not UTF-8, syntax errors, duplicate keys, keys that are not plain
text, alias expansions past ``MAX_NODES`` (a "billion laughs" fails on the first alias that goes
over), recursive aliases, nesting past ``MAX_DEPTH``, unknown tags, more than one document, and
the YAML 1.1 surprises (``yes``/``no``/``on``/``off`` read as booleans, ``010`` as 8, ``1:20`` as
80).
Keys always stay the text the user wrote: ``on:`` is the key "on", ``2019-car:`` is "2019-car".
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

MAX_FILE_BYTES = 8 * 1024 * 1024
MAX_NODES = 1_000_000  # nodes in a file once every alias is expanded
MAX_DEPTH = 256

Position = tuple[int, int]


@dataclass(frozen=True)
class YamlIssue:
    code: str
    message: str
    line: int
    column: int
    pointer: str


@dataclass
class Document:
    """A loaded file: its value and what the loader found wrong; positions by JSON pointer on
    demand."""

    value: Any = None
    issues: list[YamlIssue] = field(default_factory=list)
    ok: bool = True  # False when the file could not be read as a whole
    text: str | None = field(default=None, repr=False)  # the source, for positions
    # (values, keys) by JSON pointer, found the first time a position is asked for
    _positions: tuple[dict[str, Position], dict[str, Position]] | None = field(
        default=None, repr=False, compare=False
    )

    def position(self, pointer: str, *, key: bool = False) -> Position:
        """Where ``pointer`` is written: its key (``key=True``) or its value; else its nearest
        parent."""
        if self._positions is None:
            self._positions = positions_of(self.text) if self.text is not None else ({}, {})
        values, keys = self._positions
        p = pointer
        while True:
            if key and p in keys:
                return keys[p]
            if p in values:
                return values[p]
            if p in keys:
                return keys[p]
            if not p:
                return (1, 1)
            p = p[: p.rfind("/")]


def escape(token: str) -> str:
    """One JSON pointer token (RFC 6901)."""
    if "~" in token or "/" in token:
        return token.replace("~", "~0").replace("/", "~1")
    return token


def load_text(text: str) -> Document:
    """Load YAML text. Never raises for bad input: problems become ``Document.issues``. Positions
    are found the first time one is asked for (``Document.position``)."""
    from zcd_schema.project.yamlparse import parse

    return parse(text)


PARALLEL_BYTES = 256 * 1024  # below this, a second process costs more than it saves


def load_texts(texts: list[str]) -> list[Document]:
    """``load_text`` of each text. A large project is parsed by two processes at once where the
    machine has two cores to give (and the process no other thread to disturb): the parser runs in
    Python, one core each. The result is the same either way; if the second process fails in any
    way, its share is parsed here."""
    if len(texts) > 1 and sum(map(len, texts)) >= PARALLEL_BYTES and _two_cores_free():
        from zcd_schema.project.yamlparse import parse_in_two

        return parse_in_two(texts)
    return [load_text(text) for text in texts]


def _two_cores_free() -> bool:
    import os
    import sys

    if not hasattr(os, "fork") or sys.platform == "darwin":  # macOS: forking is unsafe there
        return False
    threading = sys.modules.get("threading")
    if threading is not None and threading.active_count() > 1:
        return False  # forking a process with other threads can leave a lock held in the child
    cores = (
        os.sched_getaffinity(0) if hasattr(os, "sched_getaffinity") else range(os.cpu_count() or 1)
    )
    return len(cores) >= 2


def positions_of(text: str) -> tuple[dict[str, Position], dict[str, Position]]:
    """Where every value and every key of ``text`` is written, by JSON pointer (of a file that
    does not parse, what comes before the problem)."""
    from zcd_schema.project import yamlparse

    return yamlparse.positions_of(text)


def load_bytes(data: bytes) -> Document:
    """Load a file's bytes: enforce the size cap and UTF-8 before parsing."""
    text = decode(data)
    return text if isinstance(text, Document) else load_text(text)


def decode(data: bytes) -> str | Document:
    """A file's text, or the document of a file refused before parsing (too large, not UTF-8)."""
    if len(data) > MAX_FILE_BYTES:
        return too_large(len(data))
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        before = data[: exc.start]
        line = before.count(b"\n") + 1
        column = len(before[before.rfind(b"\n") + 1 :].decode("utf-8", "replace")) + 1
        return _failed(
            "ZCD003",
            f"byte 0x{data[exc.start]:02x} is not valid UTF-8; save the file as UTF-8",
            line,
            column,
        )
    return text.removeprefix("\ufeff")


def too_large(size: int) -> Document:
    """The document of a file that is not read because it is over ``MAX_FILE_BYTES``."""
    return _failed("ZCD004", f"file is {size:,} bytes; the limit is {MAX_FILE_BYTES:,} (8 MiB)")


def _failed(code: str, message: str, line: int = 1, column: int = 1) -> Document:
    return Document(issues=[YamlIssue(code, message, line, column, "")], ok=False)


def dump_yaml(document: dict[str, Any]) -> str:
    """YAML that this module reads back as the same value (see ``yamlwrite``)."""
    from zcd_schema.project.yamlwrite import dump

    return dump(document)
