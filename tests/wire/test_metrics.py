"""Prometheus metrics behind --metrics-enabled: a scrape after real requests shows the counters moved."""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from prometheus_client.parser import text_string_to_metric_families

from doorkeep import observe
from doorkeep.settings import Settings
from support import password_grant, refresh, seed_client, seed_realm, seed_user, token_url
from wire_env import Env, make_env

pytestmark = pytest.mark.anyio
TOKEN_URI = "/realms/{realm}/protocol/openid-connect/token"


@pytest.fixture
async def menv(tmp_path: Path) -> AsyncIterator[Env]:
    url = f"sqlite:///{tmp_path / 'doorkeep.db'}"
    settings = Settings(
        db_url=url, bootstrap_admin_username="admin", bootstrap_admin_password="admin", metrics_enabled=True
    )
    e, db = await make_env(url, settings)
    await seed_realm(e.db, e.clock)
    await seed_client(e.db, "test", "app")
    await seed_user(e.db, e.clock, "test", "user1", realm_roles=("offline_access",))
    try:
        yield e
    finally:
        await e.drain()
        await e.http.aclose()
        await db.dispose()
        observe.install(observe.Observer())


async def scrape(env: Env) -> dict[tuple[str, frozenset[tuple[str, str]]], float]:
    response = await env.http.get("/metrics")
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/plain")
    samples: dict[tuple[str, frozenset[tuple[str, str]]], float] = {}
    for family in text_string_to_metric_families(response.text):
        for s in family.samples:
            samples[(s.name, frozenset(s.labels.items()))] = s.value
    return samples


def value(samples: dict[tuple[str, frozenset[tuple[str, str]]], float], name: str, **labels: str) -> float:
    return samples.get((name, frozenset(labels.items())), 0.0)


async def test_metrics_are_off_by_default(env: Env) -> None:
    response = await env.http.get("/metrics")
    assert response.status_code == 404


async def test_scrape_counts_requests_tokens_refresh_failures_and_sessions(menv: Env) -> None:
    before = await scrape(menv)
    online = await password_grant(menv.http, "test", "app", scope="openid")
    assert online.status_code == 200
    offline = await password_grant(menv.http, "test", "app", scope="openid offline_access")
    assert offline.status_code == 200
    assert (await refresh(menv.http, "test", "app", offline.json()["refresh_token"])).status_code == 200
    assert (await refresh(menv.http, "test", "app", "not-a-token")).status_code == 400
    assert (await password_grant(menv.http, "test", "app", password="wrong")).status_code == 400
    assert (await menv.http.get("/no/such/path")).status_code == 404

    menv_observer = observe.current()
    menv_observer._sessions_at = -1e9  # type: ignore[attr-defined]  # the gauge's 30 s period, skipped in a test
    after = await scrape(menv)

    def moved(name: str, **labels: str) -> float:
        return value(after, name, **labels) - value(before, name, **labels)

    ok = {"method": "POST", "uri": TOKEN_URI, "status": "200", "outcome": "SUCCESS"}
    assert moved("http_server_requests_seconds_count", **ok) == 3
    assert moved("http_server_requests_seconds_bucket", **ok, le="+Inf") == 3
    # the bad refresh token and the wrong password (both 400 invalid_grant since Keycloak 26.6's #46528)
    assert (
        moved("http_server_requests_seconds_count", method="POST", uri=TOKEN_URI, status="400", outcome="CLIENT_ERROR")
        == 2
    )
    assert (
        moved("http_server_requests_seconds_count", method="GET", uri="NOT_FOUND", status="404", outcome="CLIENT_ERROR")
        == 1
    )
    assert moved("doorkeep_tokens_issued_total", grant_type="password", token_type="access") == 2
    assert moved("doorkeep_tokens_issued_total", grant_type="password", token_type="refresh") == 1
    assert moved("doorkeep_tokens_issued_total", grant_type="password", token_type="offline") == 1
    assert moved("doorkeep_tokens_issued_total", grant_type="password", token_type="id") == 2
    assert moved("doorkeep_tokens_issued_total", grant_type="refresh_token", token_type="offline") == 1
    assert moved("doorkeep_refresh_failures_total", error="invalid_grant", reason="Invalid refresh token") == 1
    assert value(after, "doorkeep_sessions", kind="online") == 1
    assert value(after, "doorkeep_sessions", kind="offline") == 1
    assert moved("doorkeep_password_hash_seconds_count", algorithm="argon2") >= 3
    assert moved("doorkeep_db_transaction_seconds_count", mode="write") >= 3
    assert moved("doorkeep_db_transaction_seconds_count", mode="read") >= 1
    assert value(after, "doorkeep_db_pool_checked_out") >= 0
    assert ("doorkeep_db_pool_size", frozenset()) in after


async def test_labels_never_take_arbitrary_input(menv: Env) -> None:
    form = {"grant_type": "x" * 50, "client_id": "app", "client_secret": "secret"}
    assert (await menv.http.post(token_url("test"), data=form)).status_code == 400
    bad_scope = await refresh(menv.http, "test", "app", "a.b.c", scope="evil-" + "y" * 40)
    assert bad_scope.status_code == 400
    text = (await menv.http.get("/metrics")).text
    assert "x" * 50 not in text and "y" * 40 not in text
    for line in text.splitlines():
        if line.startswith("doorkeep_refresh_failures_total{"):
            assert len(line) < 200


async def test_session_gauge_is_not_recounted_on_every_scrape(menv: Env) -> None:
    await scrape(menv)
    assert (await password_grant(menv.http, "test", "app", scope="openid")).status_code == 200
    again = await scrape(menv)  # within the 30 s period: still the first count
    assert value(again, "doorkeep_sessions", kind="online") == 0


async def test_settings_flag_defaults_to_false() -> None:
    assert Settings().metrics_enabled is False
    assert dataclasses.replace(Settings(), metrics_enabled=True).metrics_enabled
