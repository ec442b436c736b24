"""Rules that need generated inputs: hard limits, sizes, depth, odd files."""

from __future__ import annotations

import os
import sys
import time

import pytest

from zcd_schema.project.limits import LIMIT
from zcd_schema.project.validate import validate_project


def _codes(root) -> list[tuple[str, str, int]]:
    return [(d.code, d.file, d.line) for d in validate_project(root).diagnostics]


def _object_types(n: int, start: int = 0) -> str:
    return "object_types:\n" + "".join(
        f"  type{i:03d}:\n    schema: {{properties: {{a: {{type: string}}}}}}\n"
        for i in range(start, start + n)
    )


def test_object_types_limit_counts_across_files(project) -> None:
    at_limit = project({"a.yaml": _object_types(30), "b.yaml": _object_types(20, 30)})
    assert _codes(at_limit) == []
    over = project({"a.yaml": _object_types(30), "b.yaml": _object_types(21, 30)})
    result = validate_project(over)
    [d] = result.diagnostics
    assert (d.code, d.file, d.line, d.pointer) == (
        "ZCD501",
        "b.yaml",
        2 + 2 * 20,
        "/object_types/type050",
    )
    assert d.message == "51 object types declared; an account holds at most 50 (this is number 51)"


def test_relationship_types_limit(project) -> None:
    rels = "relationship_types:\n" + "".join(
        f"  rel{i:02d}: {{source: zen:user, target: zen:ticket}}\n" for i in range(51)
    )
    assert [c for c, _, _ in _codes(project({"r.yaml": rels}))] == ["ZCD502"]


@pytest.mark.parametrize(
    "kind,code_sources,code_types", [("profile", "ZCD503", "ZCD504"), ("event", "ZCD506", "ZCD507")]
)
def test_source_and_type_limits(project, kind: str, code_sources: str, code_types: str) -> None:
    body = {"profile": "{identifier_types: [email]}", "event": "{description: x}"}[kind]

    def sources(n_sources: int, types_each: int) -> str:
        out = [f"{kind}_sources:"]
        for s in range(n_sources):
            out.append(f"  src{s:02d}:\n    types:")
            out += [f"      t{t:03d}: {body}" for t in range(types_each)]
        return "\n".join(out) + "\n"

    assert _codes(project({"s.yaml": sources(50, 50)})) == []  # 2,500 types: exactly at the limit
    assert [c for c, _, _ in _codes(project({"s.yaml": sources(51, 1)}))] == [code_sources]
    assert [
        c
        for c, _, _ in _codes(
            project({"s.yaml": sources(50, 50) + "  extra:\n    types:\n      one: " + body + "\n"})
        )
    ] == [code_sources, code_types]


def test_schema_size_limit_is_exact(project) -> None:
    """32,768 bytes of compact JSON (with the additionalProperties: false Zendesk adds) pass; one
    more fails."""
    import json

    def schema_with(padding: int) -> dict:
        return {"properties": {"p": {"type": "string", "description": "x" * padding}}}

    base = len(json.dumps({**schema_with(0), "additionalProperties": False}, separators=(",", ":")))
    exact = LIMIT["schema_bytes"] - base

    def document(padding: int) -> str:
        return "object_types:\n  big:\n    schema: " + json.dumps(schema_with(padding)) + "\n"

    assert _codes(project({"a.yaml": document(exact)})) == []
    [d] = validate_project(project({"a.yaml": document(exact + 1)})).diagnostics
    assert d.code == "ZCD312"
    assert d.message == "the schema is 32,769 bytes as JSON; Zendesk stores at most 32,768 (32 KB)"


def test_file_over_8_mib_is_refused_unread(project) -> None:
    root = project({"big.yaml": "# " + "x" * (8 * 1024 * 1024) + "\n"})
    [d] = validate_project(root).diagnostics
    assert d.code == "ZCD004" and d.line == 1 and "8,388,611 bytes" in d.message


def test_alias_bomb_of_a_billion_nodes_fails_fast(project) -> None:
    lines = ["a: &a [x, x, x, x, x, x, x, x, x, x]"]
    for i in range(1, 9):
        prev, cur = chr(ord("a") + i - 1), chr(ord("a") + i)
        lines.append(f"{cur}: &{cur} [" + ", ".join([f"*{prev}"] * 10) + "]")
    root = project({"bomb.yaml": "\n".join(lines) + "\n"})  # 10^9 leaves once expanded
    started = time.perf_counter()
    [d] = validate_project(root).diagnostics
    elapsed = time.perf_counter() - started
    assert d.code == "ZCD005"
    assert elapsed < 5, "a hang guard, not a speed target (benchmarks/validate.py measures it)"


def test_deep_nesting_is_refused_without_crashing(project) -> None:
    # libyaml's composer would crash the interpreter on this; the event loader refuses it.
    root = project({"deep.yaml": "a: " + "[" * 60000 + "]" * 60000 + "\n"})
    [d] = validate_project(root).diagnostics
    assert d.code == "ZCD012"


def test_second_document_in_a_file(project) -> None:
    root = project({"two.yaml": "object_types: {}\n---\nevent_sources: {}\n"})
    assert _codes(root) == [("ZCD013", "two.yaml", 2)]


def test_unsupported_tags(project) -> None:
    root = project(
        {"tags.yaml": "object_types:\n  x1: !!python/object:os.system {}\n  x2: !custom 3\n"}
    )
    assert [c for c, _, _ in _codes(root)] == ["ZCD011"]  # the file stops at the first


@pytest.mark.skipif(sys.platform == "win32" or os.geteuid() == 0, reason="root reads any file")
def test_unreadable_file(project) -> None:
    root = project({"secret.yaml": "object_types: {}\n"})
    (root / "secret.yaml").chmod(0)
    assert _codes(root) == [("ZCD014", "secret.yaml", 1)]


def test_unreadable_file_as_a_folder_named_yaml(project) -> None:
    """Runs as root too: a folder named like a document is skipped; a broken symlink cannot be
    read."""
    root = project({"ok.yaml": "object_types: {}\n"})
    (root / "dangling.yaml").symlink_to(root / "nowhere.yaml")
    assert _codes(root) == [("ZCD014", "dangling.yaml", 1)]


def test_keys_stay_the_text_the_user_wrote(project) -> None:
    root = project(
        {
            "keys.yaml": "object_types:\n  on:\n    schema: "
            "{properties: {yes: {type: string}, 2019-car: {type: string}, null: {type: string}}}\n"
        }
    )
    result = validate_project(root)
    assert result.diagnostics == ()
    assert set(result.project.object_types["on"].schema["properties"]) == {
        "yes",
        "2019-car",
        "null",
    }


# -- custom objects: the limits, at their boundaries --------------------------------------------


def _custom_objects(
    objects: int, fields: int = 1, lookups: int = 0, options: int = 0, kind: str = "dropdown"
) -> str:
    lines = ["custom_objects:"]
    for o in range(objects):
        lines += [
            f"  obj{o:03d}:",
            f"    title: Object {o}",
            f"    title_pluralized: Objects {o}",
            "    fields:",
        ]
        for f in range(fields):
            if options:
                values = ", ".join(f"v{i}: V{i}" for i in range(options))
                lines.append(
                    f"      f{f:03d}: {{type: {kind}, title: F{f}, options: {{{values}}}}}"
                )
            else:
                lines.append(f"      f{f:03d}: {{type: text, title: F{f}}}")
        for f in range(lookups):
            lines.append(f"      l{f:03d}: {{type: lookup, title: L{f}, target: zen:user}}")
    return "\n".join(lines) + "\n"


def _custom_codes(root) -> list[str]:
    return [d.code for d in validate_project(root).diagnostics]


def test_custom_object_hard_limits(project) -> None:
    assert _custom_codes(project({"a.yaml": _custom_objects(50)})) == []
    assert _custom_codes(project({"a.yaml": _custom_objects(51)})) == ["ZCD710"]
    assert _custom_codes(project({"a.yaml": _custom_objects(1, fields=100)})) == []
    assert _custom_codes(project({"a.yaml": _custom_objects(1, fields=101)})) == ["ZCD710"]
    assert _custom_codes(project({"a.yaml": _custom_objects(1, lookups=10)})) == []
    [over] = validate_project(project({"a.yaml": _custom_objects(1, lookups=11)})).diagnostics
    assert (
        over.code == "ZCD710"
        and "11 lookup fields" in over.message
        and over.pointer.endswith("/l010")
    )
    assert _custom_codes(project({"a.yaml": _custom_objects(1, options=2000)})) == []
    assert _custom_codes(project({"a.yaml": _custom_objects(1, options=2001)})) == ["ZCD710"]


def test_custom_object_limits_of_a_plan_tier_name_the_account(project) -> None:
    settings = "accounts:\n  small:\n    subdomain: small\n    plan_tier: team\n"
    assert (
        _custom_codes(project({"zcd.yaml": settings, "a.yaml": _custom_objects(3, lookups=5)}))
        == []
    )
    over = validate_project(
        project({"zcd.yaml": settings, "a.yaml": _custom_objects(4, lookups=6)})
    )
    found = [(d.code, d.message) for d in over.diagnostics]
    message = (
        "4 custom objects declared; Zendesk allows on the team plan of account 'small' "
        "at most 3 (this is number 4)"
    )
    assert ("ZCD711", message) in found
    assert (
        sum(1 for code, _ in found if code == "ZCD711") == 5
    )  # the objects, and 6 lookups on each of 4


def test_zaf_app_limits(project) -> None:
    zaf = "zaf_app: true\n"
    assert (
        _custom_codes(
            project({"zcd.yaml": zaf, "a.yaml": _custom_objects(1, fields=5, options=10)})
        )
        == []
    )
    over = project(
        {"zcd.yaml": zaf, "a.yaml": _custom_objects(1, fields=6, options=11, kind="multiselect")}
    )
    codes = _custom_codes(over)
    assert (
        codes.count("ZCD712") == 1 + 6
    )  # six multiselect fields (5 allowed), each with 11 options
    assert _custom_codes(project({"zcd.yaml": zaf, "a.yaml": _custom_objects(1, fields=21)})) == [
        "ZCD712"
    ]
