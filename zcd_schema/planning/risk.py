"""The risk stage: each change judged by its kind (contract sections 4 and 8), and, for the
changes whose kind asks, what the account says about the records they touch (a reason, and
perhaps why apply will refuse). Risk levels and ``worst`` are the kinds' shared vocabulary."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from zcd_schema.kinds.base import BREAKING, DESTRUCTIVE, RISKS, SAFE, Delta, Judged, Kind, worst

__all__ = ["BREAKING", "DESTRUCTIVE", "RISKS", "SAFE", "classify", "records_notes", "worst"]

# the account's answer about the records going with an item (a kind and a key); None: none
RecordsQuestion = Callable[[Kind, str], Any]


def classify(delta: Delta) -> Judged:
    return delta.kind.classify(delta)


def records_notes(
    judged: Sequence[tuple[Delta, str]], ask: RecordsQuestion | None
) -> dict[tuple[str, str], tuple[str | None, str | None]]:
    """(reason, refusal) for each change whose kind asks about its records. ``ask`` is called
    concurrently, once per item; None skips the question."""
    asking = [delta for delta, level in judged if delta.kind.needs_records(delta, level)]
    if ask is None or not asking:
        return {}
    with ThreadPoolExecutor(
        max_workers=min(8, len(asking)), thread_name_prefix="zcd-records"
    ) as pool:
        answers = list(pool.map(lambda d: ask(d.kind, d.key), asking))
    return {
        (delta.kind.name, delta.key): delta.kind.records_note(delta, answer)
        for delta, answer in zip(asking, answers, strict=True)
        if answer is not None
    }
