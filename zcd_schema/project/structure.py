"""Structure: each file against the JSON Schemas of ``schemas/`` (the same files editors use).

The shipped schemas describe the inner JSON Schemas (an object type's ``schema``, profile
``attributes``, event ``properties``) in detail for editors' completion; here those definitions are
replaced by a plain ``object`` because ``schema_rules`` checks them with Zendesk's own rules and
wording. Bounds that are hard limits (name lengths, list sizes, reserved names) are reported by
``rules`` from the limits table, so the same keywords are not reported twice here.
"""

from __future__ import annotations

import difflib
import json
from functools import cache
from pathlib import Path
from typing import Any

from zcd_schema.fastschema import Check, compile_check
from zcd_schema.project.findings import Findings
from zcd_schema.project.yamlio import escape

OPAQUE_DEFS = ("objectSchema", "payloadSchema")
OWNED_BY_RULES = {
    "propertyNames",
    "maxItems",
    "minItems",
    "maxLength",
    "minLength",
    "uniqueItems",
    "not",
}
CREDENTIAL_KEYS = {
    "token",
    "api_token",
    "oauth_token",
    "access_token",
    "password",
    "secret",
    "email",
    "api_key",
}
_JSON_TYPES = {
    "object": "a mapping",
    "array": "a list",
    "string": "text",
    "boolean": "true or false",
    "integer": "a whole number",
    "number": "a number",
    "null": "nothing (null)",
}


_SCHEMAS = Path(__file__).resolve().parent.parent / "schemas"


def load_schema(name: str) -> dict[str, Any]:
    """A shipped JSON Schema: ``document`` or ``config``."""
    # beside the package's modules (package data); importlib.resources would cost more to import
    # than reading the file does
    text = (_SCHEMAS / f"{name}.schema.json").read_text("utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


@cache
def _prepared(name: str) -> dict[str, Any]:
    schema = load_schema(name)
    defs = schema.get("$defs", {})
    for opaque in OPAQUE_DEFS:
        if opaque in defs:
            defs[opaque] = {"type": "object"}
    prepared: dict[str, Any] = _prepare(schema, defs)
    return prepared


@cache
def _fast_check(name: str) -> Check | None:
    return compile_check(_prepared(name), draft=2020)


@cache
def _validator(name: str) -> Any:
    from jsonschema import Draft202012Validator

    return Draft202012Validator(_prepared(name))


def _prepare(node: Any, defs: dict[str, Any]) -> Any:
    """The schema to validate with: local $refs inlined (no lookups while validating), keywords the
    rules own and annotations removed. With the inner JSON Schemas opaque, nothing recursive is
    left."""
    if not isinstance(node, dict):
        return node
    if "$ref" in node:
        node = {
            **defs[node["$ref"].rsplit("/", 1)[1]],
            **{k: v for k, v in node.items() if k != "$ref"},
        }
    out: dict[str, Any] = {}
    for keyword, value in node.items():
        if keyword in OWNED_BY_RULES or keyword in _ANNOTATIONS:
            continue
        if keyword == "properties":
            out[keyword] = {name: _prepare(sub, defs) for name, sub in value.items()}
        elif keyword in ("anyOf", "oneOf", "allOf"):
            out[keyword] = [_prepare(sub, defs) for sub in value]
        else:
            out[keyword] = _prepare(value, defs)
    return out


_ANNOTATIONS = {"$defs", "$id", "description", "examples", "default", "title"}


def describe(value: Any) -> str:
    if value is None:
        return "nothing (null)"
    if isinstance(value, bool):
        return "true or false"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list):
        return "a list"
    return "a mapping"


def _expected(types: Any) -> str:
    names = [types] if isinstance(types, str) else list(types)
    return " or ".join(_JSON_TYPES.get(t, t) for t in names)


def _pointer(path: Any) -> str:
    return "".join("/" + escape(str(p)) for p in path)


def check_structure(value: Any, schema_name: str, file: str, findings: Findings) -> None:
    """Report where ``value`` departs from the schema. Most files do not: a compiled yes-or-no
    check answers for them, and jsonschema (imported only then) is asked only about a file that
    fails it, so the messages are always jsonschema's."""
    fast = _fast_check(schema_name)
    if fast is not None and fast(value):
        return
    for error in _validator(schema_name).iter_errors(value):
        _report(error, file, findings)


def _report(error: Any, file: str, findings: Findings) -> None:
    kind = error.validator
    pointer = _pointer(error.absolute_path)
    instance = error.instance
    if kind == "additionalProperties":
        allowed = sorted(error.schema.get("properties", {}))
        where = "section" if pointer == "" else "field"
        for key in instance:
            if key in allowed:
                continue
            at = pointer + "/" + escape(key)
            if key.lower() in CREDENTIAL_KEYS:
                findings.add(
                    "ZCD601",
                    file,
                    at,
                    f"{key!r}: credentials are never written in YAML; "
                    "set them in the environment (see the *_env settings of an account)",
                    key=True,
                )
                continue
            close = difflib.get_close_matches(key, allowed, n=1, cutoff=0.6)
            hint = (
                f"; did you mean {close[0]!r}?"
                if close
                else f"; expected one of: {', '.join(allowed)}"
            )
            findings.add("ZCD101", file, at, f"unknown {where} {key!r}{hint}", key=True)
    elif kind == "required":
        # one error per missing field (jsonschema 4): report the one this error names
        missing = [name for name in error.validator_value if name not in instance]
        named = [name for name in missing if error.message.startswith(repr(name))]
        for name in named[:1] or missing[:1]:
            findings.add("ZCD103", file, pointer, f"missing required field {name!r}", key=True)
    elif kind == "type":
        findings.add(
            "ZCD102",
            file,
            pointer,
            f"expected {_expected(error.validator_value)}, got {describe(instance)}",
        )
    elif kind in ("anyOf", "oneOf"):
        # Report the branches whose type matched; when none did, say which types would.
        matched = [sub for sub in error.context if sub.validator != "type"]
        for sub in matched:
            _report(sub, file, findings)
        if not matched:
            types = [sub.validator_value for sub in error.context]
            findings.add(
                "ZCD102", file, pointer, f"expected {_expected(types)}, got {describe(instance)}"
            )
    elif kind == "pattern":
        if pointer.endswith("_env"):
            return  # rules report these without repeating a value that may be a secret
        findings.add(
            "ZCD104",
            file,
            pointer,
            f"{instance!r} does not match the pattern {error.validator_value}",
        )
    elif kind == "enum":
        options = ", ".join(json.dumps(v) for v in error.validator_value)
        findings.add("ZCD104", file, pointer, f"{json.dumps(instance)} is not one of {options}")
    elif kind == "const":
        findings.add("ZCD104", file, pointer, f"must be {json.dumps(error.validator_value)}")
    elif kind in ("minimum", "maximum"):
        word = "at least" if kind == "minimum" else "at most"
        findings.add("ZCD104", file, pointer, f"must be {word} {error.validator_value}")
    else:
        findings.add("ZCD104", file, pointer, error.message)
