"""Keycloak's AdminRootTest and AdminRootEdgeTest (tests/base/.../tests/admin/, the new test framework): ``GET
/admin`` redirects (302) to the master realm's Admin Console at the admin URL when that is safe
(AdminRoot.masterRealmAdminConsoleRedirect / shouldRedirect): the admin URL is the frontend URL, the request came
to the admin URL, or it is local (WelcomeResource.isLocal: no X-Forwarded-For nor Forwarded header, from a
loopback address). Otherwise 404, without the admin hostname anywhere in the answer."""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from doorkeep.settings import Settings
from wire_env import Env, client_at, make_env

pytestmark = pytest.mark.anyio

HOSTNAME = "http://localtest.me:8080"
HOSTNAME_ADMIN = "http://admin.localtest.me:8080"
HOSTNAME_LOCAL_ADMIN = "http://localhost:8080"
EDGE_HOSTNAME = "https://localtest.me:8080"  # AdminRootEdgeTest: full URL with https, no hostname-admin


async def _env(tmp_path: Path, **options: str) -> AsyncIterator[Env]:
    url = f"sqlite:///{tmp_path / 'doorkeep.db'}"
    settings = Settings(db_url=url, bootstrap_admin_username="admin", bootstrap_admin_password="admin")
    env, db = await make_env(url, dataclasses.replace(settings, **options))  # type: ignore[arg-type]
    try:
        yield env
    finally:
        await env.http.aclose()
        await db.dispose()


@pytest.fixture
async def admin_url(tmp_path: Path) -> AsyncIterator[Env]:
    """AdminRootTest.AdminUrlConfig: hostname and hostname-admin."""
    async for env in _env(tmp_path, hostname=HOSTNAME, hostname_admin=HOSTNAME_ADMIN):
        yield env


@pytest.fixture
async def edge(tmp_path: Path) -> AsyncIterator[Env]:
    """AdminRootEdgeTest.AdminUrlConfig: hostname only."""
    async for env in _env(tmp_path, hostname=EDGE_HOSTNAME):
        yield env


@pytest.mark.parametrize("hostname", [HOSTNAME_ADMIN, HOSTNAME_LOCAL_ADMIN])
async def test_redirect(admin_url: Env, hostname: str) -> None:
    """AdminRootTest#testRedirect"""
    response = await admin_url.http.get(f"{hostname}/admin", follow_redirects=False)
    assert response.status_code == 302
    assert response.headers["location"].startswith(f"{HOSTNAME_ADMIN}/admin/master/console")


async def test_no_redirect_with_frontend_url(admin_url: Env) -> None:
    """AdminRootTest#testNoRedirectWithFrontendUrl: seemingly from a proxy, so not local: 404, and the admin
    hostname leaks neither in a header nor in the body."""
    response = await admin_url.http.get(f"{HOSTNAME}/admin", headers={"Forwarded": "for=192.0.2.60"})
    assert response.status_code == 404
    assert not any(HOSTNAME_ADMIN in value for value in response.headers.values())
    assert HOSTNAME_ADMIN not in response.text


async def test_a_request_to_the_admin_url_from_elsewhere_is_redirected(admin_url: Env) -> None:
    """shouldRedirect: a request that came to the admin URL is redirected even when not local."""
    async with client_at(admin_url, "192.0.2.60") as remote:
        response = await remote.get(f"{HOSTNAME_ADMIN}/admin", follow_redirects=False)
        assert response.status_code == 302
        assert (await remote.get(f"{HOSTNAME}/admin", follow_redirects=False)).status_code == 404


@pytest.mark.parametrize("hostname", ["http://127.0.0.1:8080", "http://localtest.me:8080"])
async def test_edge_redirect(edge: Env, hostname: str) -> None:
    """AdminRootEdgeTest#testRedirect: the admin URL is the frontend URL (https), whatever host was asked."""
    response = await edge.http.get(f"{hostname}/admin", follow_redirects=False)
    assert response.status_code == 302
    assert response.headers["location"].startswith(f"{EDGE_HOSTNAME}/admin/master/console")


async def test_without_a_hostname_the_redirect_is_to_the_request_s_own_console(env: Env) -> None:
    """No hostname options: the admin URL is the request's own, so /admin and /admin/index.html redirect."""
    for path in ("/admin", "/admin/index.html"):
        response = await env.http.get(path, follow_redirects=False)
        assert (response.status_code, response.headers["location"]) == (302, "http://localhost/admin/master/console/")
    followed = await env.http.get("/admin", follow_redirects=True)
    assert followed.status_code == 200, followed.status_code
