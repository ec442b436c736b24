"""Plans and apply reports as text (a terminal), markdown (a pull-request comment) and JSON.

Pure functions: they take the plan and return a string. Colour is the caller's decision.
"""

from __future__ import annotations

import difflib
import json
from typing import Any

from zcd_schema.planning.apply import ApplyReport
from zcd_schema.planning.plan import ACTIONS, Plan, to_json

SYMBOLS = {"create": "+", "update": "~", "replace": "-/+", "delete": "-"}
_COLOURS = {"create": "32", "update": "33", "replace": "35", "delete": "31",
            "safe": "32", "breaking": "33", "destructive": "1;31"}


def _paint(text: str, code: str, color: bool) -> str:
    return f"\x1b[{code}m{text}\x1b[0m" if color else text


def summary_line(plan: Plan) -> str:
    if not plan.changes:
        return "No changes: the account matches the project."
    counts = plan.summary
    parts = [f"{counts[a]} to {a}" for a in ACTIONS if counts[a]]
    return f"Plan: {', '.join(parts)}. Highest risk: {plan.highest_risk}."


def render_text(plan: Plan, color: bool = False) -> str:
    out = [f"Account: {plan.account.describe()}", ""]
    for change in plan.changes:
        symbol = _paint(SYMBOLS[change.action], _COLOURS[change.action], color)
        risk = _paint(change.risk, _COLOURS[change.risk], color)
        out.append(f"  {symbol} {change.label}: {change.action}, {risk}")
        out += [f"      {reason}" for reason in change.reasons]
    if plan.changes:
        out.append("")
    if plan.unmanaged:
        out.append("Unmanaged (declared in no file, left alone; --prune would delete them):")
        out += [f"  {kind.replace('_', ' ')} {key}" for kind, key in plan.unmanaged]
        out.append("")
    out += [f"Note: {note}." for note in plan.notes]
    if plan.notes:
        out.append("")
    out.append(summary_line(plan))
    return "\n".join(out) + "\n"


def render_json(plan: Plan) -> str:
    return to_json(plan)


def render_markdown(plan: Plan) -> str:
    out = [f"### zcd-schema plan for `{plan.account.name}`", "",
           f"Account: {plan.account.describe()} · planned {plan.created_at} · zcd-schema {plan.tool_version}", ""]
    if not plan.changes:
        out.append("**No changes**: the account matches the project.")
    else:
        counts = {risk: sum(1 for c in plan.changes if c.risk == risk) for risk in ("destructive", "breaking", "safe")}
        badges = ", ".join(f"**{n} {risk}**" if risk == "destructive" else f"{n} {risk}"
                           for risk, n in counts.items() if n)
        out += [f"{summary_line(plan)} Risks: {badges}.", "",
                "| | change | risk | why |", "|---|---|---|---|"]
        ordered = sorted(plan.changes, key=lambda c: ("destructive", "breaking", "safe").index(c.risk))
        for c in ordered:
            out.append(f"| `{SYMBOLS[c.action]}` | {c.action} {c.label} | {_risk_cell(c.risk)} | "
                       f"{_cell(c.reasons[0] if c.reasons else '')} |")
        out.append("")
        for c in ordered:
            out += [f"<details><summary><code>{SYMBOLS[c.action]}</code> {c.action} {c.label} ({c.risk})</summary>", ""]
            out += [f"- {reason}" for reason in c.reasons]
            body = _content_diff(c.before, c.after)
            if body:
                out += ["", "```diff", body, "```"]
            out += ["", "</details>", ""]
    if plan.unmanaged:
        names = ", ".join(f"{kind.replace('_', ' ')} `{key}`" for kind, key in plan.unmanaged)
        out += [f"Unmanaged (left alone): {names}.", ""]
    out += [f"Note: {note}." for note in plan.notes]
    return "\n".join(out).rstrip() + "\n"


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


def render_report(report: ApplyReport) -> str:
    """What an apply did, after it stopped part-way."""
    out = []
    for state, title in (("applied", "Applied"), ("partly applied", "Partly applied"), ("failed", "Failed"),
                         ("not attempted", "Not attempted")):
        items = report.with_state(state)
        if not items:
            continue
        out.append(f"{title} ({len(items)}):")
        for o in items:
            line = f"  {SYMBOLS[o.change.action]} {o.change.label}"
            if state == "failed":
                line += f": {o.error}"
            elif state == "partly applied":
                line += f": {' and '.join(o.done)} done; the rest was not (plan again to see it)"
            out.append(line)
    return "\n".join(out) + "\n"
