"""What an apply did, change by change: applied, partly applied, failed or not attempted."""

from __future__ import annotations

from dataclasses import dataclass, field

from zcd_schema.errors import ExitCode
from zcd_schema.planning.document import Change


@dataclass
class Outcome:
    change: Change
    done: list[str] = field(default_factory=list)  # operations done ("delete", "create", "update")
    needed: int = 1  # operations the change takes (a replace: its delete and its create)
    error: str | None = None
    moved: bool = False  # not written: the live object moved since the plan was made
    seconds: float = 0.0

    @property
    def state(self) -> str:
        if self.error is not None:
            return "failed"
        if len(self.done) == self.needed:
            return "applied"
        return "partly applied" if self.done else "not attempted"


@dataclass
class ApplyReport:
    outcomes: list[Outcome]
    interrupted: bool = False

    def with_state(self, state: str) -> list[Outcome]:
        return [o for o in self.outcomes if o.state == state]

    @property
    def complete(self) -> bool:
        return all(o.state == "applied" for o in self.outcomes)

    @property
    def wrote_anything(self) -> bool:
        return any(o.done for o in self.outcomes)

    @property
    def exit_code(self) -> ExitCode:
        if self.complete:
            return ExitCode.OK
        if self.wrote_anything:
            return ExitCode.PARTIAL
        if any(o.moved for o in self.outcomes):
            return ExitCode.GUARD  # refused before any write, as a stale plan is
        return ExitCode.INTERRUPTED if self.interrupted else ExitCode.ACCOUNT
