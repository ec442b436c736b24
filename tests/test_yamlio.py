"""The YAML reader's two passes: values and issues without positions, positions on demand."""

from __future__ import annotations

from zcd_schema.project.yamlio import load_text

TEXT = (
    "custom_objects:\n"
    "  vehicle:\n"
    "    title: Vehicle\n"
    "    fields:\n"
    "      a/b: {type: text, title: A}\n"
    "      list: [x, {y: 1}]\n"
)


def test_positions_are_found_when_first_asked_for():
    document = load_text(TEXT)
    assert document.issues == [] and document._positions is None
    assert document.position("/custom_objects/vehicle", key=True) == (2, 3)
    assert document.position("/custom_objects/vehicle/title") == (3, 12)
    assert document.position("/custom_objects/vehicle/fields/a~1b/title", key=True) == (5, 25)
    assert document.position("/custom_objects/vehicle/fields/list/1/y") == (6, 21)
    # a pointer to nothing written falls back to its nearest parent
    assert document.position("/custom_objects/vehicle/fields/list/1/nope") == (6, 17)


def test_an_issue_carries_its_pointer_without_the_positions_pass():
    document = load_text("a:\n  - {b: [1, yes]}\n")
    [issue] = document.issues
    assert (issue.code, issue.pointer, issue.line, issue.column) == ("ZCD008", "/a/0/b/1", 2, 13)
    assert document._positions is None


def test_a_duplicate_key_names_the_first_one_at_its_place():
    document = load_text("x:\n  k: 1\n  j: 2\n  k: 3\n")
    [issue] = document.issues
    assert issue.message == "duplicate key 'k': already defined at line 2, column 3"
    assert (issue.line, issue.pointer) == (4, "/x/k")
    assert document.value == {"x": {"k": 1, "j": 2}}


def test_libyamls_own_nesting_cap_is_reported_as_nesting():
    # recent libyaml refuses 1,000 open brackets before the reader's own cap of 256 sees them
    [issue] = load_text("a: " + "[" * 2000 + "]" * 2000 + "\n").issues
    assert issue.code == "ZCD012"


TEXTS = [
    TEXT,
    "a: yes\nb: 010\n",
    "x:\n  k: 1\n  k: 2\n",
    "broken: [\n",
    "a: &a [1, 2]\nb: *a\n",
    "a: " + "[" * 300 + "]" * 300 + "\n",
    "a: *nowhere\n",
    "",
    "- just\n- a list\n",
    "big: [" + ", ".join(f"item{i}" for i in range(3000)) + "]\n",
] * 3


def _same(document):
    return repr(document.value), document.issues, document.ok


def test_two_processes_parse_as_one():
    from zcd_schema.project.yamlparse import parse_in_two

    shared = parse_in_two(TEXTS)
    assert [_same(d) for d in shared] == [_same(load_text(t)) for t in TEXTS]
    assert shared[0].position("/custom_objects/vehicle/title") == (3, 12)  # text kept


def test_a_failing_second_process_leaves_its_share_to_the_first(monkeypatch):
    from zcd_schema.project import yamlparse

    def broken(document):
        raise RuntimeError("planted in the child")

    monkeypatch.setattr(yamlparse, "_flat", broken)  # what the child sends back
    shared = yamlparse.parse_in_two(TEXTS)
    assert [_same(d) for d in shared] == [_same(load_text(t)) for t in TEXTS]


def test_a_large_project_validates_alike_in_one_process_and_two(project, monkeypatch):
    from zcd_schema.project import yamlio
    from zcd_schema.project.validate import validate_project

    properties = "".join(f"        p{j}: {{type: string, enum: [on, off]}}\n" for j in range(400))
    files = {
        f"objects/t{i:02d}.yaml": f"object_types:\n  t{i:02d}:\n    schema:\n      properties:\n"
        + properties
        for i in range(20)
    }
    files["broken.yaml"] = "object_types:\n  x: [\n"
    root = project(files)
    assert sum(map(len, files.values())) > yamlio.PARALLEL_BYTES
    from zcd_schema.project import yamlparse

    calls = []
    real = yamlparse.parse_in_two
    monkeypatch.setattr(yamlparse, "parse_in_two", lambda texts: calls.append(1) or real(texts))
    two = validate_project(root)
    assert calls == ([1] if yamlio._two_cores_free() else [])
    monkeypatch.setattr(yamlio, "_two_cores_free", lambda: False)
    one = validate_project(root)
    assert two.diagnostics == one.diagnostics and len(one.diagnostics) > 16000
