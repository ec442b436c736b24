"""Limits before writes: would the account still hold everything at every step of the apply?

Steps run in order (deletions of one kind may come before or after creations of another), so
each kind's count is followed through the steps and its peak compared with the account's limit.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from zcd_schema.kinds.base import AccountLimit
from zcd_schema.planning.apply import ordered_steps
from zcd_schema.planning.document import Change

_EFFECT = {"create": 1, "delete": -1, "update": 0}


def over_limits(
    changes: Sequence[Change], limits: Mapping[str, AccountLimit] | None
) -> tuple[str, ...]:
    """Why the changes cannot fit the account, a line per limit they would pass; () if they fit."""
    if not limits:
        return ()
    counts: dict[str, int] = {}
    peaks: dict[str, int] = {}
    for group in ordered_steps():
        for kind, step in group:
            effect = _EFFECT.get(step.operation, 0)
            for change in changes:
                key = kind.limit_key_for(change.key) if change.kind is kind else None
                if (
                    key is None
                    or key not in limits
                    or not step.takes(change.action, change.before, change.after)
                ):
                    continue
                counts[key] = counts.get(key, limits[key].count) + effect
                peaks[key] = max(peaks.get(key, limits[key].count), counts[key])
    problems = []
    for key, peak in sorted(peaks.items()):
        limit = limits[key]
        if peak > limit.limit:
            problems.append(
                f"the account holds {limit.count} of at most {limit.limit} "
                f"{key.replace('_', ' ')}; this plan would need {peak} at once"
            )
    return tuple(problems)
