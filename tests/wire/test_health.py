"""Health endpoints in Keycloak 26's shape, and a database outage answered 503 + Retry-After."""

from __future__ import annotations

import sqlite3

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from support import password_grant, token_url
from wire_env import Env

pytestmark = pytest.mark.anyio
DATABASE_CHECK = "Keycloak database connections async health check"


async def test_started_live_and_ready_report_up(env: Env) -> None:
    assert (await env.http.get("/health/started")).json() == {"status": "UP", "checks": []}
    assert (await env.http.get("/health/live")).json() == {"status": "UP", "checks": []}
    for path in ("/health/ready", "/health"):
        ready = await env.http.get(path)
        assert ready.status_code == 200
        assert ready.json() == {"status": "UP", "checks": [{"name": DATABASE_CHECK, "status": "UP"}]}


def _gone() -> AsyncEngine:
    """An engine whose every connection attempt fails at once, as SQLite's for a file it cannot open, but in the event
    loop: aiosqlite's worker thread for a refused file could finish after a timed-out ping, once the test's event loop
    had closed, and fail the run from that thread."""

    async def refuse() -> sqlite3.Connection:
        raise sqlite3.OperationalError("unable to open database file")

    return create_async_engine("sqlite+aiosqlite://", async_creator=refuse)


async def test_ready_reports_down_when_the_database_is_gone(env: Env) -> None:
    await env.db.dispose()
    env.db.engine = _gone()
    response = await env.http.get("/health/ready")
    assert response.status_code == 503
    assert response.json() == {"status": "DOWN", "checks": [{"name": DATABASE_CHECK, "status": "DOWN"}]}
    assert response.headers["retry-after"].isdigit()
    assert (await env.http.get("/health/live")).status_code == 200  # the process lives: no restart


async def _break(env: Env) -> object:
    """The database is gone: its engine cannot connect, and the connections kept open are closed."""
    saved = env.db.engine
    await env.db.kept.close()
    env.db.engine = _gone()
    return saved


def _assert_unavailable_json(response: object) -> None:
    import httpx

    assert isinstance(response, httpx.Response)
    assert response.status_code == 503, response.text
    assert response.headers["retry-after"].isdigit()
    assert response.json()["error"] == "temporarily_unavailable"


async def test_outage_answers_503_with_retry_after_everywhere_then_recovers(realm: Env) -> None:
    saved = await _break(realm)
    _assert_unavailable_json(await password_grant(realm.http, "test", "app"))
    _assert_unavailable_json(
        await realm.http.post(
            token_url("test", "token/introspect"), data={"token": "x", "client_id": "app", "client_secret": "secret"}
        )
    )
    _assert_unavailable_json(await realm.http.get(token_url("test", "certs")))
    _assert_unavailable_json(await realm.http.get("/realms/test/.well-known/openid-configuration"))
    _assert_unavailable_json(
        await realm.http.get(token_url("test", "userinfo"), headers={"Authorization": "Bearer x.y.z"})
    )
    _assert_unavailable_json(await realm.http.get("/admin/realms/test", headers={"Authorization": "Bearer x.y.z"}))
    _assert_unavailable_json(await realm.http.get("/realms/test/account", headers={"Authorization": "Bearer x"}))
    _assert_unavailable_json(
        await realm.http.post(token_url("test", "logout"), data={"client_id": "app", "refresh_token": "x"})
    )
    page = await realm.http.get(token_url("test", "auth"), params={"client_id": "app", "response_type": "code"})
    assert page.status_code == 503 and page.headers["retry-after"].isdigit()
    assert page.headers["content-type"].startswith("text/html")
    assert "temporarily unable" in page.text
    browser_logout = await realm.http.get(token_url("test", "logout"), headers={"Accept": "text/html"})
    assert browser_logout.status_code == 503 and browser_logout.headers["content-type"].startswith("text/html")

    realm.db.engine = saved  # type: ignore[assignment]  # the database is back
    assert (await password_grant(realm.http, "test", "app")).status_code == 200
    assert (await realm.http.get("/health/ready")).status_code == 200
