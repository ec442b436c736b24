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
