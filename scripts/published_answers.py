"""Extract Zendesk's published example answers from a copy of its OpenAPI spec into the
conformance corpus (``tests/published/``): the endpoints zcd-schema reads and writes, each with
the example Zendesk publishes for it, its status, and where it came from.

    python scripts/published_answers.py SPEC.yaml --label oas-2025-06 \\
        --source "botbrains-io/python-zendesk openapi-src.yaml @806dda6 (2025-06-12)"

The spec itself is not kept here (it is Zendesk's); only the example answers are, as facts. Run
it again with a newer copy and a new label to add that copy beside the others.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

import yaml

OUT = Path(__file__).resolve().parent.parent / "tests" / "published"

# (method, the spec's path template, the path the corpus serves it at)
ENDPOINTS = [
    ("GET", "/api/v2/custom_objects", "/api/v2/custom_objects"),
    ("POST", "/api/v2/custom_objects", "/api/v2/custom_objects"),
    ("GET", "/api/v2/custom_objects/{custom_object_key}", "/api/v2/custom_objects/{key}"),
    ("PATCH", "/api/v2/custom_objects/{custom_object_key}", "/api/v2/custom_objects/{key}"),
    (
        "GET",
        "/api/v2/custom_objects/{custom_object_key}/fields",
        "/api/v2/custom_objects/{key}/fields",
    ),
    (
        "POST",
        "/api/v2/custom_objects/{custom_object_key}/fields",
        "/api/v2/custom_objects/{key}/fields",
    ),
    (
        "GET",
        "/api/v2/custom_objects/{custom_object_key}/fields/{custom_object_field_key_or_id}",
        "/api/v2/custom_objects/{key}/fields/{field}",
    ),
    (
        "PATCH",
        "/api/v2/custom_objects/{custom_object_key}/fields/{custom_object_field_key_or_id}",
        "/api/v2/custom_objects/{key}/fields/{field}",
    ),
    (
        "GET",
        "/api/v2/custom_objects/limits/object_limit",
        "/api/v2/custom_objects/limits/object_limit",
    ),
    (
        "GET",
        "/api/v2/custom_objects/{custom_object_key}/limits/field_limit",
        "/api/v2/custom_objects/{key}/limits/field_limit",
    ),
    (
        "GET",
        "/api/v2/custom_objects/{custom_object_key}/records/count",
        "/api/v2/custom_objects/{key}/records/count",
    ),
    ("GET", "/api/v2/user_fields", "/api/v2/user_fields"),
    ("POST", "/api/v2/user_fields", "/api/v2/user_fields"),
    ("GET", "/api/v2/user_fields/{user_field_id}", "/api/v2/user_fields/{id}"),
    ("PUT", "/api/v2/user_fields/{user_field_id}", "/api/v2/user_fields/{id}"),
    ("GET", "/api/v2/organization_fields", "/api/v2/organization_fields"),
    ("POST", "/api/v2/organization_fields", "/api/v2/organization_fields"),
    (
        "PUT",
        "/api/v2/organization_fields/{organization_field_id}",
        "/api/v2/organization_fields/{id}",
    ),
]


class _Loader(yaml.SafeLoader):
    """Every scalar stays the text the spec wrote (timestamps are not turned into datetimes, so
    an example is the JSON Zendesk sends); ``=`` keys are plain text too."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Loader.add_constructor("tag:yaml.org,2002:value", lambda loader, node: node.value)


def _resolve(spec: dict[str, Any], node: Any) -> Any:
    while isinstance(node, dict) and "$ref" in node:
        target: Any = spec
        for part in node["$ref"].lstrip("#/").split("/"):
            target = target[part]
        node = target
    return node


def extract(spec: dict[str, Any]) -> list[dict[str, Any]]:
    answers = []
    for method, template, served in ENDPOINTS:
        operation = spec["paths"].get(template, {}).get(method.lower())
        if operation is None:
            print(f"not in this copy: {method} {template}", file=sys.stderr)
            continue
        for status, response in operation.get("responses", {}).items():
            content = (_resolve(spec, response).get("content") or {}).get("application/json")
            if not content:
                continue
            examples = content.get("examples") or {}
            for name, example in examples.items():
                ref = example.get("$ref", "") if isinstance(example, dict) else ""
                value = _resolve(spec, example)
                answers.append(
                    {
                        "method": method,
                        "path": served,
                        "spec_path": template,
                        "operation": operation.get("operationId"),
                        "status": int(status),
                        "example": ref.rsplit("/", 1)[-1] or name,
                        "body": value.get("value") if isinstance(value, dict) else None,
                    }
                )
    return answers


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("spec", type=Path)
    parser.add_argument("--label", required=True, help="e.g. oas-2025-06")
    parser.add_argument("--source", required=True, help="where the copy came from, and its date")
    args = parser.parse_args()
    with args.spec.open(encoding="utf-8") as handle:
        spec = yaml.load(handle, Loader=_Loader)
    corpus = {
        "source": args.source,
        "spec_title": spec.get("info", {}).get("title"),
        "spec_version": spec.get("info", {}).get("version"),
        "answers": extract(spec),
    }
    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / f"{args.label}.json"
    path.write_text(json.dumps(corpus, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"{path}: {len(corpus['answers'])} answers")
    return 0


if __name__ == "__main__":
    sys.exit(main())
