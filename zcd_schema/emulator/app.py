"""The emulator's WSGI application: Zendesk's Legacy Custom Objects API as documented.

Paths, codes and bodies follow ``zendesk-api.md`` section 1 and contract section 6. Where the
docs leave a behaviour open the choice is marked UNCONFIRMED here and listed in the README.
"""

from __future__ import annotations

import base64
import json
import math
import time
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from http import HTTPStatus
from typing import Any
from urllib.parse import parse_qs, quote, urlencode

from jsonschema import Draft4Validator

from zcd_schema.emulator import rules
from zcd_schema.emulator.custom_objects import PREFIX as CUSTOM_OBJECTS_PREFIX
from zcd_schema.emulator.custom_objects import (
    CustomObjectsApi,
    CustomObjectsFailure,
    PeopleFieldsApi,
)
from zcd_schema.emulator.faults import Faults
from zcd_schema.emulator.store import Store, now

Headers = list[tuple[str, str]]
StartResponse = Callable[..., Any]

# The documented storage-quota body, sent verbatim on every cap (zendesk-api.md section 1).
QUOTA_BODY = {
    "errors": [
        {
            "code": "TooManyRequests",
            "status": "429",
            "title": "Too Many Requests",
            "message": "You have exceeded the maximum number of resources for this account",
        }
    ]
}
DEFAULT_LIMITS = {
    "resources": 1_000_000,
    "relationships": 1_000_000,
    "resource_types": 50,
    "relationship_types": 50,
}
LEGACY_GONE = "Legacy custom objects were removed from Zendesk in 2026"
DEFAULT_PER_PAGE = 100  # UNCONFIRMED: Zendesk's default page size for these lists
MAX_PER_PAGE = 1000  # "per_page ... from 1 to 1000"


class DroppedConnection(Exception):
    """The write was done; the server must now close the connection without answering."""

    drops_connection = True  # what the in-process transport and the HTTP server look for


class ApiFailure(Exception):
    def __init__(self, status: int, body: Any, headers: Headers | None = None) -> None:
        super().__init__(status)
        self.status = status
        self.body = body
        self.headers = headers or []


def failure(
    status: int, detail: str, code: str | None = None, headers: Headers | None = None
) -> ApiFailure:
    """An error in the shape ``{"errors": [{code, status, title, detail}]}`` (UNCONFIRMED beyond the
    quota body)."""
    title = HTTPStatus(status).phrase
    return ApiFailure(
        status,
        {
            "errors": [
                {
                    "code": code or title.replace(" ", ""),
                    "status": str(status),
                    "title": title,
                    "detail": detail,
                }
            ]
        },
        headers,
    )


def accepted_authorizations(
    email: str | None, token: str | None, oauth_token: str | None
) -> frozenset[str] | None:
    """The Authorization values to accept; None (accept anything) when no credentials are given."""
    accepted = set()
    if email and token:
        accepted.add("Basic " + base64.b64encode(f"{email}/token:{token}".encode()).decode("ascii"))
    if oauth_token:
        accepted.add(f"Bearer {oauth_token}")
    return frozenset(accepted) or None


@dataclass
class Request:
    method: str
    path: str
    query: dict[str, list[str]]
    body: bytes
    base: str  # scheme://host[:port], for the links of paginated lists
    params: dict[str, str] = field(default_factory=dict)

    def arg(self, name: str) -> str | None:
        values = self.query.get(name)
        return values[-1] if values else None

    def json(self) -> Any:
        try:
            return json.loads(self.body or b"null")
        except ValueError:
            raise failure(400, "The request body is not valid JSON") from None

    def data(self, *required: str) -> dict[str, Any]:
        """The body's ``data`` object, which must hold ``required`` fields."""
        body = self.json()
        if not isinstance(body, dict) or "data" not in body:
            raise failure(400, rules.missing("object", "data"))
        if not isinstance(body["data"], dict):
            raise failure(400, rules.wrong_type("data", body["data"], "object"))
        for name in required:
            if name not in body["data"]:
                raise failure(400, rules.missing("data", name))
        return body["data"]


class Emulator:
    """``Emulator(store)(environ, start_response)``; state in ``store``, faults switchable at any
    time."""

    def __init__(
        self,
        store: Store,
        *,
        authorizations: frozenset[str] | None = None,
        faults: Faults | None = None,
        max_page_size: int = MAX_PER_PAGE,
        limits: dict[str, int] | None = None,
        sleep: Callable[[float], None] = time.sleep,
        plan_tier: str = "enterprise",
        legacy: bool = True,
    ) -> None:
        self.store = store
        self.custom_objects = CustomObjectsApi(store, plan_tier)
        self.people_fields = {
            resource: PeopleFieldsApi(self.custom_objects, resource)
            for resource in ("user", "organization")
        }
        self.legacy = legacy  # False: an account after Zendesk removed legacy custom objects
        self.authorizations = authorizations
        self.faults = faults or Faults()
        self.max_page_size = max_page_size
        self.limits = {**DEFAULT_LIMITS, **(limits or {})}
        self._sleep = sleep
        self.requests = 0
        self._routes: list[tuple[list[str], dict[str, Callable[[Request], tuple[int, Any]]]]] = [
            (
                ["objects", "types"],
                {"GET": self.list_object_types, "POST": self.create_object_type},
            ),
            (
                ["objects", "types", "{key}"],
                {
                    "GET": self.show_object_type,
                    "PUT": self.update_object_type,
                    "DELETE": self.delete_object_type,
                },
            ),
            (
                ["relationships", "types"],
                {"GET": self.list_relationship_types, "POST": self.create_relationship_type},
            ),
            (
                ["relationships", "types", "{key}"],
                {
                    "GET": self.show_relationship_type,
                    "DELETE": self.delete_relationship_type,
                    "PUT": self.refuse_relationship_update,
                    "PATCH": self.refuse_relationship_update,
                },
            ),
            (["limits"], {"GET": self.show_limits}),
            (["objects", "records"], {"GET": self.list_records, "POST": self.create_record}),
            (
                ["objects", "records", "{id}"],
                {"GET": self.show_record, "DELETE": self.delete_record},
            ),
        ]

    # -- WSGI -----------------------------------------------------------------------------------

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        self.requests += 1
        method = environ["REQUEST_METHOD"].upper()
        try:
            if self.faults.latency:
                self._sleep(self.faults.latency)
            self._authenticate(environ.get("HTTP_AUTHORIZATION", ""))
            self._throttle()
            fault = self.faults.before(method)
            if fault:
                raise _fault_response(fault, self.faults.retry_after)
            request = _request(environ)
            if method in ("POST", "PUT") and request.body and not _is_json(environ):
                raise failure(
                    415, "The request body must be JSON, sent as Content-Type: application/json"
                )
            handler = self._route(request)
            status, body = handler(request)
            if method not in ("GET", "HEAD") and status < 300 and self.faults.after_write(method):
                raise DroppedConnection(f"{method} {request.path}")
            answer = _respond(start_response, status, body, self.faults.rate_headers())
        except CustomObjectsFailure as exc:
            answer = _respond(start_response, exc.status, exc.body, self.faults.rate_headers())
        except ApiFailure as exc:
            headers = list(exc.headers or [])
            named = {name.lower() for name, _ in headers}
            headers += [h for h in self.faults.rate_headers() if h[0].lower() not in named]
            answer = _respond(start_response, exc.status, exc.body, headers)
        return [] if method == "HEAD" else answer  # HEAD: a GET's headers, no body

    def _authenticate(self, authorization: str) -> None:
        if self.authorizations is None:
            return
        scheme, _, value = authorization.strip().partition(" ")
        if f"{scheme.capitalize()} {value.strip()}" not in self.authorizations:
            raise ApiFailure(
                401,
                {"error": "Couldn't authenticate you"},
                [("WWW-Authenticate", 'Basic realm="Web Password"')],
            )

    def _throttle(self) -> None:
        wait = self.faults.over_limit()
        if wait is None:
            return
        limit = self.faults.requests_per_minute
        raise ApiFailure(
            429,
            {
                "errors": [
                    {
                        "code": "TooManyRequests",
                        "status": "429",
                        "title": "Too Many Requests",
                        "detail": f"Rate limit of {limit} requests per minute exceeded",
                    }
                ]
            },
            [
                ("Retry-After", str(max(1, math.ceil(wait)))),
                ("X-Rate-Limit", str(limit)),
                ("X-Rate-Limit-Remaining", "0"),
            ],
        )

    def _route(self, request: Request) -> Callable[[Request], tuple[int, Any]]:
        parts = request.path.strip("/").removesuffix(".json").split("/")
        if parts[:3] == CUSTOM_OBJECTS_PREFIX:
            return self._match(request, parts[3:], self.custom_objects.routes)
        if parts[:2] == ["api", "v2"] and len(parts) > 2 and parts[2].endswith("_fields"):
            people = self.people_fields.get(parts[2].removesuffix("_fields"))
            if people is not None:
                return self._match(request, parts[3:], people.routes)
        if parts[:2] == ["api", "sunshine"] and not self.legacy:
            # UNCONFIRMED: what an account answers once legacy custom objects are gone
            raise ApiFailure(
                404,
                {
                    "errors": [
                        {
                            "code": "NotFound",
                            "status": "404",
                            "title": "Not Found",
                            "detail": LEGACY_GONE,
                        }
                    ]
                },
            )
        if parts[:2] == ["api", "sunshine"]:
            return self._match(request, parts[2:], self._routes)
        # A wrong path answers an HTML page, as Zendesk's front end can (zendesk-api.md section 1).
        raise ApiFailure(404, _NOT_FOUND_PAGE)

    @staticmethod
    def _match(
        request: Request, parts: list[str], routes: list[tuple[list[str], dict[str, Any]]]
    ) -> Callable[[Request], tuple[int, Any]]:
        """The handler of the first route whose pattern fits ``parts`` ({name} takes any part)."""
        for pattern, methods in routes:
            if len(pattern) != len(parts):
                continue
            params = {}
            for want, got in zip(pattern, parts, strict=True):
                if want.startswith("{"):
                    params[want.strip("{}")] = got
                elif want != got:
                    break
            else:
                handler: Callable[[Request], tuple[int, Any]] | None = methods.get(
                    "GET" if request.method == "HEAD" else request.method
                )
                if handler is None:
                    raise failure(
                        405,
                        f"{request.method} is not allowed here",
                        headers=[("Allow", ", ".join(sorted(methods)))],
                    )
                request.params = params
                return handler
        # A wrong path answers an HTML page, as Zendesk's front end can (zendesk-api.md section 1).
        raise ApiFailure(404, _NOT_FOUND_PAGE)

    # -- object types ---------------------------------------------------------------------------

    def list_object_types(self, request: Request) -> tuple[int, Any]:
        return self._list(request, "object_types", _object_type)

    def show_object_type(self, request: Request) -> tuple[int, Any]:
        with self.store.transaction():
            return 200, {
                "data": _object_type(self._existing("object_types", request.params["key"]))
            }

    def create_object_type(self, request: Request) -> tuple[int, Any]:
        data = request.data("key", "schema")
        key, schema = data["key"], data["schema"]
        problems = [p for p in (rules.key_problem(key),) if p] + rules.schema_problems(schema)
        if problems:
            raise _invalid(problems)
        with self.store.transaction():
            if self.store.get("object_types", "key", key):
                raise failure(409, f"An object type with key {key!r} already exists")  # UNCONFIRMED
            self._check_quota("object_types", "resource_types")
            stamp = now()
            row = self.store.insert(
                "object_types",
                {
                    "key": key,
                    "schema": rules.stored_schema_json(schema),
                    "version": 1,
                    "created_at": stamp,
                    "updated_at": stamp,
                },
            )
            return 201, {"data": _object_type(row)}

    def update_object_type(self, request: Request) -> tuple[int, Any]:
        key = request.params["key"]
        data = request.data("schema")
        if "key" in data and data["key"] != key:
            raise failure(400, "data.key is writable on create only")  # UNCONFIRMED
        problems = rules.schema_problems(data["schema"])
        if problems:
            raise _invalid(problems)
        with self.store.transaction():
            row = self._existing("object_types", key)
            # Existing records are not re-validated; they keep their type_version (UNCONFIRMED).
            row = self.store.update(
                "object_types",
                key,
                {
                    "schema": rules.stored_schema_json(data["schema"]),
                    "version": row["version"] + 1,
                    "updated_at": now(),
                },
            )
            return 200, {"data": _object_type(row)}

    def delete_object_type(self, request: Request) -> tuple[int, Any]:
        key = request.params["key"]
        with self.store.transaction():
            self._existing("object_types", key)
            # UNCONFIRMED: Zendesk's answer to deleting a type still in use; the docs suggest a 4xx.
            users = self.store.relationship_types_using(key)
            if users:
                raise failure(
                    409,
                    f"Object type {key} is used by relationship types {', '.join(users)}; "
                    "delete them first",
                )
            if self.store.count("records", "type = ?", (key,)):
                raise failure(409, f"Object type {key} has object records; delete them first")
            self.store.delete("object_types", "key", key)
            return 204, None

    # -- relationship types ---------------------------------------------------------------------

    def list_relationship_types(self, request: Request) -> tuple[int, Any]:
        return self._list(request, "relationship_types", _relationship_type)

    def show_relationship_type(self, request: Request) -> tuple[int, Any]:
        with self.store.transaction():
            return 200, {
                "data": _relationship_type(
                    self._existing("relationship_types", request.params["key"])
                )
            }

    def create_relationship_type(self, request: Request) -> tuple[int, Any]:
        data = request.data("key", "source", "target")
        key = data["key"]
        with self.store.transaction():

            def exists(name: str) -> bool:
                return self.store.get("object_types", "key", name) is not None

            problems = [
                p
                for p in (
                    rules.key_problem(key),
                    rules.type_reference_problem("source", data["source"], exists),
                    rules.type_reference_problem("target", data["target"], exists),
                )
                if p
            ]
            if problems:
                raise _invalid(problems)
            if self.store.get("relationship_types", "key", key):
                # UNCONFIRMED
                raise failure(409, f"A relationship type with key {key!r} already exists")
            self._check_quota("relationship_types", "relationship_types")
            stamp = now()
            row = self.store.insert(
                "relationship_types",
                {
                    "key": key,
                    "source": data["source"],
                    "target": json.dumps(data["target"]),
                    "created_at": stamp,
                    "updated_at": stamp,
                },
            )
            return 201, {"data": _relationship_type(row)}

    def refuse_relationship_update(self, request: Request) -> tuple[int, Any]:
        # "A relationship type cannot be updated: You must create a new one." The status is
        # UNCONFIRMED.
        raise failure(
            405,
            "Relationship types cannot be updated. You must create a new one.",
            headers=[("Allow", "DELETE, GET")],
        )

    def delete_relationship_type(self, request: Request) -> tuple[int, Any]:
        with self.store.transaction():
            key = request.params["key"]
            self._existing("relationship_types", key)
            self.store.delete("relationship_types", "key", key)
            return 204, None

    # -- limits ---------------------------------------------------------------------------------

    def show_limits(self, request: Request) -> tuple[int, Any]:
        with self.store.transaction():
            counts = {
                "resources": self.store.count("records"),
                "relationships": 0,
                "resource_types": self.store.count("object_types"),
                "relationship_types": self.store.count("relationship_types"),
            }
        return 200, {
            "data": [
                {"key": name, "limit": self.limits[name], "count": counts[name]}
                for name in ("resources", "relationships", "resource_types", "relationship_types")
            ]
        }

    # -- object records -------------------------------------------------------------------------

    def list_records(self, request: Request) -> tuple[int, Any]:
        type_key, ids = request.arg("type"), request.arg("ids")
        if ids:
            wanted = [i for i in ids.split(",") if i]
            marks = ", ".join("?" for _ in wanted)
            return self._list(request, "records", _record, f"id IN ({marks})", tuple(wanted))
        if not type_key:
            # "You must use at least one query parameter to filter the returned collection."
            raise failure(400, "A filter is required: type or ids")  # UNCONFIRMED message
        with self.store.transaction():
            self._existing("object_types", type_key)
        return self._list(request, "records", _record, "type = ?", (type_key,))

    def show_record(self, request: Request) -> tuple[int, Any]:
        with self.store.transaction():
            return 200, {
                "data": _record(self._existing("records", request.params["id"], column="id"))
            }

    def create_record(self, request: Request) -> tuple[int, Any]:
        data = request.data("type", "attributes")
        with self.store.transaction():
            row = (
                self.store.get("object_types", "key", data["type"])
                if isinstance(data["type"], str)
                else None
            )
            if row is None:
                raise failure(404, f"Object type {data['type']!r} not found")
            errors = sorted(
                Draft4Validator(json.loads(row["schema"])).iter_errors(data["attributes"]),
                key=lambda e: list(e.path),
            )
            if errors:
                raise _invalid(
                    [
                        f"data.attributes{''.join(f'/{p}' for p in e.path)}: {e.message}"
                        for e in errors
                    ]
                )
            self._check_quota("records", "resources")
            stamp = now()
            record = self.store.insert(
                "records",
                {
                    "id": str(uuid.uuid4()),
                    "type": data["type"],
                    "external_id": data.get("external_id"),
                    "attributes": json.dumps(data["attributes"]),
                    "type_version": row["version"],
                    "created_at": stamp,
                    "updated_at": stamp,
                },
            )
            return 201, {"data": _record(record)}

    def delete_record(self, request: Request) -> tuple[int, Any]:
        with self.store.transaction():
            self._existing("records", request.params["id"], column="id")
            self.store.delete("records", "id", request.params["id"])
            return 204, None

    # -- helpers --------------------------------------------------------------------------------

    def _existing(self, table: str, value: str, column: str = "key") -> Any:
        row = self.store.get(table, column, value)
        if row is None:
            noun = {
                "object_types": "Object type",
                "relationship_types": "Relationship type",
                "records": "Object record",
            }[table]
            raise failure(404, f"{noun} {value} not found", "RecordNotFound")  # UNCONFIRMED wording
        return row

    def _check_quota(self, table: str, limit: str) -> None:
        if self.store.count(table) >= self.limits[limit]:
            raise ApiFailure(429, QUOTA_BODY)

    def _list(
        self,
        request: Request,
        table: str,
        shape: Callable[[Any], dict[str, Any]],
        where: str = "",
        args: tuple[Any, ...] = (),
    ) -> tuple[int, Any]:
        per_page = (
            _int_arg(request, "per_page", DEFAULT_PER_PAGE, 1, MAX_PER_PAGE) or DEFAULT_PER_PAGE
        )
        size = min(per_page, self.max_page_size)
        after, before = (
            _int_arg(request, "page[after]", None, 0),
            _int_arg(request, "page[before]", None, 0),
        )
        if after is not None and before is not None:
            raise failure(400, "Use page[after] or page[before], not both")
        cursor = (
            ("after", after)
            if after is not None
            else ("before", before)
            if before is not None
            else None
        )
        descending = request.arg("order") == "desc"
        with self.store.transaction():
            rows, has_next, has_prev = self.store.page(table, size, cursor, where, args, descending)
        keep = {k: v for k, v in request.query.items() if k not in ("page[after]", "page[before]")}

        def link(name: str, seq: int) -> str:
            query = urlencode([(k, v) for k, vs in keep.items() for v in vs] + [(name, str(seq))])
            return f"{request.base}{quote(request.path)}?{query}"

        return 200, {
            "data": [shape(row) for row in rows],
            "links": {
                "previous": link("page[before]", rows[0]["seq"]) if has_prev else None,
                "next": link("page[after]", rows[-1]["seq"]) if has_next else None,
            },
        }


def _object_type(row: Any) -> dict[str, Any]:
    return {
        "key": row["key"],
        "schema": json.loads(row["schema"]),
        "version": row["version"],
        "created_at": row["created_at"],
        "updated_at": row["updated_at"],
    }


def _relationship_type(row: Any) -> dict[str, Any]:
    return {
        "key": row["key"],
        "source": row["source"],
        "target": json.loads(row["target"]),
        "created_at": row["created_at"],
        "updated_at": row["updated_at"],
    }


def _record(row: Any) -> dict[str, Any]:
    return {
        "id": row["id"],
        "type": row["type"],
        "type_version": row["type_version"],
        "external_id": row["external_id"],
        "attributes": json.loads(row["attributes"]),
        "created_at": row["created_at"],
        "updated_at": row["updated_at"],
    }


def _invalid(problems: list[str]) -> ApiFailure:
    # UNCONFIRMED: the status and code of a refused schema; the messages are Zendesk's where known.
    return ApiFailure(
        400,
        {
            "errors": [
                {
                    "code": "InvalidSchema" if "schema" in p.lower() else "InvalidValue",
                    "status": "400",
                    "title": "Bad Request",
                    "detail": p,
                }
                for p in problems
            ]
        },
    )


def _int_arg(
    request: Request, name: str, default: int | None, low: int, high: int | None = None
) -> int | None:
    raw = request.arg(name)
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        value = low - 1
    if value < low or (high is not None and value > high):
        bound = f"between {low} and {high}" if high is not None else f"at least {low}"
        raise failure(400, f"{name} must be an integer {bound}")
    return value


def _is_json(environ: dict[str, Any]) -> bool:
    media_type = str(environ.get("CONTENT_TYPE") or "").split(";", 1)[0].strip().lower()
    return media_type == "application/json"


def _request(environ: dict[str, Any]) -> Request:
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    body = environ["wsgi.input"].read(length) if length > 0 else b""
    host = (
        environ.get("HTTP_HOST")
        or f"{environ.get('SERVER_NAME', 'localhost')}:{environ.get('SERVER_PORT', '80')}"
    )
    return Request(
        method=environ["REQUEST_METHOD"].upper(),
        path=environ.get("PATH_INFO") or "/",
        query=parse_qs(environ.get("QUERY_STRING", ""), keep_blank_values=True),
        body=body,
        base=f"{environ.get('wsgi.url_scheme', 'http')}://{host}",
    )


def _fault_response(kind: str, retry_after: int) -> ApiFailure:
    if kind == "429":  # some Zendesk 429s are plain text
        return ApiFailure(
            429,
            f"Too Many Requests. Retry after {retry_after} seconds.",
            [("Retry-After", str(retry_after))],
        )
    if kind == "503":
        return ApiFailure(
            503,
            "<html><head><title>503 Service Unavailable</title></head>"
            "<body><h1>Service Unavailable</h1></body></html>",
            [("Retry-After", str(retry_after)), ("Content-Type", "text/html; charset=utf-8")],
        )
    return failure(500, "Internal server error (injected by the emulator)", "InternalServerError")


_NOT_FOUND_PAGE = (
    "<!DOCTYPE html><html><head><title>404 Not Found</title></head>"
    "<body><h1>The page you were looking for doesn't exist.</h1></body></html>"
)


def _respond(
    start_response: StartResponse, status: int, body: Any, headers: Headers | None = None
) -> list[bytes]:
    extra = list(headers or [])
    if body is None:
        payload, content_type = b"", None
    elif isinstance(body, str):
        payload = body.encode()
        content_type = (
            "text/html; charset=utf-8" if body.startswith("<") else "text/plain; charset=utf-8"
        )
    else:
        payload, content_type = json.dumps(body).encode(), "application/json; charset=utf-8"
    if content_type and not any(name.lower() == "content-type" for name, _ in extra):
        extra.append(("Content-Type", content_type))
    extra.append(("Content-Length", str(len(payload))))
    start_response(f"{status} {HTTPStatus(status).phrase}", extra)
    return [payload]
