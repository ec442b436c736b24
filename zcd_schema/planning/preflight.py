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
            if kind.limit_key is None or kind.limit_key not in limits:
                continue
            moved = sum(1 for c in changes if c.kind is kind and c.action in step.actions)
            key = kind.limit_key
            counts[key] = counts.get(key, limits[key].count) + _EFFECT[step.operation] * moved
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
