"""Health endpoints in Keycloak's shape."""

from __future__ import annotations

import pytest
from sqlalchemy.ext.asyncio import create_async_engine

from wire_env import Env

pytestmark = pytest.mark.anyio


async def test_live_and_ready_report_up(env: Env) -> None:
    assert (await env.http.get("/health/live")).json() == {"status": "UP", "checks": []}
    ready = await env.http.get("/health/ready")
    assert ready.status_code == 200
    assert ready.json()["checks"] == [{"name": "Database", "status": "UP"}]


async def test_ready_reports_down_when_the_database_is_gone(env: Env) -> None:
    await env.db.dispose()
    env.db.engine = create_async_engine("sqlite+aiosqlite:////nonexistent/dir/x.db")
    response = await env.http.get("/health/ready")
    assert response.status_code == 503
    assert response.json()["status"] == "DOWN"


async def test_root_page_points_to_realms(env: Env) -> None:
    response = await env.http.get("/")
    assert response.status_code == 200 and "/realms/" in response.text
