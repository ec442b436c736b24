"""The YAML parser behind ``yamlio``: one lean pass over libyaml's events.

libyaml's parser produces events; one iterative loop turns them into plain values (dict, list,
str, int, float, bool, None) and, when asked, two maps from JSON pointer to (line, column). We do
not use ``yaml.compose``: PyYAML's C composer recurses and crashes the interpreter (a
segmentation fault, not an exception) on a few tens of thousands of nested brackets, and building
from events is also faster than composing nodes and walking them.

This module imports PyYAML; ``yamlio`` imports it only when a file is parsed, so a run that finds
every file in the cache never loads it.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
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

from zcd_schema.project.yamlio import MAX_DEPTH, MAX_NODES, Document, Position, YamlIssue, escape

_resolver = yaml.resolver.Resolver()
_constructor = yaml.constructor.SafeConstructor()

_TAG = "tag:yaml.org,2002:"
_STR, _INT, _FLOAT, _BOOL, _NULL, _MERGE = (
    _TAG + t for t in ("str", "int", "float", "bool", "null", "merge")
)
_MAP, _SEQ = _TAG + "map", _TAG + "seq"
_KEEP_AS_TEXT = {_TAG + "timestamp", _TAG + "binary", _TAG + "value", _STR}
_OCTAL = re.compile(r"^[-+]?0[0-7_]+$")
_SEXAGESIMAL = re.compile(r"^[-+]?[0-9][0-9_]*(:[0-5]?[0-9])+(\.[0-9_]*)?$")

try:  # libyaml's parser, called directly: an event per call, no generator between
    from yaml._yaml import CParser

    def _events(text: str) -> Iterator[Any]:
        return iter(CParser(text).get_event, None)

except ImportError:  # a PyYAML built without libyaml: its pure-Python parser, same events

    def _events(text: str) -> Iterator[Any]:
        return yaml.parse(text, Loader=yaml.SafeLoader)


class _Abort(Exception):
    def __init__(self, issue: YamlIssue) -> None:
        self.issue = issue


class _Rerun(Exception):
    """A duplicate key, met by the pass that keeps no positions: its message names the first
    key's position, so the file is read again with positions."""


# What a mapping's pending key can be besides the text of a key: its value is read and dropped
# (a complex or duplicate key), or merged when the mapping ends ('<<').
_COMPLEX, _DUPLICATE, _MERGE_KEY = object(), object(), object()


class _Frame:
    __slots__ = (
        "anchor",
        "container",
        "explicit",
        "is_map",
        "key",
        "key_pos",
        "merged",
        "pointer",
        "start_count",
        "token",
    )

    def __init__(
        self,
        container: Any,
        token: str | int | None,
        pointer: str | None,
        anchor: str | None,
        start_count: int,
    ) -> None:
        self.container = container
        self.is_map = isinstance(container, dict)
        # its place in the parent: a key, an index, or None (the root, or a value dropped)
        self.token = token
        self.pointer = pointer  # kept only by the pass that records positions
        self.key: Any = None  # mapping: the key waiting for its value
        self.key_pos: Position = (1, 1)
        self.anchor = anchor
        self.start_count = start_count
        # '<<' values and where they are written: merged when the mapping ends (a sequence of
        # aliases is complete only then), the mapping's own keys first, then each source in order
        self.merged: list[tuple[Any, Position]] | None = None
        # the mapping's own keys and where they are written (the pass that records positions)
        self.explicit: dict[str, Position] | None = (
            {} if self.is_map and pointer is not None else None
        )


def parse(text: str) -> Document:
    """The document of YAML text; never raises for bad input: problems become its issues.

    The value and the issues come from a pass that keeps no positions; the positions of keys and
    values come from a second pass over the text, the first time one is asked for (most files
    have no problem to point at)."""
    doc = Document(text=text)
    try:
        try:
            doc.value = _build(text, doc.issues, None)
        except _Rerun:
            doc.issues.clear()
            doc._positions = ({}, {})
            doc.value = _build(text, doc.issues, doc._positions)
    except _Abort as stop:
        doc.issues.append(stop.issue)
        doc.ok = False
        doc.value = None
    except yaml.YAMLError as exc:
        doc.issues.append(_syntax_issue(exc))
        doc.ok = False
        doc.value = None
    return doc


def parse_in_two(texts: list[str]) -> list[Document]:
    """``parse`` of each text, shared out by size between this process and a forked child, which
    sends its documents back through a pipe (marshal: plain values, between two processes of this
    same program)."""
    import marshal
    import os

    shares: tuple[list[int], list[int]] = ([], [])
    loads = [0, 0]
    for index in sorted(range(len(texts)), key=lambda i: -len(texts[i])):
        mine = 0 if loads[0] <= loads[1] else 1
        shares[mine].append(index)
        loads[mine] += len(texts[index])
    reading, writing = os.pipe()
    try:
        child = os.fork()
    except OSError:
        os.close(reading)
        os.close(writing)
        return [parse(text) for text in texts]
    if child == 0:  # the child: parse its share, send it, and leave at once
        status = 1
        try:
            os.close(reading)
            sent = [_flat(parse(texts[i])) for i in shares[1]]
            with os.fdopen(writing, "wb") as out:
                out.write(marshal.dumps(sent))
            status = 0
        finally:
            os._exit(status)
    os.close(writing)
    pipe = os.fdopen(reading, "rb")
    try:
        documents: dict[int, Document] = {i: parse(texts[i]) for i in shares[0]}
        received = pipe.read()
    finally:  # even on Ctrl-C: a closed pipe ends a child still writing, then it is waited for
        pipe.close()
        _, status = os.waitpid(child, 0)
    try:
        if status != 0:
            raise ValueError(f"status {status}")
        for index, flat in zip(shares[1], marshal.loads(received), strict=True):
            documents[index] = _unflat(flat, texts[index])
    except (ValueError, EOFError, TypeError):  # the child failed: its share is parsed here
        documents.update((i, parse(texts[i])) for i in shares[1])
    return [documents[i] for i in range(len(texts))]


def _flat(document: Document) -> tuple[Any, list[tuple[Any, ...]], bool]:
    return document.value, [tuple(vars(i).values()) for i in document.issues], document.ok


def _unflat(flat: Any, text: str) -> Document:
    value, issues, ok = flat
    return Document(value, [YamlIssue(*issue) for issue in issues], ok, text=text)


def positions_of(text: str) -> tuple[dict[str, Position], dict[str, Position]]:
    """Where every value and every key of ``text`` is written, by JSON pointer (of a file that
    does not parse, what comes before the problem)."""
    positions: tuple[dict[str, Position], dict[str, Position]] = ({}, {})
    try:
        _build(text, [], positions)
    except (_Abort, yaml.YAMLError):
        pass
    return positions


def _syntax_issue(exc: yaml.YAMLError) -> YamlIssue:
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    line, column = (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)
    problem = getattr(exc, "problem", None) or str(exc)
    if "exceeded maximum nesting depth" in problem:
        # libyaml's own cap (1,000 levels of brackets in recent releases) can come before ours
        return YamlIssue("ZCD012", f"nesting is deeper than {MAX_DEPTH} levels", line, column, "")
    context = getattr(exc, "context", None)
    message = f"{context}, {problem}" if context else problem
    return YamlIssue("ZCD001", message, line, column, "")


def _where(stack: list[_Frame], token: str | int | None = None) -> str:
    """The JSON pointer of the node at ``token`` under the innermost open collection (of that
    collection itself when None), worked out from the open collections: the pass that keeps no
    positions builds pointers only for what it reports."""
    top = stack[-1] if stack else None
    if top is not None and top.pointer is not None:
        base = top.pointer
    else:
        base = "".join("/" + escape(str(f.token)) for f in stack if f.token is not None)
    return base if token is None else base + "/" + escape(str(token))


def _pos(event: Any) -> Position:
    mark = event.start_mark
    return (mark.line + 1, mark.column + 1)


def _scalar(
    event: Any, tag: str, issues: list[YamlIssue], stack: list[_Frame], token: str | int | None
) -> Any:
    """A scalar that is not text: null, a boolean or a number, with the issues of YAML 1.1's
    surprises."""
    value = event.value
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
                    *_pos(event),
                    _where(stack, token),
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
                    *_pos(event),
                    _where(stack, token),
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
                    *_pos(event),
                    _where(stack, token),
                )
            )
        return number
    raise _Abort(
        YamlIssue(
            "ZCD011",
            f"unsupported tag {event.tag!r}; use plain YAML values",
            *_pos(event),
            _where(stack, token),
        )
    )


def _merge(frame: _Frame, issues: list[YamlIssue], stack: list[_Frame]) -> None:
    """YAML's merge key: keys the mapping writes itself win, then the merged mappings in the order
    they are listed (``<<: [*a, *b]``: a's keys before b's)."""
    for value, pos in frame.merged or ():
        sources = value if isinstance(value, list) else [value]
        if not all(isinstance(source, dict) for source in sources):
            issues.append(YamlIssue("ZCD104", "'<<' merges mappings only", *pos, _where(stack)))
            continue
        for source in sources:
            for k, v in source.items():
                if k not in frame.container:
                    frame.container[k] = v


def _build(
    text: str,
    issues: list[YamlIssue],
    positions: tuple[dict[str, Position], dict[str, Position]] | None,
) -> Any:
    """The value of ``text``, its issues added to ``issues``; with ``positions``, where every value
    and key is written, by JSON pointer, is recorded there too.

    One loop over libyaml's events, kept lean: it runs once per event of every file. Without
    ``positions`` it builds no pointer and no position but for what it reports."""
    record = positions is not None
    values, keys = positions if positions is not None else ({}, {})
    anchors: dict[str, tuple[Any, int]] = {}  # name -> (value, expanded node count)
    open_anchors: set[str] = set()
    stack: list[_Frame] = []
    top: _Frame | None = None  # stack[-1]
    root: Any = None
    count = 0  # nodes so far, aliases counted at their expanded size
    documents = 0
    skip_depth = 0  # > 0 while skipping a complex key's events
    plain_tags: dict[str, str] = {}  # plain scalar -> its resolved tag, for this text
    # locals, not globals, in the loop
    scalar_event, alias_event = ScalarEvent, AliasEvent
    mapping_start, mapping_end = MappingStartEvent, MappingEndEvent
    sequence_start, sequence_end = SequenceStartEvent, SequenceEndEvent
    keep_as_text, resolve, node_class = _KEEP_AS_TEXT, _resolver.resolve, yaml.ScalarNode

    event: Any  # PyYAML's stubs type events as the base class; the loop dispatches on the class
    for event in _events(text):
        cls = type(event)
        if skip_depth:
            if cls is mapping_start or cls is sequence_start:
                skip_depth += 1
            elif cls is mapping_end or cls is sequence_end:
                skip_depth -= 1
            continue

        if cls is scalar_event and top is not None and top.is_map and top.key is None:
            # A mapping's key: always the text written.
            key = event.value
            if key == "<<" and event.implicit[0] and event.tag is None:
                top.key = _MERGE_KEY
            elif key in top.container:
                if top.explicit is None:
                    raise _Rerun
                first = top.explicit[key]
                issues.append(
                    YamlIssue(
                        "ZCD002",
                        f"duplicate key {key!r}: already defined at line {first[0]}, column "
                        f"{first[1]}",
                        *_pos(event),
                        _where(stack, key),
                    )
                )
                top.key = _DUPLICATE
            else:
                top.key = key
                if top.explicit is not None:
                    top.key_pos = top.explicit[key] = _pos(event)
            continue

        if cls is mapping_end or cls is sequence_end:
            frame = stack[-1]
            if frame.merged:
                _merge(frame, issues, stack)  # still open: issues point at this mapping
            stack.pop()
            top = stack[-1] if stack else None
            if frame.anchor is not None:
                anchors[frame.anchor] = (frame.container, count - frame.start_count)
                open_anchors.discard(frame.anchor)
            continue

        if not (
            cls is scalar_event
            or cls is mapping_start
            or cls is sequence_start
            or cls is alias_event
        ):
            if cls is DocumentStartEvent:
                documents += 1
                if documents > 1:
                    issues.append(
                        YamlIssue(
                            "ZCD013",
                            "a file holds one YAML document; a second one starts here",
                            *_pos(event),
                            "",
                        )
                    )
                    return root
            continue  # stream and document ends

        if top is not None and top.is_map and top.key is None:
            # A key that is a list, a mapping or an alias: reported, its value read and dropped.
            issues.append(
                YamlIssue(
                    "ZCD007",
                    "keys must be plain text, not a list, a mapping or an alias",
                    *_pos(event),
                    _where(stack),
                )
            )
            if cls is not alias_event:
                skip_depth = 1
            top.key = _COMPLEX
            continue

        # A value, and where it goes.
        if top is None:
            token: str | int | None = None
        elif top.is_map:
            token = top.key if type(top.key) is str else None
        else:
            token = len(top.container)

        if cls is scalar_event:
            count += 1
            tag = event.tag
            if tag is None or tag == "!":
                value = event.value
                if event.implicit[0]:
                    tag = plain_tags.get(value)
                    if tag is None:
                        tag = plain_tags[value] = resolve(node_class, value, (True, False))  # type: ignore[no-untyped-call]
                    if tag not in keep_as_text:
                        value = _scalar(event, tag, issues, stack, token)
            elif tag in keep_as_text:
                value = event.value
            else:
                value = _scalar(event, tag, issues, stack, token)
            if event.anchor is not None:
                anchors[event.anchor] = (value, 1)
        elif cls is alias_event:
            name = event.anchor
            if name in open_anchors:
                raise _Abort(
                    YamlIssue(
                        "ZCD005",
                        f"alias *{name} refers to itself",
                        *_pos(event),
                        _where(stack, token),
                    )
                )
            if name not in anchors:
                raise _Abort(
                    YamlIssue(
                        "ZCD001",
                        f"alias *{name} names no anchor defined before it",
                        *_pos(event),
                        _where(stack, token),
                    )
                )
            value, size = anchors[name]
            count += size
            if count > MAX_NODES:
                raise _Abort(
                    YamlIssue(
                        "ZCD005",
                        f"aliases expand this file past {MAX_NODES:,} values (an alias bomb?); "
                        "write the values out or use fewer aliases",
                        *_pos(event),
                        _where(stack, token),
                    )
                )
        else:
            count += 1
            if len(stack) >= MAX_DEPTH:
                raise _Abort(
                    YamlIssue(
                        "ZCD012",
                        f"nesting is deeper than {MAX_DEPTH} levels",
                        *_pos(event),
                        _where(stack, token),
                    )
                )
            if event.tag not in (None, "!", _MAP, _SEQ):
                raise _Abort(
                    YamlIssue(
                        "ZCD011",
                        f"unsupported tag {event.tag!r}; use plain YAML values",
                        *_pos(event),
                        _where(stack, token),
                    )
                )
            value = {} if cls is mapping_start else []
            if event.anchor is not None:
                open_anchors.add(event.anchor)

        pointer = _where(stack, token) if record else None
        if top is None:
            root = value
            if record:
                values[""] = _pos(event)
        elif top.is_map:
            key = top.key
            top.key = None
            if key is _MERGE_KEY:
                top.merged = [*(top.merged or []), (value, _pos(event))]
            elif type(key) is str:
                top.container[key] = value
                if pointer is not None:
                    values[pointer] = _pos(event)
                    keys[pointer] = top.key_pos
        else:
            top.container.append(value)
            if pointer is not None:
                values[pointer] = _pos(event)

        if cls is mapping_start or cls is sequence_start:
            top = _Frame(value, token, pointer, event.anchor, count - 1)
            stack.append(top)
    return root
