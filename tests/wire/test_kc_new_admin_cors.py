"""Port of Keycloak's ``AdminCorsTest`` (tests/base, org.keycloak.tests.cors): the admin REST API refuses a call
from an Origin its token may not be used from.

Keycloak 26.6.3 (#45957, merged as "Reject CORS requests with invalid Origin before endpoint logic runs") has
AdminRoot check the Origin as soon as the bearer token is authenticated, ``Cors.checkAllowedOrigins(token)``:
the token's ``allowed-origins``, or where it has none (a lightweight token) its client's web origins; any other
Origin is a 403 ``{"error": "Invalid origin"}`` before anything runs. A call without an Origin is no CORS call.

Ported: testAdminApiWithValidOrigin, testAdminApiWithInvalidOrigin, testAdminApiWithoutOriginHeader. The
stored copy of the Java class adds the valid origin to ``security-admin-console`` and calls with the test
framework's own admin client; that is the design of the closed PR #48141 (admin console origins for every admin
call), which the merged fix replaced with the token's own origins, so here the origin is on the token's client.
Not ported: testPreflightWithAnyOriginIsBlocked, from the same closed design; the merged fix keeps the preflight
open to any origin (the maintainers' plan on #45957), as test_admin_cors.py pins.
"""

from __future__ import annotations

import pytest

from doorkeep.oauth.mappers.lightweight import ATTRIBUTE as LIGHTWEIGHT
from support import password_grant, seed_client
from wire_env import Env

pytestmark = pytest.mark.anyio

VALID_ORIGIN = "https://valid-origin.example.com"
INVALID_ORIGIN = "https://evil.example.com"
USERS = "/admin/realms/master/users?max=1"


async def admin_token(env: Env, *, lightweight: bool = False) -> str:
    """The master admin's token through a confidential client whose web origin is ``VALID_ORIGIN``."""
    attributes = {LIGHTWEIGHT: "true"} if lightweight else None
    await seed_client(env.db, "master", "cors-admin", web_origins=(VALID_ORIGIN,), attributes=attributes)
    response = await password_grant(env.http, "master", "cors-admin", "admin", "admin")
    assert response.status_code == 200, response.text
    return str(response.json()["access_token"])


async def test_admin_api_with_valid_origin(env: Env) -> None:
    """AdminCorsTest.testAdminApiWithValidOrigin."""
    token = await admin_token(env)
    response = await env.http.get(USERS, headers={"Authorization": f"Bearer {token}", "Origin": VALID_ORIGIN})
    assert response.status_code == 200, response.text
    assert response.headers["access-control-allow-origin"] == VALID_ORIGIN
    assert response.headers["access-control-allow-credentials"] == "true"


async def test_admin_api_with_invalid_origin_is_refused_before_it_runs(env: Env) -> None:
    """AdminCorsTest.testAdminApiWithInvalidOrigin, and beyond it: a write from that origin changes nothing."""
    token = await admin_token(env)
    evil = {"Authorization": f"Bearer {token}", "Origin": INVALID_ORIGIN}
    response = await env.http.get(USERS, headers=evil)
    assert response.status_code == 403 and response.json() == {"error": "Invalid origin"}
    assert "access-control-allow-origin" not in response.headers
    created = await env.http.post("/admin/realms/master/users", headers=evil, json={"username": "mallory"})
    assert created.status_code == 403 and created.json() == {"error": "Invalid origin"}
    found = await env.http.get("/admin/realms/master/users?username=mallory", headers=await env.admin_headers())
    assert found.status_code == 200 and found.json() == []
    info = await env.http.get("/admin/serverinfo", headers=evil)
    assert info.status_code == 403 and info.json() == {"error": "Invalid origin"}


async def test_admin_api_without_origin_header(env: Env) -> None:
    """AdminCorsTest.testAdminApiWithoutOriginHeader."""
    token = await admin_token(env)
    response = await env.http.get(USERS, headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200
    assert "access-control-allow-origin" not in response.headers


async def test_a_lightweight_token_is_judged_by_its_clients_web_origins(env: Env) -> None:
    """Beyond the Java class: checkAllowedOrigins(token) falls back to the client's web origins when the token
    carries no ``allowed-origins`` (the admin console's lightweight tokens, the reason for #45957)."""
    token = await admin_token(env, lightweight=True)
    ok = await env.http.get(USERS, headers={"Authorization": f"Bearer {token}", "Origin": VALID_ORIGIN})
    assert ok.status_code == 200, ok.text
    assert ok.headers["access-control-allow-origin"] == VALID_ORIGIN
    refused = await env.http.get(USERS, headers={"Authorization": f"Bearer {token}", "Origin": INVALID_ORIGIN})
    assert refused.status_code == 403 and refused.json() == {"error": "Invalid origin"}


async def test_a_token_of_a_client_without_web_origins_is_refused_from_any_origin(env: Env) -> None:
    """Beyond the Java class: the admin CLI has no web origins, so a browser page cannot use its token."""
    response = await env.http.get(USERS, headers={**await env.admin_headers(), "Origin": VALID_ORIGIN})
    assert response.status_code == 403 and response.json() == {"error": "Invalid origin"}
