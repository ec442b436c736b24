"""zcd-schema: Zendesk custom data schemas as code."""

from __future__ import annotations

from typing import Any

__version__ = "0.1.0"
PROJECT_URL = "https://github.com/zcd-schema/zcd-schema"
ISSUES_URL = PROJECT_URL + "/issues"


def check_payload(payload: Any, project: Any = ".", *, object_key: str | None = None) -> list[Any]:
    """The problems of one sample payload (an event, a profile or a custom object record, parsed
    or as JSON text) against the declarations of the project at ``project``: an empty list when it
    passes. Each problem has ``code``, ``pointer``, ``message`` and ``severity``; ``str()`` of one
    reads well in an assertion. See ``zcd_schema.payloads``."""
    from zcd_schema.payloads import check_payload as check

    return list(check(payload, project, object_key=object_key))
