"""Exit codes (contract section 5) and the one exception tree that carries them.

Every expected failure is a ``ZcdError`` subclass whose class says its exit code; the CLI's single
handler prints ``error: <message>`` and exits with it. Results that end a command normally
(a validation, a plan run, an apply report) carry their own ``exit_code`` built from ``ExitCode``.
Nothing else in the package spells an exit code as a number.
"""

from __future__ import annotations

from enum import IntEnum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from zcd_schema.project.validate import ValidationResult


class ExitCode(IntEnum):
    OK = 0  # success; with --detailed-exitcode, also "no changes"
    INVALID = 1  # the project has validation errors
    CHANGES = 2  # plan --detailed-exitcode: changes pending
    ACCOUNT = 3  # the account could not be reached or refused us
    GUARD = 4  # refused by a guard: nothing was written
    PARTIAL = 5  # apply stopped part-way
    USAGE = 64  # bad options or arguments (sysexits' EX_USAGE)
    INTERNAL = 70  # a bug (sysexits' EX_SOFTWARE)
    INTERRUPTED = 130  # Ctrl-C before anything was written (128 + SIGINT)


class ZcdError(Exception):
    """An expected failure: the CLI prints ``error: <message>`` and exits with ``exit_code``."""

    exit_code = ExitCode.INTERNAL


class UsageError(ZcdError):
    """Bad options or arguments (for instance a --project that is not a directory)."""

    exit_code = ExitCode.USAGE


class PlanFileError(UsageError):
    """A saved plan that cannot be read: not JSON, another format version, or edited by hand."""


class AccountError(ZcdError):
    """The account cannot be used or reached: bad URL, missing credentials, network or API
    failure."""

    exit_code = ExitCode.ACCOUNT


class GuardError(ZcdError):
    """A guard refused before any write: stale plan, destruction not allowed, confirmation
    declined."""

    exit_code = ExitCode.GUARD


class InvalidProject(ZcdError):
    """The project has validation errors; the CLI prints them the way validate does."""

    exit_code = ExitCode.INVALID

    def __init__(
        self,
        result: ValidationResult,
        consequence: str = "nothing was read from or written to the account",
    ) -> None:
        super().__init__(f"the project is invalid; {consequence}")
        self.result = result
