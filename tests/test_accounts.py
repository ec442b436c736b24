"""Which account a command reaches, and with which credentials (only ever from the environment)."""

from __future__ import annotations

from pathlib import Path

import pytest

from zcd_schema.errors import AccountError, UsageError
from zcd_schema.kinds import OBJECT_TYPE
from zcd_schema.project.model import Account, Settings
from zcd_schema.zendesk.accounts import FAULTS_ENV, open_client, resolve_target
from zcd_schema.zendesk.client import RetryPolicy
from zcd_schema.zendesk.read import read_live_state
from zcd_schema.zendesk.write import AccountApi

ROOT = Path("/projects/acme")
SETTINGS = Settings(
    accounts={
        "production": Account(name="production", subdomain="acme", requests_per_minute=200),
        "staging": Account(
            name="staging",
            url="https://staging.example.com/",
            email_env="STG_EMAIL",
            token_env="STG_TOKEN",
            oauth_token_env="STG_OAUTH",
        ),
        "plain": Account(name="plain", url="http://zendesk.example.com"),
    }
)
BASIC_ENV = {"ZENDESK_EMAIL": "me@acme.com", "ZENDESK_API_TOKEN": "t0k"}


def test_local_is_the_default_and_lives_in_the_project():
    target = resolve_target(ROOT, Settings(), environ=BASIC_ENV)
    assert target.name == "local" and target.local_state == ROOT / ".zcd" / "local.sqlite"
    assert target.credentials.scheme == "none"  # never sends the environment's credentials anywhere
    assert "embedded emulator" in target.describe()


def test_named_account_with_basic_credentials():
    target = resolve_target(ROOT, SETTINGS, "production", environ=BASIC_ENV)
    assert (target.url, target.requests_per_minute) == ("https://acme.zendesk.com", 200)
    assert target.credentials.scheme == "Basic" and target.credentials.email == "me@acme.com"
    assert target.describe() == "production (https://acme.zendesk.com)"


def test_oauth_wins_and_variable_names_are_per_account():
    env = {"STG_EMAIL": "a@b.c", "STG_TOKEN": "x", "STG_OAUTH": "bearer-token", **BASIC_ENV}
    target = resolve_target(ROOT, SETTINGS, "staging", environ=env)
    assert target.url == "https://staging.example.com" and target.credentials.scheme == "Bearer"


def test_url_overrides_and_url_alone():
    target = resolve_target(
        ROOT, SETTINGS, "production", "https://eu.acme.example", environ=BASIC_ENV
    )
    assert target.url == "https://eu.acme.example" and target.name == "production"
    alone = resolve_target(ROOT, SETTINGS, url="http://127.0.0.1:8976", environ={})
    # loopback: anonymous is fine
    assert alone.name == "127.0.0.1:8976" and alone.credentials.scheme == "none"


@pytest.mark.parametrize(
    ("account", "url", "env", "error", "text"),
    [
        ("nope", None, BASIC_ENV, UsageError, "unknown account 'nope'"),
        ("local", "http://127.0.0.1:8976", {}, UsageError, "emulator serve"),
        (None, "http://zendesk.example.com", BASIC_ENV, UsageError, "clear text"),
        (
            None,
            "https://me:pw@acme.zendesk.com",
            BASIC_ENV,
            UsageError,
            "credentials must not be written",
        ),
        ("plain", None, BASIC_ENV, AccountError, "clear text"),
        (
            "production",
            None,
            {},
            AccountError,
            "no credentials; set ZENDESK_EMAIL and ZENDESK_API_TOKEN",
        ),
        (
            "production",
            None,
            {"ZENDESK_API_TOKEN": "t"},
            AccountError,
            "ZENDESK_API_TOKEN is set but ZENDESK_EMAIL is not",
        ),
        (
            "production",
            None,
            {"ZENDESK_EMAIL": "e", "ZENDESK_API_TOKEN": "  "},
            AccountError,
            "ZENDESK_EMAIL is set",
        ),
    ],
)
def test_refusals(account, url, env, error, text):
    with pytest.raises(error) as caught:
        resolve_target(ROOT, SETTINGS, account, url, environ=env)
    assert text in str(caught.value)


def test_local_client_keeps_state_and_ignores_it_in_git(tmp_path):
    target = resolve_target(tmp_path, Settings(), environ={})
    with open_client(target, environ={}) as client:
        AccountApi(client).create(
            OBJECT_TYPE, {"key": "product", "schema": {"properties": {"id": {"type": "string"}}}}
        )
    assert (tmp_path / ".zcd" / ".gitignore").read_text().splitlines()[-1] == "*"
    with open_client(target, environ={}) as client:
        assert list(read_live_state(client).of(OBJECT_TYPE)) == ["product"]


def test_local_faults_from_the_environment(tmp_path):
    target = resolve_target(tmp_path, Settings(), environ={})
    with pytest.raises(UsageError):
        open_client(target, environ={FAULTS_ENV: "500=2"})
    said = []
    quick = RetryPolicy(attempts=3, backoff_base=0.001, backoff_cap=0.002)
    with (
        open_client(
            target, environ={FAULTS_ENV: "500=1,seed=1"}, notify=said.append, retry=quick
        ) as client,
        pytest.raises(AccountError),
    ):
        client.list(OBJECT_TYPE.collection)
    assert any("500 Internal Server Error" in line for line in said)
