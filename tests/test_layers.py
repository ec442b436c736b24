"""The layout keeps its direction (architecture.md): each library behind its one seam, the domain
free of HTTP and of the terminal, and every kind fully described in its own module."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT

from zcd_schema.kinds import KINDS, kind_named
from zcd_schema.kinds.base import Kind

PACKAGE = ROOT / "zcd_schema"


def imports_of(path: Path) -> set[str]:
    """Every module a file imports, at any depth of the file (deferred imports included)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
    return found


def modules() -> list[tuple[str, set[str]]]:
    return [
        (p.relative_to(PACKAGE).as_posix(), imports_of(p)) for p in sorted(PACKAGE.rglob("*.py"))
    ]


def users_of(prefix: str) -> set[str]:
    return {
        name for name, imported in modules() if any(m.split(".")[0] == prefix for m in imported)
    }


def test_each_library_is_used_behind_one_seam():
    assert users_of("httpx") == {"zendesk/client.py"}
    assert users_of("deepdiff") == {"planning/diff.py"}
    assert {name.split("/")[0] for name in users_of("click")} == {"cli"}


@pytest.mark.parametrize("layer", ["kinds", "project", "planning", "render"])
def test_the_domain_does_not_reach_up_or_out(layer):
    """The model, planning and rendering know nothing of HTTP, the command line or the emulator."""
    forbidden = (
        "zcd_schema.zendesk",
        "zcd_schema.commands",
        "zcd_schema.cli",
        "zcd_schema.emulator",
    )
    offenders = [
        (name, module)
        for name, imported in modules()
        if name.startswith(layer + "/")
        for module in imported
        if module.startswith(forbidden)
    ]
    assert offenders == []


def test_importing_planning_and_render_loads_no_http():
    code = (
        "import sys\n"
        "import zcd_schema.planning.apply, zcd_schema.planning.build, zcd_schema.planning.guards\n"
        "import zcd_schema.render.plan, zcd_schema.render.validation, zcd_schema.kinds\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('httpx', 'deepdiff', 'click')))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"


def test_no_kind_is_named_outside_the_kind_modules():
    """Planning, rendering, apply and import ask the kind; they never branch on its name."""
    names = [kind.name for kind in KINDS]
    offenders = []
    for path in PACKAGE.rglob("*.py"):
        relative = path.relative_to(PACKAGE).as_posix()
        if relative.startswith(("kinds/", "emulator/", "project/")):
            continue  # the kinds, and the emulator and YAML sections, which are not the registry
        text = path.read_text(encoding="utf-8")
        offenders += [(relative, name) for name in names if f'"{name}"' in text]
    assert offenders == []


@pytest.mark.parametrize("kind", KINDS, ids=lambda kind: kind.name)
def test_every_kind_is_fully_described(kind: Kind):
    assert kind_named(kind.name) is kind
    for hook in ("content", "classify_change", "import_into"):
        assert getattr(type(kind), hook) is not getattr(Kind, hook), f"{kind.name} lacks {hook}"
    if kind.offline:  # compared between revisions only: never read from nor written to an account
        assert kind.steps == () and kind.read(None).items == {kind.name: []}
        return
    for attribute in ("name", "label", "section", "collection", "create_fields", "steps"):
        assert getattr(kind, attribute), attribute
    actions = {action for step in kind.steps for action in step.actions}
    assert "create" in actions
    assert ("delete" in actions) == kind.deletable
    assert ("update" in actions) == bool(kind.update_fields)
    if not kind.update_fields:
        assert "replace" in actions  # what cannot be updated is replaced
    if "replace" in actions:  # a replace is written in two parts: its delete, then its create
        deletes = [
            s.order for s in kind.steps if "replace" in s.actions and s.operation == "delete"
        ]
        creates = [
            s.order for s in kind.steps if "replace" in s.actions and s.operation != "delete"
        ]
        assert deletes and creates and max(deletes) < min(creates)
    assert (kind.parent is None) == (not kind.read_by_parent)


def test_the_command_line_loads_only_what_a_command_runs():
    """Start-up: the group and every command's options load no YAML, JSON Schema, model, kind,
    planning or renderer; validate then loads none of httpx, deepdiff or the emulator."""
    heavy = ("yaml", "jsonschema", "httpx", "deepdiff", "zcd_schema.project", "zcd_schema.kinds")
    heavy += ("zcd_schema.planning", "zcd_schema.render.plan", "zcd_schema.render.validation")
    code = (
        "import sys\n"
        "from zcd_schema.cli import cli\n"
        "sys.argv = ['zcd-schema', '--version']\n"
        f"heavy = {heavy!r}\n"
        "print(sorted(m for m in sys.modules if m.startswith(heavy)))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"
    validate = (
        "import sys\n"
        "from zcd_schema.cli import main\n"
        "try:\n"
        f"    main(['validate', '--project', {str(ROOT / 'examples' / 'quickstart')!r}])\n"
        "except SystemExit as exit:\n"
        "    assert exit.code == 0, exit.code\n"
        "print(sorted({m.split('.')[0] if not m.startswith('zcd_schema') else m for m in "
        "sys.modules if m.startswith(('httpx', 'deepdiff', 'zcd_schema.emulator'))}))"
    )
    result = subprocess.run(
        [sys.executable, "-c", validate], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip().splitlines()[-1] == "[]"


def test_format_names_match_their_renderers():
    from zcd_schema.render import formats, graph, plan, validation

    assert formats.VALIDATION_FORMATS == validation.FORMATS
    assert formats.PLAN_FORMATS == plan.FORMATS
    assert formats.GRAPH_FORMATS == tuple(graph.GRAPH_RENDERERS)
