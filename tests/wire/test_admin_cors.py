"""CORS of the admin REST API for a JavaScript app calling it with its own bearer token (keycloak-js).

Keycloak's AdminRoot answers any OPTIONS below ``/admin/realms`` with AdminCorsPreflightService (before any
authentication), and once the bearer token is authenticated adds CORS for the token's ``allowed-origins``,
with credentials and ``Location`` exposed (JavascriptAdapterTest.testBearerRequest, testLocationHeaderInResponse);
since 26.6.3 a call from an Origin the token does not allow is refused with 403 (AdminCorsTest, #45957).
"""

from __future__ import annotations

import pytest

from support import password_grant, seed_client, seed_realm
from wire_env import Env

pytestmark = pytest.mark.anyio

APP = "http://js.example:8080"
PREFLIGHT_HEADERS = (
    "Origin, Accept, X-Requested-With, Content-Type, Access-Control-Request-Method, "
    "Access-Control-Request-Headers, DPoP, Authorization"
)


async def js_token(env: Env) -> str:
    """The master admin's token from a public JavaScript client whose web origin is ``APP``."""
    await seed_client(env.db, "master", "js-console", public=True, web_origins=(APP,))
    response = await password_grant(env.http, "master", "js-console", "admin", "admin", secret=None)
    assert response.status_code == 200, response.text
    return str(response.json()["access_token"])


@pytest.mark.parametrize("path", ["/admin/realms", "/admin/realms/test/roles", "/admin/serverinfo"])
async def test_any_admin_path_answers_a_preflight_without_authentication(env: Env, path: str) -> None:
    response = await env.http.options(path, headers={"Origin": APP, "Access-Control-Request-Method": "POST"})
    assert response.status_code == 200
    assert {k: v for k, v in response.headers.items() if k.startswith("access-control-")} == {
        "access-control-allow-origin": APP,
        "access-control-allow-credentials": "true",
        "access-control-allow-methods": "DELETE, POST, GET, PUT",
        "access-control-allow-headers": PREFLIGHT_HEADERS,
        "access-control-max-age": "3600",
    }


async def test_a_bearer_call_from_the_tokens_origin_is_readable_with_its_location(env: Env) -> None:
    await seed_realm(env.db, env.clock)
    token = await js_token(env)
    headers = {"Authorization": f"Bearer {token}", "Origin": APP}
    roles = await env.http.get("/admin/realms/test/roles", headers=headers)
    assert roles.status_code == 200
    assert roles.headers["access-control-allow-origin"] == APP
    assert roles.headers["access-control-allow-credentials"] == "true"
    assert roles.headers["access-control-expose-headers"] == "Location"
    created = await env.http.post("/admin/realms/test/users", headers=headers, json={"username": "mary"})
    assert created.status_code == 201
    assert created.headers["location"].startswith("http://localhost/admin/realms/test/users/")
    assert created.headers["access-control-allow-origin"] == APP
    assert created.headers["access-control-expose-headers"] == "Location"
    missing = await env.http.get("/admin/realms/nosuch/roles", headers=headers)
    assert missing.status_code == 404 and missing.headers["access-control-allow-origin"] == APP
    info = await env.http.get("/admin/serverinfo", headers=headers)
    assert info.status_code == 200 and info.headers["access-control-allow-origin"] == APP
    assert "access-control-expose-headers" not in info.headers


async def test_other_origins_are_refused_and_unauthenticated_calls_get_no_cors(env: Env) -> None:
    """Keycloak 26.6.3 (#45957): an Origin the token does not allow is refused (403) before the call runs, no
    CORS on the refusal (test_kc_new_admin_cors.py has AdminCorsTest); a call without a token gets its 401."""
    await seed_realm(env.db, env.clock)
    token = await js_token(env)
    elsewhere = await env.http.get(
        "/admin/realms/test/roles", headers={"Authorization": f"Bearer {token}", "Origin": "http://evil.example"}
    )
    assert elsewhere.status_code == 403 and elsewhere.json() == {"error": "Invalid origin"}
    assert "access-control-allow-origin" not in elsewhere.headers
    anonymous = await env.http.get("/admin/realms/test/roles", headers={"Origin": APP})
    assert anonymous.status_code == 401 and "access-control-allow-origin" not in anonymous.headers
    no_web_origins = await env.http.get(
        "/admin/realms/test/roles", headers={**await env.admin_headers(), "Origin": APP}
    )
    assert no_web_origins.status_code == 403 and "access-control-allow-origin" not in no_web_origins.headers
