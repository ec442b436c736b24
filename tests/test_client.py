"""The client against the emulator, in-process and over a real socket: retries, faults, paging,
errors, concurrency and redaction. httpx.MockTransport only where the emulator cannot produce a
case."""

from __future__ import annotations

import base64
import itertools
import json
import socket
import threading
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from zcd_schema.emulator.app import accepted_authorizations
from zcd_schema.emulator.faults import Faults
from zcd_schema.errors import AccountError, ExitCode
from zcd_schema.kinds import OBJECT_TYPE, RELATIONSHIP_TYPE
from zcd_schema.zendesk.client import (
    USER_AGENT,
    ApiError,
    Client,
    Credentials,
    RetryPolicy,
    zendesk_message,
)
from zcd_schema.zendesk.read import read_item, read_live_state, records_answer
from zcd_schema.zendesk.write import AccountApi

SCHEMA = {"properties": {"id": {"type": "string"}}}
TOKEN = "tok-7Hq2-SECRET-9zz"
OAUTH = "oauth-Qw8-SECRET-77"
EMAIL = "admin@example.com"


def product(key: str = "product", **extra) -> dict:
    return {"key": key, "schema": {"properties": {"id": {"type": "string"}, **extra}}}


class Recorder:
    """Collects what the client says (notify) and logs (debug), and what it would sleep."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.sleeps: list[float] = []
        self._lock = threading.Lock()

    def __call__(self, line: str) -> None:
        with self._lock:
            self.lines.append(line)

    def sleep(self, seconds: float) -> None:
        with self._lock:
            self.sleeps.append(seconds)

    @property
    def text(self) -> str:
        return "\n".join(self.lines)


def test_crud_and_paging(emulated):
    emulated.app.max_page_size = 2
    with emulated.client() as client:
        for i in range(5):
            created = AccountApi(client).create(OBJECT_TYPE, product(f"type{i}"))
            assert created["key"] == f"type{i}"
        assert [t["key"] for t in client.list(OBJECT_TYPE.collection)] == [
            f"type{i}" for i in range(5)
        ]
        AccountApi(client).create(
            RELATIONSHIP_TYPE, {"key": "owner", "source": "type0", "target": ["zen:user"]}
        )
        updated = AccountApi(client).update(OBJECT_TYPE, product("type1", name={"type": "string"}))
        assert "name" in updated["schema"]["properties"]
        AccountApi(client).delete(RELATIONSHIP_TYPE, "owner")
        AccountApi(client).delete(OBJECT_TYPE, "type0")
        state = read_live_state(client)
        assert sorted(state.of(OBJECT_TYPE)) == ["type1", "type2", "type3", "type4"]
        assert state.of(RELATIONSHIP_TYPE) == {}
        assert state.limits["resource_types"].count == 4
        assert read_item(client, OBJECT_TYPE, "type0") is None


def test_live_state_is_the_model(emulated):
    with emulated.client() as client:
        AccountApi(client).create(OBJECT_TYPE, product())
        AccountApi(client).create(
            RELATIONSHIP_TYPE, {"key": "one", "source": "product", "target": "zen:user"}
        )
        AccountApi(client).create(
            RELATIONSHIP_TYPE, {"key": "many", "source": "zen:ticket", "target": ["product"]}
        )
        state = read_live_state(client)
    relationships = state.of(RELATIONSHIP_TYPE)
    assert relationships["one"]["target"] == "zen:user" and relationships["many"]["target"] == [
        "product"
    ]
    assert OBJECT_TYPE.normalize(state.items[("object_type", "product")]) == product()


def has_records(client, kind, key) -> bool:
    return bool(records_answer(client, kind, key)["data"])


def test_has_records(emulated):
    with emulated.client() as client:
        AccountApi(client).create(OBJECT_TYPE, product())
        assert has_records(client, OBJECT_TYPE, "product") is False
        client.request(
            "POST",
            "/api/sunshine/objects/records",
            json={"data": {"type": "product", "attributes": {"id": "1"}}},
        )
        assert has_records(client, OBJECT_TYPE, "product") is True


@pytest.mark.parametrize("fault", ["429", "503", "500"])
def test_transient_faults_are_retried(emulated, fault):
    emulated.faults.retry_after = 0
    emulated.faults.script(fault, fault)
    said = Recorder()
    with emulated.client(notify=said, sleep=said.sleep) as client:
        assert client.list(OBJECT_TYPE.collection) == []
        assert client.retries == 2
    assert len(said.sleeps) == 2 and "retrying" in said.text


def test_retry_after_is_waited_out(emulated):
    emulated.faults.retry_after = 4
    emulated.faults.script("429")
    said = Recorder()
    with emulated.client(notify=said, sleep=said.sleep) as client:
        client.list(OBJECT_TYPE.collection)
    assert said.sleeps == [4.0]
    assert "rate limited (429)" in said.text and "retrying in 4.0 s" in said.text


def test_a_retry_after_beyond_the_cap_is_not_waited(emulated):
    emulated.faults.retry_after = 3600
    emulated.faults.script("429")
    said = Recorder()
    with emulated.client(sleep=said.sleep) as client, pytest.raises(ApiError) as caught:
        client.list(OBJECT_TYPE.collection)
    assert said.sleeps == [] and caught.value.status == 429 and "3600 s" in str(caught.value)


def test_retries_are_bounded_in_attempts(emulated):
    emulated.faults.server_error = 1.0
    said = Recorder()
    with (
        emulated.client(sleep=said.sleep, retry=RetryPolicy(attempts=3)) as client,
        pytest.raises(ApiError) as caught,
    ):
        client.list(OBJECT_TYPE.collection)
    error = caught.value
    assert error.status == 500 and error.attempts == 3 and len(said.sleeps) == 2
    assert error.exit_code == ExitCode.ACCOUNT
    assert str(error).startswith(
        "GET /api/sunshine/objects/types?per_page=1000: 500 Internal Server Error: "
    )
    assert "gave up after 3 attempts" in str(error)


def test_retries_are_bounded_in_time(emulated):
    emulated.faults.throttle = 1.0
    emulated.faults.retry_after = 20
    said = Recorder()
    clock = [0.0]

    def sleep(seconds: float) -> None:
        said.sleep(seconds)
        clock[0] += seconds

    # rate limits are waited out however often they come, within the run's budget, which the
    # attempts do not bound
    policy = RetryPolicy(attempts=2, rate_limit_budget=50)
    with (
        emulated.client(sleep=sleep, clock=lambda: clock[0], retry=policy) as client,
        pytest.raises(ApiError) as caught,
    ):
        client.list(OBJECT_TYPE.collection)
    assert said.sleeps == [20.0, 20.0] and "40 s of the 50 s retry budget spent" in str(
        caught.value
    )
    assert "--retry-budget" in str(caught.value)


def test_a_rate_limit_that_comes_often_is_waited_out_every_time(emulated):
    """Three requests in four throttled, over a hundred reads: every read ends, none gives up
    (six 429s in a row on one read used to end the run)."""
    emulated.faults.throttle = 0.75
    emulated.faults.retry_after = 1
    said = Recorder()
    with emulated.client(sleep=said.sleep, retry=RetryPolicy(attempts=2)) as client:
        for _ in range(100):
            client.list(OBJECT_TYPE.collection)
    assert len(said.sleeps) > 30 and max(said.sleeps) == 1.0


def test_backoff_grows_and_is_jittered():
    import random

    policy = RetryPolicy(backoff_base=1, backoff_cap=30)
    rng = random.Random(1)
    waits = [policy.backoff(n, rng) for n in range(1, 7)]
    for n, wait in enumerate(waits, start=1):
        ceiling = min(30, 2 ** (n - 1))
        assert ceiling / 2 <= wait <= ceiling
    assert len({round(w, 6) for w in waits}) == len(waits)


def test_quota_429_is_not_retried(emulator_factory):
    emulated = emulator_factory(limits={"resource_types": 1})
    said = Recorder()
    with emulated.client(sleep=said.sleep) as client:
        AccountApi(client).create(OBJECT_TYPE, product("first"))
        with pytest.raises(ApiError) as caught:
            AccountApi(client).create(OBJECT_TYPE, product("second"))
    assert caught.value.quota and caught.value.status == 429 and caught.value.attempts == 1
    assert said.sleeps == []
    assert "exceeded the maximum number of resources" in str(caught.value)


def test_lost_create_response_is_reconciled_not_repeated(emulated):
    emulated.faults.script("drop", method="POST")
    said = Recorder()
    with emulated.client(notify=said) as client:
        created = AccountApi(client).create(OBJECT_TYPE, product())
        assert created["key"] == "product"
        assert [t["key"] for t in client.list(OBJECT_TYPE.collection)] == ["product"]
    assert "checking whether it was carried out" in said.text


def test_create_answered_500_is_checked_then_sent_again(emulated):
    emulated.faults.script("500", method="POST")
    with emulated.client() as client:
        AccountApi(client).create(OBJECT_TYPE, product())
        assert [t["key"] for t in client.list(OBJECT_TYPE.collection)] == ["product"]
    assert emulated.faults.counts["500"] == 1


def test_reconcile_compares_content(emulated):
    """A create whose response is lost, where the key now holds other content: an error, not
    success."""
    with emulated.client() as client:
        AccountApi(client).create(OBJECT_TYPE, product(price={"type": "number"}))
        emulated.faults.script("500", method="POST")  # the retried POST must never be needed

        with pytest.raises(ApiError) as caught:
            AccountApi(client).create(OBJECT_TYPE, product())
        assert "other content" in str(caught.value)


def test_post_without_reconcile_is_not_repeated(emulated):
    emulated.faults.script("drop", method="POST")
    with emulated.client() as client, pytest.raises(ApiError) as caught:
        client.request("POST", OBJECT_TYPE.collection, json={"data": product()})
    assert caught.value.maybe_applied and "may have been carried out" in str(caught.value)
    with emulated.client() as client:
        assert len(client.list(OBJECT_TYPE.collection)) == 1  # done once, not twice


def test_lost_delete_response_counts_as_done(emulated):
    with emulated.client() as client:
        AccountApi(client).create(OBJECT_TYPE, product())
        emulated.faults.script("drop", method="DELETE")
        # retried, answered 404: the first one worked
        AccountApi(client).delete(OBJECT_TYPE, "product")
        assert client.list(OBJECT_TYPE.collection) == []
        with pytest.raises(ApiError) as caught:
            AccountApi(client).delete(OBJECT_TYPE, "product")  # a plain 404 is still an error
        assert caught.value.status == 404


def test_lost_update_response_is_retried(emulated):
    with emulated.client() as client:
        AccountApi(client).create(OBJECT_TYPE, product())
        emulated.faults.script("drop", method="PUT")
        updated = AccountApi(client).update(OBJECT_TYPE, product(name={"type": "string"}))
        assert "name" in updated["schema"]["properties"]


def test_zendesk_messages_in_errors(emulated):
    with emulated.client() as client:
        with pytest.raises(ApiError) as caught:
            AccountApi(client).create(OBJECT_TYPE, {"key": "product", "schema": {}})
        assert caught.value.status == 400
        assert str(caught.value) == (
            "POST /api/sunshine/objects/types: 400 Bad Request: "
            "The schema for a legacy object type cannot be empty."
        )
        with pytest.raises(ApiError) as caught:
            client.get("/api/sunshine/objects/typo")
        assert caught.value.status == 404 and "HTML page" in str(caught.value)


@pytest.mark.parametrize(
    ("content_type", "body", "expected"),
    [
        (
            "application/json",
            b'{"errors": [{"code": "X", "title": "T", "detail": "the detail"}]}',
            "the detail",
        ),
        (
            "application/json",
            b'{"errors": [{"code": "TooManyRequests", "message": "quota msg"}]}',
            "quota msg",
        ),
        (
            "application/json",
            b'{"error": "Couldn\'t authenticate you"}',
            "Couldn't authenticate you",
        ),
        (
            "application/json",
            b'{"error": "RecordNotFound", "description": "Not found"}',
            "RecordNotFound: Not found",
        ),
        ("application/json", b'{"message": "plain message"}', "plain message"),
        (
            "application/json",
            b'{"error": {"title": "Forbidden", "message": "no access"}}',
            "no access",
        ),
        ("text/plain", b"Too Many Requests", "Too Many Requests"),
        (
            "text/html",
            b"<html><head><title>Oops</title></head><body>x</body></html>",
            "Oops (an HTML page",
        ),
        (
            "text/html",
            b"<html><body><h1>Bad gateway</h1></body></html>",
            "Bad gateway (an HTML page",
        ),
        ("application/json", b"", "Bad Gateway"),
        ("application/json", b"{not json", "{not json"),
    ],
)
def test_error_bodies_in_every_shape(content_type, body, expected):
    message, _ = zendesk_message(502, content_type, body)
    assert message.startswith(expected)


def test_retry_after_as_http_date_and_missing():
    """The emulator sends seconds; Zendesk may send an HTTP date or nothing: a mock transport."""
    import email.utils
    import time

    answers = iter(
        [
            httpx.Response(
                503, headers={"Retry-After": email.utils.formatdate(time.time() + 30, usegmt=True)}
            ),
            httpx.Response(429, text="slow down"),  # no Retry-After: backoff
            httpx.Response(200, json={"data": []}),
        ]
    )
    said = Recorder()
    client = Client(
        "https://acme.zendesk.com",
        transport=httpx.MockTransport(lambda r: next(answers)),
        sleep=said.sleep,
        retry=RetryPolicy(backoff_base=1, backoff_cap=1),
    )
    assert client.get("/api/sunshine/objects/types") == []
    assert 25 <= said.sleeps[0] <= 31 and 0.5 <= said.sleeps[1] <= 1


def test_links_next_to_another_origin_is_refused():
    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(
            200, json={"data": [{"key": "a"}], "links": {"next": "https://evil.example/steal"}}
        )

    client = Client(
        "https://acme.zendesk.com", Credentials(EMAIL, TOKEN), transport=httpx.MockTransport(answer)
    )
    with pytest.raises(ApiError) as caught:
        client.list("/api/sunshine/objects/types")
    assert "another origin" in str(caught.value)


def test_redirects_are_not_followed():
    seen = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(str(request.url))
        return httpx.Response(301, headers={"Location": "https://elsewhere.example/x"})

    client = Client(
        "https://acme.zendesk.com", Credentials(EMAIL, TOKEN), transport=httpx.MockTransport(answer)
    )
    with pytest.raises(ApiError) as caught:
        client.get("/api/sunshine/objects/types")
    assert seen == ["https://acme.zendesk.com/api/sunshine/objects/types"] and "redirect" in str(
        caught.value
    )


def test_headers_sent(emulator_factory):
    headers = []
    emulated = emulator_factory()
    app = emulated.app

    def spy(environ, start_response):
        headers.append(
            (
                environ.get("HTTP_USER_AGENT"),
                environ.get("HTTP_AUTHORIZATION"),
                environ.get("CONTENT_TYPE"),
            )
        )
        return app(environ, start_response)

    from zcd_schema.zendesk.client import in_process_transport

    client = Client(
        "http://localhost", Credentials(EMAIL, TOKEN), transport=in_process_transport(spy)
    )
    AccountApi(client).create(OBJECT_TYPE, product())
    basic = "Basic " + base64.b64encode(f"{EMAIL}/token:{TOKEN}".encode()).decode()
    assert headers == [(USER_AGENT, basic, "application/json")]
    bearer = Client(
        "http://localhost", Credentials(oauth_token=OAUTH), transport=in_process_transport(spy)
    )
    bearer.list(OBJECT_TYPE.collection)
    assert headers[-1][1] == f"Bearer {OAUTH}"


def test_insecure_urls_are_refused_before_sending():
    for url in (
        "http://acme.zendesk.com",
        "ftp://acme.zendesk.com",
        "https://user:pw@acme.zendesk.com",
        "nonsense",
    ):
        with pytest.raises(AccountError):
            Client(url, Credentials(EMAIL, TOKEN))
    Client("http://127.0.0.1:9", Credentials(EMAIL, TOKEN)).close()
    Client("http://[::1]:9").close()


def test_unreachable_account_fails_with_exit_3_after_bounded_retries():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]  # closed again: nothing listens here
    said = Recorder()
    client = Client(f"http://127.0.0.1:{port}", sleep=said.sleep)
    with pytest.raises(ApiError) as caught:
        client.list(OBJECT_TYPE.collection)
    assert caught.value.exit_code == ExitCode.ACCOUNT and caught.value.status is None
    assert (
        "could not connect" in str(caught.value)
        and caught.value.attempts == 3
        and len(said.sleeps) == 2
    )


def test_client_side_requests_per_minute_are_paced_evenly():
    """A fake clock: at 60 a minute, 20 requests leave one every 1.05 s (5% under the rate, for
    jitter), never in a burst; a server counting 60 a minute over any window never refuses them."""
    clock = [100.0]
    said = Recorder()
    sent: list[float] = []

    def sleep(seconds: float) -> None:
        said.sleep(seconds)
        clock[0] += seconds

    def answer(request: httpx.Request) -> httpx.Response:
        sent.append(clock[0])
        return httpx.Response(200, json={"data": []})

    client = Client(
        "https://acme.zendesk.com",
        transport=httpx.MockTransport(answer),
        requests_per_minute=60,
        sleep=sleep,
        clock=lambda: clock[0],
        notify=said,
    )
    for _ in range(20):
        client.get("/api/sunshine/limits")
    assert sent[-1] - sent[0] == pytest.approx(19 * 1.05)  # 5% under the rate, for jitter
    assert all(b - a == pytest.approx(1.05) for a, b in itertools.pairwise(sent))
    assert said.text.count("pacing requests at 60 per minute") == 1


def test_the_accounts_rate_headers_hold_requests_until_the_reset():
    clock = [0.0]
    said = Recorder()
    sent: list[float] = []

    def sleep(seconds: float) -> None:
        said.sleep(seconds)
        clock[0] += seconds

    def answer(request: httpx.Request) -> httpx.Response:
        sent.append(clock[0])
        headers = {
            "X-Rate-Limit": "700",
            "X-Rate-Limit-Remaining": "0" if len(sent) == 1 else "5",
            "ratelimit-reset": "30",
        }
        return httpx.Response(200, json={"data": []}, headers=headers)

    client = Client(
        "https://acme.zendesk.com",
        transport=httpx.MockTransport(answer),
        sleep=sleep,
        clock=lambda: clock[0],
        notify=said,
    )
    client.get("/api/sunshine/limits")
    client.get("/api/sunshine/limits")
    assert sent == [0.0, 30.0] and "pausing 30 s until it resets" in said.text


def test_a_throttle_without_retry_after_waits_for_a_rate_limit_window():
    """429s without Retry-After: the backoff grows to half a minute and goes on until the run's
    budget is spent (a window of a minute passes within the first five)."""
    said = Recorder()
    client = Client(
        "https://acme.zendesk.com",
        transport=httpx.MockTransport(lambda r: httpx.Response(429, text="Too many requests")),
        sleep=said.sleep,
        seed=1,
        retry=RetryPolicy(rate_limit_budget=200),
    )
    with pytest.raises(ApiError) as caught:
        client.get("/api/sunshine/limits")
    assert 50 <= sum(said.sleeps[:5]) <= 95, said.sleeps
    assert len(said.sleeps) > 6 and 170 <= sum(said.sleeps) <= 200, said.sleeps
    assert "retry budget" in str(caught.value)


def test_zendesks_plain_text_rate_limit_is_a_rate_limit_not_a_page():
    """Zendesk's 429 is plain text; served as text/html it is still a rate limit."""
    answers = [
        httpx.Response(
            429,
            headers={"Content-Type": "text/html", "Retry-After": "0"},
            text="Number of allowed API requests per minute exceeded",
        ),
        httpx.Response(200, json={"data": []}),
    ]
    said = Recorder()
    client = Client(
        "https://acme.zendesk.com",
        transport=httpx.MockTransport(lambda r: answers.pop(0)),
        sleep=said.sleep,
        notify=said,
    )
    assert client.get("/api/sunshine/limits") == []
    assert "rate limited (429)" in said.text and "HTML" not in said.text
    spent = Client(
        "https://acme.zendesk.com",
        transport=httpx.MockTransport(
            lambda r: httpx.Response(
                429,
                headers={"Content-Type": "text/html", "Retry-After": "5"},
                text="Number of allowed API requests per minute exceeded",
            )
        ),
        sleep=said.sleep,
        retry=RetryPolicy(rate_limit_budget=0),
    )
    with pytest.raises(ApiError) as caught:
        spent.get("/api/sunshine/limits")
    message = str(caught.value)
    assert "429 Too Many Requests: Number of allowed API requests per minute exceeded" in message
    assert "HTML" not in message


def test_emulator_rate_limit_is_waited_out(emulator_factory):
    """The emulator's per-minute limit runs on a fake clock. Its headers say when the window is
    used up, so the client waits for the reset before the next request instead of meeting a
    429."""
    clock = [1000.0]
    said = Recorder()

    def sleep(seconds: float) -> None:
        said.sleep(seconds)
        clock[0] += seconds

    emulated = emulator_factory(
        served=True, faults=Faults(requests_per_minute=2, clock=lambda: clock[0])
    )
    with emulated.client(sleep=sleep, notify=said) as client:
        for _ in range(3):
            client.get("/api/sunshine/limits")
            clock[0] += 5
    assert said.sleeps == [pytest.approx(55.0, abs=0.1)]
    assert "pausing 55 s until it resets" in said.text and "429" not in said.text
    assert emulated.faults.counts["rpm"] == 0


def test_concurrent_requests_lose_nothing(emulator_factory):
    emulated = emulator_factory(
        served=True, faults=Faults(throttle=0.1, server_error=0.1, drop=0.1, retry_after=0, seed=11)
    )
    keys = [f"type{i:02d}" for i in range(48)]
    with emulated.client(
        retry=RetryPolicy(attempts=12, backoff_base=0.001, backoff_cap=0.005)
    ) as client:
        with ThreadPoolExecutor(8) as pool:
            list(pool.map(lambda k: AccountApi(client).create(OBJECT_TYPE, product(k)), keys))
            reads = list(
                pool.map(lambda _: len(client.list(OBJECT_TYPE.collection, per_page=5)), range(16))
            )
        assert reads == [48] * 16
        assert sorted(t["key"] for t in client.list(OBJECT_TYPE.collection)) == keys
        assert client.retries > 0
    assert sum(emulated.faults.counts.values()) > 10


def test_tokens_never_appear_in_logs_waits_or_errors(emulator_factory):
    emulated = emulator_factory(
        served=True,
        authorizations=accepted_authorizations(EMAIL, TOKEN, None),
        faults=Faults(throttle=0.3, server_error=0.2, drop=0.2, retry_after=0, seed=5),
    )
    said = Recorder()
    secrets = [TOKEN, base64.b64encode(f"{EMAIL}/token:{TOKEN}".encode()).decode(), OAUTH]
    with emulated.client(
        credentials=Credentials(EMAIL, TOKEN), log_request=said, notify=said
    ) as client:
        for i in range(10):
            AccountApi(client).create(OBJECT_TYPE, product(f"type{i}"))
        client.list(OBJECT_TYPE.collection, per_page=3)
        with pytest.raises(ApiError) as echoed:  # Zendesk echoes a bad key in its message
            AccountApi(client).create(OBJECT_TYPE, {"key": "k" * 14 + TOKEN, "schema": SCHEMA})
        assert "too long" in str(echoed.value) and "[redacted]" in str(echoed.value)
    with (
        emulated.client(
            credentials=Credentials(EMAIL, "wrong-" + TOKEN), log_request=said, notify=said
        ) as wrong,
        pytest.raises(ApiError) as refused,
    ):
        wrong.list(OBJECT_TYPE.collection)
    assert refused.value.status == 401 and "Couldn't authenticate you" in str(refused.value)
    with (
        emulated.client(credentials=Credentials(oauth_token=OAUTH), log_request=said) as bearer,
        pytest.raises(ApiError),
    ):
        bearer.list(OBJECT_TYPE.collection)
    everything = (
        said.text + str(refused.value) + str(echoed.value) + repr(Credentials(EMAIL, TOKEN, OAUTH))
    )
    assert "GET /api/sunshine/objects/types" in said.text and "[redacted]" in said.text
    for secret in secrets:
        assert secret not in everything


def test_redact_masks_every_form_of_the_secret():
    client = Client("https://acme.zendesk.com", Credentials(EMAIL, TOKEN))
    blob = base64.b64encode(f"{EMAIL}/token:{TOKEN}".encode()).decode()
    text = client.redact(f"a {TOKEN} b Basic {blob} c {EMAIL}/token:{TOKEN}")
    assert TOKEN not in text and blob not in text and text.count("[redacted]") == 3


def test_a_lost_create_that_shows_up_late_is_not_a_conflict():
    """Eventual consistency (the emulator is never late, so a mock): the first create answers 500,
    the
    check finds nothing, the second create answers 409 because the first landed after all."""
    item = {
        "key": "product",
        "schema": {"properties": {"id": {"type": "string"}}, "additionalProperties": False},
    }
    answers = {
        "POST": iter(
            [
                httpx.Response(500, json={"errors": [{"detail": "oops"}]}),
                httpx.Response(409, json={"errors": [{"detail": "already exists"}]}),
            ]
        ),
        "GET": iter(
            [
                httpx.Response(404, json={"errors": [{"detail": "not found"}]}),
                httpx.Response(200, json={"data": item}),
            ]
        ),
    }
    said = Recorder()
    client = Client(
        "https://acme.zendesk.com",
        transport=httpx.MockTransport(lambda r: next(answers[r.method])),
        sleep=said.sleep,
    )
    created = AccountApi(client).create(OBJECT_TYPE, product())
    assert created == item


def test_an_answer_larger_than_the_cap_is_refused_naming_the_endpoint():
    big = json.dumps({"data": ["x" * 1000] * 200}).encode()
    client = Client(
        "https://acme.zendesk.com",
        transport=httpx.MockTransport(lambda r: httpx.Response(200, content=big)),
        max_answer_bytes=100_000,
    )
    with pytest.raises(ApiError) as caught:
        client.get("/api/v2/custom_objects")
    assert "GET /api/v2/custom_objects" in str(caught.value)
    assert "larger than 100,000 bytes; refused unread" in str(caught.value)


def test_an_answer_that_never_ends_meets_the_attempts_deadline():
    """A server that trickles its answer: each attempt ends at its deadline, and is retried as a
    timeout, within the request's bounds."""
    clock = [0.0]

    class Trickle(httpx.SyncByteStream):
        def __iter__(self):
            for _ in range(1000):
                clock[0] += 1.0  # a second a byte
                yield b" "

    said = Recorder()
    client = Client(
        "https://acme.zendesk.com",
        transport=httpx.MockTransport(lambda r: httpx.Response(200, stream=Trickle())),
        clock=lambda: clock[0],
        sleep=said.sleep,
        answer_seconds=30,
        retry=RetryPolicy(attempts=2),
    )
    with pytest.raises(ApiError) as caught:
        client.get("/api/v2/custom_objects")
    assert "no whole answer within 30 s" in str(caught.value)
    assert 30 <= clock[0] < 100  # two attempts of about 30 s, not 1,000 s
