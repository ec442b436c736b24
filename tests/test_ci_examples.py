"""The ready-made CI files in examples/ci: valid YAML, and every zcd-schema command they run exists
with the options they use (parsed against the real CLI), plus the safety properties the README
promises (apply only saved plans, one apply per account at a time, drift fails on changes)."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import click
import pytest
import yaml
from conftest import ROOT

from zcd_schema.cli import cli

CI = ROOT / "examples" / "ci"
GITHUB = CI / "github" / "zcd-schema.yml"
GITLAB = CI / "gitlab" / ".gitlab-ci.yml"
INVOCATION = re.compile(r"(?:^|[\s;&|(])zcd-schema\s")


def scripts(path: Path) -> list[str]:
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    found: list[str] = []
    if path == GITHUB:
        for job in document["jobs"].values():
            found += [step["run"] for step in job["steps"] if "run" in step]
    else:
        for job in document.values():
            if isinstance(job, dict) and ("script" in job or "before_script" in job):
                for key in ("before_script", "script"):
                    found += job.get(key, [])
        found += document.get("default", {}).get("before_script", [])
    return found


def commands(script: str) -> list[list[str]]:
    """Each zcd-schema invocation in a shell script, as arguments (shell variables kept as
    words)."""
    script = script.replace("\\\n", " ")
    script = re.sub(r"\$\{\{[^}]*\}\}", "VALUE", script)  # GitHub expressions
    found = []
    for line in script.splitlines():
        line = line.split(" #")[0]
        match = INVOCATION.search(line)
        if not match:
            continue
        rest = line[match.end() :]
        rest = re.split(r"\s(?:>>?|\|\|?|&&|;)\s?", rest)[0]
        found.append(shlex.split(rest))
    return found


def parse(args: list[str]) -> tuple[str, click.Context]:
    """Parse like the CLI would; returns the command path and its context (raises on a bad
    option)."""
    context = cli.make_context("zcd-schema", list(args))
    command: click.Command = cli
    names = []
    rest = [*getattr(context, "_protected_args", []), *context.args] or list(
        getattr(context, "protected_args", [])
    )
    while isinstance(command, click.Group):
        name, sub, rest = command.resolve_command(context, rest)
        assert sub is not None, args
        names.append(name)
        context = sub.make_context(name, rest, parent=context)
        command = sub
        rest = (
            [*getattr(context, "_protected_args", []), *context.args]
            if isinstance(sub, click.Group)
            else []
        )
    return " ".join(names), context


@pytest.mark.parametrize("path", [GITHUB, GITLAB], ids=["github", "gitlab"])
def test_every_command_parses_against_the_cli(path):
    seen = set()
    for script in scripts(path):
        for args in commands(script):
            name, context = parse(args)
            seen.add(name)
            # only ever a saved, reviewed plan; never --yes, never --allow-destroy
            if name == "apply":
                assert context.params["plan_file"] is not None and not context.params["yes"]
                assert not context.params["allow_destroy"]
    assert {"validate", "plan", "show", "apply"} <= seen, seen


def test_parse_catches_a_wrong_option():
    with pytest.raises(click.UsageError):
        parse(["plan", "--format", "yaml"])
    with pytest.raises(click.UsageError):
        parse(["apply", "plan.json", "--force"])


def test_github_workflow_shape():
    workflow = yaml.safe_load(GITHUB.read_text(encoding="utf-8"))
    triggers = workflow.get("on", workflow.get(True))  # YAML 1.1 reads the key `on` as true
    assert {"pull_request", "push", "schedule"} <= set(triggers)
    jobs = workflow["jobs"]
    apply = jobs["apply"]
    assert apply["concurrency"]["group"] == "zcd-apply-${{ matrix.account }}"
    assert apply["concurrency"]["cancel-in-progress"] is False
    assert apply["environment"] == "${{ matrix.account }}"
    assert any(
        step.get("uses", "").startswith("actions/download-artifact") for step in apply["steps"]
    )
    plan_steps = jobs["plan"]["steps"]
    assert any(step.get("uses", "").startswith("actions/upload-artifact") for step in plan_steps)
    comment = next(
        step for step in plan_steps if step.get("uses", "").startswith("actions/github-script")
    )
    assert (
        "startsWith(marker)" in comment["with"]["script"]
        and "updateComment" in comment["with"]["script"]
    )
    assert jobs["plan"]["permissions"]["pull-requests"] == "write"
    drift = " ".join(step.get("run", "") for step in jobs["drift"]["steps"])
    assert "--detailed-exitcode" in drift


def test_gitlab_pipeline_shape():
    pipeline = yaml.safe_load(GITLAB.read_text(encoding="utf-8"))
    for account in ("staging", "production"):
        job = pipeline[f"zcd-apply-{account}"]
        assert (
            job["resource_group"] == f"zcd-apply-{account}"
            and job["variables"]["ACCOUNT"] == account
        )
    assert "--detailed-exitcode" in " ".join(pipeline["zcd-drift"]["script"])
    assert "plans/" in pipeline["zcd-plan"]["artifacts"]["paths"]


def test_the_example_project_of_the_workflows_validates(zcd):
    result = zcd("validate", "--project", CI / "schema", "--strict")
    assert result.code == 0, result.out + result.err
    settings = yaml.safe_load((CI / "schema" / "zcd.yaml").read_text(encoding="utf-8"))
    secrets = GITHUB.read_text(encoding="utf-8")
    for account in settings[
        "accounts"
    ].values():  # every variable the accounts read is set by the workflow
        assert f"{account['email_env']}: ${{{{ secrets.{account['email_env']} }}}}" in secrets
        assert f"{account['token_env']}: ${{{{ secrets.{account['token_env']} }}}}" in secrets


def test_rehearse_the_github_workflow_against_two_emulators(
    zcd, tmp_path, monkeypatch, emulator_factory
):
    """The workflow's own commands, in its order (pull request, then merge), with the example
    project
    pointed at two served emulators: plan both, comment, then apply each saved plan; then no
    drift."""
    import glob
    import shutil

    staging, production = emulator_factory(served=True), emulator_factory(served=True)
    project = tmp_path / "schema"
    shutil.copytree(CI / "schema", project)
    config = (project / "zcd.yaml").read_text()
    config = config.replace("subdomain: acme-staging", f"url: {staging.url}").replace(
        "subdomain: acme\n", f"url: {production.url}\n"
    )
    (project / "zcd.yaml").write_text(config)
    monkeypatch.chdir(tmp_path)
    summary = tmp_path / "summary.md"
    workflow = yaml.safe_load(GITHUB.read_text(encoding="utf-8"))

    def run_job(job: str, account: str | None = None) -> list[int]:
        codes = []
        for step in workflow["jobs"][job]["steps"]:
            for args in commands(step.get("run", "")):
                args = [
                    a.replace("$PROJECT", str(project))
                    .replace("$GITHUB_STEP_SUMMARY", str(summary))
                    .replace("VALUE", account or "")
                    for a in args
                ]
                expanded = [
                    item for a in args for item in (sorted(glob.glob(a)) if "*" in a else [a])
                ]
                codes.append(zcd(*expanded).code)
        return codes

    assert run_job("validate") == [0]
    assert run_job("plan") == [2, 0]  # changes pending; the comment rendered
    assert sorted(p.name for p in (tmp_path / "plans").iterdir()) == [
        "production.json",
        "staging.json",
    ]
    comment = zcd(
        "show", *sorted(glob.glob("plans/*.json")), "--project", project, "--format", "markdown"
    ).out
    assert comment.startswith(
        f"<!-- zcd-schema plan: project={project.as_posix()} accounts=production,staging -->"
    )
    for account in ("staging", "production"):
        assert run_job("apply", account) == [0, 0]  # show into the summary, apply the saved plan
    assert run_job("drift") == [0]  # no drift after the merge
    assert (
        "## zcd-schema validate" in summary.read_text()
        and "## zcd-schema plan" in summary.read_text()
    )


@pytest.mark.parametrize(
    ("path", "schema"),
    [(GITHUB, "vendor.github-workflows"), (GITLAB, "vendor.gitlab-ci")],
    ids=["github", "gitlab"],
)
def test_ci_files_pass_the_official_schemas(path, schema, tmp_path):
    """The schemas GitHub's and GitLab's editors use (vendored by check-jsonschema, offline)."""
    import subprocess
    import sys

    def check(file: Path) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "check_jsonschema", "--builtin-schema", schema, str(file)],
            capture_output=True,
            text=True,
            timeout=120,
        )

    result = check(path)
    assert result.returncode == 0, result.stdout + result.stderr
    broken = tmp_path / path.name  # the check is not vacuous: a misspelt key fails it
    broken.write_text(
        path.read_text().replace(
            "runs-on:" if path == GITHUB else "stage:",
            "run-on:" if path == GITHUB else "stages_typo:",
            1,
        )
    )
    assert check(broken).returncode != 0


def test_the_review_job_is_fork_safe_and_the_live_plan_is_not_run_for_forks():
    workflow = yaml.safe_load(GITHUB.read_text(encoding="utf-8"))
    review = workflow["jobs"]["review"]
    text = yaml.safe_dump(review)
    assert "secrets." not in text and "environment" not in review
    assert review["permissions"] == {"contents": "read"}
    assert review["steps"][0]["with"]["fetch-depth"] == 0
    assert "head.repo.full_name == github.repository" in workflow["jobs"]["plan"]["if"]
    gitlab = yaml.safe_load(GITLAB.read_text(encoding="utf-8"))
    assert "$CI_MERGE_REQUEST_DIFF_BASE_SHA" in " ".join(gitlab["zcd-review"]["script"])
    assert gitlab["zcd-review"]["variables"]["GIT_DEPTH"] == "0"
    plan_rule = gitlab["zcd-plan"]["rules"][0]["if"]
    assert "$CI_MERGE_REQUEST_SOURCE_PROJECT_ID == $CI_PROJECT_ID" in plan_rule


def test_rehearse_the_offline_review_of_a_pull_request(zcd, tmp_path, monkeypatch):
    """The review job's commands, as the workflow runs them, in a clone of a real repository whose
    pull request branch changes the project: no account, no credentials, no network."""
    import glob
    import shutil
    import subprocess

    def git(cwd: Path, *args: str) -> None:
        subprocess.run(["git", "-C", str(cwd), *args], check=True, capture_output=True)

    upstream = tmp_path / "upstream"
    shutil.copytree(CI / "schema", upstream / "schema")
    shutil.copytree(ROOT / "examples" / "quickstart" / "customers", upstream / "schema" / "co")
    git(upstream, "init", "-q", "-b", "main")
    git(upstream, "-c", "user.email=a@b", "-c", "user.name=A", "add", "-A")
    git(upstream, "-c", "user.email=a@b", "-c", "user.name=A", "commit", "-qm", "base")
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", str(upstream), str(clone))
    events = clone / "schema" / "co" / "events.yaml"
    events.write_text(events.read_text().replace("      cart_abandoned:", "      cart_dropped:"))
    (clone / "schema" / "payloads").mkdir()
    (clone / "schema" / "payloads" / "e.ndjson").write_text(
        '{"event": {"source": "shopify", "type": "cart_abandoned"}}\n'
    )
    monkeypatch.chdir(clone)
    monkeypatch.setenv("ZCD_EMULATOR_FAULTS", "")
    for name in ("ZENDESK_STAGING_EMAIL", "ZENDESK_STAGING_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    summary = tmp_path / "summary.md"
    workflow = yaml.safe_load(GITHUB.read_text(encoding="utf-8"))
    results = []
    for step in workflow["jobs"]["review"]["steps"]:
        for args in commands(step.get("run", "")):
            args = [
                a.replace("$PROJECT", "schema")
                .replace("$GITHUB_STEP_SUMMARY", str(summary))
                .replace("$GITHUB_BASE_REF", "main")
                for a in args
            ]
            expanded = [item for a in args for item in (sorted(glob.glob(a)) if "*" in a else [a])]
            results.append(zcd(*expanded))
    plan, payloads = results
    assert plan.code == 0, plan.err
    # the removed event type is breaking: a warning annotation at the source's declaration
    assert plan.out.startswith("::warning file=schema/co/events.yaml,line=3,")
    assert "cart_abandoned" in plan.out
    assert payloads.code == 1  # the fixture still sends the type the pull request removed
    assert "::error file=schema/payloads/e.ndjson,line=1" in payloads.out
    written = summary.read_text()
    assert "## zcd-schema plan" in written and "cart_dropped" in written
    assert "## zcd-schema check-payloads" in written
