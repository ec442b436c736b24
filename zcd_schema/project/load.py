"""Read a project's files and build the declared ``Project`` from them; no rules run here.

Reading never stops at the first problem: every file is read, and whatever cannot be read or
parsed becomes a diagnostic. Building takes what is well-formed enough to model: a key declared
twice keeps its first declaration (the check step reports the second), values of the wrong shape
are skipped (the check step reports them).
"""

from __future__ import annotations

import errno
import fnmatch
import os
import stat
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from zcd_schema.diagnostics import CODES, Diagnostic
from zcd_schema.errors import UsageError
from zcd_schema.project.model import (
    Account,
    CustomObject,
    CustomObjectField,
    EventSource,
    EventType,
    FieldOption,
    ObjectType,
    Origin,
    PeopleLookupField,
    ProfileSource,
    ProfileType,
    Project,
    RelationshipType,
    Settings,
)
from zcd_schema.project.yamlio import (
    MAX_FILE_BYTES,
    Document,
    decode,
    escape,
    load_texts,
    too_large,
)

if TYPE_CHECKING:
    from zcd_schema.project.cache import DocumentCache

SETTINGS_FILE = "zcd.yaml"
SECTIONS = (
    "custom_objects",
    "user_fields",
    "organization_fields",
    "object_types",
    "relationship_types",
    "profile_sources",
    "event_sources",
)


@dataclass
class ProjectFiles:
    """A project's files as read: the parsed documents (zcd.yaml among them when present)."""

    root: Path
    files: tuple[str, ...]  # the schema documents found, relative to root, in reading order
    documents: dict[str, Document] = field(default_factory=dict)  # every file that could be read
    # files unreadable, YAML that does not parse
    problems: list[Diagnostic] = field(default_factory=list)
    # each schema document's own checks (its structure), once run or found in the cache
    checked: dict[str, list[Diagnostic]] = field(default_factory=dict)
    cache: DocumentCache | None = None  # where unchanged files are found already read
    cache_off: str | None = None  # why there is no cache, when one was asked for

    def value(self, rel: str) -> Any:
        """The parsed value of a file, or None when it could not be read or parsed."""
        document = self.documents.get(rel)
        return document.value if document is not None and document.ok else None


def find_documents(
    root: Path, exclude: tuple[str, ...] = (), problems: list[Diagnostic] | None = None
) -> list[str]:
    """Schema documents below ``root``: every *.yaml / *.yml but zcd.yaml, hidden entries and
    ``exclude``. A folder that cannot be listed is a problem: its documents must not vanish."""

    def unreadable(error: OSError) -> None:
        if problems is not None:
            folder = os.path.relpath(error.filename or root, root).replace(os.sep, "/")
            problems.append(_problem("ZCD014", folder, f"cannot read the folder: {error.strerror}"))

    found: list[str] = []
    for folder, dirs, files in os.walk(root, onerror=unreadable):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        rel_folder = os.path.relpath(folder, root)
        for name in sorted(files):
            if name.startswith(".") or not name.endswith((".yaml", ".yml")):
                continue
            rel = name if rel_folder == "." else f"{rel_folder}/{name}".replace(os.sep, "/")
            if rel == SETTINGS_FILE or any(fnmatch.fnmatch(rel, pattern) for pattern in exclude):
                continue
            found.append(rel)
    return found


def read_documents(root: Path | str, *, cache: bool = False) -> ProjectFiles:
    """Read and parse zcd.yaml (when there is one) and every schema document it does not exclude;
    with ``cache``, a file whose bytes were read and checked before is taken from the project's
    cache instead of being parsed (``project/cache.py``)."""
    root = Path(root)
    if not root.is_dir():
        raise UsageError(f"project directory not found: {root}")
    read = ProjectFiles(root, ())
    if cache:
        from zcd_schema.project.cache import DocumentCache

        opened = DocumentCache.open(root)
        if isinstance(opened, str):
            read.cache_off = opened
        else:
            read.cache = opened
    if os.path.lexists(root / SETTINGS_FILE):
        _read(read, [SETTINGS_FILE])
    exclude = _settings(read.value(SETTINGS_FILE)).exclude
    read.files = tuple(find_documents(root, exclude, read.problems))
    _read(read, read.files)
    return read


def _read(read: ProjectFiles, files: tuple[str, ...] | list[str]) -> None:
    """Read ``files``, take what the cache knows, parse the rest (two at a time where it pays),
    and record each file's document and problems, in the order given."""
    documents: dict[str, Document] = {}
    to_parse: dict[str, str] = {}  # rel -> text
    for rel in files:
        try:
            data = read_regular_file(read.root / rel, MAX_FILE_BYTES)
        except OSError as exc:
            read.problems.append(
                _problem("ZCD014", rel, f"cannot read the file: {exc.strerror or exc}")
            )
            continue
        if isinstance(data, int):
            documents[rel] = too_large(data)
            continue
        text = decode(data)
        if isinstance(text, Document):  # not UTF-8
            documents[rel] = text
            continue
        entry = None if read.cache is None else read.cache.get(rel, _role(rel), data)
        if entry is None:
            to_parse[rel] = text
            continue
        entry.document.text = text
        documents[rel] = entry.document
        if _role(rel) == "document":
            read.checked[rel] = list(entry.diagnostics)
    documents.update(zip(to_parse, load_texts(list(to_parse.values())), strict=True))
    for rel in files:
        document = documents.get(rel)
        if document is None:
            continue  # could not be read
        read.documents[rel] = document
        read.problems += [
            _problem(i.code, rel, i.message, i.pointer, i.line, i.column) for i in document.issues
        ]


def _role(rel: str) -> str:
    return "config" if rel == SETTINGS_FILE else "document"


def read_regular_file(path: Path, limit: int) -> bytes | int:
    """The bytes of a regular file, or its size when over ``limit`` (then nothing is read).

    It is opened without blocking and checked on the open descriptor, so a FIFO, a socket or a
    device (a link to /dev/zero, say) is refused without being read, whatever is swapped in
    between; an OSError says why.
    """
    status = os.stat(path)  # sockets cannot even be opened: say what they are
    if not stat.S_ISREG(status.st_mode):
        raise OSError(errno.EINVAL, f"not a regular file ({_file_type(status.st_mode)})")
    descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    with os.fdopen(descriptor, "rb") as handle:
        status = os.fstat(descriptor)
        if not stat.S_ISREG(status.st_mode):
            raise OSError(errno.EINVAL, f"not a regular file ({_file_type(status.st_mode)})")
        if status.st_size > limit:
            return status.st_size
        data = handle.read(limit + 1)
        return len(data) if len(data) > limit else data


def _file_type(mode: int) -> str:
    for test, name in (
        (stat.S_ISDIR, "a folder"),
        (stat.S_ISFIFO, "a FIFO"),
        (stat.S_ISSOCK, "a socket"),
        (stat.S_ISCHR, "a character device"),
        (stat.S_ISBLK, "a block device"),
    ):
        if test(mode):
            return name
    return "not a plain file"


def _problem(
    code: str, file: str, message: str, pointer: str = "", line: int = 1, column: int = 1
) -> Diagnostic:
    return Diagnostic(code, CODES[code].severity, file, line, column, pointer, message)


def build_project(read: ProjectFiles) -> Project:
    """The declared model of what was read."""
    settings_document = read.documents.get(SETTINGS_FILE)
    settings = _settings(read.value(SETTINGS_FILE), settings_document)
    builder = _Builder(read)
    for rel in read.files:
        value = read.value(rel)
        if isinstance(value, dict):
            builder.add_document(rel, value)
    return Project(
        root=read.root,
        settings=settings,
        files=read.files,
        object_types=builder.object_types,
        relationship_types=builder.relationship_types,
        profile_sources=builder.profile_sources,
        event_sources=builder.event_sources,
        custom_objects=builder.custom_objects,
        user_fields=builder.user_fields,
        organization_fields=builder.organization_fields,
    )


def _settings(value: Any, document: Document | None = None) -> Settings:
    if not isinstance(value, dict):
        return Settings()
    accounts: dict[str, Account] = {}
    raw_accounts = value.get("accounts")
    if isinstance(raw_accounts, dict):
        for name, raw in raw_accounts.items():
            if isinstance(raw, dict):
                accounts[name] = _account(name, raw)
    default = value.get("default_account")
    exclude = value.get("exclude")
    local: dict[str, Any] = value["local"] if isinstance(value.get("local"), dict) else {}
    prune_line = (
        document.position("/prune", key=True)[0]
        if document is not None and "prune" in value
        else None
    )
    return Settings(
        default_account=default if isinstance(default, str) and default else "local",
        prune=value.get("prune") is True,
        prune_line=prune_line,
        exclude=tuple(p for p in exclude if isinstance(p, str))
        if isinstance(exclude, list)
        else (),
        accounts=accounts,
        zaf_app=value.get("zaf_app") is True,
        local_plan_tier=str(local.get("plan_tier") or "enterprise"),
        local_legacy_api=local.get("legacy_api") is not False,
    )


def _account(name: str, raw: dict[str, Any]) -> Account:
    fields: dict[str, Any] = {}
    for key in ("subdomain", "url", "email_env", "token_env", "oauth_token_env", "plan_tier"):
        if isinstance(raw.get(key), str):
            fields[key] = raw[key]
    rpm = raw.get("requests_per_minute")
    if isinstance(rpm, int) and not isinstance(rpm, bool) and rpm > 0:
        fields["requests_per_minute"] = rpm
    return Account(name=name, **fields)


class _Builder:
    """Merges documents into the model; of a key declared twice, the first declaration is kept."""

    def __init__(self, read: ProjectFiles) -> None:
        self.read = read
        self.object_types: dict[str, ObjectType] = {}
        self.relationship_types: dict[str, RelationshipType] = {}
        self.profile_sources: dict[str, ProfileSource] = {}
        self.event_sources: dict[str, EventSource] = {}
        self.custom_objects: dict[str, CustomObject] = {}
        self.user_fields: dict[str, PeopleLookupField] = {}
        self.organization_fields: dict[str, PeopleLookupField] = {}

    def _locator(self, file: str) -> Callable[[str], tuple[int, int]]:
        document = self.read.documents[file]
        return lambda pointer: document.position(pointer, key=True)

    def add_document(self, file: str, value: dict[str, Any]) -> None:
        for section in SECTIONS:
            entries = value.get(section)
            if not isinstance(entries, dict):
                continue
            for key, raw in entries.items():
                origin = Origin(file, f"/{section}/{escape(key)}", self._locator(file))
                if isinstance(raw, dict):
                    getattr(self, "_" + section)(key, raw, origin)

    def _custom_objects(self, key: str, raw: dict[str, Any], origin: Origin) -> None:
        if key in self.custom_objects:
            return
        fields = []
        for field_key, declared in _entries(raw.get("fields")):
            at = Origin(origin.file, f"{origin.pointer}/fields/{escape(field_key)}", origin.locate)
            fields.append(_custom_field(field_key, declared, at))
        self.custom_objects[key] = CustomObject(
            key=key,
            title=_text(raw.get("title")) or "",
            title_pluralized=_text(raw.get("title_pluralized")) or "",
            origin=origin,
            description=_text(raw.get("description")),
            include_in_list_view=raw.get("include_in_list_view") is not False,
            allows_photos=_flag(raw.get("allows_photos")),
            allows_attachments=_flag(raw.get("allows_attachments")),
            prevent_destroy=raw.get("prevent_destroy") is True,
            name_field=raw["name_field"] if isinstance(raw.get("name_field"), dict) else None,
            external_id_field=raw["external_id_field"]
            if isinstance(raw.get("external_id_field"), dict)
            else None,
            fields=tuple(fields),
        )

    def _user_fields(self, key: str, raw: dict[str, Any], origin: Origin) -> None:
        self.user_fields.setdefault(key, _people_field(key, raw, origin))

    def _organization_fields(self, key: str, raw: dict[str, Any], origin: Origin) -> None:
        self.organization_fields.setdefault(key, _people_field(key, raw, origin))

    def _object_types(self, key: str, raw: dict[str, Any], origin: Origin) -> None:
        if key not in self.object_types:
            schema = raw.get("schema")
            self.object_types[key] = ObjectType(
                key=key,
                schema=schema if isinstance(schema, dict) else {},
                origin=origin,
                prevent_destroy=raw.get("prevent_destroy") is True,
            )

    def _relationship_types(self, key: str, raw: dict[str, Any], origin: Origin) -> None:
        if key not in self.relationship_types:
            source, target = raw.get("source"), raw.get("target")
            one_to_many = isinstance(target, list)
            if isinstance(target, list):
                target = target[0] if len(target) == 1 else None
            if isinstance(source, str) and isinstance(target, str):
                self.relationship_types[key] = RelationshipType(
                    key=key,
                    source=source,
                    target=target,
                    one_to_many=one_to_many,
                    origin=origin,
                    prevent_destroy=raw.get("prevent_destroy") is True,
                )

    def _profile_sources(self, name: str, raw: dict[str, Any], origin: Origin) -> None:
        if name in self.profile_sources:
            return
        types: dict[str, ProfileType] = {}
        for type_name, t in _entries(raw.get("types")):
            ids = t.get("identifier_types")
            attributes = t.get("attributes")
            types[type_name] = ProfileType(
                name=type_name,
                identifier_types=tuple(i for i in ids if isinstance(i, str))
                if isinstance(ids, list)
                else (),
                origin=Origin(origin.file, f"{origin.pointer}/types/{escape(type_name)}"),
                attributes=attributes if isinstance(attributes, dict) else None,
            )
        self.profile_sources[name] = ProfileSource(name, types, origin)

    def _event_sources(self, name: str, raw: dict[str, Any], origin: Origin) -> None:
        if name in self.event_sources:
            return
        types: dict[str, EventType] = {}
        for type_name, t in _entries(raw.get("types")):
            description, properties = t.get("description"), t.get("properties")
            types[type_name] = EventType(
                name=type_name,
                origin=Origin(origin.file, f"{origin.pointer}/types/{escape(type_name)}"),
                description=description if isinstance(description, str) else None,
                properties=properties if isinstance(properties, dict) else None,
            )
        self.event_sources[name] = EventSource(name, types, origin)


def _custom_field(key: str, raw: dict[str, Any], origin: Origin) -> CustomObjectField:
    filter_ = raw.get("filter")
    return CustomObjectField(
        key=key,
        type=_text(raw.get("type")) or "text",
        title=_text(raw.get("title")) or "",
        origin=origin,
        description=_text(raw.get("description")),
        active=raw.get("active") is not False,
        required=_flag(raw.get("required")),
        options=_options(raw.get("options")),
        target=_text(raw.get("target")),
        filter=filter_ if isinstance(filter_, dict) else None,
        pattern=_text(raw.get("pattern")),
        tag=_text(raw.get("tag")),
        currency=_text(raw.get("currency")),
    )


def _people_field(key: str, raw: dict[str, Any], origin: Origin) -> PeopleLookupField:
    filter_ = raw.get("filter")
    return PeopleLookupField(
        key=key,
        title=_text(raw.get("title")) or "",
        target=_text(raw.get("target")) or "",
        origin=origin,
        description=_text(raw.get("description")),
        active=raw.get("active") is not False,
        required=_flag(raw.get("required")),
        filter=filter_ if isinstance(filter_, dict) else None,
        prevent_destroy=raw.get("prevent_destroy") is True,
    )


def _options(value: Any) -> tuple[FieldOption, ...]:
    """Options as a mapping (value: name) or a list of {value, name}, in the order written."""
    if isinstance(value, dict):
        return tuple(FieldOption(str(v), str(n)) for v, n in value.items() if isinstance(n, str))
    if isinstance(value, list):
        return tuple(
            FieldOption(o["value"], o["name"])
            for o in value
            if isinstance(o, dict)
            and isinstance(o.get("value"), str)
            and isinstance(o.get("name"), str)
        )
    return ()


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def _flag(value: Any) -> bool | None:
    return value if isinstance(value, bool) else None


def _entries(value: Any) -> list[tuple[str, dict[str, Any]]]:
    if not isinstance(value, dict):
        return []
    return [(k, v) for k, v in value.items() if isinstance(v, dict)]
