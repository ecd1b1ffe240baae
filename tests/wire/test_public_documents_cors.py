"""CORS and caching of the public documents: discovery, realm info, JWKS (KEYCLOAK.md §1).

Keycloak answers them with ``Cors.allowAllOrigins().auth()`` (the caller's Origin echoed, with
credentials) and has a preflight for each (RealmsResource, PublicRealmResource, OIDCLoginProtocolService).
"""

from __future__ import annotations

import httpx
import pytest

from support import seed_realm
from wire_env import Env

pytestmark = pytest.mark.anyio

OIDC = "/realms/test/protocol/openid-connect"
WELL_KNOWN = "/realms/test/.well-known/openid-configuration"
PREFLIGHT_HEADERS = (
    "Origin, Accept, X-Requested-With, Content-Type, Access-Control-Request-Method, "
    "Access-Control-Request-Headers, DPoP, Authorization"
)
CORS_HEADERS = (
    "access-control-allow-origin",
    "access-control-allow-credentials",
    "access-control-allow-methods",
    "access-control-allow-headers",
    "access-control-max-age",
    "access-control-expose-headers",
)


def cors(response: httpx.Response) -> dict[str, str]:
    return {name: response.headers[name] for name in CORS_HEADERS if name in response.headers}


def preflight_answer(origin: str, methods: str) -> dict[str, str]:
    return {
        "access-control-allow-origin": origin,
        "access-control-allow-credentials": "true",
        "access-control-allow-methods": methods,
        "access-control-allow-headers": PREFLIGHT_HEADERS,
        "access-control-max-age": "3600",
    }


@pytest.mark.parametrize("origin", ["http://somehost", "null"])
async def test_discovery_echoes_any_origin_with_credentials_and_is_never_cached(env: Env, origin: str) -> None:
    await seed_realm(env.db, env.clock)
    response = await env.http.get(WELL_KNOWN, headers={"Origin": origin})
    assert response.status_code == 200
    assert cors(response) == {"access-control-allow-origin": origin, "access-control-allow-credentials": "true"}
    assert response.headers["cache-control"] == "no-cache, must-revalidate, no-transform, no-store"


async def test_discovery_without_an_origin_has_no_cors_headers(env: Env) -> None:
    await seed_realm(env.db, env.clock)
    response = await env.http.get(WELL_KNOWN)
    assert cors(response) == {}
    assert response.headers["cache-control"] == "no-cache, must-revalidate, no-transform, no-store"


async def test_discovery_preflight_allows_get_even_for_an_unknown_realm(env: Env) -> None:
    headers = {"Origin": "http://somehost", "Access-Control-Request-Method": "GET"}
    for path in (WELL_KNOWN, "/realms/nope/.well-known/openid-configuration"):
        response = await env.http.options(path, headers=headers)
        assert response.status_code == 200, path
        assert cors(response) == preflight_answer("http://somehost", "GET")
        assert response.content == b""


async def test_a_preflight_without_an_origin_is_a_bare_200(env: Env) -> None:
    await seed_realm(env.db, env.clock)
    for path in (WELL_KNOWN, "/realms/test", f"{OIDC}/certs"):
        response = await env.http.options(path)
        assert response.status_code == 200, path
        assert cors(response) == {}


async def test_realm_info_echoes_any_origin_and_is_no_cache(env: Env) -> None:
    await seed_realm(env.db, env.clock)
    response = await env.http.get("/realms/test", headers={"Origin": "http://somehost"})
    assert response.status_code == 200
    assert cors(response) == {
        "access-control-allow-origin": "http://somehost",
        "access-control-allow-credentials": "true",
    }
    assert response.headers["cache-control"] == "no-cache"


async def test_realm_preflight_names_keycloaks_default_methods(env: Env) -> None:
    await seed_realm(env.db, env.clock)
    response = await env.http.options(
        "/realms/test", headers={"Origin": "http://somehost", "Access-Control-Request-Method": "GET"}
    )
    assert response.status_code == 200
    assert cors(response) == preflight_answer("http://somehost", "GET, HEAD, OPTIONS")


async def test_jwks_echoes_any_origin_and_is_no_cache(env: Env) -> None:
    await seed_realm(env.db, env.clock)
    response = await env.http.get(f"{OIDC}/certs", headers={"Origin": "http://somehost"})
    assert response.status_code == 200
    assert cors(response) == {
        "access-control-allow-origin": "http://somehost",
        "access-control-allow-credentials": "true",
    }
    assert response.headers["cache-control"] == "no-cache"
    assert response.headers["content-type"] == "application/json"


async def test_jwks_answers_in_the_jwk_set_media_type_when_asked_for_exactly_that(env: Env) -> None:
    await seed_realm(env.db, env.clock)
    response = await env.http.get(f"{OIDC}/certs", headers={"Accept": "application/jwk-set+json"})
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/jwk-set+json"
    assert response.json()["keys"]


async def test_jwks_preflight_allows_get(env: Env) -> None:
    await seed_realm(env.db, env.clock)
    response = await env.http.options(
        f"{OIDC}/certs", headers={"Origin": "http://somehost", "Access-Control-Request-Method": "GET"}
    )
    assert response.status_code == 200
    assert cors(response) == preflight_answer("http://somehost", "GET")


async def test_realm_and_jwks_preflights_need_the_realm(env: Env) -> None:
    headers = {"Origin": "http://somehost", "Access-Control-Request-Method": "GET"}
    for path in ("/realms/nope", "/realms/nope/protocol/openid-connect/certs"):
        response = await env.http.options(path, headers=headers)
        assert response.status_code == 404, path
        assert response.json() == {"error": "Realm does not exist"}
        assert cors(response) == {}


async def test_an_unknown_realms_documents_are_404_without_cors(env: Env) -> None:
    for path in (
        "/realms/nope",
        "/realms/nope/.well-known/openid-configuration",
        "/realms/nope/protocol/openid-connect/certs",
    ):
        response = await env.http.get(path, headers={"Origin": "http://somehost"})
        assert response.status_code == 404, path
        assert cors(response) == {}
