"""Hardened YAML reading, with the position of every key and value, and the writer import uses.

libyaml's parser (``yaml.parse`` with ``CSafeLoader``) produces events; one iterative pass turns
them
into plain values (dict, list, str, int, float, bool, None) and two maps from JSON pointer to
(line, column). We do not use ``yaml.compose``: PyYAML's C composer recurses and crashes the
interpreter (a segmentation fault, not an exception) on a few tens of thousands of nested brackets,
and building from events is also faster than composing nodes and walking them.

What the loader refuses or warns about, with the codes of ``diagnostics.CODES``:
files over 8 MiB, bytes that are not UTF-8, syntax errors, duplicate keys, keys that are not plain
text, alias expansions past ``MAX_NODES`` (a "billion laughs" fails on the first alias that goes
over), recursive aliases, nesting past ``MAX_DEPTH``, unknown tags, more than one document, and
the YAML 1.1 surprises (``yes``/``no``/``on``/``off`` read as booleans, ``010`` as 8, ``1:20`` as
80).
Keys always stay the text the user wrote: ``on:`` is the key "on", ``2019-car:`` is "2019-car".
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Any

import yaml
from yaml.events import (
    AliasEvent,
    DocumentStartEvent,
    MappingEndEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceEndEvent,
    SequenceStartEvent,
)

MAX_FILE_BYTES = 8 * 1024 * 1024
MAX_NODES = 1_000_000  # nodes in a file once every alias is expanded
MAX_DEPTH = 256

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_resolver = yaml.resolver.Resolver()
_constructor = yaml.constructor.SafeConstructor()

_TAG = "tag:yaml.org,2002:"
_STR, _INT, _FLOAT, _BOOL, _NULL, _MERGE = (
    _TAG + t for t in ("str", "int", "float", "bool", "null", "merge")
)
_KEEP_AS_TEXT = {_TAG + "timestamp", _TAG + "binary", _TAG + "value", _STR}
_OCTAL = re.compile(r"^[-+]?0[0-7_]+$")
_SEXAGESIMAL = re.compile(r"^[-+]?[0-9][0-9_]*(:[0-5]?[0-9])+(\.[0-9_]*)?$")

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
    """A loaded file: its value, positions by JSON pointer, and what the loader found wrong."""

    value: Any = None
    values: dict[str, Position] = field(default_factory=dict)
    keys: dict[str, Position] = field(default_factory=dict)
    issues: list[YamlIssue] = field(default_factory=list)
    ok: bool = True  # False when the file could not be read as a whole

    def position(self, pointer: str, *, key: bool = False) -> Position:
        """Where ``pointer`` is written: its key (``key=True``) or its value; else its nearest
        parent."""
        p = pointer
        while True:
            if key and p in self.keys:
                return self.keys[p]
            if p in self.values:
                return self.values[p]
            if p in self.keys:
                return self.keys[p]
            if not p:
                return (1, 1)
            p = p[: p.rfind("/")]


def escape(token: str) -> str:
    """One JSON pointer token (RFC 6901)."""
    if "~" in token or "/" in token:
        return token.replace("~", "~0").replace("/", "~1")
    return token


class _Abort(Exception):
    def __init__(self, issue: YamlIssue) -> None:
        self.issue = issue


class _Frame:
    __slots__ = (
        "anchor",
        "container",
        "explicit",
        "key",
        "key_pos",
        "merged",
        "pointer",
        "start_count",
    )

    def __init__(self, container: Any, pointer: str, anchor: str | None, start_count: int) -> None:
        self.container = container
        self.pointer = pointer
        self.key: str | None = None  # mapping: the key waiting for its value
        self.key_pos: Position = (1, 1)
        self.anchor = anchor
        self.start_count = start_count
        # '<<' values and where they are written: merged when the mapping ends (a sequence of
        # aliases is complete only then), the mapping's own keys first, then each source in order
        self.merged: list[tuple[Any, Position]] | None = None
        self.explicit: dict[str, Position] | None = {} if isinstance(container, dict) else None


def load_text(text: str) -> Document:
    """Load YAML text. Never raises for bad input: problems become ``Document.issues``."""
    doc = Document()
    try:
        _build(text, doc)
    except _Abort as stop:
        doc.issues.append(stop.issue)
        doc.ok = False
        doc.value = None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        line, column = (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)
        problem = getattr(exc, "problem", None) or str(exc)
        context = getattr(exc, "context", None)
        message = f"{context}, {problem}" if context else problem
        doc.issues.append(YamlIssue("ZCD001", message, line, column, ""))
        doc.ok = False
        doc.value = None
    return doc


def load_bytes(data: bytes) -> Document:
    """Load a file's bytes: enforce the size cap and UTF-8 before parsing."""
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
    text = text.removeprefix("\ufeff")
    return load_text(text)


def too_large(size: int) -> Document:
    """The document of a file that is not read because it is over ``MAX_FILE_BYTES``."""
    return _failed("ZCD004", f"file is {size:,} bytes; the limit is {MAX_FILE_BYTES:,} (8 MiB)")


def _failed(code: str, message: str, line: int = 1, column: int = 1) -> Document:
    return Document(issues=[YamlIssue(code, message, line, column, "")], ok=False)


def _scalar(event: ScalarEvent, pointer: str, pos: Position, issues: list[YamlIssue]) -> Any:
    value = event.value
    tag = event.tag
    if tag is None or tag == "!":
        tag = _resolver.resolve(yaml.ScalarNode, value, event.implicit)  # type: ignore[no-untyped-call]
    if tag in _KEEP_AS_TEXT:
        return value
    if tag == _NULL:
        return None
    if tag == _BOOL:
        lowered = value.lower()
        if lowered not in ("true", "false"):
            issues.append(
                YamlIssue(
                    "ZCD008",
                    f"{value!r} is read as the boolean "
                    f"{'true' if lowered in ('yes', 'on', 'y') else 'false'} (YAML 1.1); "
                    f"quote it ('{value}') if you meant the text",
                    *pos,
                    pointer,
                )
            )
        return lowered in ("true", "yes", "on", "y")
    if tag in (_INT, _FLOAT):
        node = yaml.ScalarNode(tag, value)
        number = (
            _constructor.construct_yaml_int(node)
            if tag == _INT
            else _constructor.construct_yaml_float(node)
        )
        if isinstance(number, float) and not math.isfinite(number):
            issues.append(
                YamlIssue(
                    "ZCD015",
                    f"{value!r} is not a number JSON can hold (Zendesk's APIs speak JSON); "
                    "write a finite number, or quote it if you meant the text",
                    *pos,
                    pointer,
                )
            )
        if event.implicit[0] and (
            _SEXAGESIMAL.match(value) or (tag == _INT and _OCTAL.match(value))
        ):
            issues.append(
                YamlIssue(
                    "ZCD009",
                    f"{value!r} is read as the number {number} (YAML 1.1); quote it ('{value}') "
                    "if you meant the text",
                    *pos,
                    pointer,
                )
            )
        return number
    raise _Abort(
        YamlIssue("ZCD011", f"unsupported tag {event.tag!r}; use plain YAML values", *pos, pointer)
    )


def _merge(frame: _Frame, issues: list[YamlIssue]) -> None:
    """YAML's merge key: keys the mapping writes itself win, then the merged mappings in the order
    they are listed (``<<: [*a, *b]``: a's keys before b's)."""
    for value, pos in frame.merged or ():
        sources = value if isinstance(value, list) else [value]
        if not all(isinstance(source, dict) for source in sources):
            issues.append(YamlIssue("ZCD104", "'<<' merges mappings only", *pos, frame.pointer))
            continue
        for source in sources:
            for k, v in source.items():
                if k not in frame.container:
                    frame.container[k] = v


def _build(text: str, doc: Document) -> None:
    values, keys, issues = doc.values, doc.keys, doc.issues
    anchors: dict[str, tuple[Any, int]] = {}  # name -> (value, expanded node count)
    open_anchors: set[str] = set()
    stack: list[_Frame] = []
    count = 0  # nodes so far, aliases counted at their expanded size
    documents = 0
    skip_depth = 0  # > 0 while skipping a complex key's events

    event: (
        Any  # PyYAML's stubs type events as the base class; the loop dispatches on the exact class
    )
    for event in yaml.parse(text, Loader=_Loader):
        cls = type(event)
        if skip_depth:
            if cls is MappingStartEvent or cls is SequenceStartEvent:
                skip_depth += 1
            elif cls is MappingEndEvent or cls is SequenceEndEvent:
                skip_depth -= 1
            continue
        if cls is DocumentStartEvent:
            documents += 1
            if documents > 1:
                mark = event.start_mark
                issues.append(
                    YamlIssue(
                        "ZCD013",
                        "a file holds one YAML document; a second one starts here",
                        mark.line + 1,
                        mark.column + 1,
                        "",
                    )
                )
                return
            continue
        if cls is MappingEndEvent or cls is SequenceEndEvent:
            frame = stack.pop()
            if frame.merged:
                _merge(frame, issues)
            if frame.anchor is not None:
                anchors[frame.anchor] = (frame.container, count - frame.start_count)
                open_anchors.discard(frame.anchor)
            continue
        if not (
            cls is ScalarEvent
            or cls is MappingStartEvent
            or cls is SequenceStartEvent
            or cls is AliasEvent
        ):
            continue  # stream and document ends

        mark = event.start_mark
        pos = (mark.line + 1, mark.column + 1)
        parent = stack[-1] if stack else None

        # A mapping's key.
        if parent is not None and parent.explicit is not None and parent.key is None:
            if cls is not ScalarEvent:
                issues.append(
                    YamlIssue(
                        "ZCD007",
                        "keys must be plain text, not a list, a mapping or an alias",
                        *pos,
                        parent.pointer,
                    )
                )
                if cls is not AliasEvent:
                    skip_depth = 1
                parent.key = "\x00complex"  # its value is read and dropped
                continue
            key = event.value
            if event.implicit[0] and key == "<<" and event.tag is None:
                parent.key = "\x00merge"
                continue
            if key in parent.explicit:
                first = parent.explicit[key]
                issues.append(
                    YamlIssue(
                        "ZCD002",
                        f"duplicate key {key!r}: already defined at line {first[0]}, column "
                        f"{first[1]}",
                        *pos,
                        parent.pointer + "/" + escape(key),
                    )
                )
                parent.key = "\x00duplicate"
                continue
            parent.explicit[key] = pos
            parent.key = key
            parent.key_pos = pos
            continue

        # A value: where it goes.
        if parent is None:
            pointer = ""
        elif parent.explicit is not None:
            key_text: str = parent.key  # type: ignore[assignment]  # a value follows its key, never None here
            pointer = (
                parent.pointer + "/" + escape(key_text)
                if not key_text.startswith("\x00")
                else parent.pointer
            )
        else:
            pointer = f"{parent.pointer}/{len(parent.container)}"

        anchor = getattr(event, "anchor", None)
        if cls is AliasEvent:
            if event.anchor in open_anchors:
                raise _Abort(
                    YamlIssue("ZCD005", f"alias *{event.anchor} refers to itself", *pos, pointer)
                )
            if event.anchor not in anchors:
                raise _Abort(
                    YamlIssue(
                        "ZCD001",
                        f"alias *{event.anchor} names no anchor defined before it",
                        *pos,
                        pointer,
                    )
                )
            value, size = anchors[event.anchor]
            count += size
            if count > MAX_NODES:
                raise _Abort(
                    YamlIssue(
                        "ZCD005",
                        f"aliases expand this file past {MAX_NODES:,} values (an alias bomb?); "
                        "write the values out or use fewer aliases",
                        *pos,
                        pointer,
                    )
                )
        else:
            count += 1
            if cls is ScalarEvent:
                value = _scalar(event, pointer, pos, issues)
                if anchor is not None:
                    anchors[anchor] = (value, 1)
            else:
                if len(stack) >= MAX_DEPTH:
                    raise _Abort(
                        YamlIssue(
                            "ZCD012", f"nesting is deeper than {MAX_DEPTH} levels", *pos, pointer
                        )
                    )
                if event.tag not in (None, "!", _TAG + "map", _TAG + "seq"):
                    raise _Abort(
                        YamlIssue(
                            "ZCD011",
                            f"unsupported tag {event.tag!r}; use plain YAML values",
                            *pos,
                            pointer,
                        )
                    )
                value = {} if cls is MappingStartEvent else []
                if anchor is not None:
                    open_anchors.add(anchor)

        if parent is None:
            doc.value = value
            values[pointer] = pos
        elif parent.explicit is not None:
            key = parent.key
            parent.key = None
            if key == "\x00merge":
                parent.merged = [*(parent.merged or []), (value, pos)]
            elif not key.startswith("\x00"):  # type: ignore[union-attr]  # set when the key was read
                parent.container[key] = value
                values[pointer] = pos
                keys[pointer] = parent.key_pos
        else:
            parent.container.append(value)
            values[pointer] = pos

        if cls is MappingStartEvent or cls is SequenceStartEvent:
            stack.append(_Frame(value, pointer, anchor, count - 1))


# -- writing ------------------------------------------------------------------------------------


class _Dumper(yaml.SafeDumper):
    """Block style, and lists indented under their key as people write them."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> Any:
        return super().increase_indent(flow, False)


def dump_yaml(document: dict[str, Any]) -> str:
    """YAML that this module reads back as the same value: PyYAML's safe dumper quotes every string
    YAML would read as something else (``on``, ``yes``, ``010``, ``1:20``, ``null``...)."""
    return yaml.dump(
        document,
        Dumper=_Dumper,
        sort_keys=False,
        allow_unicode=True,
        default_flow_style=False,
        width=100,
    )
