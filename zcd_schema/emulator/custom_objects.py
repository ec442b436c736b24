"""The emulator's custom objects: ``/api/v2/custom_objects`` as ``custom-objects-api.md`` documents
it, with the Support API's envelopes and error bodies.

Objects, their fields (standard fields on every object, cursor pagination, options replaced whole,
reorder), records with a count, and the object and field limits with live counts. Choices the
sources leave open are marked UNCONFIRMED here and listed in the README.
"""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from zcd_schema.emulator.store import Store, now

PREFIX = ["api", "v2", "custom_objects"]
# plan tier -> (objects, lookup fields per object)
TIERS = {
    "team": (3, 5),
    "growth": (5, 5),
    "professional": (30, 10),
    "enterprise": (50, 10),
    "enterprise_plus": (50, 10),
}
FIELD_LIMIT = 100
OPTION_LIMIT = 2000
REGEXP_LIMIT = 255
PAGE_SIZE = 100  # page[size] at most (and by default: UNCONFIRMED)
FIELD_TYPES = frozenset(
    {
        "text",
        "textarea",
        "checkbox",
        "date",
        "integer",
        "decimal",
        "regexp",
        "dropdown",
        "multiselect",
        "lookup",
        "currency",
    }
)
ZEN_TARGETS = frozenset({"zen:user", "zen:organization", "zen:ticket"})
KEY = re.compile(r"^[A-Za-z0-9_]+$")
# Zendesk's own fields on every object, as its published answers show them: "system": false (a
# standard field is known by its key's prefix), title and description alike
STANDARD_FIELDS = (("standard::name", "Name"), ("standard::external_id", "External ID"))
STANDARD_PREFIX = "standard::"
TRANSLATABLE = ("title", "title_pluralized", "description")
_PLACEHOLDER = re.compile(r"\{\{\s*dc\.([^{}]+?)\s*\}\}")
AGENT_ID = "10234"  # the user the emulator's writes are made as (Zendesk answers with ids as text)
OBJECT_WRITABLE = (
    "title",
    "title_pluralized",
    "description",
    "include_in_list_view",
    "allows_photos",
    "allows_attachments",
)
FIELD_WRITABLE = (
    "title",
    "description",
    "active",
    "required",
    "position",
    "custom_field_options",
    "relationship_filter",
    "tag",
    "regexp_for_validation",
    "properties",
)
STANDARD_WRITABLE = ("title", "description", "properties")
NAME_PROPERTIES = (
    "is_unique",
    "autoincrement_enabled",
    "autoincrement_prefix",
    "autoincrement_padding",
    "autoincrement_next_sequence",
)
Handler = Callable[[Any], tuple[int, Any]]


def _standard(field: dict[str, Any]) -> bool:
    return str(field.get("key", "")).startswith(STANDARD_PREFIX)


def _render(text: Any) -> Any:
    """What Zendesk shows for a text holding dynamic-content placeholders: each rendered in the
    API user's language (here, the item's name: ``{{dc.car_title}}`` reads "Car title")."""
    if not isinstance(text, str):
        return text
    return _PLACEHOLDER.sub(lambda m: m.group(1).replace("_", " ").strip().capitalize(), text)


def _set_texts(body: dict[str, Any], data: dict[str, Any], names: tuple[str, ...]) -> None:
    """Write the translatable texts of ``data`` (plain or ``raw_*``): ``raw_*`` keeps what was
    written, the plain attribute its rendering, as Zendesk answers."""
    for name in names:
        if f"raw_{name}" in data:
            value = data[f"raw_{name}"]
        elif name in data:
            value = data[name]
        else:
            continue
        body[f"raw_{name}"] = value
        body[name] = _render(value)


class CustomObjectsApi:
    """The routes under /api/v2/custom_objects; ``Emulator`` dispatches to them."""

    def __init__(self, store: Store, plan_tier: str = "enterprise") -> None:
        if plan_tier not in TIERS:
            raise ValueError(f"plan tier {plan_tier!r}; one of {', '.join(TIERS)}")
        self.store = store
        self.plan_tier = plan_tier
        self.object_limit, self.lookup_limit = TIERS[plan_tier]
        # literal paths before the ones with placeholders
        self.routes: list[tuple[list[str], dict[str, Handler]]] = [
            ([], {"GET": self.list_objects, "POST": self.create_object}),
            (["limits", "object_limit"], {"GET": self.object_limit_count}),
            (["{key}", "fields", "reorder"], {"PUT": self.reorder_fields}),
            (["{key}", "limits", "field_limit"], {"GET": self.field_limit_count}),
            (["{key}", "records", "count"], {"GET": self.count_records}),
            (["{key}", "fields"], {"GET": self.list_fields, "POST": self.create_field}),
            (["{key}", "records"], {"POST": self.create_record}),
            (
                ["{key}", "fields", "{field}"],
                {
                    "GET": self.show_field,
                    "PATCH": self.update_field,
                    "PUT": self.update_field,
                    "DELETE": self.delete_field,
                },
            ),
            (
                ["{key}"],
                {
                    "GET": self.show_object,
                    "PATCH": self.update_object,
                    "PUT": self.update_object,
                    "DELETE": self.delete_object,
                },
            ),
        ]

    # -- objects --------------------------------------------------------------------------------

    def list_objects(self, request: Any) -> tuple[int, Any]:
        with self.store.transaction():
            rows = self.store.rows("SELECT body FROM co_objects ORDER BY seq")
        return 200, {"custom_objects": [json.loads(r["body"]) for r in rows]}

    def show_object(self, request: Any) -> tuple[int, Any]:
        with self.store.transaction():
            return 200, {"custom_object": self._object(request.params["key"])}

    def create_object(self, request: Any) -> tuple[int, Any]:
        data = _envelope(request, "custom_object")
        key = data.get("key")
        problems = {}
        if not isinstance(key, str) or not key:
            problems["key"] = ("BlankValue", "Key cannot be blank")
        elif key.startswith("standard::") or not KEY.match(key) or key.isdigit():
            problems["key"] = (
                "InvalidValue",
                "Key may contain only letters, numbers and underscores",
            )
        for name in ("title", "title_pluralized"):
            given = data.get(name, data.get(f"raw_{name}"))
            if not isinstance(given, str) or not given:
                problems[name] = (
                    "BlankValue",
                    f"{name.replace('_', ' ').capitalize()} cannot be blank",
                )
        if problems:
            raise _record_invalid(problems)
        with self.store.transaction():
            if self.store.rows("SELECT 1 FROM co_objects WHERE key = ?", (key,)):
                raise _record_invalid({"key": ("DuplicateValue", "Key has already been taken")})
            count = len(self.store.rows("SELECT 1 FROM co_objects"))
            if count >= self.object_limit:  # UNCONFIRMED: the code and wording of this refusal
                raise _record_invalid(
                    {
                        "base": (
                            "LimitExceeded",
                            f"The account holds at most {self.object_limit} custom objects",
                        )
                    }
                )
            stamp = now()
            body = {
                "key": key,
                "title": "",
                "title_pluralized": "",
                "description": "",
                "include_in_list_view": True,
                "allows_photos": False,
                "allows_attachments": False,
            }
            body.update({k: data[k] for k in OBJECT_WRITABLE if k in data})
            _set_texts(body, data, TRANSLATABLE)
            for name in TRANSLATABLE:
                body.setdefault(f"raw_{name}", body[name])
            body.update(
                created_at=stamp,
                updated_at=stamp,
                created_by_user_id=AGENT_ID,
                updated_by_user_id=AGENT_ID,
                url=f"{request.base}/api/v2/custom_objects/{key}.json",
            )
            self.store.run(
                "INSERT INTO co_objects (key, body) VALUES (?, ?)", (key, json.dumps(body))
            )
            for position, (field_key, title) in enumerate(STANDARD_FIELDS):
                field: dict[str, Any] = {
                    "key": field_key,
                    "type": "text",
                    "title": title,
                    "raw_title": title,
                    "description": title,
                    "raw_description": title,
                    "regexp_for_validation": None,
                    "system": False,
                    "active": True,
                    "required": field_key == "standard::name",
                    "position": position,
                }
                if field_key == "standard::name":
                    field["properties"] = {
                        "autoincrement_enabled": False,
                        "autoincrement_next_sequence": 1,
                        "autoincrement_padding": 0,
                        "autoincrement_prefix": "",
                        "is_unique": False,
                    }
                self._insert_field(str(key), field, request.base)
        return 201, {"custom_object": body}

    def update_object(self, request: Any) -> tuple[int, Any]:
        data = _envelope(request, "custom_object")
        key = request.params["key"]
        if "key" in data and data["key"] != key:
            raise _record_invalid({"key": ("Immutable", "Key cannot be changed")})
        with self.store.transaction():
            body = self._object(key)
            body.update({k: data[k] for k in OBJECT_WRITABLE if k in data})
            _set_texts(body, data, TRANSLATABLE)
            body["updated_at"] = now()
            body["updated_by_user_id"] = AGENT_ID
            self.store.run("UPDATE co_objects SET body = ? WHERE key = ?", (json.dumps(body), key))
        return 200, {"custom_object": body}

    def delete_object(self, request: Any) -> tuple[int, Any]:
        key = request.params["key"]
        with self.store.transaction():
            self._object(key)
            pointing = [f"{obj}.{field}" for obj, field in self._lookups_to(key) if obj != key]
            if pointing:  # UNCONFIRMED: the status and body of this refusal
                raise _record_invalid(
                    {
                        "base": (
                            "LookupFieldsExist",
                            "The custom object is the "
                            "target of lookup fields: " + ", ".join(pointing),
                        )
                    }
                )
            self.store.run("DELETE FROM co_objects WHERE key = ?", (key,))
            self.store.run("DELETE FROM co_fields WHERE object = ?", (key,))
            self.store.run("DELETE FROM co_records WHERE object = ?", (key,))
        return 204, None

    def object_limit_count(self, request: Any) -> tuple[int, Any]:
        with self.store.transaction():
            count = len(self.store.rows("SELECT 1 FROM co_objects"))
        return 200, {"count": count, "limit": self.object_limit}

    # -- fields ---------------------------------------------------------------------------------

    def list_fields(self, request: Any) -> tuple[int, Any]:
        key = request.params["key"]
        standard = (request.arg("include_standard_fields") or "false").lower() == "true"
        size = _page_size(request.arg("page[size]"))
        after = _cursor(request.arg("page[after]"))
        with self.store.transaction():
            self._object(key)
            fields = [
                json.loads(r["body"])
                for r in self.store.rows("SELECT body FROM co_fields WHERE object = ?", (key,))
            ]
        fields = [f for f in fields if standard or not _standard(f)]
        fields.sort(key=lambda f: (f.get("position", 0), f["id"]))
        start = 0
        if after is not None:
            start = next((i + 1 for i, f in enumerate(fields) if f["id"] == after), len(fields))
        page = fields[start : start + size]
        has_more = start + size < len(fields)
        links: dict[str, Any] = {"next": None, "prev": None}
        meta: dict[str, Any] = {"has_more": has_more, "after_cursor": None, "before_cursor": None}
        if page:
            meta["after_cursor"], meta["before_cursor"] = (
                _encode(page[-1]["id"]),
                _encode(page[0]["id"]),
            )
        if has_more:
            query = {
                "page[size]": size,
                "page[after]": meta["after_cursor"],
                "include_standard_fields": "true" if standard else "false",
            }
            links["next"] = f"{request.base}/api/v2/custom_objects/{key}/fields?{urlencode(query)}"
        return 200, {"custom_object_fields": page, "links": links, "meta": meta}

    def show_field(self, request: Any) -> tuple[int, Any]:
        with self.store.transaction():
            return 200, {
                "custom_object_field": self._field(request.params["key"], request.params["field"])[
                    1
                ]
            }

    def create_field(self, request: Any) -> tuple[int, Any]:
        data = _envelope(request, "custom_object_field")
        key = request.params["key"]
        with self.store.transaction():
            self._object(key)
            problems = self._field_problems(key, data, existing=None)
            if problems:
                raise _record_invalid(problems)
            custom = [f for f in self._fields(key) if not _standard(f)]
            if len(custom) >= FIELD_LIMIT:
                raise _record_invalid(
                    {"base": ("LimitExceeded", f"An object holds at most {FIELD_LIMIT} fields")}
                )
            if (
                data.get("type") == "lookup"
                and sum(1 for f in custom if f["type"] == "lookup") >= self.lookup_limit
            ):
                raise _record_invalid(
                    {
                        "base": (
                            "LimitExceeded",
                            f"An object holds at most {self.lookup_limit} lookups on this plan",
                        )
                    }
                )
            body = {
                "key": data["key"],
                "type": data["type"],
                "title": "",
                "description": "",
                "active": True,
                "required": False,
                "system": False,
                "regexp_for_validation": None,
                "position": max((f.get("position", 0) for f in custom), default=1) + 1,
            }
            for name in FIELD_WRITABLE:
                if name in data and name != "custom_field_options":
                    body[name] = data[name]
            _set_texts(body, data, ("title", "description"))
            body.setdefault("raw_description", body["description"])
            if data["type"] == "lookup":
                body["relationship_target_type"] = data["relationship_target_type"]
            if data["type"] in ("dropdown", "multiselect"):
                body["custom_field_options"] = self._options(data.get("custom_field_options"), [])
            created = self._insert_field(key, body, request.base)
        return 201, {"custom_object_field": created}

    def update_field(self, request: Any) -> tuple[int, Any]:
        data = _envelope(request, "custom_object_field")
        key = request.params["key"]
        with self.store.transaction():
            seq, body = self._field(key, request.params["field"])
            problems = self._field_problems(key, data, existing=body)
            if problems:
                raise _record_invalid(problems)
            writable = STANDARD_WRITABLE if _standard(body) else FIELD_WRITABLE
            refused = [
                n
                for n in data
                if n
                not in (
                    *writable,
                    "key",
                    "type",
                    "id",
                    "relationship_target_type",
                    "raw_title",
                    "raw_description",
                )
            ]
            if _standard(body) and refused:
                raise _record_invalid(
                    {
                        refused[0]: (
                            "Immutable",
                            "Standard fields change only their title, description and properties",
                        )
                    }
                )
            if body["key"] == "standard::name" and "properties" in data:
                self._check_name_properties(key, body, data["properties"])
            for name in writable:
                if name not in data:
                    continue
                if name == "custom_field_options":
                    removed = self._replace_options(key, body, data[name])
                    self._clear_values(key, body["key"], removed)
                elif name == "properties":
                    body["properties"] = {**body.get("properties", {}), **(data[name] or {})}
                elif data[name] is None and name in ("relationship_filter", "tag"):
                    body.pop(name, None)  # cleared
                else:
                    body[name] = data[name]
            _set_texts(body, data, ("title", "description"))
            body["updated_at"] = now()
            self.store.run("UPDATE co_fields SET body = ? WHERE seq = ?", (json.dumps(body), seq))
        return 200, {"custom_object_field": body}

    def delete_field(self, request: Any) -> tuple[int, Any]:
        key = request.params["key"]
        with self.store.transaction():
            seq, body = self._field(key, request.params["field"])
            if _standard(body):
                raise _record_invalid({"base": ("Immutable", "Standard fields cannot be deleted")})
            self.store.run("DELETE FROM co_fields WHERE seq = ?", (seq,))
            self._clear_values(key, body["key"], None)
        return 204, None

    def reorder_fields(self, request: Any) -> tuple[int, Any]:
        ids = request.json()
        ids = ids.get("custom_object_field_ids") if isinstance(ids, dict) else None
        if not isinstance(ids, list):
            raise _record_invalid(
                {"custom_object_field_ids": ("BlankValue", "A list of field ids is required")}
            )
        key = request.params["key"]
        with self.store.transaction():
            self._object(key)
            by_id = {str(f["id"]): f for f in self._fields(key)}
            unknown = [str(i) for i in ids if str(i) not in by_id]
            if unknown:
                raise _record_invalid(
                    {
                        "custom_object_field_ids": (
                            "InvalidValue",
                            f"Unknown field ids: {', '.join(unknown)}",
                        )
                    }
                )
            for position, field_id in enumerate(ids, start=len(STANDARD_FIELDS)):
                body = by_id[str(field_id)]
                body["position"] = position
                self.store.run(
                    "UPDATE co_fields SET body = ? WHERE seq = ?", (json.dumps(body), body["id"])
                )
        return 200, None  # the body Salto shows: none (UNCONFIRMED)

    def field_limit_count(self, request: Any) -> tuple[int, Any]:
        key = request.params["key"]
        with self.store.transaction():
            self._object(key)
            count = sum(1 for f in self._fields(key) if not _standard(f))
        return 200, {"count": count, "limit": FIELD_LIMIT}

    # -- records --------------------------------------------------------------------------------

    def create_record(self, request: Any) -> tuple[int, Any]:
        data = _envelope(request, "custom_object_record")
        key = request.params["key"]
        with self.store.transaction():
            self._object(key)
            known = {f["key"] for f in self._fields(key)}
            values = data.get("custom_object_fields") or {}
            unknown = [name for name in values if name not in known]
            if unknown:
                raise _record_invalid(
                    {
                        "custom_object_fields": (
                            "InvalidValue",
                            "Unknown fields: " + ", ".join(unknown),
                        )
                    }
                )
            stamp = now()
            record = {
                "name": data.get("name", ""),
                "custom_object_key": key,
                "custom_object_fields": values,
                "created_at": stamp,
                "updated_at": stamp,
            }
            seq = self.store.run(
                "INSERT INTO co_records (object, body) VALUES (?, ?)", (key, json.dumps(record))
            )
            record["id"] = str(seq)
        return 201, {"custom_object_record": record}

    def count_records(self, request: Any) -> tuple[int, Any]:
        key = request.params["key"]
        with self.store.transaction():
            self._object(key)
            count = len(self.store.rows("SELECT 1 FROM co_records WHERE object = ?", (key,)))
        return 200, {"count": {"value": count, "refreshed_at": now()}}

    # -- helpers --------------------------------------------------------------------------------

    def _object(self, key: str) -> dict[str, Any]:
        rows = self.store.rows("SELECT body FROM co_objects WHERE key = ?", (key,))
        if not rows:
            raise _not_found()
        body: dict[str, Any] = json.loads(rows[0]["body"])
        return body

    def _fields(self, key: str) -> list[dict[str, Any]]:
        return [
            json.loads(r["body"])
            for r in self.store.rows(
                "SELECT body FROM co_fields WHERE object = ? ORDER BY seq", (key,)
            )
        ]

    def _field(self, key: str, field: str) -> tuple[int, dict[str, Any]]:
        self._object(key)
        column = "seq" if field.isdigit() else "key"
        rows = self.store.rows(
            f"SELECT seq, body FROM co_fields WHERE object = ? AND {column} = ?",
            (key, int(field) if field.isdigit() else field),
        )
        if not rows:
            raise _not_found()
        return int(rows[0]["seq"]), json.loads(rows[0]["body"])

    def _insert_field(self, key: str, body: dict[str, Any], base: str) -> dict[str, Any]:
        stamp = now()
        seq = self.store.run(
            "INSERT INTO co_fields (object, key, body) VALUES (?, ?, ?)", (key, body["key"], "{}")
        )
        body = {
            "id": seq,
            **body,
            "created_at": stamp,
            "updated_at": stamp,
            "url": f"{base}/api/v2/custom_objects/{key}/fields/{seq}.json",
        }
        self.store.run("UPDATE co_fields SET body = ? WHERE seq = ?", (json.dumps(body), seq))
        return body

    def _lookups_to(self, key: str) -> list[tuple[str, str]]:
        target = f"zen:custom_object:{key}"
        rows = self.store.rows("SELECT object, body FROM co_fields ORDER BY seq")
        return [
            (r["object"], json.loads(r["body"])["key"])
            for r in rows
            if json.loads(r["body"]).get("relationship_target_type") == target
        ]

    def _field_problems(
        self, key: str, data: dict[str, Any], existing: dict[str, Any] | None
    ) -> dict[str, tuple[str, str]]:
        problems: dict[str, tuple[str, str]] = {}
        if existing is not None:
            for name in ("key", "type", "relationship_target_type"):
                if name in data and data[name] != existing.get(name):
                    problems[name] = ("Immutable", f"{name} cannot be changed")
            kind = existing["type"]
        else:
            field_key, kind = data.get("key"), data.get("type")
            if not isinstance(field_key, str) or not field_key:
                problems["key"] = ("BlankValue", "Key cannot be blank")
            elif (
                field_key.startswith("standard::")
                or not KEY.match(field_key)
                or field_key.isdigit()
            ):
                problems["key"] = (
                    "InvalidValue",
                    "Key may contain only letters, numbers and underscores",
                )
            elif self.store.rows(
                "SELECT 1 FROM co_fields WHERE object = ? AND key = ?", (key, field_key)
            ):
                problems["key"] = ("DuplicateValue", "Key has already been taken")
            if kind not in FIELD_TYPES:
                problems["type"] = ("InvalidValue", f"Type {kind!r} is not a field type")
            title = data.get("title", data.get("raw_title"))
            if not isinstance(title, str) or not title:
                problems["title"] = ("BlankValue", "Title cannot be blank")
            if kind == "lookup":
                target = data.get("relationship_target_type")
                object_key = (
                    target[len("zen:custom_object:") :]
                    if isinstance(target, str) and target.startswith("zen:custom_object:")
                    else None
                )
                if target not in ZEN_TARGETS and not (
                    object_key
                    and self.store.rows("SELECT 1 FROM co_objects WHERE key = ?", (object_key,))
                ):
                    problems["relationship_target_type"] = (
                        "InvalidValue",
                        f"Relationship target type {target!r} is not valid",
                    )
        options = data.get("custom_field_options")
        if kind in ("dropdown", "multiselect") and (existing is None or options is not None):
            if not isinstance(options, list) or not options:
                problems["custom_field_options"] = (
                    "BlankValue",
                    "A field of this type needs options",
                )
            else:
                values = [o.get("value") for o in options if isinstance(o, dict)]
                if len(values) != len(set(values)) or not all(
                    isinstance(v, str) and v for v in values
                ):
                    # Zendesk may accept a duplicate value and then lock the field: refused here
                    problems["custom_field_options"] = (
                        "DuplicateValue",
                        "Option values must be unique and not blank",
                    )
                elif len(values) > OPTION_LIMIT:
                    problems["custom_field_options"] = (
                        "LimitExceeded",
                        f"At most {OPTION_LIMIT} options",
                    )
        pattern = data.get("regexp_for_validation")
        if isinstance(pattern, str) and len(pattern) > REGEXP_LIMIT:
            problems["regexp_for_validation"] = ("TooLong", f"At most {REGEXP_LIMIT} characters")
        return problems

    def _options(self, given: Any, current: list[dict[str, Any]]) -> list[dict[str, Any]]:
        by_id = {o["id"]: o for o in current}
        options = []
        for position, option in enumerate(given or []):
            option_id = option.get("id")
            if option_id is not None and option_id not in by_id:
                raise _record_invalid(
                    {"custom_field_options": ("InvalidValue", f"No option with id {option_id}")}
                )
            if option_id is None:
                option_id = self.store.next_number("option")
            options.append(
                {
                    "id": option_id,
                    "name": option.get("name", ""),
                    "value": option["value"],
                    "position": position,
                }
            )
        return options

    def _replace_options(self, key: str, body: dict[str, Any], given: Any) -> list[str]:
        """The options become ``given`` (the list is replaced whole); returns the values dropped."""
        before = body.get("custom_field_options") or []
        body["custom_field_options"] = self._options(given, before)
        kept = {o["value"] for o in body["custom_field_options"]}
        return [o["value"] for o in before if o["value"] not in kept]

    def _clear_values(self, key: str, field: str, values: list[str] | None) -> None:
        """A deleted field's values, or removed options' values, vanish from every record."""
        for row in self.store.rows("SELECT seq, body FROM co_records WHERE object = ?", (key,)):
            record = json.loads(row["body"])
            held = record["custom_object_fields"].get(field)
            if field not in record["custom_object_fields"]:
                continue
            if values is None:
                del record["custom_object_fields"][field]
            elif isinstance(held, list):
                record["custom_object_fields"][field] = [v for v in held if v not in values]
            elif held in values:
                record["custom_object_fields"][field] = None
            self.store.run(
                "UPDATE co_records SET body = ? WHERE seq = ?", (json.dumps(record), row["seq"])
            )

    def _check_name_properties(self, key: str, body: dict[str, Any], wanted: Any) -> None:
        if not isinstance(wanted, dict):
            return
        current = body.get("properties", {})
        changes = [n for n in NAME_PROPERTIES[:4] if n in wanted and wanted[n] != current.get(n)]
        if wanted.get("is_unique") and wanted.get("autoincrement_enabled"):
            raise _record_invalid(
                {"properties": ("InvalidValue", "A name is either unique or autoincremented")}
            )
        if changes and self.store.rows("SELECT 1 FROM co_records WHERE object = ?", (key,)):
            raise _record_invalid(
                {
                    "properties": (
                        "Immutable",
                        "Uniqueness and autoincrement cannot change once the object has records",
                    )
                }
            )
        next_value = wanted.get("autoincrement_next_sequence")
        if isinstance(next_value, int) and next_value < int(
            current.get("autoincrement_next_sequence") or 0
        ):
            raise _record_invalid(
                {
                    "properties": (
                        "InvalidValue",
                        "The next sequence cannot go below the current one",
                    )
                }
            )


class CustomObjectsFailure(Exception):
    """A Support API error answer (422 RecordInvalid, 404 RecordNotFound)."""

    def __init__(self, status: int, body: dict[str, Any]) -> None:
        super().__init__(status)
        self.status = status
        self.body = body


def _record_invalid(problems: dict[str, tuple[str, str]]) -> CustomObjectsFailure:
    details = {
        name: [{"error": code, "description": text}] for name, (code, text) in problems.items()
    }
    return CustomObjectsFailure(
        422,
        {"error": "RecordInvalid", "description": "Record validation errors", "details": details},
    )


def _not_found() -> CustomObjectsFailure:
    return CustomObjectsFailure(404, {"error": "RecordNotFound", "description": "Not found"})


def _envelope(request: Any, name: str) -> dict[str, Any]:
    body = request.json()
    if not isinstance(body, dict) or not isinstance(body.get(name), dict):
        raise _record_invalid({name: ("BlankValue", f"The body needs a {name} object")})
    data: dict[str, Any] = body[name]
    return data


def _page_size(raw: str | None) -> int:
    try:
        size = int(raw) if raw is not None else PAGE_SIZE
    except ValueError:
        size = PAGE_SIZE
    return max(1, min(PAGE_SIZE, size))


def _encode(field_id: int) -> str:
    return base64.urlsafe_b64encode(f"id:{field_id}".encode()).decode().rstrip("=")


def _cursor(raw: str | None) -> int | None:
    if not raw:
        return None
    try:
        text = base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4)).decode()
        return int(text.removeprefix("id:"))
    except (ValueError, UnicodeDecodeError):
        raise _record_invalid(
            {"page[after]": ("InvalidValue", "The cursor is not valid")}
        ) from None


class PeopleFieldsApi:
    """``/api/v2/user_fields`` or ``/api/v2/organization_fields``: the fields of users or of
    organizations, lookups to custom objects among them. They are kept beside the custom
    objects' fields (their "object" is ``zen:user`` or ``zen:organization``), so that deleting a
    custom object a user lookup points at is refused too."""

    def __init__(self, objects: CustomObjectsApi, resource: str) -> None:
        self.objects = objects
        self.store = objects.store
        self.resource = resource  # "user" or "organization"
        self.owner = f"zen:{resource}"
        self.routes: list[tuple[list[str], dict[str, Handler]]] = [
            ([], {"GET": self.list_fields, "POST": self.create_field}),
            (
                ["{field}"],
                {
                    "GET": self.show_field,
                    "PUT": self.update_field,
                    "PATCH": self.update_field,
                    "DELETE": self.delete_field,
                },
            ),
        ]

    @property
    def envelope(self) -> str:
        return f"{self.resource}_field"

    def list_fields(self, request: Any) -> tuple[int, Any]:
        """Offset pages, as Zendesk pages these lists: ``per_page`` (at most 100) and ``page``,
        with ``next_page`` and ``previous_page`` the URLs of the pages around, null at the ends
        (an account may hold hundreds of user fields)."""
        with self.store.transaction():
            fields = self.objects._fields(self.owner)
        fields.sort(key=lambda f: (f.get("position", 0), f["id"]))
        size = _page_size(request.arg("per_page"))
        try:
            page = max(1, int(request.arg("page") or 1))
        except ValueError:
            page = 1
        start = (page - 1) * size
        collection = f"{request.base}/api/v2/{self.resource}_fields.json"

        def link(number: int) -> str:
            return f"{collection}?{urlencode({'page': number, 'per_page': size})}"

        return 200, {
            f"{self.envelope}s": fields[start : start + size],
            "next_page": link(page + 1) if start + size < len(fields) else None,
            "previous_page": link(page - 1) if page > 1 else None,
            "count": len(fields),
        }

    def show_field(self, request: Any) -> tuple[int, Any]:
        with self.store.transaction():
            return 200, {self.envelope: self._field(request.params["field"])[1]}

    def create_field(self, request: Any) -> tuple[int, Any]:
        data = _envelope(request, self.envelope)
        with self.store.transaction():
            problems = self.objects._field_problems(self.owner, data, existing=None)
            if problems:
                raise _record_invalid(problems)
            current = self.objects._fields(self.owner)
            lookups = sum(1 for f in current if f["type"] == "lookup")
            if data.get("type") == "lookup" and lookups >= self.objects.lookup_limit:
                limit = f"At most {self.objects.lookup_limit} lookups on {self.resource}s"
                raise _record_invalid({"base": ("LimitExceeded", limit)})
            body = {
                "key": data["key"],
                "type": data["type"],
                "title": "",
                "description": "",
                "active": True,
                "required": False,
                "system": False,
                "regexp_for_validation": None,
                "position": len(current) + 1,
            }
            for name in FIELD_WRITABLE:
                if name in data and name != "custom_field_options":
                    body[name] = data[name]
            _set_texts(body, data, ("title", "description"))
            body.setdefault("raw_description", body["description"])
            if data["type"] == "lookup":
                body["relationship_target_type"] = data["relationship_target_type"]
            created = self.objects._insert_field(self.owner, body, request.base)
            created["url"] = f"{request.base}/api/v2/{self.resource}_fields/{created['id']}.json"
        return 201, {self.envelope: created}

    def update_field(self, request: Any) -> tuple[int, Any]:
        data = _envelope(request, self.envelope)
        with self.store.transaction():
            seq, body = self._field(request.params["field"])
            problems = self.objects._field_problems(self.owner, data, existing=body)
            if problems:
                raise _record_invalid(problems)
            for name in FIELD_WRITABLE:
                if name in data and name != "custom_field_options":
                    body[name] = data[name]
                    if data[name] is None and name == "relationship_filter":
                        del body[name]  # cleared
            _set_texts(body, data, ("title", "description"))
            body["updated_at"] = now()
            self.store.run("UPDATE co_fields SET body = ? WHERE seq = ?", (json.dumps(body), seq))
        return 200, {self.envelope: body}

    def delete_field(self, request: Any) -> tuple[int, Any]:
        with self.store.transaction():
            seq, _ = self._field(request.params["field"])
            self.store.run("DELETE FROM co_fields WHERE seq = ?", (seq,))
        return 204, None

    def _field(self, field: str) -> tuple[int, dict[str, Any]]:
        """By id, as Zendesk's paths name them, or by key."""
        column = "seq" if field.isdigit() else "key"
        rows = self.store.rows(
            f"SELECT seq, body FROM co_fields WHERE object = ? AND {column} = ?",
            (self.owner, int(field) if field.isdigit() else field),
        )
        if not rows:
            raise _not_found()
        return int(rows[0]["seq"]), json.loads(rows[0]["body"])
