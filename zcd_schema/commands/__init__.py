"""The core of each command, called by ``cli``: everything a command does but parse and print."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

Say = Callable[[str], None]


@dataclass(frozen=True)
class Messages:
    """Where a command's side messages go: ``notify`` for waits and retries, ``log_request`` for
    --debug."""

    notify: Say | None = None
    log_request: Say | None = None
