"""The YAML writer import and migrate use: block style, lists indented under their key.

What it writes reads back as the same value: every string YAML would read as something else
(``on``, ``yes``, ``null``, ``010``, ``1:20``...) is quoted. PyYAML's pure-Python emitter took
most of import's time, so where PyYAML has libyaml the writing is split:

- the structure (mappings and lists, in the house style) is written here, line by line;
- a string that is plainly safe (letters, digits and a few marks, which the resolver reads back as
  text) is written as it is;
- any other string is rendered by libyaml's emitter, which decides its quoting, on one line (no
  folding); a string libyaml would spread over lines (one holding a line break) is written
  double-quoted with escapes.

Without libyaml, or for anything this writer does not expect (a key that is not text, or too
long for a simple key), the document goes through PyYAML's own dumper whole.
A test holds both writers to the same values, and to the same text where no string needs quoting.
"""

from __future__ import annotations

import re
from typing import Any

import yaml

_STR_TAG = "tag:yaml.org,2002:str"
_PLAIN = re.compile(r"[A-Za-z0-9_](?:[A-Za-z0-9_ .,()/+'-]*[A-Za-z0-9_.,)/'+-])?")
_resolver = yaml.resolver.Resolver()
_CDumper = getattr(yaml, "CSafeDumper", None)


class _Dumper(yaml.SafeDumper):
    """Block style, and lists indented under their key as people write them."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> Any:
        return super().increase_indent(flow, False)


class _Unexpected(Exception):
    """Something the line writer leaves to PyYAML's dumper."""


def dump(document: dict[str, Any]) -> str:
    """``document`` as YAML that ``yamlio`` reads back as the same value."""
    if _CDumper is not None and isinstance(document, dict) and document:
        try:
            lines: list[str] = []
            _mapping(document, 0, "", lines)
            return "".join(lines)
        except _Unexpected:
            pass
    return python_dump(document)


def python_dump(document: Any) -> str:
    """PyYAML's own safe dumper, in the house style (the writer without libyaml)."""
    return yaml.dump(
        document,
        Dumper=_Dumper,
        sort_keys=False,
        allow_unicode=True,
        default_flow_style=False,
        width=100,
    )


def _mapping(mapping: dict[Any, Any], indent: int, first: str, lines: list[str]) -> None:
    """A non-empty mapping at ``indent``; its first key follows ``first`` (a list's '- ') when
    given."""
    pad = " " * indent
    for number, (key, value) in enumerate(mapping.items()):
        head = (first if number == 0 and first else pad) + _key(key) + ":"
        _value(head, value, indent, lines)


def _sequence(items: list[Any], indent: int, first: str, lines: list[str]) -> None:
    pad = " " * indent
    for number, item in enumerate(items):
        head = (first if number == 0 and first else pad) + "-"
        if isinstance(item, dict) and item:
            _mapping(item, indent + 2, head + " ", lines)
        elif isinstance(item, list) and item:
            _sequence(item, indent + 2, head + " ", lines)
        else:
            lines.append(f"{head} {_scalar(item)}\n")


def _value(head: str, value: Any, indent: int, lines: list[str]) -> None:
    if isinstance(value, dict) and value:
        lines.append(head + "\n")
        _mapping(value, indent + 2, "", lines)
    elif isinstance(value, list) and value:
        lines.append(head + "\n")
        _sequence(value, indent + 2, "", lines)
    else:
        lines.append(f"{head} {_scalar(value)}\n")


def _key(key: Any) -> str:
    if not isinstance(key, str):
        raise _Unexpected
    if len(key) < 128 and _plain(key):
        return key
    written = _libyaml({key: 0})
    if written.endswith(": 0\n") and "\n" not in written[:-1] and not written.startswith("? "):
        return written[: -len(": 0\n")]
    if len(key) < 1000:  # libyaml would write it in the explicit '? ' form, or over lines
        return _double_quoted(key)
    raise _Unexpected  # longer than a simple key may be


def _scalar(value: Any) -> str:
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return _float(value)
    if isinstance(value, dict):
        return "{}"  # empty: a non-empty one is written as a block
    if isinstance(value, list):
        return "[]"
    if not isinstance(value, str):
        raise _Unexpected
    if _plain(value):
        return value
    written = _libyaml({"k": value})
    if written.startswith("k: ") and written.count("\n") == 1:
        return written[len("k: ") : -1]
    return _double_quoted(value)


def _plain(text: str) -> bool:
    return (
        _PLAIN.fullmatch(text) is not None
        and _resolver.resolve(yaml.ScalarNode, text, (True, False)) == _STR_TAG  # type: ignore[no-untyped-call]
    )


def _float(value: float) -> str:
    """As PyYAML writes a float: .nan, .inf, and a '.0' before an exponent that has none."""
    if value != value:
        return ".nan"
    if value in (float("inf"), float("-inf")):
        return ".inf" if value > 0 else "-.inf"
    text = repr(value).lower()
    return text.replace("e", ".0e", 1) if "." not in text and "e" in text else text


def _libyaml(document: dict[str, Any]) -> str:
    return yaml.dump(
        document,
        Dumper=_CDumper,
        allow_unicode=True,
        default_flow_style=False,
        width=-1,  # never fold: one value, one line
    )


def _double_quoted(text: str) -> str:
    """A double-quoted scalar on one line: line breaks and every character that is not printable
    (which YAML would read as a break, or refuse) written as escapes."""
    out = ['"']
    for c in text:
        if c == '"' or c == "\\":
            out.append("\\" + c)
        elif c.isprintable():
            out.append(c)
        elif c == "\n":
            out.append("\\n")
        elif c == "\t":
            out.append("\\t")
        elif ord(c) <= 0xFF:
            out.append(f"\\x{ord(c):02x}")
        elif ord(c) <= 0xFFFF:
            out.append(f"\\u{ord(c):04x}")
        else:
            out.append(f"\\U{ord(c):08x}")
    out.append('"')
    return "".join(out)
