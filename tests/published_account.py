"""An account that answers exactly what Zendesk publishes: each endpoint's example answer from a
copy of Zendesk's OpenAPI spec (``tests/published/oas-*.json``), served as a WSGI application.

It holds what the examples hold and nothing else (the objects ``car`` and ``vessel``, the fields
of the fields example for every object, the user and organization field examples), so a tool fed
by it sees Zendesk's shapes, not our emulator's. Writes are not served: the examples of a write
answer with another key than the one written.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

PUBLISHED = Path(__file__).resolve().parent / "published"
COPIES = sorted(PUBLISHED.glob("oas-*.json"))


def corpus(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def errors() -> list[dict[str, Any]]:
    answers: list[dict[str, Any]] = corpus(PUBLISHED / "errors.json")["answers"]
    return answers


def _pattern(template: str) -> re.Pattern[str]:
    return re.compile("^" + re.sub(r"\\\{[a-z]+\\\}", "[^/]+", re.escape(template)) + "$")


class PublishedAccount:
    """GETs answered with the published example for the path; anything else 404 as Zendesk
    answers it. ``requests`` records each (method, path) seen."""

    def __init__(self, copy: Path) -> None:
        self.copy = copy
        self.answers = [
            (a["method"], _pattern(a["path"]), a) for a in corpus(copy)["answers"] if a["body"]
        ]
        self.requests: list[tuple[str, str]] = []

    def answer(self, method: str, path: str) -> dict[str, Any] | None:
        path = path.removesuffix(".json")
        # the literal limits path before the {key} one that would also match it
        found = [a for m, rx, a in self.answers if m == method and rx.match(path)]
        found.sort(key=lambda a: a["path"].count("{"))
        return found[0] if found else None

    def __call__(
        self, environ: dict[str, Any], start_response: Callable[..., Any]
    ) -> Iterable[bytes]:
        method, path = environ["REQUEST_METHOD"], environ.get("PATH_INFO", "")
        self.requests.append((method, path))
        found = self.answer(method, path) if method == "GET" else None
        if found is None:
            status, body = "404 Not Found", {"error": "RecordNotFound", "description": "Not found"}
        else:
            status, body = f"{found['status']} OK", found["body"]
        data = json.dumps(body).encode()
        start_response(
            status, [("Content-Type", "application/json"), ("Content-Length", str(len(data)))]
        )
        return [data]
