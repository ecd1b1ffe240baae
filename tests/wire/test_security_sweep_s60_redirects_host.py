"""Security sweep s60: the router's trailing-slash redirect (web/slash_redirect.py) goes to the configured URL, as
every other redirect of the server does, never to the host a request's ``Host`` header names. Keycloak builds
such redirects on the configured hostname (AdminConsole.getMainPage: ``getUri(UrlType.ADMIN)``; hostname v2), so
with --hostname set a request naming another host is not sent there (a host-header open redirect that a shared
cache would keep and serve to others); under --http-relative-path the prefix is kept."""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from doorkeep.settings import Settings
from support import seed_realm
from wire_env import Env, make_env

pytestmark = pytest.mark.anyio

EVIL = {"Host": "evil.example"}
PATHS = {
    "/realms/test/": "/realms/test",
    "/realms/test/protocol/openid-connect/certs/": "/realms/test/protocol/openid-connect/certs",
    "/admin/master/console": "/admin/master/console/",
    "/admin/": "/admin/master/console/",
}
# The console's own redirects are Keycloak's 302s (AdminConsole.getMainPage; AdminRoot's /admin/ to the master
# console); the router's slash redirects are 307.
STATUS = {"/admin/master/console": 302, "/admin/": 302}


async def _env(tmp_path: Path, **settings: object) -> Env:
    url = f"sqlite:///{tmp_path / 'doorkeep.db'}"
    base = Settings(db_url=url, bootstrap_admin_username="admin", bootstrap_admin_password="admin")
    env, _ = await make_env(url, dataclasses.replace(base, **settings))  # type: ignore[arg-type]
    await seed_realm(env.db, env.clock)
    return env


@pytest.fixture
async def fixed(tmp_path: Path) -> AsyncIterator[Env]:
    env = await _env(tmp_path, hostname="https://id.example.com")
    yield env
    await env.http.aclose()
    await env.db.dispose()


@pytest.fixture
async def prefixed(tmp_path: Path) -> AsyncIterator[Env]:
    env = await _env(tmp_path, hostname="https://id.example.com/auth", http_relative_path="/auth")
    yield env
    await env.http.aclose()
    await env.db.dispose()


async def test_a_slash_redirect_goes_to_the_configured_hostname_whatever_the_host_header(fixed: Env) -> None:
    for path, target in PATHS.items():
        for headers in (EVIL, {}):
            response = await fixed.http.get(path, headers=headers)
            assert response.status_code == STATUS.get(path, 307), (path, response.status_code)
            assert response.headers["location"] == "https://id.example.com" + target, (path, headers)


async def test_a_slash_redirect_keeps_the_query_and_encodes_the_path(fixed: Env) -> None:
    response = await fixed.http.get("/realms/test/?a=1&b=%2F", headers=EVIL)
    assert response.headers["location"] == "https://id.example.com/realms/test?a=1&b=%2F"
    unknown = await fixed.http.get("/realms/test/no-such-thing/", headers=EVIL)
    assert unknown.status_code == 404 and "location" not in unknown.headers


async def test_a_slash_redirect_keeps_the_relative_path(prefixed: Env) -> None:
    response = await prefixed.http.get("/auth/realms/test/", headers=EVIL)
    assert (response.status_code, response.headers["location"]) == (307, "https://id.example.com/auth/realms/test")


async def test_without_a_hostname_the_slash_redirect_stays_on_the_requests_host(env: Env) -> None:
    """No --hostname: URLs come from the request (Keycloak's hostname-strict=false), this redirect as the others."""
    await seed_realm(env.db, env.clock)
    response = await env.http.get("/realms/test/")
    assert (response.status_code, response.headers["location"]) == (307, "http://localhost/realms/test")
    issuer = (await env.http.get("/realms/test/.well-known/openid-configuration")).json()["issuer"]
    assert response.headers["location"] == issuer
