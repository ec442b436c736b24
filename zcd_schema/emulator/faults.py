"""Faults the emulator can inject, so clients rehearse what Zendesk does on a bad day.

Kinds: ``429`` (throttled, with ``Retry-After``, plain-text body as some Zendesk 429s are),
``503`` (with ``Retry-After``), ``500`` (JSON body), ``drop`` (the write is done, then the
connection closes without a response), ``latency`` (seconds added to every request) and ``rpm``
(a per-minute request limit answered with Zendesk's JSON 429 and its rate-limit headers).

Faults are drawn at random with the given probabilities (seeded for repeatable runs), or scripted:
``script("500", "drop", method="POST")`` forces the next matching requests, in order.
The same settings come from ``emulator serve`` options or a spec string such as
``"429=0.1,500=0.1,drop=0.1,latency=0.05,rpm=600,retry-after=1,seed=7"`` (env
``ZCD_EMULATOR_FAULTS``
for the in-process ``local`` account).
"""

from __future__ import annotations

import math
import random
import threading
import time
from collections import Counter, deque
from collections.abc import Callable
from dataclasses import dataclass, field

BEFORE = ("429", "503", "500")  # answered instead of the request: nothing was done
AFTER = ("drop",)  # the write was done, the response is lost
KINDS = BEFORE + AFTER
_SPEC_NAMES = {
    "429": "throttle",
    "503": "unavailable",
    "500": "server_error",
    "drop": "drop",
    "latency": "latency",
    "rpm": "requests_per_minute",
    "retry-after": "retry_after",
    "seed": "seed",
}


class FaultSpecError(ValueError):
    pass


# Without --rate-limit the emulator limits nothing; its headers say so with a limit none reaches.
UNLIMITED_RATE = 100_000


@dataclass
class Faults:
    throttle: float = 0.0  # probability of a 429 with Retry-After
    unavailable: float = 0.0  # probability of a 503 with Retry-After
    server_error: float = 0.0  # probability of a 500
    drop: float = 0.0  # probability that a successful write loses its response
    latency: float = 0.0  # seconds added to every request
    retry_after: int = 1  # seconds announced in Retry-After
    requests_per_minute: int | None = None
    seed: int | None = None
    # for the per-minute window
    clock: Callable[[], float] = field(default=time.monotonic, repr=False)
    counts: Counter[str] = field(default_factory=Counter, init=False)  # faults served, by kind
    _script: deque[tuple[str, str | None]] = field(default_factory=deque, init=False, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, init=False, repr=False)
    _window: deque[float] = field(default_factory=deque, init=False, repr=False)

    def __post_init__(self) -> None:
        for name in ("throttle", "unavailable", "server_error", "drop"):
            value = getattr(self, name)
            if not 0.0 <= value <= 1.0:
                raise FaultSpecError(f"{name} must be a probability between 0 and 1, not {value}")
        if self.throttle + self.unavailable + self.server_error > 1.0:
            raise FaultSpecError("the probabilities of 429, 503 and 500 add up to more than 1")
        if self.latency < 0 or self.retry_after < 0:
            raise FaultSpecError("latency and retry-after cannot be negative")
        if self.requests_per_minute is not None and self.requests_per_minute < 1:
            raise FaultSpecError("rpm must be at least 1")
        self._rng = random.Random(self.seed)

    @classmethod
    def parse(cls, spec: str) -> Faults:
        values: dict[str, float | int] = {}
        for item in filter(None, (part.strip() for part in spec.split(","))):
            name, sep, raw = item.partition("=")
            target = _SPEC_NAMES.get(name.strip())
            if not sep or target is None:
                raise FaultSpecError(
                    f"unknown fault {item!r}; use {', '.join(f'{n}=VALUE' for n in _SPEC_NAMES)}"
                )
            try:
                number = float(raw)
            except ValueError:
                raise FaultSpecError(f"{name}={raw!r} is not a number") from None
            integral = target in ("requests_per_minute", "retry_after", "seed")
            values[target] = int(number) if integral else number
        return cls(**values)  # type: ignore[arg-type]

    @property
    def active(self) -> bool:
        return bool(
            self.throttle
            or self.unavailable
            or self.server_error
            or self.drop
            or self.latency
            or self.requests_per_minute
            or self._script
        )

    def describe(self) -> str:
        parts = [
            f"{kind} {p:.0%}"
            for kind, p in (
                ("429", self.throttle),
                ("503", self.unavailable),
                ("500", self.server_error),
                ("dropped after write", self.drop),
            )
            if p
        ]
        if self.latency:
            parts.append(f"latency {self.latency * 1000:.0f} ms")
        if self.requests_per_minute:
            parts.append(f"limit {self.requests_per_minute} requests/minute")
        return ", ".join(parts) if parts else "none"

    def script(self, *kinds: str, method: str | None = None) -> None:
        """Force the next requests (of ``method``, or any) to meet these faults, in order."""
        with self._lock:
            for kind in kinds:
                if kind not in KINDS:
                    raise FaultSpecError(f"unknown fault {kind!r}; one of {', '.join(KINDS)}")
                self._script.append((kind, method))

    def over_limit(self) -> float | None:
        """With a per-minute limit: None when the request may go, else the seconds until it may.
        Every request is counted in the window (its headers tell the client what is left)."""
        now = self.clock()
        with self._lock:
            while self._window and self._window[0] <= now - 60.0:
                self._window.popleft()
            if self.requests_per_minute and len(self._window) >= self.requests_per_minute:
                self.counts["rpm"] += 1
                return self._window[0] + 60.0 - now
            self._window.append(now)
            return None

    def rate_headers(self) -> list[tuple[str, str]]:
        """X-Rate-Limit, X-Rate-Limit-Remaining and ratelimit-reset, as Zendesk sends on every
        answer: the per-minute limit and what is left of it in the last minute."""
        limit = self.requests_per_minute or UNLIMITED_RATE
        now = self.clock()
        with self._lock:
            used = len(self._window)  # over_limit has dropped the requests older than a minute
            reset = self._window[0] + 60.0 - now if self._window else 60.0
        return [
            ("X-Rate-Limit", str(limit)),
            ("X-Rate-Limit-Remaining", str(max(0, limit - used))),
            ("ratelimit-reset", str(max(1, math.ceil(reset)))),
        ]

    def before(self, method: str) -> str | None:
        """The fault that answers this request instead of the API, if any."""
        with self._lock:
            scripted = self._take(method, BEFORE)
            if scripted:
                return scripted
            roll = self._rng.random()
            for kind, p in (
                ("429", self.throttle),
                ("503", self.unavailable),
                ("500", self.server_error),
            ):
                if roll < p:
                    self.counts[kind] += 1
                    return kind
                roll -= p
            return None

    def after_write(self, method: str) -> bool:
        """Whether this successful write loses its response (the connection drops)."""
        with self._lock:
            if self._take(method, AFTER):
                return True
            if self.drop and self._rng.random() < self.drop:
                self.counts["drop"] += 1
                return True
            return False

    def _take(self, method: str, kinds: tuple[str, ...]) -> str | None:
        for i, (kind, wanted) in enumerate(self._script):
            if kind in kinds and wanted in (None, method):
                del self._script[i]
                self.counts[kind] += 1
                return kind
            if wanted in (None, method):
                return None  # the next scripted fault for this request is of the other phase
        return None
