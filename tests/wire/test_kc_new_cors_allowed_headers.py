"""Keycloak's new-framework CustomCorsAllowedHeadersTest (tests/base/.../tests/cors/) over HTTP: a server started with
``--spi-cors-default-allowed-headers uber-trace-id,x-b3-traceid`` (Keycloak's ``spi-cors--default--allowed-headers``)
names those headers in a preflight's ``Access-Control-Allow-Headers``, besides Keycloak's default ones."""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from wire_env import Env, _default_settings, make_env

pytestmark = pytest.mark.anyio
DEFAULTS = {
    "Origin",
    "Accept",
    "X-Requested-With",
    "Content-Type",
    "Access-Control-Request-Method",
    "Access-Control-Request-Headers",
    "DPoP",
    "Authorization",
}


@pytest.fixture
async def custom(tmp_path: Path) -> AsyncIterator[Env]:
    """``CustomCorsAllowedHeadersServerConfig``: the server with the two tracing headers allowed (SQLite: the option
    is the server's, not the store's)."""
    url = f"sqlite:///{tmp_path / 'doorkeep.db'}"
    settings = dataclasses.replace(_default_settings(url), cors_allowed_headers=("uber-trace-id", "x-b3-traceid"))
    env, db = await make_env(url, settings)
    try:
        yield env
    finally:
        await env.http.aclose()
        await db.dispose()


def allowed_headers(answer_headers: str) -> list[str]:
    return [h.strip() for h in answer_headers.split(", ")]


async def test_custom_allowed_headers(custom: Env) -> None:
    """CustomCorsAllowedHeadersTest#testCustomAllowedHeaders, on the master realm's discovery document."""
    response = await custom.http.options(
        "/realms/master/.well-known/openid-configuration", headers={"Origin": "https://something"}
    )
    assert response.status_code == 200
    listed = allowed_headers(response.headers["Access-Control-Allow-Headers"])
    assert {"uber-trace-id", "x-b3-traceid"} <= set(listed), listed
    assert set(listed) >= DEFAULTS and len(listed) == len(set(listed)), listed


async def test_every_preflight_names_them(custom: Env) -> None:
    """Beyond the Java class: DefaultCors is one provider, so the token endpoint's and the Account REST's
    preflights name them too."""
    for path in ("/realms/master/protocol/openid-connect/token", "/realms/master/account"):
        response = await custom.http.options(
            path, headers={"Origin": "https://something", "Access-Control-Request-Method": "POST"}
        )
        assert response.status_code == 200, path
        assert "uber-trace-id" in allowed_headers(response.headers["Access-Control-Allow-Headers"]), path


async def test_without_the_option_the_default_headers(env: Env) -> None:
    """Keycloak's default set, Authorization last, when the option is not given (the wire suite's server)."""
    response = await env.http.options(
        "/realms/master/.well-known/openid-configuration", headers={"Origin": "https://something"}
    )
    assert set(allowed_headers(response.headers["Access-Control-Allow-Headers"])) == DEFAULTS
    assert response.headers["Access-Control-Allow-Headers"].endswith(", DPoP, Authorization")
