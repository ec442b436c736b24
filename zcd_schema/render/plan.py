"""Plans and apply reports as text (a terminal), markdown (a pull-request comment), GitHub
annotations and JSON. Pure functions: they take plans and a ``PlanView`` and return a string;
``RENDERERS`` is the one table the commands choose a format from.
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from zcd_schema.diagnostics import Diagnostic, one_line
from zcd_schema.kinds.base import ACTIONS
from zcd_schema.planning.document import SYMBOLS, Change, Plan, to_document, to_json
from zcd_schema.planning.report import ApplyReport
from zcd_schema.render.github import Annotation, render_annotations

Display = Callable[[str], str]


@dataclass(frozen=True)
class PlanView:
    """How plans are shown: paths as the user sees them, colour, the project's name in the comment
    marker, the accounts that could not be planned, and whether several plans were asked for."""

    display: Display = lambda file: file
    color: bool = False
    project: str = "."
    failures: Sequence[tuple[str, str]] = ()
    several: bool = False


_COLOURS = {
    "create": "32",
    "update": "33",
    "replace": "35",
    "delete": "31",
    "safe": "32",
    "breaking": "33",
    "destructive": "1;31",
}


def _paint(text: str, code: str, color: bool) -> str:
    return f"\x1b[{code}m{text}\x1b[0m" if color else text


def plan_summary(plan: Plan) -> str:
    if not plan.changes:
        return "No changes: the account matches the project."
    counts = plan.summary
    parts = [f"{counts[a]} to {a}" for a in ACTIONS if counts[a]]
    return f"Plan: {', '.join(parts)}. Highest risk: {plan.highest_risk}."


def plan_text(plan: Plan, color: bool = False, display: Display | None = None) -> str:
    """``display`` maps project-relative files to shown paths; with it, each change names its
    declaration."""
    out = [f"Account: {plan.account.describe()}", ""]
    for change in plan.changes:
        symbol = _paint(SYMBOLS[change.action], _COLOURS[change.action], color)
        risk = _paint(change.risk, _COLOURS[change.risk], color)
        at = change.declared_at
        where = (
            f"  ({display(at.file)}:{at.line})" if display is not None and at is not None else ""
        )
        out.append(f"  {symbol} {one_line(change.label)}: {change.action}, {risk}{where}")
        out += [f"      {one_line(reason)}" for reason in change.reasons]
        if change.prevent_destroy and change.action in ("delete", "replace"):
            out.append("      " + _paint("apply will refuse: it is prevent_destroy", "1;31", color))
    if plan.changes:
        out.append("")
    if plan.refusals:
        out.append(_paint("Apply will refuse this plan:", "1;31", color))
        out += [f"  {one_line(refusal)}" for refusal in plan.refusals]
        out.append("")
    if plan.unmanaged:
        out.append("Unmanaged (declared in no file, left alone; --prune would delete them):")
        out += [f"  {kind.label} {key}" for kind, key in plan.unmanaged]
        out.append("")
    out += [f"Note: {note}." for note in plan.notes]
    if plan.notes:
        out.append("")
    out.append(plan_summary(plan))
    return "\n".join(out) + "\n"


def plans_json(
    plans: Sequence[Plan], failures: Sequence[tuple[str, str]] = (), several: bool = False
) -> str:
    """The plan document; for several plans (or accounts), ``{"plans": [...], "failures":
    [...]}``."""
    if len(plans) == 1 and not several:
        return to_json(plans[0])
    document = {
        "plans": [to_document(p) for p in plans],
        "failures": [{"account": a, "message": m} for a, m in failures],
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


# GitHub's limit on a comment body, in characters; we count bytes, which is stricter
COMMENT_LIMIT = 65_536
MARKER = "<!-- zcd-schema plan: project={project} accounts={accounts} -->"
_RISK_ORDER = ("destructive", "breaking", "safe")


def marker(project: str, accounts: list[str]) -> str:
    """The hidden first line of a plan comment: a workflow finds its own earlier comment by it."""
    return MARKER.format(
        project=project.replace("-->", ""), accounts=",".join(sorted(accounts)).replace("-->", "")
    )


def plan_markdown(
    plans: Sequence[Plan] | Plan,
    *,
    project: str = ".",
    failures: Sequence[tuple[str, str]] = (),
    limit: int = COMMENT_LIMIT,
) -> str:
    """A pull-request comment: marker, risk summary (destructive first), then per account one
    collapsible section per change. Kept under ``limit`` bytes by folding the least risky details
    first (schema diffs, then reasons, then whole lines), saying what was left out."""
    plans = [plans] if isinstance(plans, Plan) else list(plans)
    head = _markdown_head(plans, project, list(failures))
    sections: list[tuple[str, list[_Piece], str]] = []  # (account header, pieces, account footer)
    for plan in plans:
        pieces = [_Piece(c) for c in sorted(plan.changes, key=lambda c: _RISK_ORDER.index(c.risk))]
        sections.append((_account_header(plan), pieces, _account_footer(plan)))

    def total() -> int:
        body = len(head.encode()) + sum(len(h.encode()) + len(f.encode()) for h, _, f in sections)
        # the note
        return body + sum(piece.size() for _, pieces, _ in sections for piece in pieces) + 400

    everything = [p for _, pieces, _ in sections for p in pieces]
    # Start with one line per change and add detail, riskiest first (destructive reasons, then
    # their diffs, then breaking, then safe) while it fits: the least risky details are the ones
    # left out, and diffs are only computed for what can be shown.
    for piece in everything:
        piece.level = 0
    size = total()
    for piece in sorted(everything, key=lambda p: _RISK_ORDER.index(p.change.risk), reverse=True):
        if size <= limit:
            break
        size -= piece.size()
        piece.level = -1  # not even a line: counted in the note
    if size <= limit:
        for risk in _RISK_ORDER:
            for level in (1, 2):
                for piece in (
                    p for p in everything if p.change.risk == risk and p.level == level - 1
                ):
                    grown = size - piece.size() + piece.size_at(level)
                    if grown <= limit:
                        piece.level, size = level, grown
    folded = {
        "diff": sum(1 for p in everything if 0 <= p.level < 2),
        "reasons": sum(1 for p in everything if p.level == 0),
        "line": sum(1 for p in everything if p.level < 0),
    }
    out = [head]
    for header, pieces, footer in sections:
        out.append(header)
        out += [piece.render() for piece in pieces if piece.level >= 0]
        out.append(footer)
    left_out = [
        f"{n} {label}"
        for n, label in (
            (folded["diff"], "schema diffs"),
            (folded["reasons"], "lists of reasons"),
            (folded["line"], "changes"),
        )
        if n
    ]
    if left_out:
        out.append(
            f"_Left out to stay under GitHub's comment limit: {', '.join(left_out)}, least risky "
            "first. "
            "The job log and the saved plan (`zcd-schema show FILE`) have everything._\n"
        )
    return "\n\n".join(part.strip("\n") for part in out if part.strip()) + "\n"


def _markdown_head(plans: list[Plan], project: str, failures: list[tuple[str, str]]) -> str:
    accounts = [p.account.name for p in plans] + [name for name, _ in failures]
    out = [marker(project, accounts), "## zcd-schema plan", ""]
    out += [
        "| account | create | update | replace | delete | unmanaged | highest risk |",
        "|---|---:|---:|---:|---:|---:|---|",
    ]
    for plan in plans:
        counts = plan.summary
        risk = plan.highest_risk
        shown = "no changes" if risk is None else _risk_cell(risk)
        out.append(
            f"| {plan.account.describe()} | {counts['create']} | {counts['update']} | "
            f"{counts['replace']} | "
            f"{counts['delete']} | {counts['unmanaged']} | {shown} |"
        )
    for name, message in failures:
        out.append(f"| {name} | | | | | | **not planned**: {_cell(message)} |")
    out.append("")
    several = len(plans) > 1
    for risk, alert in (("destructive", "CAUTION"), ("breaking", "WARNING")):
        found = [(p, c) for p in plans for c in p.changes if c.risk == risk]
        if found:
            out += [
                f"> [!{alert}]",
                f"> **{len(found)} {risk} change{'s' if len(found) > 1 else ''}:**",
            ]
            for plan, c in found[:20]:
                where = f" on {plan.account.name}" if several else ""
                out.append(
                    f"> - {c.action} {c.label}{where}: {_cell(c.reasons[0] if c.reasons else '')}"
                )
            if len(found) > 20:
                out.append(f"> - and {len(found) - 20} more, below")
            out.append("")
    refused = [(p, r) for p in plans for r in p.refusals]
    if refused:
        out += ["> [!CAUTION]", "> **Apply will refuse this plan:**"]
        out += [
            f"> - {_cell(refusal)}" + (f" on {plan.account.name}" if several else "")
            for plan, refusal in refused
        ]
        out.append("")
    if failures:
        out += [
            "> [!CAUTION]",
            "> **Accounts that could not be planned:** "
            + "; ".join(f"{name}: {_cell(message)}" for name, message in failures),
            "",
        ]
    return "\n".join(out) + "\n"


def _account_header(plan: Plan) -> str:
    return (
        f"### {plan.account.describe()}\n\nPlanned {plan.created_at} by zcd-schema "
        f"{plan.tool_version}. "
        f"{plan_summary(plan)}\n" + _diagram(plan)
    )


def _diagram(plan: Plan) -> str:
    """A mermaid diagram of the objects the changes touch (GitHub draws it), folded open; none
    when no change touches an object, and a line instead when it would be too big to read."""
    from zcd_schema.render.graph import MAX_PLAN_NODES, changes_graph, mermaid

    graph = changes_graph(plan.changes)
    if not graph.nodes:
        return ""
    if len(graph.nodes) > MAX_PLAN_NODES:
        return (
            f"\n_The changes touch {len(graph.nodes)} objects: too many for a diagram here; "
            "`zcd-schema graph` draws the whole project._\n"
        )
    return (
        "\n<details open><summary>Objects these changes touch (green: created, yellow: changed, "
        "red: deleted)</summary>\n\n```mermaid\n" + mermaid(graph) + "```\n\n</details>\n"
    )


def _account_footer(plan: Plan) -> str:
    out = []
    if plan.unmanaged:
        names = ", ".join(f"{kind.label} `{key}`" for kind, key in plan.unmanaged)
        out.append(f"Unmanaged (left alone): {names}.")
    out += [f"Note: {note}." for note in plan.notes]
    return "\n\n".join(out) + "\n" if out else ""


class _Piece:
    """One change in the comment, at a level of detail: 2 reasons and diff, 1 reasons, 0 a line, -1
    gone."""

    def __init__(self, change: Change) -> None:
        self.change = change
        self.level = 2
        self._cache: dict[int, str] = {}

    def size(self) -> int:
        return self.size_at(self.level)

    def size_at(self, level: int) -> int:
        if level < 0:
            return 0
        current, self.level = self.level, level
        try:
            return len(self.render().encode()) + 2  # and the blank line that joins it
        finally:
            self.level = current

    def render(self) -> str:
        if self.level not in self._cache:
            self._cache[self.level] = self._render()
        return self._cache[self.level]

    def _render(self) -> str:
        c = self.change
        risk = "<b>destructive</b>" if c.risk == "destructive" else c.risk
        title = f"<code>{SYMBOLS[c.action]}</code> {c.action} {c.label} ({risk})"
        if self.level == 0:
            return f"- {title}: {_cell(c.reasons[0] if c.reasons else '')}\n"
        out = [f"<details><summary>{title}</summary>", ""]
        if c.declared_at is not None:
            out += [f"Declared at `{c.declared_at.file}:{c.declared_at.line}`.", ""]
        out += [f"- {_cell(reason)}" for reason in c.reasons]
        body = _content_diff(c.before, c.after) if self.level >= 2 else ""
        if body:
            out += ["", "```diff", body.replace("```", "` ` `"), "```"]
        out += ["", "</details>", ""]
        return "\n".join(out)


def _risk_cell(risk: str) -> str:
    return "**destructive**" if risk == "destructive" else risk


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _content_diff(before: Any, after: Any) -> str:
    """A unified diff of the two contents as indented JSON (keys sorted, so only changes show)."""
    old = json.dumps(before, indent=2, sort_keys=True).splitlines() if before is not None else []
    new = json.dumps(after, indent=2, sort_keys=True).splitlines() if after is not None else []
    lines = list(difflib.unified_diff(old, new, "live", "declared", n=3, lineterm=""))
    return "\n".join(line for line in lines[2:])  # drop the ---/+++ header lines


def apply_report_text(report: ApplyReport) -> str:
    """What an apply did: one line when it completed, else the verdict and each change's state."""
    if report.complete:
        return f"Apply complete: {len(report.outcomes)} changes applied.\n"
    wrote = report.wrote_anything
    if report.interrupted:
        verdict = "Apply interrupted:" if wrote else "Apply interrupted; nothing was changed:"
    else:
        verdict = "Apply stopped part-way:" if wrote else "Apply failed; nothing was changed:"
    out = [verdict]
    for state, title in (
        ("applied", "Applied"),
        ("partly applied", "Partly applied"),
        ("failed", "Failed"),
        ("not attempted", "Not attempted"),
    ):
        items = report.with_state(state)
        if not items:
            continue
        out.append(f"{title} ({len(items)}):")
        for o in items:
            line = f"  {SYMBOLS[o.change.action]} {one_line(o.change.label)}"
            if state == "failed":
                line += f": {one_line(o.error or '')}"
            elif state == "partly applied":
                line += f": {' and '.join(o.done)} done; the rest was not (plan again to see it)"
            out.append(line)
    out.append("Run plan again to see exactly what is left.")
    return "\n".join(out) + "\n"


_LEVEL = {"destructive": "error", "breaking": "warning", "safe": "notice"}


def plan_github(
    plans: Sequence[Plan], display: Display, failures: Sequence[tuple[str, str]] = ()
) -> str:
    """Annotations at each change's declaration (destructive: error, breaking: warning, safe:
    notice),
    capped per level with a "+N more" line, then the text plan(s) for the log."""
    several = len(plans) + len(failures) > 1
    items = []
    for plan in plans:
        for c in plan.changes:
            where = f" on {plan.account.name}" if several else ""
            message = f"{c.action} {c.label}{where} ({c.risk}): {'; '.join(c.reasons)}"
            at = c.declared_at
            file = display(at.file) if at is not None else None
            prefix = f"{file}:{at.line}:{at.column}: " if at is not None else ""
            items.append(
                Annotation(
                    _LEVEL[c.risk],
                    message,
                    f"{prefix}{c.risk}: {message}",
                    file=file,
                    line=at.line if at else None,
                    column=at.column if at else None,
                    title=f"zcd-schema: {c.risk} change",
                )
            )
    for plan in plans:
        for refusal in plan.refusals:
            where = f" on {plan.account.name}" if several else ""
            items.append(
                Annotation(
                    "error",
                    f"apply will refuse this plan{where}: {refusal}",
                    f"error: apply will refuse this plan{where}: {refusal}",
                    title="zcd-schema: apply will refuse",
                )
            )
    for name, message in failures:
        items.append(
            Annotation(
                "error",
                f"account {name} could not be planned: {message}",
                f"error: account {name}: {message}",
                title="zcd-schema: account not planned",
            )
        )
    annotations = render_annotations(
        items,
        {
            "error": "destructive changes or failures",
            "warning": "breaking changes",
            "notice": "safe changes",
        },
    )
    return annotations + "\n".join(plan_text(plan, display=display) for plan in plans)


def plan_error_json(message: str, exit_code: int, diagnostics: Sequence[Diagnostic] = ()) -> str:
    """What ``plan --format json`` prints when no plan could be made: still one JSON document."""
    error: dict[str, Any] = {"exit_code": exit_code, "message": message}
    if diagnostics:
        error["diagnostics"] = [d.to_json() for d in diagnostics]
    return (
        json.dumps({"plans": [], "failures": [], "error": error}, indent=2, ensure_ascii=False)
        + "\n"
    )


RENDERERS: dict[str, Callable[[Sequence[Plan], PlanView], str]] = {
    "text": lambda plans, view: "\n".join(
        plan_text(p, color=view.color, display=view.display) for p in plans
    ),
    "markdown": lambda plans, view: plan_markdown(
        plans, project=view.project, failures=view.failures
    ),
    "json": lambda plans, view: plans_json(plans, view.failures, view.several),
    "github": lambda plans, view: plan_github(plans, view.display, view.failures),
}
FORMATS = tuple(RENDERERS)
