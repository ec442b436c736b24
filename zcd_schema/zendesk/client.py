"""The only module that speaks HTTP: authentication, pagination, retries, rate limits, redaction.

Everything above this module sees :class:`Client`, :class:`Response` and :class:`ApiError`; httpx
stays inside. Retries follow what Zendesk documents (``zendesk-api.md`` section 2):

* 429 and 503 wait for ``Retry-After`` (seconds or an HTTP date); without it, exponential backoff.
  However often they come, they are waited out while the run's rate-limit budget
  (``RetryPolicy.rate_limit_budget``, ``--retry-budget``, 10 minutes by default) lasts: the
  budget is the time all requests of the client may spend waiting for the account's rate limit.
  A 429 whose message says "exceeded the maximum number of resources" is a storage quota, not a
  throttle: retrying cannot help, so it is raised at once.
* 500, 502, 504 and transport failures retry with exponential backoff and jitter, bounded by
  ``RetryPolicy.attempts`` and ``RetryPolicy.total_seconds``.

A request that may have been carried out although its response was lost (a POST answered by a
500, or whose connection dropped after sending) is never blindly repeated: the caller passes a
``reconcile`` function that looks at the account and says whether the write happened.
A DELETE answered 404 after such a lost attempt has done its work and counts as a success.

Secrets never leave this module: every message built here (debug lines, waits, errors) goes
through :meth:`Client.redact`, which masks the token, the OAuth token and the Basic blob.
"""

from __future__ import annotations

import base64
import email.utils
import json as jsonlib
import random
import re
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import httpx

from zcd_schema import __version__
from zcd_schema.errors import AccountError
from zcd_schema.urls import url_problem

USER_AGENT = f"zcd-schema/{__version__}"
REDACTED = "[redacted]"
MAX_PAGES = 10_000  # a links.next chain longer than this is a server bug, not data
PACE_MARGIN = 1.05
MAX_EMPTY_PAGES = 3  # empty pages in a row that still link to another: a server bug
MAX_ANSWER_BYTES = 64 * 1024 * 1024  # an answer larger than this, decompressed, is refused
ANSWER_SECONDS = 120.0  # the longest one attempt may take, from sending to the answer's end
_IDEMPOTENT = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE"})
_RETRY_AFTER = frozenset({429, 503})
_SERVER_ERRORS = frozenset({500, 502, 504})
_QUOTA = re.compile(r"maximum number of", re.IGNORECASE)
_TAGS = re.compile(r"<[^>]+>")
_TITLE = re.compile(r"<title[^>]*>(.*?)</title>", re.IGNORECASE | re.DOTALL)


@dataclass(frozen=True)
class Credentials:
    """Basic ``{email}/token`` + API token, or an OAuth bearer token, or nothing (emulator only)."""

    email: str | None = None
    token: str | None = field(default=None, repr=False)
    oauth_token: str | None = field(default=None, repr=False)

    @property
    def scheme(self) -> str:
        if self.oauth_token:
            return "Bearer"
        return "Basic" if self.email and self.token else "none"

    def authorization(self) -> str | None:
        if self.oauth_token:
            return f"Bearer {self.oauth_token}"
        if self.email and self.token:
            return "Basic " + _basic_blob(self.email, self.token)
        return None

    def secrets(self) -> tuple[str, ...]:
        """Every string that must never be shown: tokens and the encoded Basic credentials."""
        found = [s for s in (self.token, self.oauth_token) if s]
        if self.email and self.token:
            found += [_basic_blob(self.email, self.token), f"{self.email}/token:{self.token}"]
        return tuple(sorted(found, key=len, reverse=True))

    def malformed(self) -> bool:
        """Whether any part holds a control character (a line break pasted with a token, say)."""
        return any(
            has_control_character(part) for part in (self.email, self.token, self.oauth_token)
        )

    def describe(self) -> str:
        if self.scheme == "Bearer":
            return f"OAuth bearer token {REDACTED}"
        if self.scheme == "Basic":
            return f"API token of {self.email} {REDACTED}"
        return "no credentials"


def has_control_character(text: str | None) -> bool:
    return bool(text) and any(ord(c) < 0x20 or 0x7F <= ord(c) < 0xA0 for c in text or "")


def _basic_blob(email: str, token: str) -> str:
    return base64.b64encode(f"{email}/token:{token}".encode()).decode("ascii")


@dataclass(frozen=True)
class RetryPolicy:
    attempts: int = 6  # tries per request, the first included
    # when nothing answers at all: a wrong URL or a down network, rarely a blip
    connect_attempts: int = 3
    # never start a wait that would end later than this after the first try
    total_seconds: float = 300.0
    max_retry_after: float = 120.0  # a longer Retry-After is not waited out: the error says so
    backoff_base: float = 0.5
    backoff_cap: float = 30.0
    # a 429 or 503 without Retry-After: waits long enough for a rate-limit window (a minute) to
    # pass over the attempts (about 5, 10, 20, 30 and 30 s at most, jitter taking up to half)
    throttle_base: float = 5.0
    # the seconds all requests of a run may spend waiting out rate limits (429, 503), however
    # many times they come; a throttle does not use up a request's attempts
    rate_limit_budget: float = 600.0

    def backoff(self, retry: int, rng: random.Random, *, throttled: bool = False) -> float:
        """Exponential backoff with equal jitter: half fixed, half random, so waits stay spread."""
        base = self.throttle_base if throttled else self.backoff_base
        ceiling = min(self.backoff_cap, base * 2 ** (retry - 1))
        return float(ceiling / 2 + rng.uniform(0, ceiling / 2))


@dataclass(frozen=True)
class Response:
    status: int
    data: Any  # the parsed JSON body, or None
    attempts: int = 1
    reconciled: bool = False  # the response was lost and the outcome was read back from the account


class ApiError(AccountError):
    """A request that failed for good: carries status, method, path and Zendesk's own message."""

    def __init__(
        self,
        message: str,
        *,
        method: str,
        path: str,
        status: int | None = None,
        code: str | None = None,
        attempts: int = 1,
        quota: bool = False,
        maybe_applied: bool = False,
    ) -> None:
        self.message = message
        self.method = method
        self.path = path
        self.status = status
        self.code = code
        self.attempts = attempts
        self.quota = quota
        self.maybe_applied = maybe_applied
        super().__init__(str(self))

    def __str__(self) -> str:
        where = f"{self.method} {self.path}"
        status = f"{self.status} {_reason(self.status)}: " if self.status else ""
        tries = f" (gave up after {self.attempts} attempts)" if self.attempts > 1 else ""
        return f"{where}: {status}{self.message}{tries}"


def _reason(status: int | None) -> str:
    return httpx.codes.get_reason_phrase(status) if status else ""


class RequestRate:
    """Paces requests evenly, shared by all threads: at most ``per_minute`` a minute, one every
    60/``per_minute`` seconds, never in bursts (a server counting the same rate over any window
    then never answers 429). The account's own rate-limit headers can hold requests back too."""

    def __init__(
        self, per_minute: int | None, clock: Callable[[], float], sleep: Callable[[float], None]
    ) -> None:
        self.per_minute = per_minute
        # 5% under the rate: requests that leave evenly arrive with jitter, and a server counting
        # the same rate over a sliding minute must never see one too many
        self.interval = 60.0 / per_minute * PACE_MARGIN if per_minute else 0.0
        self._clock = clock
        self._sleep = sleep
        self._next = 0.0  # when the next request may leave
        self._lock = threading.Lock()

    def hold_until(self, moment: float) -> None:
        """No request leaves before ``moment`` (the account said its window is used up)."""
        with self._lock:
            self._next = max(self._next, moment)

    def acquire(self) -> float:
        """Wait until a request may go; returns the seconds waited."""
        with self._lock:  # holding the lock while sleeping keeps the waiters in order
            now = self._clock()
            pause = max(0.0, self._next - now)
            if pause:
                self._sleep(pause)
            self._next = max(self._next, now) + self.interval
            return pause


class Client:
    """A Zendesk API client for one account; safe to share between threads."""

    def __init__(
        self,
        base_url: str,
        credentials: Credentials | None = None,
        *,
        transport: httpx.BaseTransport | None = None,
        timeout: float = 30.0,
        requests_per_minute: int | None = None,
        retry: RetryPolicy | None = None,
        notify: Callable[[str], None] | None = None,
        log_request: Callable[[str], None] | None = None,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
        seed: int | None = None,
        on_close: Callable[[], None] | None = None,
        answer_seconds: float = ANSWER_SECONDS,
        max_answer_bytes: int = MAX_ANSWER_BYTES,
    ) -> None:
        problem = url_problem(base_url)
        if problem and transport is None:
            raise AccountError(problem)
        self.base_url = base_url.rstrip("/")
        self.credentials = credentials or Credentials()
        if self.credentials.malformed():
            raise AccountError(
                "the credentials hold a line break or another control character, which no header "
                "can carry; set each to the credential alone (the values are not shown here)"
            )
        self.retry = retry or RetryPolicy()
        self.answer_seconds = answer_seconds
        self.max_answer_bytes = max_answer_bytes
        self._secrets = self.credentials.secrets()
        self._notify = notify
        self._on_close = on_close
        self._log_request = log_request
        self._sleep = sleep
        self._clock = clock
        self._rng = random.Random(seed)
        self._rng_lock = threading.Lock()
        self._rate = RequestRate(requests_per_minute, clock, sleep)
        self._pacing_said = False
        self._counts_lock = threading.Lock()
        self.requests_sent = 0
        self.retries = 0
        self.throttled_seconds = 0.0  # waited out for rate limits so far, against the budget
        headers = {"User-Agent": USER_AGENT, "Accept": "application/json"}
        self._authorization = self.credentials.authorization()
        self._http = httpx.Client(
            base_url=self.base_url,
            headers=headers,
            transport=transport,
            timeout=httpx.Timeout(timeout, connect=min(timeout, 10.0)),
            follow_redirects=False,  # a redirect could carry the credentials to another host
            limits=httpx.Limits(max_connections=32, max_keepalive_connections=16),
        )
        origin = urlsplit(self.base_url)
        self._origin = (origin.scheme, origin.hostname, origin.port)
        self._log(f"{self.base_url} with {self.credentials.describe()}")

    # -- public API ---------------------------------------------------------------------------

    def close(self) -> None:
        self._http.close()
        if self._on_close is not None:
            self._on_close()
            self._on_close = None

    def __enter__(self) -> Client:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def redact(self, text: str) -> str:
        for secret in self._secrets:
            text = text.replace(secret, REDACTED)
        return text

    def get(self, path: str, params: Mapping[str, Any] | None = None) -> Any:
        """GET ``path`` and return the content of its ``data`` envelope."""
        body = self.request("GET", path, params=params).data
        return body.get("data") if isinstance(body, dict) else None

    def list(
        self,
        path: str,
        params: Mapping[str, Any] | None = None,
        per_page: int | None = 1000,
        *,
        envelope: str = "data",
        page_param: str = "per_page",
    ) -> list[Any]:
        """Every item of a collection: follows ``links.next`` until the end, never assumes one
        page. ``envelope`` names the list in each page (``data``; ``custom_object_fields``...);
        ``page_param`` the page size's parameter (``per_page``; ``page[size]``), None for none."""
        return list(
            self.iter_pages(path, params, per_page, envelope=envelope, page_param=page_param)
        )

    def iter_pages(
        self,
        path: str,
        params: Mapping[str, Any] | None = None,
        per_page: int | None = 1000,
        *,
        envelope: str = "data",
        page_param: str = "per_page",
    ) -> Iterator[Any]:
        query: Mapping[str, Any] | None = {
            **(params or {}),
            **({page_param: per_page} if per_page is not None else {}),
        }
        seen: set[str] = set()
        url = path
        empty = 0  # pages in a row that held nothing, yet linked to another
        for _ in range(MAX_PAGES):
            body = self.request("GET", url, params=query).data
            if not isinstance(body, dict) or not isinstance(body.get(envelope), list):
                raise ApiError(
                    f"the response is not a list in a {envelope} envelope",
                    method="GET",
                    path=self._shown(url),
                )
            yield from body[envelope]
            links = body.get("links") if isinstance(body.get("links"), dict) else {}
            following = links.get("next") if links else None
            if not following and "links" not in body:
                # offset pagination (user and organization fields): "next_page" is the URL of
                # the next page, null on the last
                following = body.get("next_page")
            if not following or not isinstance(following, str):
                return
            empty = 0 if body[envelope] else empty + 1
            if empty >= MAX_EMPTY_PAGES:
                raise ApiError(
                    f"{empty} pages in a row were empty yet linked to another; a list the "
                    "account will not finish cannot be planned against",
                    method="GET",
                    path=self._shown(url),
                )
            url = self._same_origin(str(following), url)
            if url in seen:
                raise ApiError(f"links.next repeats {url}", method="GET", path=self._shown(url))
            seen.add(url)
            query = None  # the next link carries its own query
        raise ApiError(f"more than {MAX_PAGES} pages", method="GET", path=path)

    def request(
        self,
        method: str,
        path: str,
        *,
        json: Any = None,
        params: Mapping[str, Any] | None = None,
        reconcile: Callable[[], Any] | None = None,
        idempotent: bool | None = None,
    ) -> Response:
        """Send one logical request, retrying as the module docstring describes.

        ``reconcile`` (for non-idempotent writes) is called when the outcome of an attempt is
        unknown; it returns the resource when the write took effect, None when it did not.
        ``idempotent`` overrides the method's default (a PATCH that sets whole values may be
        repeated safely).
        """
        method = method.upper()
        idempotent = method in _IDEMPOTENT if idempotent is None else idempotent
        request = self._http.build_request(method, path, json=json, params=params)
        if self._authorization:
            request.headers["Authorization"] = self._authorization
        shown = self._shown(str(request.url))
        started = self._clock()
        attempt = 0
        throttles = 0  # answers that said "wait": they do not use up the attempts
        lost = False  # an earlier attempt may have been carried out without us hearing back
        while True:
            attempt += 1
            waited = self._rate.acquire()
            if waited and self._rate.per_minute and not self._pacing_said:
                self._pacing_said = True  # once: every request may wait a little
                self._say(
                    f"pacing requests at {self._rate.per_minute} per minute, as zcd.yaml asks"
                )
            sent_at = self._clock()
            try:
                with self._counts_lock:
                    self.requests_sent += 1
                response = self._http.send(request, stream=True)
                try:
                    body = self._read_answer(response, sent_at, method, shown)
                finally:
                    response.close()
            except httpx.TransportError as exc:
                reached = not isinstance(
                    exc, (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)
                )
                reason = self.redact(_transport_reason(exc))
                self._log(
                    f"{method} {shown} -> {reason} after {self._ms(sent_at)}, attempt {attempt}"
                )
                if reached and not idempotent:
                    outcome = self._reconcile(reconcile, method, shown, reason, attempt)
                    if outcome is not None:
                        return outcome
                lost = lost or reached
                error = ApiError(reason, method=method, path=shown, attempts=attempt)
                if not reached and attempt >= self.retry.connect_attempts:
                    raise error from None  # the reason is in the message; the chain adds nothing
                self._wait_or_raise(
                    error, self._backoff(attempt), started, f"{reason} on {method} {shown}"
                )
                continue

            status = response.status_code
            self._log(
                f"{method} {shown} -> {status} {_reason(status)} in {self._ms(sent_at)}, attempt "
                f"{attempt}"
            )
            if status < 300:
                self._follow_rate_headers(response.headers)  # a 429 says when with Retry-After
                return Response(status, _json(body), attempt)
            if method == "DELETE" and status == 404 and lost:
                # the lost attempt did the work
                return Response(204, None, attempt, reconciled=True)
            if status == 409 and lost and reconcile is not None:
                # "already exists" after a lost create: the first attempt landed after all
                found = reconcile()
                if found is not None:
                    return Response(201, {"data": found}, attempt, reconciled=True)
            error = self._error(method, shown, response, body, attempt)
            if 300 <= status < 400:
                raise error
            if status in _RETRY_AFTER and not error.quota:
                retry_after = _retry_after(response.headers.get("Retry-After"))
                if retry_after is not None and retry_after > self.retry.max_retry_after:
                    error.message += (
                        f" (Zendesk asked to wait {retry_after:.0f} s, more than the "
                        f"{self.retry.max_retry_after:.0f} s zcd-schema waits)"
                    )
                    raise error
                throttles += 1
                throttle = self._backoff(min(throttles, 6), throttled=True)
                wait = retry_after if retry_after is not None else throttle
                what = "rate limited" if status == 429 else "service unavailable"
                self._wait_throttled(error, wait, f"{what} ({status}) on {method} {shown}")
            elif status in _SERVER_ERRORS:
                if not idempotent:
                    outcome = self._reconcile(reconcile, method, shown, error.message, attempt)
                    if outcome is not None:
                        return outcome
                lost = True
                self._wait_or_raise(
                    error,
                    self._backoff(attempt),
                    started,
                    f"{status} {_reason(status)} on {method} {shown}",
                )
            else:
                raise error

    # -- internals ----------------------------------------------------------------------------

    def _read_answer(
        self, response: httpx.Response, sent_at: float, method: str, shown: str
    ) -> bytes:
        """The whole answer, decompressed: refused past ``max_answer_bytes`` (naming the
        endpoint), and a transport timeout past ``answer_seconds`` since the request left (a
        server trickling bytes never holds a run for ever)."""
        chunks: list[bytes] = []
        size = 0
        for chunk in response.iter_bytes():
            size += len(chunk)
            if size > self.max_answer_bytes:
                raise ApiError(
                    f"the answer is larger than {_size(self.max_answer_bytes)}; refused unread",
                    method=method,
                    path=shown,
                    status=response.status_code,
                )
            if self._clock() - sent_at > self.answer_seconds:
                raise httpx.ReadTimeout(
                    f"no whole answer within {self.answer_seconds:.0f} s",
                    request=response.request,
                )
            chunks.append(chunk)
        return b"".join(chunks)

    def _reconcile(
        self,
        reconcile: Callable[[], Any] | None,
        method: str,
        shown: str,
        reason: str,
        attempt: int,
    ) -> Response | None:
        """After a lost response to a write: the outcome read back, or None to retry the write."""
        if reconcile is None:
            raise ApiError(
                f"{reason}; the request may have been carried out",
                method=method,
                path=shown,
                attempts=attempt,
                maybe_applied=True,
            )
        self._say(f"{reason} on {method} {shown}: checking whether it was carried out")
        found = reconcile()
        if found is None:
            return None
        self._log(f"{method} {shown} had been carried out; its response was lost")
        return Response(201, {"data": found}, attempt, reconciled=True)

    def _wait_throttled(self, error: ApiError, wait: float, what: str) -> None:
        """Wait out a rate limit while the run's budget lasts; raise once it would be spent."""
        budget = self.retry.rate_limit_budget
        with self._counts_lock:
            left = budget - self.throttled_seconds
            if wait > left:
                error.message += (
                    f" (the account kept asking to wait: {self.throttled_seconds:.0f} s of the "
                    f"{budget:.0f} s retry budget spent, {wait:.0f} s more asked; "
                    "--retry-budget sets it)"
                )
                raise error
            self.throttled_seconds += wait
            self.retries += 1
        self._say(f"{what}: retrying in {wait:.1f} s ({left - wait:.0f} s of the budget left)")
        self._sleep(wait)

    def _wait_or_raise(self, error: ApiError, wait: float, started: float, what: str) -> None:
        if error.attempts >= self.retry.attempts:
            raise error
        if self._clock() - started + wait > self.retry.total_seconds:
            error.message += f" (no time left to retry within {self.retry.total_seconds:.0f} s)"
            raise error
        with self._counts_lock:
            self.retries += 1
        self._say(
            f"{what}: retrying in {wait:.1f} s (attempt {error.attempts + 1} of "
            f"{self.retry.attempts})"
        )
        self._sleep(wait)

    def _backoff(self, attempt: int, *, throttled: bool = False) -> float:
        with self._rng_lock:
            return self.retry.backoff(attempt, self._rng, throttled=throttled)

    def _follow_rate_headers(self, headers: httpx.Headers) -> None:
        """When the account says none of its window is left, hold every request until it resets."""
        remaining = _number(
            headers.get("X-Rate-Limit-Remaining") or headers.get("ratelimit-remaining")
        )
        reset = _number(headers.get("ratelimit-reset"))
        if remaining is not None and remaining <= 0 and reset is not None and 0 < reset <= 120:
            self._rate.hold_until(self._clock() + reset)
            self._say(f"the account's rate limit is used up; pausing {reset:.0f} s until it resets")

    def _error(
        self, method: str, shown: str, response: httpx.Response, body: bytes, attempt: int
    ) -> ApiError:
        message, code = zendesk_message(
            response.status_code, response.headers.get("Content-Type", ""), body
        )
        if 300 <= response.status_code < 400:
            message = f"unexpected redirect to {response.headers.get('Location', '?')}"
        quota = response.status_code == 429 and bool(_QUOTA.search(message))
        return ApiError(
            self.redact(message),
            method=method,
            path=shown,
            status=response.status_code,
            code=code,
            attempts=attempt,
            quota=quota,
        )

    def _same_origin(self, link: str, current: str) -> str:
        parts = urlsplit(link)
        if not parts.scheme:
            return link  # relative: resolved against the base URL
        if (parts.scheme, parts.hostname, parts.port) != self._origin:
            raise ApiError(
                f"refusing to follow links.next to another origin: {self.redact(link)}",
                method="GET",
                path=self._shown(current),
            )
        return link

    def _shown(self, url: str) -> str:
        parts = urlsplit(url)
        return self.redact(parts.path + (f"?{parts.query}" if parts.query else ""))

    def _ms(self, since: float) -> str:
        return f"{(self._clock() - since) * 1000:.0f} ms"

    def _log(self, line: str) -> None:
        if self._log_request is not None:
            self._log_request(self.redact(line))

    def _say(self, line: str) -> None:
        if self._notify is not None:
            self._notify(self.redact(line))


def _size(count: int) -> str:
    if count >= 1024 * 1024 and count % (1024 * 1024) == 0:
        return f"{count // (1024 * 1024)} MiB"
    return f"{count:,} bytes"


def _json(body: bytes) -> Any:
    if not body:
        return None
    try:
        return jsonlib.loads(body)
    except ValueError:
        return None


def _number(value: str | None) -> float | None:
    try:
        return float(value) if value is not None else None
    except ValueError:
        return None


def _retry_after(value: str | None) -> float | None:
    """Seconds from a Retry-After header: a number of seconds or an HTTP date."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


def _transport_reason(exc: httpx.TransportError) -> str:
    kinds = [
        (httpx.ConnectTimeout, "timed out connecting"),
        (httpx.ConnectError, "could not connect"),
        (httpx.ReadTimeout, "timed out waiting for the response"),
        (httpx.WriteTimeout, "timed out sending the request"),
        (httpx.PoolTimeout, "timed out waiting for a free connection"),
        (httpx.RemoteProtocolError, "the connection was dropped"),
        (httpx.ReadError, "the connection was dropped"),
    ]
    for kind, reason in kinds:
        if isinstance(exc, kind):
            detail = str(exc).strip()
            return f"{reason} ({detail})" if detail else reason
    return f"network error: {type(exc).__name__}: {exc}"


def _details(details: Any) -> list[str]:
    """ "key: description (Code)" for each entry of a Support API error's ``details``."""
    found = []
    for attribute, entries in details.items() if isinstance(details, dict) else ():
        for entry in entries if isinstance(entries, list) else [entries]:
            if isinstance(entry, dict):
                text = entry.get("description") or entry.get("error")
                code = entry.get("error")
                if text:
                    found.append(
                        f"{attribute}: {text}" + (f" ({code})" if code and code != text else "")
                    )
    return found


def zendesk_message(status: int, content_type: str, body: bytes) -> tuple[str, str | None]:
    """Zendesk's message and error code from any error body: JSON in its several shapes, HTML or
    text."""
    data = _json(body)
    if isinstance(data, dict):
        errors = data.get("errors")
        if isinstance(errors, list) and errors:
            texts = []
            for entry in errors:
                if isinstance(entry, dict):
                    text = (
                        entry.get("detail")
                        or entry.get("message")
                        or entry.get("title")
                        or entry.get("code")
                    )
                    if text:
                        texts.append(str(text))
                elif entry:
                    texts.append(str(entry))
            code = errors[0].get("code") if isinstance(errors[0], dict) else None
            if texts:
                return "; ".join(texts), str(code) if code else None
        if isinstance(data.get("error"), dict):
            inner = data["error"]
            text = inner.get("message") or inner.get("title") or inner.get("detail")
            if text:
                return str(text), inner.get("code") if isinstance(inner.get("code"), str) else None
        if isinstance(data.get("error"), str) and data["error"]:
            # the Support API: {"error": "RecordInvalid", "description": "...", "details": {...}}
            extra = data.get("description")
            text = data["error"] + (f": {extra}" if isinstance(extra, str) and extra else "")
            found = _details(data.get("details"))
            return text + (f" ({'; '.join(found)})" if found else ""), data["error"]
        for name in ("detail", "message", "description"):
            if isinstance(data.get(name), str) and data[name]:
                return data[name], None
    text = body.decode("utf-8", "replace")
    if status == 429:
        # Zendesk's rate limit answers in plain text ("Number of allowed API requests per
        # minute exceeded"), whatever type it says it is: a rate limit, never "an HTML page"
        text = _TAGS.sub(" ", text)
    elif "html" in content_type.lower() or text.lstrip().startswith("<"):
        title = _TITLE.search(text)
        text = title.group(1) if title else _TAGS.sub(" ", text)
        text = f"{' '.join(text.split())} (an HTML page, not an API answer: is the URL right?)"
    text = " ".join(text.split())
    if len(text) > 300:
        text = text[:297] + "..."
    return text or _reason(status) or f"HTTP {status}", None


class _InProcess(httpx.WSGITransport):
    """httpx's WSGI transport, turning an app's "drop the connection" into what a socket would
    give."""

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        try:
            return super().handle_request(request)
        except Exception as exc:
            if getattr(exc, "drops_connection", False):
                raise httpx.RemoteProtocolError(
                    "Server disconnected without sending a response.", request=request
                ) from None
            raise


def in_process_transport(app: Callable[..., Any]) -> httpx.BaseTransport:
    """A transport that calls a WSGI application in this process (the ``local`` account)."""
    return _InProcess(app=app)
