"""GitHub Actions workflow commands (annotations), for validate and for plan.

GitHub shows at most 10 annotations of each level per step and drops the rest silently. So each
level is capped at 10, the tenth says how many more there are, and those are printed as plain log
lines instead: nothing is lost.
"""

from __future__ import annotations

from dataclasses import dataclass

ANNOTATIONS_PER_LEVEL = 10
LEVELS = ("error", "warning", "notice")  # the order they are printed in


@dataclass(frozen=True)
class Annotation:
    level: str  # error, warning or notice
    message: str
    log_line: str  # the same, as a plain line, when past the cap
    file: str | None = None
    line: int | None = None
    column: int | None = None
    title: str | None = None


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def github_annotation(
    level: str,
    message: str,
    *,
    file: str | None = None,
    line: int | None = None,
    column: int | None = None,
    title: str | None = None,
) -> str:
    """One workflow command (``::error file=...,line=...::message``), escaped as GitHub requires."""
    props = []
    if file is not None:
        props.append(f"file={_escape_property(file)}")
    if line is not None:
        props.append(f"line={line}")
    if column is not None:
        props.append(f"col={column}")
    if title is not None:
        props.append(f"title={_escape_property(title)}")
    return (
        f"::{level} {','.join(props)}::{_escape_data(message)}"
        if props
        else f"::{level}::{_escape_data(message)}"
    )


def render_annotations(items: list[Annotation], nouns: dict[str, str]) -> str:
    """Errors, then warnings, then notices, at most 10 of each; ``nouns`` names each level's items
    in the "+N more" line ("errors", "destructive changes")."""
    out: list[str] = []
    overflow: list[Annotation] = []
    for level in LEVELS:
        group = [a for a in items if a.level == level]
        cap = ANNOTATIONS_PER_LEVEL
        shown = group if len(group) <= cap else group[: cap - 1]
        for a in shown:
            out.append(
                github_annotation(
                    a.level, a.message, file=a.file, line=a.line, column=a.column, title=a.title
                )
            )
        if len(group) > len(shown):
            more = len(group) - len(shown)
            out.append(
                github_annotation(
                    level,
                    f"+{more} more {nouns.get(level, level + 's')} not shown as "
                    f"annotations (GitHub shows {cap} per step); they are listed in the log",
                    title="zcd-schema",
                )
            )
            overflow.extend(group[len(shown) :])
    out.extend(a.log_line for a in overflow)
    return "".join(line + "\n" for line in out)
