"""The risk stage: each change judged by its kind (contract sections 4 and 8), and for destructive
changes, whether data is at stake. Risk levels and ``worst`` are the kinds' shared vocabulary."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor

from zcd_schema.kinds.base import BREAKING, DESTRUCTIVE, RISKS, SAFE, Delta, Judged, Kind, worst

__all__ = ["BREAKING", "DESTRUCTIVE", "RISKS", "SAFE", "classify", "records_reasons", "worst"]

# "has this item records?" for a kind and key: True, False, or None when the kind has no records
RecordsQuestion = Callable[[Kind, str], "bool | None"]


def classify(delta: Delta) -> Judged:
    return delta.kind.classify(delta)


def records_reasons(
    judged: Sequence[tuple[Delta, str]], ask: RecordsQuestion | None
) -> dict[tuple[str, str], str]:
    """For each destructive change whose kind keeps records, the reason saying whether it has any.
    ``ask`` is called concurrently, once per item; None skips the question."""
    at_stake = [
        (delta.kind, delta.key)
        for delta, level in judged
        if level == DESTRUCTIVE and delta.kind.records_query(delta.key) is not None
    ]
    if ask is None or not at_stake:
        return {}
    with ThreadPoolExecutor(
        max_workers=min(8, len(at_stake)), thread_name_prefix="zcd-records"
    ) as pool:
        answers = list(pool.map(lambda item: ask(*item), at_stake))
    reasons = {}
    for (kind, key), has in zip(at_stake, answers, strict=True):
        if has is not None:
            reasons[(kind.name, key)] = records_reason(kind, key, has)
    return reasons


def records_reason(kind: Kind, key: str, has: bool) -> str:
    return f"{kind.label} {key} {'has' if has else 'has no'} records"
