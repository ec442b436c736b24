"""One exception root; each subclass carries the exit code of contract section 5."""

from __future__ import annotations

EXIT_OK = 0
EXIT_INVALID = 1
EXIT_CHANGES = 2
EXIT_ACCOUNT = 3
EXIT_GUARD = 4
EXIT_PARTIAL = 5
EXIT_USAGE = 64
EXIT_INTERNAL = 70


class ZcdError(Exception):
    """An expected failure: the CLI prints ``error: <message>`` and exits with ``exit_code``."""

    exit_code = EXIT_INTERNAL


class UsageError(ZcdError):
    """Bad options or arguments (for instance a --project that is not a directory)."""

    exit_code = EXIT_USAGE


class AccountError(ZcdError):
    """The account cannot be used or reached: bad URL, missing credentials, network or API failure."""

    exit_code = EXIT_ACCOUNT
