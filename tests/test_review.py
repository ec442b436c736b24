"""plan --base REF: the project at a git revision against the working tree, offline, with real
git repositories made in a temporary folder."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import ROOT

FLEET = ROOT / "examples" / "fleet"
QUICKSTART = ROOT / "examples" / "quickstart"


def git(repo: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "-C", str(repo), *args], capture_output=True, text=True, check=True
    ).stdout


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A repository whose first commit holds a project in schema/: fleet, quickstart's sources."""
    root = tmp_path / "repo"
    (root / "schema").mkdir(parents=True)
    git(root, "init", "-q")
    git(root, "config", "user.email", "ci@example.com")
    git(root, "config", "user.name", "CI")
    for path in FLEET.glob("*.yaml"):
        shutil.copy(path, root / "schema" / path.name)
    shutil.copytree(QUICKSTART / "customers", root / "schema" / "customers")
    shutil.copytree(QUICKSTART / "catalog", root / "schema" / "catalog")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "base")
    return root


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, old
    path.write_text(text.replace(old, new))


def changes(zcd, project: Path, *args: str) -> dict[str, dict]:
    result = zcd("plan", "--project", project, "--base", "HEAD", "--format", "json", *args)
    assert result.code in (0, 4), result.err
    return {f"{c['kind']}:{c['key']}": c for c in result.plan["changes"]}


def test_no_change_is_no_change_for_every_section(zcd, repo):
    result = zcd("plan", "--project", repo / "schema", "--base", "HEAD", "--detailed-exitcode")
    assert result.code == 0, result.out + result.err
    assert "compared offline" in result.out and "No changes" in result.out


def test_custom_objects_and_legacy_types_between_revisions(zcd, repo):
    schema = repo / "schema"
    edit(schema / "vehicles.yaml", "van: Van, suv: SUV", "van: Van")
    edit(
        schema / "catalog" / "supplier.yaml",
        "name: {type: string, maxLength: 200}",
        "name: {type: string, maxLength: 100}",
    )
    found = changes(zcd, schema)
    body = found["custom_object_field:vehicle.body"]
    assert (body["risk"], body["declared_at"]["file"]) == ("destructive", "vehicles.yaml")
    assert found["object_type:supplier"]["risk"] == "breaking"


def test_profile_and_event_sources_are_compared(zcd, repo):
    profiles = repo / "schema" / "customers" / "profiles.yaml"
    events = repo / "schema" / "customers" / "events.yaml"
    edit(
        profiles,
        "identifier_types: [email, external_id, shopify_customer_id]",
        "identifier_types: [email, external_id]",
    )
    found = changes(zcd, repo / "schema")
    source = found["profile_source:shopify"]
    assert source["risk"] == "breaking"
    assert "removes identifier type shopify_customer_id of customer" in source["reasons"]
    # a whole source removed: destructive, pointing at the file that declared it
    events.unlink()
    found = changes(zcd, repo / "schema")
    removed = next(c for k, c in found.items() if k.startswith("event_source:"))
    assert removed["action"] == "delete" and removed["risk"] == "destructive"
    assert removed["declared_at"]["file"] == "customers/events.yaml"


def test_every_plan_format_works_offline(zcd, repo, tmp_path):
    schema = repo / "schema"
    edit(schema / "vehicles.yaml", "van: Van, suv: SUV", "van: Van")
    markdown = zcd("plan", "--project", schema, "--base", "HEAD", "--format", "markdown").out
    assert "compared offline" in markdown and "[!CAUTION]" in markdown
    github = zcd("plan", "--project", schema, "--base", "HEAD", "--format", "github").out
    assert "::error file=" in github and "vehicles.yaml" in github
    failed = zcd("plan", "--project", schema, "--base", "HEAD", "--fail-on", "destructive")
    assert failed.code == 4
    saved = tmp_path / "plan.json"
    assert zcd("plan", "--project", schema, "--base", "HEAD", "-o", saved).code == 0
    assert json.loads(saved.read_text())["account"]["revision"]
    refused = zcd("apply", saved, "--project", schema)
    assert refused.code == 4 and "cannot be applied" in refused.err


def test_the_working_tree_and_the_checkout_are_not_touched(zcd, repo):
    schema = repo / "schema"
    edit(schema / "vehicles.yaml", "van: Van, suv: SUV", "van: Van")
    before = git(repo, "status", "--porcelain")
    zcd("plan", "--project", schema, "--base", "HEAD")
    assert git(repo, "status", "--porcelain") == before


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--base", "no-such-branch"), "not a revision of this repository"),
        (("--base", "HEAD", "--account", "local"), "it takes no --account"),
    ],
)
def test_usage_errors(zcd, repo, args, message):
    result = zcd("plan", "--project", repo / "schema", *args)
    assert result.code == 64 and message in result.err


def test_a_folder_that_did_not_exist_at_the_revision(zcd, repo):
    newer = repo / "newer"
    shutil.copytree(repo / "schema", newer)
    result = zcd("plan", "--project", newer, "--base", "HEAD")
    assert result.code == 64 and "did not exist at HEAD" in result.err


def test_outside_git(zcd, tmp_path):
    project = tmp_path / "plain"
    shutil.copytree(FLEET, project, ignore=shutil.ignore_patterns(".zcd"))
    result = zcd("plan", "--project", project, "--base", "HEAD")
    assert result.code == 64 and "inside a git repository" in result.err
