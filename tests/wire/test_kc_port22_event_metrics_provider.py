"""Keycloak's EventMetricsProviderTest and EventMetricsProviderWithTagsTest (tests/base/.../tests/events; the
arquillian EventMetricsProviderTest of the 26.x line holds both halves in one method), ported, with the options they
start the server with: ``--event-metrics-user-enabled``, ``--event-metrics-user-tags`` and
``--event-metrics-user-events`` (Keycloak's EventOptions), counted in ``keycloak_user_events_total``.

Keycloak raises the events with runOnServer's EventBuilder; here a real request raises them where one can (a
password grant is LOGIN, a wrong password LOGIN_ERROR, a refresh naming no client of the realm REFRESH_TOKEN_ERROR
``client_not_found``, a logout LOGOUT) and otherwise ``events.record`` in one real transaction of the app's
database, as runOnServer does. Every count is read from a scrape of ``/metrics``.

Not ported:
- EventMetricsProviderNoEmptyTagsTest (shouldReplaceEmptyTagsWithUnknown, shouldKeepNonEmptyTagsUnchanged): its
  option ``--event-metrics-user-allow-empty-tags`` is in one stored version only, of Keycloak's main after the 26.x
  line (no stored EventOptions or provider has it); Keycloak 26 tags an empty value as empty, as here.
- The arquillian version's expectation ``idp=IDENTITY_PROVIDER`` for an alias the realm does not have: the newer
  EventMetricsProviderWithTagsTest (userProvidedIdpAliasShouldNotAppearInMetrics) tags only a configured identity
  provider's alias, so that a request cannot add series by naming aliases; Doorkeep does that.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from prometheus_client.parser import text_string_to_metric_families

from doorkeep import cli, events, observe
from doorkeep.settings import Settings
from support import password_grant, refresh, token_url
from wire_env import Env

pytestmark = pytest.mark.anyio
COUNTER = "keycloak_user_events_total"
ALL_TAGS = pytest.mark.server_options(
    metrics_enabled=True,
    event_metrics_user_enabled=True,
    event_metrics_user_tags=("realm", "idp", "clientId"),
    event_metrics_user_events=("login", "refresh_token"),
)
CLIENT_ID = "CLIENT_ID"
REAL_IDP_ALIAS = "my-real-idp"
OIDC_CONFIG = {
    "authorizationUrl": "https://idp.example/auth",
    "tokenUrl": "https://idp.example/token",
    "clientId": "doorkeep",
    "clientSecret": "s3cret",
}


@pytest.fixture(autouse=True)
def _quiet_observer() -> Iterator[None]:
    """The app installs its Prometheus observer for the process: put the silent one back after each test."""
    yield
    observe.install(observe.Observer())


async def user_events(env: Env) -> list[dict[str, str | float]]:
    """Every ``keycloak_user_events_total`` sample of a scrape: its labels, and its value under ``value``."""
    response = await env.http.get("/metrics")
    assert response.status_code == 200, response.text
    found: list[dict[str, str | float]] = []
    for family in text_string_to_metric_families(response.text):
        found += [{**s.labels, "value": s.value} for s in family.samples if s.name == COUNTER]
    return found


def count(samples: list[dict[str, str | float]], **labels: str) -> float:
    """The value of the series with exactly these labels (0 when there is none)."""
    for sample in samples:
        if {k: v for k, v in sample.items() if k != "value"} == labels:
            return float(sample["value"])
    return 0.0


async def record(env: Env, type: str, *, error: str | None = None, **details: str) -> None:
    """An event raised in one committed transaction of the app's database (runOnServer's EventBuilder)."""
    async with env.db.transaction() as tx:
        realm = await tx.realms.get_by_name("test")
        assert realm is not None
        await events.record(tx, realm, type, now=env.clock.now(), client_id=CLIENT_ID, error=error, details=details)


@pytest.mark.server_options(metrics_enabled=True, event_metrics_user_enabled=True)
async def test_should_count_single_event_with_tags_and_filter(realm: Env) -> None:
    """EventMetricsProviderTest.shouldCountSingleEventWithTagsAndFilter: with only --event-metrics-user-enabled, a
    LOGIN is counted once, tagged with its event, an empty error and (the default tags) its realm."""
    assert (await password_grant(realm.http, "test", "app")).status_code == 200

    samples = await user_events(realm)
    assert count(samples, event="login", error="", realm="test") == 1, samples
    assert all(set(s) == {"event", "error", "realm", "value"} for s in samples), samples


@ALL_TAGS
async def test_with_tags_should_count_single_event_with_tags_and_filter(realm: Env) -> None:
    """EventMetricsProviderWithTagsTest.shouldCountSingleEventWithTagsAndFilter: a LOGOUT is not among the events
    counted; a LOGIN error is tagged with its error, client and an empty idp (the realm has no such provider); a
    REFRESH_TOKEN error ``client_not_found`` names no client (``unknown``): two series in all."""
    await record(realm, "LOGOUT", identity_provider="IDENTITY_PROVIDER")
    await record(realm, "LOGIN_ERROR", error="ERROR", identity_provider="IDENTITY_PROVIDER")
    await record(realm, "REFRESH_TOKEN_ERROR", error="client_not_found")

    samples = await user_events(realm)
    assert len(samples) == 2, samples
    assert count(samples, event="login", error="ERROR", realm="test", client_id=CLIENT_ID, idp="") == 1
    unknown = {"realm": "test", "client_id": "unknown", "idp": ""}
    assert count(samples, event="refresh_token", error="client_not_found", **unknown) == 1


@ALL_TAGS
async def test_with_tags_counts_the_events_real_requests_raise(realm: Env) -> None:
    """The same through real requests: a wrong password, a refresh by a client the realm does not have and a logout
    (not counted) next to a LOGIN."""
    wrong = await password_grant(realm.http, "test", "app", password="wrong")
    assert wrong.status_code == 400, wrong.text  # 400 since Keycloak 26.6 (test_keycloak_password_grant_test.py)
    assert (await refresh(realm.http, "test", "no-such-client", "x", secret=None)).status_code in (400, 401)
    ok = await password_grant(realm.http, "test", "app")
    assert ok.status_code == 200
    form = {"client_id": "app", "client_secret": "secret", "refresh_token": ok.json()["refresh_token"]}
    assert (await realm.http.post(token_url("test", "logout"), data=form)).status_code == 204

    samples = await user_events(realm)
    tags = {"realm": "test", "idp": ""}
    assert count(samples, event="login", error="", client_id="app", **tags) == 1, samples
    assert count(samples, event="login", error="invalid_user_credentials", client_id="app", **tags) == 1, samples
    assert count(samples, event="refresh_token", error="client_not_found", client_id="unknown", **tags) == 1, samples
    assert not [s for s in samples if s["event"] == "logout"], samples


@ALL_TAGS
async def test_user_provided_idp_alias_should_not_appear_in_metrics(realm: Env) -> None:
    """EventMetricsProviderWithTagsTest.userProvidedIdpAliasShouldNotAppearInMetrics: the alias of a configured
    identity provider is tagged, on a success and an error; an alias the realm does not have is not."""
    body = {"alias": REAL_IDP_ALIAS, "providerId": "oidc", "enabled": True, "config": OIDC_CONFIG}
    created = await realm.http.post(
        "/admin/realms/test/identity-provider/instances", json=body, headers=await realm.admin_headers()
    )
    assert created.status_code == 201, created.text
    await record(realm, "LOGIN", identity_provider=REAL_IDP_ALIAS)
    await record(realm, "LOGIN_ERROR", error="some_error", identity_provider=REAL_IDP_ALIAS)
    await record(realm, "LOGIN_ERROR", error="identity_provider_not_found", identity_provider="attacker-fake-idp")

    samples = await user_events(realm)
    tags = {"event": "login", "realm": "test", "client_id": CLIENT_ID}
    assert count(samples, error="", idp=REAL_IDP_ALIAS, **tags) == 1, samples
    assert count(samples, error="some_error", idp=REAL_IDP_ALIAS, **tags) == 1, samples
    assert count(samples, error="identity_provider_not_found", idp="", **tags) == 1, samples
    assert not [s for s in samples if s["idp"] == "attacker-fake-idp"], samples


@pytest.mark.server_options(metrics_enabled=True, event_metrics_user_enabled=True)
async def test_an_event_of_a_rolled_back_transaction_is_not_counted(realm: Env) -> None:
    """Keycloak counts after completion (EventListenerTransaction enlisted after the session's transaction): an
    event whose transaction rolls back is never counted."""
    with pytest.raises(RuntimeError):
        async with realm.db.transaction() as tx:
            found = await tx.realms.get_by_name("test")
            assert found is not None
            await events.record(tx, found, "LOGIN", now=realm.clock.now(), client_id=CLIENT_ID)
            raise RuntimeError("rolled back")
    await record(realm, "CODE_TO_TOKEN")

    samples = await user_events(realm)
    assert count(samples, event="code_to_token", error="", realm="test") == 1, samples
    assert count(samples, event="login", error="", realm="test") == 0, samples


@pytest.mark.server_options(metrics_enabled=True)
async def test_without_user_event_metrics_no_event_is_counted(realm: Env) -> None:
    """--event-metrics-user-enabled is false by default: metrics alone count no user event."""
    assert (await password_grant(realm.http, "test", "app")).status_code == 200
    assert await user_events(realm) == []


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--event-metrics-user-enabled", "true"], "Disabled option: '--event-metrics-user-enabled'"),
        (["--metrics-enabled", "true", "--event-metrics-user-tags", "idp"], "Disabled option"),
        (["--metrics-enabled", "true", "--event-metrics-user-events", "login"], "Disabled option"),
        (
            ["--metrics-enabled", "true", "--event-metrics-user-enabled", "true", "--event-metrics-user-tags", "user"],
            "'user'",
        ),
        (
            [
                "--metrics-enabled",
                "true",
                "--event-metrics-user-enabled",
                "true",
                "--event-metrics-user-events",
                "LOGIN",
            ],
            "'LOGIN'",
        ),
    ],
)
def test_the_options_refuse_what_keycloak_refuses(args: list[str], message: str, tmp_path: Path) -> None:
    """EventOptions' expected values and EventPropertyMappers' conditions: a tag or event Keycloak does not know, or
    an option where user event metrics are off, stops the server before it starts."""
    result = CliRunner().invoke(cli.main, ["start-dev", "--db-url", f"sqlite:///{tmp_path / 'x.db'}", *args], env={})
    assert result.exit_code == 2, result.output
    assert message in result.output


def test_the_options_reach_the_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The chosen tags and events, as Keycloak's KC_* variables or flags give them."""
    seen: list[Settings] = []
    monkeypatch.setattr(cli, "_serve", lambda settings, **_: seen.append(settings))
    env = {"KC_EVENT_METRICS_USER_TAGS": "clientId, realm", "KC_EVENT_METRICS_USER_EVENTS": "login,code_to_token"}
    args = ["--metrics-enabled", "true", "--event-metrics-user-enabled", "true"]
    result = CliRunner().invoke(cli.main, ["start-dev", "--db-url", f"sqlite:///{tmp_path / 'x.db'}", *args], env=env)
    assert result.exit_code == 0, result.output
    chosen = seen[0].user_event_metrics()
    assert chosen is not None
    assert chosen.label_names == ("event", "error", "realm", "client_id")
    assert chosen.events == frozenset({"login", "code_to_token"})
