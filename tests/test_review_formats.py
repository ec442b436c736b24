"""Pull-request and CI formats: plan annotations at the declaration, the PR comment (marker, risk
summary, size limit), job summaries, and several accounts at once."""

from __future__ import annotations

import json
import re

import pytest
from conftest import doc

from zcd_schema.kinds import OBJECT_TYPE
from zcd_schema.planning.document import AccountRef, Change, Location, Plan
from zcd_schema.render.plan import COMMENT_LIMIT, plan_markdown

ANNOTATION = re.compile(
    r"^::(error|warning|notice) (?:file=([^,]+),line=(\d+),col=(\d+),)?title=([^:]+)::(.*)$"
)


def schema(*names: str, required: tuple[str, ...] = ()) -> dict:
    result = {"properties": {n: {"type": "string"} for n in names}}
    if required:
        result["required"] = list(required)
    return result


def annotations(output: str) -> list[tuple[str, str | None, int | None, str]]:
    found = []
    for line in output.splitlines():
        match = ANNOTATION.match(line)
        if match:
            level, file, number, _, _, message = match.groups()
            found.append((level, file, int(number) if number else None, message))
    return found


def test_plan_annotations_point_at_declarations_by_risk(zcd, tmp_path):
    root = tmp_path / "project"
    root.mkdir()
    (root / "zcd.yaml").write_text("default_account: local\nprune: true\n")
    types = {
        "product": {"schema": schema("id", "name", "colour")},
        "supplier": {"schema": schema("id")},
        "store": {"schema": schema("id")},
        "gone": {"schema": schema("id")},
    }
    (root / "types.yaml").write_text(doc(types))
    assert zcd("apply", "--project", root, "--yes").code == 0
    del types["gone"]
    types["product"] = {"schema": schema("id", "name")}  # destructive: removes colour
    types["supplier"] = {"schema": schema("id", "code", required=("code",))}  # breaking
    types["store"] = {"schema": schema("id", "city")}  # safe
    (root / "types.yaml").write_text(doc(types))
    result = zcd("plan", "--project", root, "--format", "github")
    found = annotations(result.out)
    levels = [level for level, *_ in found]
    assert levels == sorted(levels, key=("error", "warning", "notice").index)  # errors first
    lines = (root / "types.yaml").read_text().splitlines()
    by_key = {message.split(" (")[0]: (level, file, line) for level, file, line, message in found}
    level, file, line = by_key["update object type product"]
    assert level == "error" and file.endswith("types.yaml") and '"product"' in lines[line - 1]
    assert by_key["update object type supplier"][0] == "warning"
    assert by_key["update object type store"][0] == "notice"
    level, file, line = by_key["delete object type gone"]  # undeclared: points at the prune setting
    assert level == "error" and file.endswith("zcd.yaml") and line == 2
    assert "Plan: 3 to update, 1 to delete" in result.out  # the text plan follows, for the log


def test_plan_annotations_are_capped_per_level(zcd, tmp_path):
    root = tmp_path / "project"
    root.mkdir()
    types = {f"type{i:02d}": {"schema": schema("id", "old")} for i in range(14)}
    (root / "types.yaml").write_text(doc(types))
    zcd("apply", "--project", root, "--yes")
    (root / "types.yaml").write_text(doc({k: {"schema": schema("id")} for k in types}))
    found = annotations(zcd("plan", "--project", root, "--format", "github").out)
    errors = [m for level, _, _, m in found if level == "error"]
    assert len(errors) == 10 and errors[-1].startswith("+5 more destructive changes")
    out = zcd("plan", "--project", root, "--format", "github").out
    assert (
        sum(
            1
            for line in out.splitlines()
            if line.endswith("removes property 'old'") and not line.startswith("::")
        )
        >= 5
    )  # the rest, as log lines


def big_plan(changes: int) -> Plan:
    """A plan of ``changes`` updates with long reasons and large schemas, of every risk."""
    risks = ["safe", "breaking", "destructive"]
    made = []
    for i in range(changes):
        before = {
            "schema": {
                "properties": {
                    f"p{j}": {"type": "string", "description": "x" * 60} for j in range(40)
                }
            }
        }
        after = {
            "schema": {
                "properties": {
                    f"p{j}": {"type": "number", "description": "y" * 60} for j in range(40)
                }
            }
        }
        made.append(
            Change(
                OBJECT_TYPE,
                f"type{i:03d}",
                "update",
                risks[i % 3],
                tuple(f"reason {k} for type{i:03d}: " + "z" * 80 for k in range(8)),
                before,
                after,
                "sha256:x",
                False,
                Location("types.yaml", i + 1),
            )
        )
    return Plan(AccountRef("production", "https://acme.zendesk.com"), tuple(made))


def detail_levels(text: str) -> dict[str, int]:
    """How much of each change a PR comment shows: 2 reasons and diff, 1 reasons, 0 one line,
    -1 nothing (the risk summary at the top is not counted)."""
    levels = {}
    for block in re.findall(r"<details><summary>.*?</details>", text, re.S):
        key = re.search(r"object type (type\d+)", block).group(1)
        levels[key] = 2 if "```diff" in block else 1
    for key in re.findall(r"^- <code>.*? object type (type\d+) ", text, re.M):
        levels[key] = 0
    return levels


def assert_least_risky_folded_first(plan: Plan, text: str) -> dict[str, list[int]]:
    """Every destructive change is shown at least as fully as every breaking one, and every
    breaking one at least as fully as every safe one; the levels found, by risk."""
    shown = detail_levels(text)
    by_risk = {
        risk: [shown.get(c.key, -1) for c in plan.changes if c.risk == risk]
        for risk in ("destructive", "breaking", "safe")
    }
    assert min(by_risk["destructive"]) >= max(by_risk["breaking"]), by_risk
    assert min(by_risk["breaking"]) >= max(by_risk["safe"]), by_risk
    return by_risk


def test_markdown_of_100_changes_stays_under_the_comment_limit_folding_safe_first():
    plan = big_plan(100)
    text = plan_markdown([plan], project="schema")
    assert len(text.encode()) <= COMMENT_LIMIT
    assert text.splitlines()[0] == "<!-- zcd-schema plan: project=schema accounts=production -->"
    assert "Left out to stay under GitHub's comment limit" in text
    levels = assert_least_risky_folded_first(plan, text)
    assert min(min(found) for found in levels.values()) >= 0  # every change keeps at least its line
    assert 2 in levels["destructive"]  # destructive changes keep their diffs longest
    assert max(levels["safe"]) < 2  # the limit was reached: no safe change kept its diff


def test_markdown_folds_to_one_line_per_change_and_then_drops_the_least_risky():
    plan = big_plan(100)
    # 14,000 bytes hold one line for each destructive change and some of the breaking ones
    tight = plan_markdown([plan], project="schema", limit=14_000)
    assert len(tight.encode()) <= 14_000
    levels = assert_least_risky_folded_first(plan, tight)
    assert set(levels["safe"]) == {-1}  # the safe changes went first, even their lines
    assert set(levels["destructive"]) == {0}  # every destructive change kept its line
    assert 0 in levels["breaking"] and -1 in levels["breaking"]
    dropped = sum(found.count(-1) for found in levels.values())
    assert f"{dropped} changes, least risky first" in tight


def test_markdown_small_plan_is_complete():
    plan = big_plan(3)
    text = plan_markdown([plan], project="schema")
    assert "Left out" not in text and text.count("```diff") == 3
    assert "> [!CAUTION]" in text and "**1 destructive change:**" in text and "> [!WARNING]" in text


def test_summary_files_append_and_stay_under_one_mebibyte(zcd, tmp_path):
    root = tmp_path / "project"
    root.mkdir()
    (root / "types.yaml").write_text(doc({"product": {"schema": schema("id")}}))
    summary = tmp_path / "summary.md"
    summary.write_text("# earlier step\n")
    assert zcd("validate", "--project", root, "--summary-file", summary).code == 0
    assert zcd("plan", "--project", root, "--summary-file", summary).code == 0
    text = summary.read_text()
    assert (
        text.startswith("# earlier step\n")
        and "## zcd-schema validate" in text
        and "## zcd-schema plan" in text
    )
    assert "create object type product" in text

    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "types.yaml").write_text(doc({f"_bad{i}": {"schema": {}} for i in range(3000)}))
    nearly_full = tmp_path / "full.md"
    nearly_full.write_text("x" * (1024 * 1024 - 20_000))
    assert zcd("validate", "--project", broken, "--summary-file", nearly_full).code == 1
    assert nearly_full.stat().st_size <= 1024 * 1024
    assert "more not shown here" in nearly_full.read_text()

    full = tmp_path / "full2.md"
    full.write_text("x" * (1024 * 1024 - 100))
    result = zcd("validate", "--project", root, "--summary-file", full)
    assert (
        result.code == 0
        and "was not added" in result.err
        and full.stat().st_size == 1024 * 1024 - 100
    )


@pytest.fixture
def two_accounts(tmp_path, emulator_factory):
    first, second = emulator_factory(served=True), emulator_factory(served=True)
    root = tmp_path / "project"
    root.mkdir()
    (root / "zcd.yaml").write_text(
        f"accounts:\n  staging:\n    url: {first.url}\n  production:\n    url: {second.url}\n"
    )
    (root / "types.yaml").write_text(doc({"product": {"schema": schema("id")}}))
    return root, first, second


def test_several_accounts_at_once(zcd, two_accounts, tmp_path):
    root, first, _ = two_accounts
    with first.client() as client:  # staging already has it
        from zcd_schema.kinds import OBJECT_TYPE
        from zcd_schema.zendesk.write import AccountApi

        AccountApi(client).create(OBJECT_TYPE, {"key": "product", "schema": schema("id")})
    result = zcd(
        "plan",
        "--project",
        root,
        "--all-accounts",
        "--format",
        "json",
        "--detailed-exitcode",
        "-o",
        tmp_path / "plans" / "{account}.json",
    )
    assert result.code == 2
    document = json.loads(result.out)
    assert [p["account"]["name"] for p in document["plans"]] == ["production", "staging"]
    assert [p["summary"]["create"] for p in document["plans"]] == [1, 0]
    assert sorted(p.name for p in (tmp_path / "plans").iterdir()) == [
        "production.json",
        "staging.json",
    ]
    markdown = zcd(
        "plan",
        "--project",
        root,
        "--account",
        "staging",
        "--account",
        "production",
        "--format",
        "markdown",
    ).out
    assert "accounts=production,staging -->" in markdown.splitlines()[0]
    assert markdown.count("\n### ") == 2
    text = zcd("plan", "--project", root, "--account", "staging", "--account", "production").out
    assert text.count("Account: ") == 2


def test_one_unreachable_account_does_not_hide_the_others(zcd, two_accounts, tmp_path):
    root, first, _ = two_accounts
    config = (root / "zcd.yaml").read_text().replace(first.url, "http://127.0.0.1:9")
    (root / "zcd.yaml").write_text(config)
    result = zcd("plan", "--project", root, "--all-accounts", "--format", "github")
    assert result.code == 3
    assert (
        "account staging could not be planned" in result.out
        and "create object type product" in result.out
    )
    assert "error: account staging:" in result.err


def test_several_accounts_usage_errors(zcd, two_accounts):
    root, first, _ = two_accounts
    assert zcd("plan", "--project", root, "--all-accounts", "-o", "plan.json").code == 64
    assert (
        zcd(
            "plan",
            "--project",
            root,
            "--account",
            "staging",
            "--account",
            "production",
            "--url",
            first.url,
        ).code
        == 64
    )
    assert zcd("plan", "--project", root, "--all-accounts", "--account", "staging").code == 64


def test_show_github_from_a_saved_plan(zcd, tmp_path):
    root = tmp_path / "project"
    root.mkdir()
    (root / "types.yaml").write_text(doc({"product": {"schema": schema("id")}}))
    saved = tmp_path / "plan.json"
    zcd("plan", "--project", root, "-o", saved)
    assert json.loads(saved.read_text())["changes"][0]["declared_at"] == {
        "file": "types.yaml",
        "line": 3,
        "column": 3,
    }
    found = annotations(zcd("show", saved, "--project", root, "--format", "github").out)
    assert (
        found[0][0] == "notice" and found[0][1].endswith("project/types.yaml") and found[0][2] == 3
    )
