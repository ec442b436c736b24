"""Sample payloads checked against a project's declarations, offline (contract section 9).

Three shapes are recognised, by their top-level keys:

- an event, ``{"profile": {...}, "event": {source, type, properties, ...}}``: a declared event
  source and type, properties valid against the type's ``properties`` schema, and the profile
  checked as below;
- a profile, ``{source, type, identifiers, attributes}`` or the same inside ``{"profile": ...}``:
  a declared profile source and type, identifiers of its declared identifier types (at most 20),
  string attributes valid against the type's ``attributes`` schema;
- a custom object record, ``{"custom_object_record": {name, external_id, custom_object_fields}}``
  of the object given by ``--object KEY`` (or by the record's own ``custom_object_key``): declared
  fields, each value of its field's type.

Files are read as a stream: when the first line holds a whole JSON value the file is NDJSON (one
payload per line, blank lines skipped) and is checked one line at a time, in flat memory;
otherwise it is one JSON document, a payload or an array of payloads. Compiled schemas are kept
per type, so a large file costs one JSON parse and one validation per payload.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import IO, Any

from zcd_schema.diagnostics import ERROR, WARNING, Diagnostic
from zcd_schema.fastschema import Check, compile_check
from zcd_schema.project.model import CustomObjectField, Project
from zcd_schema.project.yamlio import escape

MAX_IDENTIFIERS = 20  # per profile (zendesk-api.md section 3)
MAX_TEXT = 65_536  # characters in a text or textarea value
MAX_INTEGER_DIGITS = 12
LOOKUP_FORMS = ("external_id:", "name:")
_DIGITS = re.compile(r"-?[0-9]+")
_DECIMAL = re.compile(r"-?[0-9]+(\.[0-9]+)?")


@dataclass(frozen=True)
class Problem:
    """One finding in one payload: where in the payload (a JSON pointer), what, and its code."""

    code: str
    pointer: str
    message: str
    severity: str = ERROR

    def __str__(self) -> str:
        return f"{self.pointer or '/'}: {self.message} [{self.code}]"


class PayloadChecker:
    """Checks payloads against one project's declarations. Build once, check many."""

    def __init__(self, project: Project, object_key: str | None = None) -> None:
        self.project = project
        self.object_key = object_key
        self._validators: dict[tuple[str, str, str], tuple[Any, Check | None]] = {}

    def check(self, payload: Any) -> list[Problem]:
        if not isinstance(payload, dict):
            return [Problem("ZCD902", "", f"a payload is a JSON object, not {_kind(payload)}")]
        if "event" in payload:
            return self._event(payload)
        if "custom_object_record" in payload:
            return self._record(payload["custom_object_record"], "/custom_object_record")
        if "profile" in payload:
            return self._profile(payload["profile"], "/profile")
        if "source" in payload and ("identifiers" in payload or "type" in payload):
            return self._profile(payload, "")
        keys = ", ".join(sorted(payload)[:5]) or "none"
        return [
            Problem(
                "ZCD902",
                "",
                "not an event ('event'), a profile ('source', 'type', 'identifiers') or a custom "
                f"object record ('custom_object_record'); top-level keys: {keys}",
            )
        ]

    # -- events and profiles ----------------------------------------------------------------------

    def _event(self, payload: dict[str, Any]) -> list[Problem]:
        problems: list[Problem] = []
        if "profile" in payload:
            problems += self._profile(payload["profile"], "/profile")
        event = payload["event"]
        if not isinstance(event, dict):
            return [*problems, _shape("/event", "an object", event)]
        found = self._declared(event, "/event", self.project.event_sources, "event", problems)
        if found is None:
            return problems
        source, kind = found
        properties = event.get("properties")
        declared = self.project.event_sources[source].types[kind].properties
        if properties is not None and not isinstance(properties, dict):
            problems.append(_shape("/event/properties", "an object", properties))
        elif declared is not None:
            problems += self._schema(
                ("event", source, kind), declared, properties or {}, "/event/properties"
            )
        return problems

    def _profile(self, profile: Any, at: str) -> list[Problem]:
        if not isinstance(profile, dict):
            return [_shape(at, "an object", profile)]
        problems: list[Problem] = []
        found = self._declared(profile, at, self.project.profile_sources, "profile", problems)
        if found is None:
            return problems
        source, kind = found
        declared = self.project.profile_sources[source].types[kind]
        problems += _identifiers(profile.get("identifiers"), declared.identifier_types, at)
        attributes = profile.get("attributes")
        if attributes is None:
            return problems
        if not isinstance(attributes, dict):
            return [*problems, _shape(f"{at}/attributes", "an object", attributes)]
        for name, value in attributes.items():
            if not isinstance(value, str):
                problems.append(
                    Problem(
                        "ZCD905",
                        f"{at}/attributes/{escape(name)}",
                        f"profile attributes are strings; this is {_kind(value)}",
                    )
                )
        if declared.attributes is not None:
            problems += self._schema(
                ("profile", source, kind), declared.attributes, attributes, f"{at}/attributes"
            )
        return problems

    def _declared(
        self,
        item: dict[str, Any],
        at: str,
        sources: dict[str, Any],
        what: str,
        problems: list[Problem],
    ) -> tuple[str, str] | None:
        source, kind = item.get("source"), item.get("type")
        for name, value in (("source", source), ("type", kind)):
            if not isinstance(value, str):
                problems.append(
                    Problem(
                        "ZCD903" if name == "source" else "ZCD904",
                        f"{at}/{name}",
                        f"the {what} {name} is missing",
                    )
                    if value is None
                    else _shape(f"{at}/{name}", "a string", value)
                )
        if not isinstance(source, str) or not isinstance(kind, str):
            return None
        declared = sources.get(source)
        if declared is None:
            near = _nearest(source, sources)
            problems.append(
                Problem("ZCD903", f"{at}/source", f"no {what} source '{source}' is declared{near}")
            )
            return None
        if kind not in declared.types:
            near = _nearest(kind, declared.types)
            problems.append(
                Problem(
                    "ZCD904",
                    f"{at}/type",
                    f"{what} source '{source}' declares no type '{kind}'{near}",
                )
            )
            return None
        return source, kind

    def _schema(
        self, key: tuple[str, str, str], schema: dict[str, Any], value: Any, at: str
    ) -> list[Problem]:
        found = self._validators.get(key)
        if found is None:
            from jsonschema import Draft4Validator

            found = self._validators[key] = (Draft4Validator(schema), compile_check(schema))
        validator, fast = found
        if (fast or validator.is_valid)(value):
            return []
        return [
            Problem(
                "ZCD905",
                at + "".join("/" + escape(str(p)) for p in error.absolute_path),
                error.message,
            )
            for error in sorted(validator.iter_errors(value), key=_error_place)
        ]

    # -- custom object records --------------------------------------------------------------------

    def _record(self, record: Any, at: str) -> list[Problem]:
        if not isinstance(record, dict):
            return [_shape(at, "an object", record)]
        key = self.object_key or record.get("custom_object_key")
        if not isinstance(key, str):
            return [
                Problem(
                    "ZCD906",
                    at,
                    "a record of which custom object? Give --object KEY (or "
                    "'custom_object_key' in the record)",
                )
            ]
        obj = self.project.custom_objects.get(key)
        if obj is None:
            near = _nearest(key, self.project.custom_objects)
            return [Problem("ZCD906", at, f"no custom object '{key}' is declared{near}")]
        problems = [
            _shape(f"{at}/{name}", "a string", record[name])
            for name in ("name", "external_id")
            if record.get(name) is not None and not isinstance(record[name], str)
        ]
        values = record.get("custom_object_fields")
        if values is None:
            return problems
        if not isinstance(values, dict):
            return [*problems, _shape(f"{at}/custom_object_fields", "an object", values)]
        fields = {f.key: f for f in obj.fields}
        for declared in obj.fields:
            if declared.required and declared.active and values.get(declared.key) is None:
                problems.append(
                    Problem(
                        "ZCD910",
                        f"{at}/custom_object_fields",
                        f"required field '{declared.key}' has no value (agents must fill it in; "
                        "whether the API refuses such a record is not documented)",
                        WARNING,
                    )
                )
        for name, value in values.items():
            where = f"{at}/custom_object_fields/{escape(name)}"
            field = fields.get(name)
            if field is None:
                near = _nearest(name, fields)
                problems.append(
                    Problem("ZCD907", where, f"custom object '{key}' declares no field{near}")
                )
                continue
            message = None if value is None else _field_value(field, value)
            if message is not None:
                problems.append(Problem("ZCD908", where, message))
            elif not field.active and value is not None:
                problems.append(
                    Problem("ZCD911", where, "the field is inactive: agents cannot see it", WARNING)
                )
        return problems


def _identifiers(identifiers: Any, declared: tuple[str, ...], at: str) -> list[Problem]:
    where = f"{at}/identifiers"
    if identifiers is None:
        return [Problem("ZCD909", where, "a profile needs at least one identifier")]
    if not isinstance(identifiers, list):
        return [_shape(where, "a list of {type, value}", identifiers)]
    problems: list[Problem] = []
    if not identifiers:
        problems.append(Problem("ZCD909", where, "a profile needs at least one identifier"))
    if len(identifiers) > MAX_IDENTIFIERS:
        problems.append(
            Problem(
                "ZCD909",
                where,
                f"{len(identifiers)} identifiers; a profile holds at most {MAX_IDENTIFIERS}",
            )
        )
    for i, identifier in enumerate(identifiers):
        here = f"{where}/{i}"
        if not isinstance(identifier, dict):
            problems.append(_shape(here, "an object {type, value}", identifier))
            continue
        kind, value = identifier.get("type"), identifier.get("value")
        if not isinstance(kind, str):
            problems.append(_shape(f"{here}/type", "a string", kind))
        elif kind not in declared:
            problems.append(
                Problem(
                    "ZCD909",
                    f"{here}/type",
                    f"identifier type '{kind}' is not declared for this profile type "
                    f"(declared: {', '.join(declared)})",
                )
            )
        if not isinstance(value, str) or not value:
            problems.append(_shape(f"{here}/value", "a non-empty string", value))
    return problems


def _field_value(field: CustomObjectField, value: Any) -> str | None:
    """Why ``value`` is not a value of ``field``, or None when it is."""
    kind = field.type
    if kind in ("text", "textarea", "regexp"):
        if not isinstance(value, str):
            return f"a {kind} field holds a string, not {_kind(value)}"
        if len(value) > MAX_TEXT:
            return f"{len(value):,} characters; a {kind} value holds at most {MAX_TEXT:,}"
        if kind == "regexp" and field.pattern and not _matches(field.pattern, value):
            return f"'{_short(value)}' does not match the field's pattern {field.pattern}"
        return None
    if kind == "checkbox":
        return (
            None
            if isinstance(value, bool)
            else f"a checkbox holds true or false, not {_kind(value)}"
        )
    if kind == "date":
        return _date(value)
    if kind == "integer":
        return _integer(value)
    if kind in ("decimal", "currency"):
        if isinstance(value, bool) or not (
            isinstance(value, (int, float))
            or (isinstance(value, str) and _DECIMAL.fullmatch(value))
        ):
            return f"a {kind} field holds a number, not {_kind(value)}"
        return None
    if kind == "dropdown":
        if not isinstance(value, str):
            return f"a dropdown holds one option value, not {_kind(value)}"
        return _option(field, value)
    if kind == "multiselect":
        if not isinstance(value, list):
            return f"a multiselect holds a list of option values, not {_kind(value)}"
        for item in value:
            if not isinstance(item, str):
                return f"option values are strings, not {_kind(item)}"
            problem = _option(field, item)
            if problem is not None:
                return problem
        return None
    if kind == "lookup":
        return _lookup(value)
    return None  # a type zcd-schema does not know has no value rule here


def _date(value: Any) -> str | None:
    if not isinstance(value, str) or not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", value):
        return f"a date is written YYYY-MM-DD, not {_shown(value)}"
    try:
        date.fromisoformat(value)
    except ValueError:
        return f"{value} is not a day of the calendar"
    return None


def _integer(value: Any) -> str | None:
    if isinstance(value, bool) or not (
        isinstance(value, int) or (isinstance(value, str) and _DIGITS.fullmatch(value))
    ):
        return f"an integer field holds a whole number, not {_shown(value)}"
    digits = len(str(abs(int(value))))
    if digits > MAX_INTEGER_DIGITS:
        return f"{digits} digits; an integer holds at most {MAX_INTEGER_DIGITS}"
    return None


def _option(field: CustomObjectField, value: str) -> str | None:
    values = [o.value for o in field.options]
    if value in values:
        return None
    names = {o.name: o.value for o in field.options}
    hint = (
        f" (that is the name of option '{names[value]}'; records hold the value)"
        if value in names
        else ""
    )
    return f"'{_short(value)}' is not an option value of this field{hint}"


def _lookup(value: Any) -> str | None:
    if isinstance(value, int) and not isinstance(value, bool) and value > 0:
        return None
    if isinstance(value, str):
        if value.isdigit() and value != "0":
            return None
        for form in LOOKUP_FORMS:
            if value.startswith(form) and len(value) > len(form):
                return None
    return f"a lookup holds a record id, 'external_id:X' or 'name:X', not {_shown(value)}"


_PATTERNS: dict[str, re.Pattern[str] | None] = {}


def _matches(pattern: str, value: str) -> bool:
    """Ruby's regexp semantics approximated by Python's: validate rejects patterns Python cannot
    read, so a compile failure here only means "cannot tell", and nothing is reported."""
    compiled = _PATTERNS.get(pattern, ...)
    if compiled is ...:
        try:
            compiled = re.compile(pattern)
        except re.error:
            compiled = None
        _PATTERNS[pattern] = compiled
    return compiled is None or compiled.search(value) is not None


def _error_place(error: Any) -> list[str]:
    """Where a schema error is, as a sort key (indices and names as text, so they compare)."""
    return [str(part) for part in error.absolute_path]


# -- reading files as streams ---------------------------------------------------------------------


@dataclass(frozen=True)
class Payload:
    line: int  # where the payload starts, from 1
    column: int
    value: Any = None
    error: str | None = None  # not JSON: why


def read_payloads(stream: IO[str]) -> Iterator[Payload]:
    """The payloads of a text stream: NDJSON line by line, or one JSON document (a payload or a
    list of them), decided by the first non-blank line."""
    number = 0
    for number, line in enumerate(stream, start=1):  # noqa: B007 (number is used after the loop)
        if line.strip():
            break
    else:
        return
    try:
        first = json.loads(line)
    except ValueError:
        first = None  # a JSON document over several lines
        many = True
    else:
        many = isinstance(first, list)  # an array on one line is a document too
    if many:
        yield from _document(line + stream.read(), number)
        return
    yield Payload(number, _indent(line), first)
    for number, line in enumerate(stream, start=number + 1):  # noqa: B020
        if not line.strip():
            continue
        try:
            yield Payload(number, _indent(line), json.loads(line))
        except ValueError as exc:
            yield Payload(number, _indent(line), error=_json_error(exc))


def _document(text: str, first_line: int) -> Iterator[Payload]:
    """One JSON document starting on ``first_line``; an array gives one payload per element, each
    at its own line."""
    decoder = json.JSONDecoder()
    start = len(text) - len(text.lstrip())
    line_of = _LineIndex(text, first_line)
    try:
        if not text.startswith("[", start):
            value, end = decoder.raw_decode(text, start)
            _only_whitespace_after(text, end)
            yield Payload(*line_of(start), value)
            return
        position = _skip(text, start + 1)
        if text.startswith("]", position):
            _only_whitespace_after(text, position + 1)
            return
        while True:
            value, end = decoder.raw_decode(text, position)
            yield Payload(*line_of(position), value)
            position = _skip(text, end)
            if text.startswith("]", position):
                _only_whitespace_after(text, position + 1)
                return
            if not text.startswith(",", position):
                raise json.JSONDecodeError("expected ',' or ']'", text, position)
            position = _skip(text, position + 1)
    except json.JSONDecodeError as exc:
        yield Payload(*line_of(exc.pos), error=exc.msg)


def _only_whitespace_after(text: str, end: int) -> None:
    position = _skip(text, end)
    if position < len(text):
        raise json.JSONDecodeError(
            "more than one JSON value (for one payload per line, write NDJSON)", text, position
        )


def _skip(text: str, position: int) -> int:
    while position < len(text) and text[position] in " \t\r\n":
        position += 1
    return position


class _LineIndex:
    """Line and column of positions asked in increasing order, counted from the last one asked, so
    that an array of many payloads costs one pass over the text, not one per element."""

    def __init__(self, text: str, first_line: int) -> None:
        self.text, self.first_line = text, first_line
        self.position, self.line, self.line_start = 0, first_line, 0

    def __call__(self, position: int) -> tuple[int, int]:
        if position < self.position:  # not expected; counting again from the start is right
            self.position, self.line, self.line_start = 0, self.first_line, 0
        self.line += self.text.count("\n", self.position, position)
        newline = self.text.rfind("\n", self.position, position)
        if newline >= 0:
            self.line_start = newline + 1
        self.position = position
        return self.line, position - self.line_start + 1


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip()) + 1


def _json_error(exc: ValueError) -> str:
    return exc.msg if isinstance(exc, json.JSONDecodeError) else str(exc)


def check_stream(
    checker: PayloadChecker, stream: IO[str], file: str, counter: list[int] | None = None
) -> Iterator[Diagnostic]:
    """The diagnostics of every payload of ``stream``, as they are found; ``counter[0]`` counts
    the payloads read."""
    for payload in read_payloads(stream):
        if counter is not None:
            counter[0] += 1
        if payload.error is not None:
            yield Diagnostic(
                "ZCD901",
                ERROR,
                file,
                payload.line,
                payload.column,
                "",
                f"not JSON: {payload.error}",
            )
            continue
        for problem in checker.check(payload.value):
            yield Diagnostic(
                problem.code,
                problem.severity,
                file,
                payload.line,
                payload.column,
                problem.pointer,
                problem.message,
            )


def check_payload(
    payload: Any, project: Project | Path | str = ".", *, object_key: str | None = None
) -> list[Problem]:
    """The problems of one payload (a parsed JSON value, or JSON text) against a project's
    declarations; an empty list when it passes. ``project`` is a loaded ``Project`` or the path
    of a project folder (read once and kept while its files are unchanged); an invalid project
    raises ``InvalidProject``."""
    if isinstance(payload, (str, bytes)):
        payload = json.loads(payload)
    model = project if isinstance(project, Project) else _cached_project(Path(project))
    return PayloadChecker(model, object_key).check(payload)


_PROJECTS: dict[Path, tuple[tuple[tuple[str, int, int], ...], Project]] = {}


def _cached_project(root: Path) -> Project:
    from zcd_schema.project.load import SETTINGS_FILE, find_documents
    from zcd_schema.project.validate import valid_project

    resolved = root.resolve()
    files = [*find_documents(resolved), SETTINGS_FILE]
    stamp = tuple(_stamp(resolved, rel) for rel in files)
    cached = _PROJECTS.get(resolved)
    if cached is not None and cached[0] == stamp:
        return cached[1]
    project = valid_project(resolved, "no payload was checked").project
    _PROJECTS[resolved] = (stamp, project)
    return project


def _stamp(root: Path, rel: str) -> tuple[str, int, int]:
    try:
        stat = (root / rel).stat()
    except OSError:
        return rel, -1, -1
    return rel, stat.st_mtime_ns, stat.st_size


# -- small helpers --------------------------------------------------------------------------------


def _shape(pointer: str, expected: str, value: Any) -> Problem:
    return Problem("ZCD902", pointer, f"expected {expected}, not {_kind(value)}")


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "a string"
    return "a list" if isinstance(value, list) else "an object"


def _shown(value: Any) -> str:
    return f"'{_short(value)}'" if isinstance(value, str) else _kind(value)


def _short(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _nearest(name: str, known: Iterable[str]) -> str:
    from difflib import get_close_matches

    names = list(known)
    close = get_close_matches(name, names, n=1)
    if close:
        return f" (did you mean '{close[0]}'?)"
    if not names:
        return " (none is declared)"
    shown = sorted(names)
    more = f" and {len(shown) - 12} more" if len(shown) > 12 else ""
    return f" (declared: {', '.join(shown[:12])}{more})"


STDIN = "-"
STDIN_SHOWN = "<stdin>"


@dataclass
class Tally:
    payloads: int = 0
    files: int = 0
    errors: int = 0
    warnings: int = 0


def check_files(
    checker: PayloadChecker,
    files: Iterable[str],
    report: Callable[[Diagnostic], None],
    stdin: IO[str] | None = None,
    *,
    strict: bool = False,
) -> Tally:
    """Check every payload of ``files`` (``-``: ``stdin``), handing each diagnostic to ``report``
    as soon as it is found (with ``strict``, warnings as errors); nothing is kept, so memory stays
    flat however long the files are."""
    tally = Tally()

    def found(diagnostic: Diagnostic) -> None:
        if strict:
            diagnostic = diagnostic.promoted()
        tally.errors += diagnostic.severity == ERROR
        tally.warnings += diagnostic.severity == WARNING
        report(diagnostic)

    for file in files:
        tally.files += 1
        counter = [0]
        if file == STDIN:
            if stdin is not None:
                _check_opened(checker, stdin, STDIN_SHOWN, counter, found)
        else:
            try:
                with open(file, encoding="utf-8-sig", newline=None) as stream:
                    _check_opened(checker, stream, file, counter, found)
            except OSError as exc:
                found(Diagnostic("ZCD014", ERROR, file, 1, 1, "", exc.strerror or str(exc)))
        tally.payloads += counter[0]
    return tally


def _check_opened(
    checker: PayloadChecker,
    stream: IO[str],
    file: str,
    counter: list[int],
    found: Callable[[Diagnostic], None],
) -> None:
    try:
        for diagnostic in check_stream(checker, stream, file, counter):
            found(diagnostic)
    except UnicodeDecodeError as exc:
        where = f" (after payload {counter[0]})" if counter[0] else ""
        found(Diagnostic("ZCD003", ERROR, file, 1, 1, "", f"not UTF-8 text{where}: {exc.reason}"))
