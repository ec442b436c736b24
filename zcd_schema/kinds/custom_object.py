"""Custom objects (``custom_objects:``), the API Zendesk runs today, as three kinds:

- ``custom_object``: an object's own attributes, with its standard fields (``name_field``,
  ``external_id_field``), on /api/v2/custom_objects;
- ``custom_object_field``: one field of an object (key ``object.field``), options included;
- ``custom_object_field_order``: the order of an object's fields (the reorder endpoint).

A declared object owns its fields: a live field its declaration lacks is deleted with it. Apply
order (contract section 8): create objects; create non-lookup fields; create lookup fields
(their targets exist by then); update objects and fields; reorder; delete lookup fields; delete
other fields; delete objects. A field whose type, lookup target or currency changes is replaced:
its delete comes first, as the new one has the same key.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import quote

from zcd_schema.errors import AccountError
from zcd_schema.kinds.base import (
    BREAKING,
    DESTRUCTIVE,
    SAFE,
    Api,
    Declared,
    Delta,
    GraphEdge,
    GraphNode,
    Judged,
    Kind,
    KindRead,
    ReadApi,
    Step,
    file_name,
    graph_end,
    worst,
)
from zcd_schema.project.model import CustomObject, CustomObjectField, Origin, Project

BASE = "/api/v2/custom_objects"
SERVER_OWNED = frozenset(
    {
        "id",
        "position",
        "object",
        "system",
        "created_at",
        "updated_at",
        "url",
        "created_by_user_id",
        "updated_by_user_id",
        "raw_title",
        "raw_title_pluralized",
        "raw_description",
    }
)
TARGET_PREFIX = "zen:custom_object:"
FIELD_PAGE = 100  # page[size] at most
# what a declaration may leave to Zendesk: when it does not say, the live value is not compared
LEFT_ALONE_OBJECT = (
    "description",
    "allows_photos",
    "allows_attachments",
    "name_field",
    "external_id_field",
)
LEFT_ALONE_FIELD = ("description", "required")
OBJECT_ATTRIBUTES = (
    "title",
    "title_pluralized",
    "description",
    "include_in_list_view",
    "allows_photos",
    "allows_attachments",
)
REPLACED_BY = ("type", "target", "currency")  # a field cannot change these: it is replaced
# every spec copy documents PATCH for a field update (Zendesk's prose example once used PUT);
# the body holds only the attributes that change
FIELD_UPDATE_METHOD = "PATCH"


STANDARD_PREFIX = "standard::"  # Zendesk's own fields and objects, by key (never by ``system``)
# a dynamic-content placeholder: ``title`` then holds the text rendered in the API user's language,
# ``raw_title`` the placeholder itself
_PLACEHOLDER = re.compile(r"\{\{\s*dc\.[^{}]+\}\}")
TRANSLATABLE = ("title", "title_pluralized", "description")


def is_standard(key: Any) -> bool:
    """Whether a field (or object) key is Zendesk's own: ``standard::name``, ``standard::...``."""
    return isinstance(key, str) and key.startswith(STANDARD_PREFIX)


def has_placeholder(value: Any) -> bool:
    return isinstance(value, str) and _PLACEHOLDER.search(value) is not None


def with_raw(item: dict[str, Any], adopted: dict[str, Any]) -> dict[str, Any]:
    """``adopted`` with each translatable text taken from its ``raw_*`` twin where that holds a
    placeholder: the text compared and written back is the placeholder, never its rendering."""
    for name in TRANSLATABLE:
        raw = item.get(f"raw_{name}")
        if name in adopted and has_placeholder(raw):
            adopted[name] = raw
    return adopted


def raw_names(body: dict[str, Any]) -> dict[str, Any]:
    """A request body with placeholders sent as ``raw_*`` (Zendesk renders ``title`` itself)."""
    return {
        (f"raw_{k}" if k in TRANSLATABLE and has_placeholder(v) else k): v for k, v in body.items()
    }


def changed_names(
    content: dict[str, Any], before: dict[str, Any] | None, names: tuple[str, ...]
) -> tuple[str, ...]:
    """The attributes of ``names`` an update must send: those whose declared value differs from
    the live one (all of them when the live one is not known)."""
    if before is None:
        return tuple(n for n in names if n in content)
    return tuple(n for n in names if n in content and content[n] != before.get(n))


def _path(*parts: str) -> str:
    return BASE + "".join("/" + quote(part, safe=":") for part in parts)


def _split(key: str) -> tuple[str, str]:
    obj, _, field = key.partition(".")
    return obj, field


def _without_blanks(content: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in content.items() if v not in (None, "", [], {})}


def _limit(answer: Any, name: str) -> dict[str, Any]:
    from zcd_schema.kinds.base import AccountLimit

    if isinstance(answer, dict):
        count, limit = answer.get("count"), answer.get("limit")
        if isinstance(count, int) and isinstance(limit, int) and not isinstance(count, bool):
            return {name: AccountLimit(name, limit, count)}
    return {}


# -- objects ------------------------------------------------------------------------------------


class CustomObjectKind(Kind):
    name = "custom_object"
    label = "custom object"
    section = "custom_objects"
    collection = BASE
    create_fields = ("key", "title", "title_pluralized")
    update_fields = OBJECT_ATTRIBUTES
    update_method = "PATCH"
    limit_key = "custom_objects"
    steps = (
        Step(110, ("create",), "create"),
        Step(140, ("update",), "update"),
        Step(180, ("delete",), "delete"),
    )

    def content(self, declared: CustomObject) -> dict[str, Any]:
        content: dict[str, Any] = {
            "key": declared.key,
            "title": declared.title,
            "title_pluralized": declared.title_pluralized,
            "description": declared.description,
            "include_in_list_view": declared.include_in_list_view,
            "allows_photos": declared.allows_photos,
            "allows_attachments": declared.allows_attachments,
            "name_field": _name_field(declared.name_field),
            "external_id_field": _standard_field(declared.external_id_field),
        }
        return _without_blanks(content)

    def graph_node(self, key: str, content: dict[str, Any]) -> GraphNode:
        title = content.get("title")
        return GraphNode("custom", key, title if isinstance(title, str) else None)

    def normalize(self, item: dict[str, Any]) -> dict[str, Any]:
        return _without_blanks({k: v for k, v in item.items() if k not in SERVER_OWNED})

    def comparable(self, after: dict[str, Any], before: dict[str, Any]) -> dict[str, Any]:
        aligned = {k: v for k, v in before.items() if k in after or k not in LEFT_ALONE_OBJECT}
        for name in ("name_field", "external_id_field"):
            if isinstance(aligned.get(name), dict) and isinstance(after.get(name), dict):
                managed = set(after[name])
                if managed & {"unique", "autonumber"}:
                    managed |= {"unique", "autonumber"}  # declaring one manages how names are made
                aligned[name] = {k: v for k, v in aligned[name].items() if k in managed}
                if after[name].get("unique") is False and "unique" not in aligned[name]:
                    aligned[name]["unique"] = False  # not unique: what `unique: false` asks
        wanted = (after.get("name_field") or {}).get("autonumber")
        live = (aligned.get("name_field") or {}).get("autonumber")
        if isinstance(wanted, dict) and isinstance(live, dict):
            live = {k: v for k, v in live.items() if k in wanted}
            # the next number only grows on its own: a declared one below it is no change
            if (
                isinstance(wanted.get("next"), int)
                and isinstance(live.get("next"), int)
                and wanted["next"] <= live["next"]
            ):
                live["next"] = wanted["next"]
            aligned["name_field"] = {**aligned["name_field"], "autonumber": live}
        return aligned

    def matches(self, found: dict[str, Any], content: dict[str, Any]) -> bool:
        # the standard fields are written after the object is created: only its own attributes
        own = {k: v for k, v in content.items() if k not in ("name_field", "external_id_field")}
        return super().matches(
            {k: v for k, v in found.items() if k not in ("name_field", "external_id_field")}, own
        )

    # reading: objects, then each object's fields and field limit, all at once
    def read(self, api: ReadApi) -> KindRead:
        first = api.each(
            lambda task: task(),
            [
                lambda: api.list(BASE, envelope="custom_objects", page_size=None, page_param=""),
                lambda: _optional(api.get, _path("limits", "object_limit")),
            ],
        )
        objects = [
            o
            for o in first[0]
            if isinstance(o, dict) and isinstance(o.get("key"), str) and not is_standard(o["key"])
        ]
        limits = _limit(first[1], "custom_objects")
        tasks = [(o["key"], part) for o in objects for part in ("fields", "limit")]
        answers = api.each(lambda task: _read_part(api, *task), tasks)
        fields_of = {
            key: answer
            for (key, part), answer in zip(tasks, answers, strict=True)
            if part == "fields"
        }
        for (key, part), answer in zip(tasks, answers, strict=True):
            if part == "limit":
                limits.update(_limit(answer, f"fields:{key}"))
        items: dict[str, list[dict[str, Any]]] = {self.name: [], FIELD.name: [], ORDER.name: []}
        for obj in objects:
            key = obj["key"]
            fields = [f for f in fields_of.get(key, []) if isinstance(f, dict)]
            items[self.name].append(self.adopt({**obj, "standard_fields": fields}, key))
            custom = sorted(
                (f for f in fields if not is_standard(f.get("key"))),
                key=lambda f: (f.get("position", 0), f.get("id", 0)),
            )
            items[FIELD.name] += [FIELD.adopt(f, f"{key}.{f.get('key')}") for f in custom]
            if len(custom) >= 2:
                items[ORDER.name].append({"key": key, "fields": [f.get("key") for f in custom]})
        return KindRead(items, limits)

    def read_one(self, api: ReadApi, key: str) -> dict[str, Any] | None:
        obj = api.get(_path(key))
        found = obj.get("custom_object") if isinstance(obj, dict) else None
        if not isinstance(found, dict):
            return None
        fields = _read_part(api, key, "fields")
        return self.adopt({**found, "standard_fields": fields}, key)

    def adopt(self, item: dict[str, Any], key: str) -> dict[str, Any]:
        standard = {
            f.get("key"): f for f in item.get("standard_fields") or [] if isinstance(f, dict)
        }
        adopted = with_raw(item, {k: v for k, v in item.items() if k != "standard_fields"})
        name = standard.get("standard::name")
        if isinstance(name, dict):
            adopted["name_field"] = _name_field_from_api(name)
        external = standard.get("standard::external_id")
        if isinstance(external, dict):
            adopted["external_id_field"] = _without_blanks(
                with_raw(
                    external,
                    {"title": external.get("title"), "description": external.get("description")},
                )
            )
        return adopted

    def unwrap(self, body: Any) -> Any:
        return body.get("custom_object") if isinstance(body, dict) else None

    def body(self, content: dict[str, Any], fields: tuple[str, ...]) -> dict[str, Any]:
        wanted = ("key", *OBJECT_ATTRIBUTES) if "key" in fields else fields
        return {"custom_object": raw_names({k: content[k] for k in wanted if k in content})}

    def rechecks(self, action: str) -> bool:
        return action in ("delete", "replace")

    def item_path(self, key: str) -> str:
        return _path(key)

    def write(
        self,
        api: Api,
        key: str,
        operation: str,
        content: dict[str, Any] | None,
        before: dict[str, Any] | None = None,
    ) -> None:
        content = {"key": key, **(content or {})}
        if operation == "delete":
            api.delete(self, key)
            return
        if operation == "create":
            api.create(self, content)
        else:
            changed = changed_names(content, before, OBJECT_ATTRIBUTES)
            if changed:  # an update sends only what changes
                api.update(self, {"key": key, **{n: content[n] for n in changed}})
        for name, standard in (
            ("name_field", "standard::name"),
            ("external_id_field", "standard::external_id"),
        ):
            if isinstance(content.get(name), dict):
                old = (before or {}).get(name) if operation != "create" else None
                body = _standard_field_body(content[name], old if isinstance(old, dict) else None)
                if body:
                    api.request(
                        FIELD_UPDATE_METHOD,
                        _path(key, "fields", standard),
                        {"custom_object_field": body},
                    )

    # risk
    def describe_new(self, content: dict[str, Any]) -> str:
        return f"new custom object {content.get('title', '')!r}".replace(" ''", "")

    def classify_change(self, delta: Delta) -> Judged:
        before, after = delta.before or {}, delta.after or {}
        judged: list[tuple[str, str]] = []
        for name in OBJECT_ATTRIBUTES:
            if before.get(name) != after.get(name) and name in after:
                judged.append((SAFE, f"changes the {name.replace('_', ' ')} of {delta.key}"))
        for name in ("name_field", "external_id_field"):
            old, new = before.get(name) or {}, after.get(name) or {}
            for attribute in ("title", "description"):
                if old.get(attribute) != new.get(attribute) and attribute in new:
                    judged.append(
                        (SAFE, f"changes the {attribute} of {delta.key}'s {name.replace('_', ' ')}")
                    )
        if _naming(before) != _naming(after):
            judged.append(
                (
                    BREAKING,
                    (
                        f"changes how {delta.key} records are named, from "
                        f"{_naming(before)} to {_naming(after)}"
                    ),
                )
            )
        elif _autonumber(before) != _autonumber(after):
            judged.append(
                (SAFE, f"changes the autonumbering of {delta.key} (prefix, padding or next number)")
            )
        if not judged:
            judged.append((SAFE, f"changes {delta.key}"))
        judged.sort(key=lambda item: item[0] != BREAKING)
        return worst([r for r, _ in judged]), tuple(text for _, text in judged)

    # records
    def records_query(self, key: str) -> tuple[str, dict[str, Any]]:
        return _path(key, "records", "count"), {}

    def needs_records(self, delta: Delta, risk: str) -> bool:
        if delta.action == "delete":
            return True
        return delta.action == "update" and _naming(delta.before or {}) != _naming(
            delta.after or {}
        )

    def records_note(self, delta: Delta, answer: Any) -> tuple[str | None, str | None]:
        count = (answer.get("count") or {}).get("value") if isinstance(answer, dict) else None
        if not isinstance(count, int):
            return None, None
        if delta.action == "delete":
            return _records_line(delta.key, count, deleted=True), None
        if count:
            return _records_line(delta.key, count), (
                "Zendesk refuses to change name_field's unique or autonumber once an object has "
                "records"
            )
        return _records_line(delta.key, count), None

    def is_records_reason(self, key: str, text: str) -> bool:
        pattern = (
            rf"custom object {re.escape(key)} has [\d,]+ records?(; they are deleted with it)?"
        )
        return re.fullmatch(pattern, text) is not None

    # import
    def import_into(
        self,
        items: dict[str, dict[str, Any]],
        files: dict[str, dict[str, Any]],
        used_names: set[str],
    ) -> None:
        for key, item in sorted(items.items()):
            content = {k: v for k, v in self.normalize(item).items() if k != "key"}
            files[f"custom_objects/{file_name(key, used_names)}.yaml"] = {
                self.section: {key: {**content, "fields": {}}}
            }


def _optional(read: Any, path: str) -> Any:
    """A read that may be refused (limits are for admins): None then."""
    try:
        return read(path)
    except AccountError:
        return None


def _read_part(api: ReadApi, key: str, part: str) -> Any:
    if part == "limit":
        return _optional(api.get, _path(key, "limits", "field_limit"))
    return api.list(
        _path(key, "fields"),
        envelope="custom_object_fields",
        params={"include_standard_fields": "true"},
        page_param="page[size]",
        page_size=FIELD_PAGE,
    )


def _records_line(key: str, count: int, deleted: bool = False) -> str:
    noun = "record" if count == 1 else "records"
    return f"custom object {key} has {count:,} {noun}" + (
        "; they are deleted with it" if deleted else ""
    )


def _name_field(declared: dict[str, Any] | None) -> dict[str, Any] | None:
    if declared is None:
        return None
    shown: dict[str, Any] = {
        k: declared[k] for k in ("title", "description", "unique") if k in declared
    }
    if isinstance(declared.get("autonumber"), dict):
        shown["autonumber"] = {
            k: v for k, v in declared["autonumber"].items() if k in ("prefix", "padding", "next")
        }
    return shown


def _standard_field(declared: dict[str, Any] | None) -> dict[str, Any] | None:
    if declared is None:
        return None
    return {k: declared[k] for k in ("title", "description") if k in declared}


def _name_field_from_api(field: dict[str, Any]) -> dict[str, Any]:
    properties = field.get("properties") or {}
    shown: dict[str, Any] = _without_blanks(
        with_raw(field, {"title": field.get("title"), "description": field.get("description")})
    )
    if properties.get("is_unique"):
        shown["unique"] = True
    if properties.get("autoincrement_enabled"):
        shown["autonumber"] = _without_blanks(
            {
                "prefix": properties.get("autoincrement_prefix"),
                "padding": properties.get("autoincrement_padding"),
                "next": properties.get("autoincrement_next_sequence"),
            }
        )
    return shown


def _standard_field_body(
    declared: dict[str, Any], live: dict[str, Any] | None = None
) -> dict[str, Any]:
    """What a standard field's update sends: its title and description when they change, and its
    properties only when how names are made changes (Zendesk refuses a properties change once
    the object has records, even one that restates the live values)."""
    texts = changed_names(declared, live, ("title", "description"))
    body: dict[str, Any] = raw_names({k: declared[k] for k in texts})
    naming = ("unique", "autonumber")
    moved = live is None or any(declared.get(n) != live.get(n) for n in naming)
    if moved and ("unique" in declared or "autonumber" in declared):
        numbering = declared.get("autonumber") or {}
        body["properties"] = {
            "is_unique": bool(declared.get("unique")),
            "autoincrement_enabled": bool(numbering),
            **({"autoincrement_prefix": numbering["prefix"]} if "prefix" in numbering else {}),
            **({"autoincrement_padding": numbering["padding"]} if "padding" in numbering else {}),
            **({"autoincrement_next_sequence": numbering["next"]} if "next" in numbering else {}),
        }
    return body


def _naming(content: dict[str, Any]) -> str:
    name = content.get("name_field") or {}
    if name.get("unique"):
        return "unique names"
    if name.get("autonumber"):
        return "autonumbers"
    return "free names"


def _autonumber(content: dict[str, Any]) -> Any:
    return (content.get("name_field") or {}).get("autonumber")


# -- fields -------------------------------------------------------------------------------------


class _DeclaredField:
    """A declared field, keyed ``object.field``, as the planner sees declarations."""

    def __init__(self, obj: CustomObject, field: CustomObjectField) -> None:
        self.key = f"{obj.key}.{field.key}"
        self.field = field
        self.origin: Origin | None = field.origin
        self.prevent_destroy = False


def _is_lookup(content: dict[str, Any]) -> bool:
    return content.get("type") == "lookup"


def _not_lookup(content: dict[str, Any]) -> bool:
    return content.get("type") != "lookup"


class CustomObjectFieldKind(Kind):
    name = "custom_object_field"
    label = "field"
    section = "custom_objects"
    collection = BASE
    create_fields = ("key", "type", "title")
    update_fields = (
        "title",
        "description",
        "active",
        "required",
        "options",
        "filter",
        "pattern",
        "tag",
    )
    update_method = FIELD_UPDATE_METHOD
    read_by_parent = True
    steps = (
        Step(115, ("replace",), "delete"),  # the old field goes first: the new has its key
        Step(120, ("create", "replace"), "create", _not_lookup),
        Step(130, ("create", "replace"), "create", _is_lookup),  # their targets exist now
        Step(140, ("update",), "update"),
        Step(160, ("delete",), "delete", _is_lookup),
        Step(170, ("delete",), "delete", _not_lookup),
    )

    def declared(self, project: Project) -> Mapping[str, Declared]:
        return {
            f"{o.key}.{f.key}": _DeclaredField(o, f)
            for o in project.custom_objects.values()
            for f in o.fields
        }

    def content(self, declared: _DeclaredField) -> dict[str, Any]:
        field = declared.field
        return _without_blanks(
            {
                "key": declared.key,
                "type": field.type,
                "title": field.title,
                "description": field.description,
                "active": field.active,
                "required": field.required,
                "options": [{"value": o.value, "name": o.name} for o in field.options],
                "target": field.target,
                "filter": field.filter,
                "pattern": field.pattern,
                "tag": field.tag,
                "currency": field.currency,
            }
        ) | {"active": field.active}

    def label_of(self, key: str) -> str:
        return f"field {key}"

    def parent_key(self, key: str) -> str:
        return _split(key)[0]

    def graph_edges(self, key: str, content: dict[str, Any]) -> list[GraphEdge]:
        return lookup_edges(GraphNode("custom", _split(key)[0]), _split(key)[1], content)

    def normalize(self, item: dict[str, Any]) -> dict[str, Any]:
        content = {k: v for k, v in item.items() if k not in SERVER_OWNED}
        return _without_blanks(content) | (
            {"active": content["active"]} if "active" in content else {}
        )

    def comparable(self, after: dict[str, Any], before: dict[str, Any]) -> dict[str, Any]:
        aligned = {k: v for k, v in before.items() if k in after or k not in LEFT_ALONE_FIELD}
        if aligned.get("required") is False and "required" not in after:
            aligned.pop("required")
        return aligned

    def change_action(self, before: dict[str, Any], after: dict[str, Any]) -> str:
        changed = any(before.get(name) != after.get(name) for name in REPLACED_BY)
        return "replace" if changed else "update"

    def adopt(self, item: dict[str, Any], key: str) -> dict[str, Any]:
        if "id" not in item and "system" not in item:
            return {**item, "key": key}  # already this kind's content
        target = item.get("relationship_target_type")
        if isinstance(target, str) and target.startswith(TARGET_PREFIX):
            target = target[len(TARGET_PREFIX) :]
        properties = item.get("properties") or {}
        currencies = properties.get("allowed_currencies") if isinstance(properties, dict) else None
        options = sorted(
            (o for o in item.get("custom_field_options") or [] if isinstance(o, dict)),
            key=lambda o: o.get("position", 0),
        )
        texts = with_raw(item, {"title": item.get("title"), "description": item.get("description")})
        adopted = {
            "key": key,
            "id": item.get("id"),
            "position": item.get("position"),
            "type": item.get("type"),
            "title": texts["title"],
            "description": texts["description"],
            "active": item.get("active", True),
            "required": item.get("required"),
            "options": [{"value": o.get("value"), "name": o.get("name")} for o in options],
            "target": target,
            "filter": item.get("relationship_filter"),
            "pattern": item.get("regexp_for_validation"),
            "tag": item.get("tag"),
            "currency": currencies[0] if isinstance(currencies, list) and currencies else None,
        }
        return _without_blanks(adopted) | {"active": adopted["active"]}

    def unwrap(self, body: Any) -> Any:
        return body.get("custom_object_field") if isinstance(body, dict) else None

    def collection_path(self, key: str) -> str:
        return _path(_split(key)[0], "fields")

    def item_path(self, key: str) -> str:
        obj, field = _split(key)
        return _path(obj, "fields", field)

    def body(
        self,
        content: dict[str, Any],
        fields: tuple[str, ...],
        option_ids: Mapping[str, Any] | None = None,
    ) -> dict[str, Any]:
        creating = "key" in fields
        body: dict[str, Any] = {}
        for name in ("title", "active"):
            if creating or name in fields:
                body[name] = content.get(name, True if name == "active" else None)
        if creating:
            body["key"] = _split(content["key"])[1]
            body["type"] = content.get("type")
        for name, api_name in (
            ("description", "description"),
            ("required", "required"),
            ("filter", "relationship_filter"),
            ("pattern", "regexp_for_validation"),
            ("tag", "tag"),
        ):
            if creating or name in fields:
                if name in content:
                    body[api_name] = content[name]
                elif not creating and name in ("filter", "tag"):
                    body[api_name] = None  # a removed filter or tag is cleared, not left behind
        if "target" in content and "key" in fields:
            target = content["target"]
            body["relationship_target_type"] = (
                target if target.startswith("zen:") else TARGET_PREFIX + target
            )
        if "currency" in content and "key" in fields:
            body["properties"] = {"allowed_currencies": [content["currency"]]}  # UNCONFIRMED shape
        if "options" in content and (creating or "options" in fields):
            ids = option_ids or {}
            # the list is replaced whole: existing options keep their id, new ones go with null
            body["custom_field_options"] = [
                {"id": ids.get(o["value"]), "value": o["value"], "name": o["name"]}
                for o in content["options"]
            ]
        return {"custom_object_field": raw_names(body)}

    def rechecks(self, action: str) -> bool:
        return action in ("delete", "replace")

    def write(
        self,
        api: Api,
        key: str,
        operation: str,
        content: dict[str, Any] | None,
        before: dict[str, Any] | None = None,
    ) -> None:
        content = {"key": key, **(content or {})}
        if operation == "delete":
            api.delete(self, key)
        elif operation == "create":
            api.create(self, content)
        else:
            changed = self._changed(content, before)
            if not changed:
                return
            ids: dict[str, Any] = {}
            if "options" in changed:  # existing options keep their ids: the only read needed
                live = api.request("GET", self.item_path(key))
                field = self.unwrap(live) or {}
                ids = {
                    str(o.get("value")): o.get("id")
                    for o in field.get("custom_field_options") or []
                    if isinstance(o, dict)
                }
            body = self.body(content, changed, ids)
            api.request(self.update_method, self.item_path(key), body)

    def _changed(self, content: dict[str, Any], before: dict[str, Any] | None) -> tuple[str, ...]:
        """The attributes an update sends: those that differ from the live field, a removed
        filter or tag included (sent as null, so it is cleared)."""
        if before is None:
            return self.update_fields
        return tuple(
            n
            for n in self.update_fields
            if content.get(n) != before.get(n) and (n in content or n in ("filter", "tag"))
        )

    def limit_key_for(self, key: str) -> str:
        return f"fields:{_split(key)[0]}"

    # records: a destructive change to a field says how many records hold its data
    def records_query(self, key: str) -> tuple[str, dict[str, Any]]:
        return _path(_split(key)[0], "records", "count"), {}

    def records_note(self, delta: Delta, answer: Any) -> tuple[str | None, str | None]:
        obj = _split(delta.key)[0]
        count = (answer.get("count") or {}).get("value") if isinstance(answer, dict) else None
        if isinstance(count, int) and not isinstance(count, bool) and count >= 0:
            return _records_line(obj, count), None
        return f"custom object {obj} has an unknown number of records", None

    def is_records_reason(self, key: str, text: str) -> bool:
        obj = re.escape(_split(key)[0])
        return (
            re.fullmatch(rf"custom object {obj} has ([\d,]+|an unknown number of) records?", text)
            is not None
        )

    def references(self, content: dict[str, Any]) -> list[tuple[Kind, str]]:
        target = content.get("target")
        if (
            content.get("type") == "lookup"
            and isinstance(target, str)
            and not target.startswith("zen:")
        ):
            return [(CUSTOM_OBJECT, target)]
        return []

    # risk
    def classify(self, delta: Delta) -> Judged:
        obj, field = _split(delta.key)
        if delta.action == "create":
            after = delta.after or {}
            if after.get("required") and (CUSTOM_OBJECT.name, obj) in delta.created:
                reason = (
                    f"adds required {after.get('type')} field {field} to {obj}, which this plan "
                    "creates: no record can lack it"
                )
                return SAFE, (reason,)
            if after.get("required"):
                reason = (
                    f"adds required {after.get('type')} field {field} to {obj}: "
                    f"existing {obj} records do not have it"
                )
                return BREAKING, (reason,)
            return SAFE, (f"adds {after.get('type')} field {field} to {obj}",)
        if delta.action == "delete":
            reason = (
                f"deletes field {field} of {obj}: its data is deleted on every "
                f"{obj} record; `active: false` hides it and keeps the data"
            )
            return DESTRUCTIVE, (reason,)
        return self.classify_change(delta)

    def classify_change(self, delta: Delta) -> Judged:
        obj, field = _split(delta.key)
        before, after = delta.before or {}, delta.after or {}
        if delta.action == "replace":
            what = [n for n in REPLACED_BY if before.get(n) != after.get(n)]
            changes = ", ".join(
                f"{n} of {field} from {before.get(n)} to {after.get(n)}" for n in what
            )
            reason = (
                f"changes the {changes}: Zendesk cannot change a field's "
                f"{' or '.join(what)}, so the field is deleted and created again and its data "
                f"on every {obj} record is lost; keep it with `active: false` and add a new field"
            )
            return DESTRUCTIVE, (reason,)
        judged: list[tuple[str, str]] = []
        for name in ("title", "description"):
            if before.get(name) != after.get(name) and name in after:
                judged.append((SAFE, f"changes the {name} of {field}"))
        if before.get("active", True) != after.get("active", True):
            judged.append(
                (BREAKING, f"deactivates {field}: agents no longer see it (its data is kept)")
                if not after.get("active", True)
                else (SAFE, f"re-activates {field}")
            )
        if bool(before.get("required")) != bool(after.get("required")) and "required" in after:
            judged.append(
                (BREAKING, f"makes {field} required")
                if after.get("required")
                else (SAFE, f"no longer requires {field}")
            )
        if before.get("pattern") != after.get("pattern"):
            judged.append(
                (
                    BREAKING,
                    f"changes the pattern of {field}: values already stored may not match it",
                )
            )
        if before.get("filter") != after.get("filter"):
            judged.append((SAFE, f"changes the lookup filter of {field}"))
        if before.get("tag") != after.get("tag"):
            judged.append((SAFE, f"changes the tag of {field}"))
        judged += _judge_options(
            obj, field, before.get("options") or [], after.get("options") or []
        )
        if not judged:
            judged.append((SAFE, f"changes {field}"))
        order = {DESTRUCTIVE: 0, BREAKING: 1, SAFE: 2}
        judged.sort(key=lambda item: order[item[0]])
        return worst([r for r, _ in judged]), tuple(text for _, text in judged)

    def import_into(
        self,
        items: dict[str, dict[str, Any]],
        files: dict[str, dict[str, Any]],
        used_names: set[str],
    ) -> None:
        documents = {
            next(iter(doc[self.section])): doc[self.section]
            for doc in files.values()
            if self.section in doc
        }
        ordered = sorted(items.values(), key=lambda i: (i.get("position") or 0, i.get("id") or 0))
        for item in ordered:
            obj, field = _split(item["key"])
            if obj not in documents:
                continue
            content = {k: v for k, v in self.normalize(item).items() if k != "key"}
            if content.get("active") is True:
                del content["active"]
            if content.get("required") is False:
                del content["required"]
            if "options" in content:
                content["options"] = (
                    {o["value"]: o["name"] for o in content["options"]}
                    if all(isinstance(o.get("value"), str) for o in content["options"])
                    else content["options"]
                )
            documents[obj][obj]["fields"][field] = content


def _judge_options(
    obj: str, field: str, before: list[dict[str, Any]], after: list[dict[str, Any]]
) -> list[tuple[str, str]]:
    old = {o.get("value"): o.get("name") for o in before}
    new = {o.get("value"): o.get("name") for o in after}
    judged = [
        (
            DESTRUCTIVE,
            f"removes option `{value}` of `{field}`: its value is cleared on every {obj} record",
        )
        for value in old
        if value not in new
    ]
    judged += [(SAFE, f"adds option `{value}` to `{field}`") for value in new if value not in old]
    judged += [
        (SAFE, f"renames option `{value}` of `{field}` from {old[value]!r} to {new[value]!r}")
        for value in new
        if value in old and old[value] != new[value]
    ]
    kept_before = [o.get("value") for o in before if o.get("value") in new]
    kept_after = [o.get("value") for o in after if o.get("value") in old]
    if kept_before != kept_after:
        judged.append((SAFE, f"changes the order of the options of `{field}`"))
    return judged


# -- field order --------------------------------------------------------------------------------


class _DeclaredOrder:
    def __init__(self, obj: CustomObject) -> None:
        self.key = obj.key
        self.fields = [f.key for f in obj.fields]
        self.origin: Origin | None = obj.origin
        self.prevent_destroy = False


class FieldOrderKind(Kind):
    name = "custom_object_field_order"
    label = "field order"
    section = "custom_objects"
    collection = BASE
    create_fields = ("key", "fields")
    update_fields = ("fields",)
    read_by_parent = True
    deletable = False  # an object's field order goes with its fields
    steps = (Step(150, ("create", "update"), "reorder"),)

    def declared(self, project: Project) -> Mapping[str, Declared]:
        return {
            o.key: _DeclaredOrder(o) for o in project.custom_objects.values() if len(o.fields) >= 2
        }

    def content(self, declared: _DeclaredOrder) -> dict[str, Any]:
        return {"key": declared.key, "fields": declared.fields}

    def label_of(self, key: str) -> str:
        return f"field order of {key}"

    def parent_key(self, key: str) -> str:
        return key

    def comparable(self, after: dict[str, Any], before: dict[str, Any]) -> dict[str, Any]:
        wanted, live = after.get("fields") or [], before.get("fields") or []
        if any(name not in live for name in wanted):
            return before  # new fields take their declared places: always reordered
        return {**before, "fields": [name for name in live if name in wanted]}  # deleted ones go

    def follow(self, after: dict[str, Any], moved: list[str]) -> dict[str, Any]:
        return {**after, "placing": sorted(moved)}  # new fields land last: put them in place

    def classify(self, delta: Delta) -> Judged:
        after = delta.after or {}
        shown = ", ".join(after.get("fields") or [])
        placing = ", ".join(after.get("placing") or [])
        where = f" (new or recreated: {placing})" if placing and delta.action == "update" else ""
        return SAFE, (f"sets the field order of {delta.key}: {shown}{where}",)

    def classify_change(self, delta: Delta) -> Judged:
        return self.classify(delta)

    def write(
        self,
        api: Api,
        key: str,
        operation: str,
        content: dict[str, Any] | None,
        before: dict[str, Any] | None = None,
    ) -> None:
        fields = api.list(
            _path(key, "fields"),
            envelope="custom_object_fields",
            params={"include_standard_fields": "false"},
            page_param="page[size]",
            page_size=FIELD_PAGE,
        )
        ids = {f.get("key"): f.get("id") for f in fields if isinstance(f, dict)}
        wanted = [name for name in (content or {}).get("fields", []) if name in ids]
        rest = [name for name in ids if name not in wanted]  # fields about to be deleted: last
        api.request(
            "PUT",
            _path(key, "fields", "reorder"),
            {"custom_object_field_ids": [ids[name] for name in wanted + rest]},
        )

    def import_into(
        self,
        items: dict[str, dict[str, Any]],
        files: dict[str, dict[str, Any]],
        used_names: set[str],
    ) -> None:
        """The field order is the order import writes the fields in: nothing of its own."""


CUSTOM_OBJECT = CustomObjectKind()
FIELD = CustomObjectFieldKind()
FIELD.parent = CUSTOM_OBJECT
ORDER = FieldOrderKind()
ORDER.parent = CUSTOM_OBJECT
ORDER.follows = FIELD


def lookup_edges(holder: GraphNode, field: str, content: dict[str, Any]) -> list[GraphEdge]:
    """The arrow a lookup field draws: many records of its holder point at one of its target."""
    target = content.get("target")
    if content.get("type") != "lookup" or not isinstance(target, str):
        return []
    return [GraphEdge(holder, graph_end(target, "custom"), field, "N:1")]
