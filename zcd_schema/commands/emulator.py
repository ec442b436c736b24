"""The core of ``emulator serve``: build the emulator from the options and the environment's
credentials, listen on loopback, and serve until Ctrl-C or SIGTERM."""

from __future__ import annotations

import signal
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import FrameType

from zcd_schema.emulator.app import Emulator, accepted_authorizations
from zcd_schema.emulator.faults import Faults, FaultSpecError
from zcd_schema.emulator.serve import EmulatorServer, server_for
from zcd_schema.emulator.store import Store
from zcd_schema.errors import UsageError


@dataclass(frozen=True)
class ServeOptions:
    host: str = "127.0.0.1"
    port: int = 8976
    db: Path | None = None  # None: in memory
    max_page_size: int = 1000
    plan_tier: str = "enterprise"  # the custom object limits it applies
    legacy_api: bool = True  # False: answers as an account after legacy custom objects were removed
    # the faults: probabilities per request, and the rest of Faults' settings
    throttle: float = 0.0
    unavailable: float = 0.0
    server_error: float = 0.0
    drop: float = 0.0
    latency: float = 0.0
    requests_per_minute: int | None = None
    retry_after: int = 1
    seed: int | None = None

    def faults(self) -> Faults:
        settings = {name: getattr(self, name) for name in _FAULT_SETTINGS}
        try:
            return Faults(**settings)
        except FaultSpecError as exc:
            raise UsageError(str(exc)) from None


_FAULT_SETTINGS = (
    "throttle",
    "unavailable",
    "server_error",
    "drop",
    "latency",
    "requests_per_minute",
    "retry_after",
    "seed",
)


class RunningEmulator:
    """An emulator listening on loopback; ``serve_until_stopped`` blocks until Ctrl-C or SIGTERM."""

    def __init__(
        self,
        options: ServeOptions,
        environ: Mapping[str, str],
        *,
        access_log: Callable[[str], None] | None = None,
        report: Callable[[str], None] | None = None,
    ) -> None:
        self.options = options
        self.faults = options.faults()
        self.accepted = accepted_authorizations(
            environ.get("ZENDESK_EMAIL"),
            environ.get("ZENDESK_API_TOKEN"),
            environ.get("ZENDESK_OAUTH_TOKEN"),
        )
        self.store = Store(options.db if options.db is not None else ":memory:")
        self.app = Emulator(
            self.store,
            authorizations=self.accepted,
            faults=self.faults,
            max_page_size=options.max_page_size,
            plan_tier=options.plan_tier,
            legacy=options.legacy_api,
        )
        try:
            self.server: EmulatorServer = server_for(
                self.app, options.host, options.port, access_log=access_log, report=report
            )
        except ValueError as exc:
            self.store.close()
            raise UsageError(str(exc)) from None
        except OSError as exc:
            self.store.close()
            raise UsageError(
                f"cannot listen on {options.host}:{options.port}: {exc.strerror or exc}; "
                "choose another --port"
            ) from None

    def describe(self) -> list[str]:
        """What it says when it starts."""
        options = self.options
        if self.accepted is None:
            auth = "no credentials set in the environment: accepting every request"
        else:
            auth = "demanding the credentials set in the environment (401 otherwise)"
        state = (
            options.db if options.db is not None else "in memory (lost on exit; --db FILE keeps it)"
        )
        return [
            f"zcd-schema emulator listening on {self.server.url}",
            f"  state: {state}",
            f"  {auth}",
            f"  faults: {self.faults.describe()}; page size at most {options.max_page_size}",
            f"  custom objects as on a {options.plan_tier} plan; legacy custom objects "
            + ("served" if options.legacy_api else "removed (404)"),
            "  stop with Ctrl-C",
        ]

    def serve_until_stopped(self) -> str:
        """Serve until Ctrl-C or SIGTERM; the closing line (requests served, faults injected)."""

        def stop(signum: int, frame: FrameType | None) -> None:
            raise KeyboardInterrupt

        signal.signal(signal.SIGTERM, stop)
        try:
            self.server.serve_forever()
        except KeyboardInterrupt:
            pass
        finally:
            self.server.server_close()
            self.store.close()
        faults = self.faults
        served = ", ".join(f"{kind}: {n}" for kind, n in sorted(faults.counts.items())) or "none"
        return f"stopped after {self.app.requests} requests; faults injected: {served}"
