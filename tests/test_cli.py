"""The CLI end to end, as users and pre-commit run it: a real subprocess of the installed script."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from conftest import CASES, QUICKSTART, ROOT


def test_quickstart_is_valid(run) -> None:
    result = run("validate", "--project", str(QUICKSTART))
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout == ""
    assert "valid: 6 files" in result.stderr
    assert (
        "3 object types, 4 relationship types, 1 profile source (2 types), 1 event source (3 types)"
        in result.stderr
    )


def test_invalid_project_exits_1_with_positioned_lines(run) -> None:
    result = run("validate", "--project", "tests/cases/zendesk-schema-rules", cwd=ROOT)
    assert result.returncode == 1
    first = result.stdout.splitlines()[0]
    # Paths are relative to the working directory, so terminals and editors can open them.
    assert first.startswith("tests/cases/zendesk-schema-rules/rules.yaml:3:13: error[ZCD302]")
    assert "Traceback" not in result.stderr
    assert result.stderr.strip().endswith("(1 file in tests/cases/zendesk-schema-rules)")


def test_project_option_defaults_to_working_directory(run) -> None:
    result = run("validate", cwd=CASES / "duplicate-keys")
    assert result.returncode == 1
    assert result.stdout.startswith("dup.yaml:6:9: error[ZCD002]")


def test_warnings_pass_unless_strict(run) -> None:
    folder = str(CASES / "yaml11-surprises")
    assert run("validate", "--project", folder).returncode == 0
    strict = run("validate", "--project", folder, "--strict", "--format", "json")
    assert strict.returncode == 1
    document = json.loads(strict.stdout)
    assert document["valid"] is False and document["warnings"] == 0 and document["errors"] == 4


def test_json_format_has_the_contract_shape(run) -> None:
    result = run("validate", "--project", str(CASES / "references"), "--format", "json")
    assert result.returncode == 1
    document = json.loads(result.stdout)
    assert list(document) == ["valid", "errors", "warnings", "diagnostics"]
    assert (document["errors"], document["warnings"], len(document["diagnostics"])) == (7, 2, 9)
    first = document["diagnostics"][0]
    assert first == {
        "severity": "error",
        "code": "ZCD401",
        "file": "refs.yaml",
        "line": 10,
        "column": 18,
        "pointer": "/relationship_types/typo/source",
        "message": "'prodcut' names no object type declared in this project; did you mean "
        "'product'?",
    }


@pytest.mark.parametrize(
    "args",
    [
        ["validate", "--format", "xml"],
        ["validate", "--no-such-option"],
        ["no-such-command"],
        ["validate", "--project", "/nonexistent/folder"],
    ],
)
def test_usage_errors_exit_64(run, args: list[str]) -> None:
    result = run(*args, cwd=QUICKSTART)
    assert result.returncode == 64, result.stderr
    assert "Traceback" not in result.stderr
    assert result.stderr.strip()


def test_python_dash_m_works(run) -> None:

    result = subprocess.run(
        [sys.executable, "-m", "zcd_schema", "validate", "--project", str(QUICKSTART)],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr


def test_version(run) -> None:
    from zcd_schema import __version__

    result = run("--version")
    assert result.returncode == 0 and __version__ in result.stdout


def test_internal_error_exits_70_without_traceback(monkeypatch, capsys) -> None:
    """A bug cannot be produced by a real input (we would fix it), so this one is planted."""
    from zcd_schema import cli

    def broken(root, **options):
        raise KeyError("planted")

    monkeypatch.setattr("zcd_schema.project.validate.read_documents", broken)
    with pytest.raises(SystemExit) as exit_info:
        cli.main(["validate", "--project", str(QUICKSTART)])
    assert exit_info.value.code == 70
    err = capsys.readouterr().err
    assert (
        "internal error: KeyError" in err and "please report it" in err and "Traceback" not in err
    )

    with pytest.raises(SystemExit) as exit_info:
        cli.main(["validate", "--project", str(QUICKSTART), "--debug"])
    assert exit_info.value.code == 70
    assert "Traceback" in capsys.readouterr().err


def test_validate_imports_no_network_or_emulator_code(run) -> None:
    """Nor jsonschema, on a valid project: the compiled structure check answers for it."""
    code = (
        "import sys; from zcd_schema.cli import main\n"
        "try: main(['validate', '--no-cache', '--project', sys.argv[1]])\n"
        "except SystemExit: pass\n"
        "bad = [m for m in sys.modules if m.split('.')[0] in ('httpx', 'deepdiff', 'jsonschema') "
        "or m.startswith('zcd_schema.emulator')]\n"
        "print(bad)"
    )

    result = subprocess.run(
        [sys.executable, "-c", code, str(QUICKSTART)], capture_output=True, text=True
    )
    assert result.stdout.strip().splitlines()[-1] == "[]", result.stdout + result.stderr


def test_every_command_has_help_and_is_in_the_readme():
    import click

    from zcd_schema.cli import cli

    readme = (ROOT / "README.md").read_text(encoding="utf-8")

    def walk(group: click.Group, prefix: str):
        for name, command in group.commands.items():
            if isinstance(command, click.Group):
                yield from walk(command, f"{prefix}{name} ")
            else:
                yield f"{prefix}{name}", command

    names = []
    for name, command in walk(cli, ""):
        names.append(name)
        assert command.help and len(command.help) > 20, name
        assert f"zcd-schema {name}" in readme, name
        for option in command.params:
            for flag in getattr(option, "opts", []):
                if flag.startswith("--") and flag not in ("--help", "--debug", "--project"):
                    assert flag in readme, f"{name} {flag}"
    assert {"validate", "plan", "apply", "show", "import", "emulator serve"} <= set(names)
