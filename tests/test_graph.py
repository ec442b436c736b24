"""graph (mermaid and DOT) and the plan comment's diagram. Every mermaid text written here is
parsed by mermaid's own parser (tests/mermaid, installed by make test from the npm registry)."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import ROOT
from test_review import edit, git

FLEET = ROOT / "examples" / "fleet"
QUICKSTART = ROOT / "examples" / "quickstart"
PARSER = ROOT / "tests" / "mermaid"


@pytest.fixture
def both(tmp_path: Path) -> Path:
    """fleet's custom objects with quickstart's legacy catalog: both kinds of object, lookups to
    zen: types and relationship types of both cardinalities."""
    root = tmp_path / "both"
    root.mkdir()
    for path in FLEET.glob("*.yaml"):
        shutil.copy(path, root / path.name)
    shutil.copytree(QUICKSTART / "catalog", root / "catalog")
    return root


@pytest.fixture(scope="session")
def mermaid_parse(tmp_path_factory):
    """Parse mermaid texts with mermaid itself: a list of (text) -> list of error lines."""
    node = shutil.which("node")
    if node is None or not (PARSER / "node_modules" / "mermaid").is_dir():
        pytest.skip("mermaid's parser is not installed (make test installs it when npm is there)")
    folder = tmp_path_factory.mktemp("mermaid")

    def parse(*texts: str) -> list[str]:
        files = []
        for i, text in enumerate(texts):
            files.append(folder / f"{i}.mmd")
            files[-1].write_text(text)
        done = subprocess.run(
            [node, str(PARSER / "parse.mjs"), *map(str, files)],
            capture_output=True,
            text=True,
            timeout=120,
        )
        lines = done.stdout.splitlines()
        assert len(lines) == len(texts), done.stdout + done.stderr
        return [line for line in lines if not line.startswith("ok ")]

    return parse


def edges(text: str) -> set[tuple[str, str, str]]:
    """(source key, label, target key) of every arrow of a mermaid flowchart."""
    names = dict(re.findall(r'^  (n\d+)\(?\["([^"<]+)', text, re.M))
    return {
        (names[a], label, names[b])
        for a, label, b in re.findall(r'^  (n\d+) -\.?->\|"([^"]+)"\| (n\d+)$', text, re.M)
    }


def test_graph_draws_objects_lookups_and_relationships(zcd, both, mermaid_parse):
    result = zcd("graph", "--project", both)
    assert result.code == 0, result.err
    assert result.out.startswith("flowchart LR\n")
    assert edges(result.out) == {
        ("service_visit", "vehicle (N:1)", "vehicle"),
        ("service_visit", "garage (N:1)", "garage"),
        ("service_visit", "ticket (N:1)", "zen:ticket"),
        ("vehicle", "driver (N:1)", "zen:user"),
        ("vehicle", "home_garage (N:1)", "garage"),
        ("product", "product_supplier (1:1)", "supplier"),
        ("warehouse", "warehouse_products (1:N)", "product"),
        ("product", "product_manager (1:1)", "zen:user"),
        ("zen:user", "customer_purchases (1:N)", "product"),
    }
    assert re.search(r"^  class n\d+,n\d+,n\d+ legacy$", result.out, re.M)
    assert mermaid_parse(result.out) == []


def test_dot_has_the_same_graph(zcd, both):
    out = zcd("graph", "--project", both, "--format", "dot").out
    assert out.startswith("digraph zcd_schema {\n") and out.endswith("}\n")
    assert '"custom:vehicle" -> "custom:garage" [label="home_garage (N:1)"];' in out
    assert '"legacy:warehouse" -> "legacy:product" [label="warehouse_products (1:N)"];' in out
    assert '"zen:user" -> "legacy:product" [label="customer_purchases (1:N)"];' in out
    string = r'"(?:[^"\\]|\\.)*"'
    statement = re.compile(
        rf"  (?:{string}(?: -> {string})? \[[^\]]*\];|rankdir=LR;|(?:node|edge) \[[^\]]*\];)"
    )
    for line in out.splitlines()[1:-1]:
        assert statement.fullmatch(line), line


def test_users_and_organizations_lookups_and_same_keys_in_both_apis(zcd, project, mermaid_parse):
    root = project(
        {
            "a.yaml": "custom_objects:\n  product:\n    title: 'Say \"hi\" #1 <b>|;`x`'\n"
            "    title_pluralized: Products\n"
            "user_fields:\n  favourite:\n    title: Favourite\n    target: product\n"
            "organization_fields:\n  account_manager:\n    title: AM\n    target: zen:user\n"
            "object_types:\n  product:\n    schema:\n      properties: {a: {type: string}}\n"
        }
    )
    result = zcd("graph", "--project", root)
    assert result.code == 0, result.err
    assert edges(result.out) == {
        ("zen:user", "favourite (N:1)", "product"),
        ("zen:organization", "account_manager (N:1)", "zen:user"),
    }
    assert result.out.count('["product') == 2  # a custom object and a legacy type, apart
    assert "Say #34;hi#34; #35;1 #60;b#62;#124;#59;#96;x#96;" in result.out
    assert mermaid_parse(result.out) == []
    dot = zcd("graph", "--project", root, "--format", "dot").out
    assert r'label="product\nSay \"hi\" #1 <b>|;`x`"' in dot


def test_plan_comment_draws_what_changes(zcd, tmp_path, both, mermaid_parse):
    repo = tmp_path / "repo"
    shutil.copytree(both, repo / "schema")
    git(repo, "init", "-q")
    git(repo, "config", "user.email", "ci@example.com")
    git(repo, "config", "user.name", "CI")
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "base")
    schema = repo / "schema"
    edit(schema / "catalog" / "relationships.yaml", "product_supplier", "product_vendor")
    edit(schema / "vehicles.yaml", "title: Seats", "title: Seat count")
    result = zcd("plan", "--project", schema, "--base", "HEAD", "--format", "markdown")
    block = re.search(r"```mermaid\n(.*?)```", result.out, re.S)
    assert block is not None, result.out
    diagram = block.group(1)
    assert edges(diagram) == {
        ("product", "product_supplier (1:1)", "supplier"),
        ("product", "product_vendor (1:1)", "supplier"),
    }
    assert re.search(r"^  n\d+ -\.->\|\"product_supplier", diagram, re.M)  # deleted: dotted
    assert "vehicle" in diagram and "garage" not in diagram  # only what the changes touch
    assert re.search(r"^  class n\d+ changed$", diagram, re.M)  # vehicle: a field changed
    assert mermaid_parse(diagram) == []


def test_no_diagram_without_objects_and_a_line_when_too_big(zcd, project):
    from zcd_schema.render.graph import MAX_PLAN_NODES

    root = project({"e.yaml": "event_sources:\n  shop:\n    types:\n      paid: {}\n"})
    result = zcd("plan", "--project", root, "--format", "markdown")
    assert result.code == 0 and "```mermaid" not in result.out
    custom = "".join(f"  o{i}:\n    title: O{i}\n    title_pluralized: Os\n" for i in range(40))
    legacy = "".join(
        f"  t{i}:\n    schema:\n      properties: {{a: {{type: string}}}}\n"
        for i in range(MAX_PLAN_NODES - 39)
    )
    big = project({"o.yaml": f"custom_objects:\n{custom}object_types:\n{legacy}"})
    out = zcd("plan", "--project", big, "--format", "markdown").out
    assert "```mermaid" not in out
    assert f"The changes touch {MAX_PLAN_NODES + 1} objects" in out


def test_graph_of_an_invalid_project_draws_nothing(zcd, project):
    broken = project({"a.yaml": "object_types: [\n"})
    result = zcd("graph", "--project", broken)
    assert result.code == 1 and result.out == ""
    assert "nothing was drawn" in result.err


def test_the_parser_catches_a_broken_diagram(mermaid_parse):
    """The check can fail: an unclosed label is refused by mermaid."""
    (error,) = mermaid_parse('flowchart LR\n  n1["a"] -->|"x| n2\n')
    assert error.startswith("error ")
