"""Keycloak's AdminPreflightTest (tests/base/.../tests/admin/), one test per method: an unauthenticated CORS
preflight on an admin API path, from any origin, is answered 200 with the admin API's CORS headers."""

from __future__ import annotations

import pytest

from wire_env import Env

pytestmark = pytest.mark.anyio


async def _preflight(env: Env, path: str) -> None:
    """testPreflightForAdminPath: credentials allowed, the four methods, the origin echoed, an hour's max age,
    and Authorization and Content-Type among the allowed headers."""
    response = await env.http.options("/admin" + path, headers={"Origin": "http://test"})
    assert response.status_code == 200, response.text
    assert response.headers["access-control-allow-credentials"] == "true"
    assert response.headers["access-control-allow-methods"] == "DELETE, POST, GET, PUT"
    assert response.headers["access-control-allow-origin"] == "http://test"
    assert response.headers["access-control-max-age"] == "3600"
    allowed = response.headers["access-control-allow-headers"]
    assert "Authorization" in allowed and "Content-Type" in allowed


async def test_preflight(env: Env) -> None:
    """testPreflight: ``/admin/realms/master/users``."""
    await _preflight(env, "/realms/master/users")


async def test_preflight_server_info(env: Env) -> None:
    """testPreflightServerInfo: ``/admin/serverinfo``."""
    await _preflight(env, "/serverinfo")
