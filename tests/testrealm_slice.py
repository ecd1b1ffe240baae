"""The slice of Keycloak's ``testrealm.json`` the CORS and grant ports share, and their admin-API helpers.

``test-app``, the consent-requiring ``third-party`` (full scope off, scoped to the realm role ``user`` and
test-app's ``customer-user``), the public ``test-app2`` and the confidential ``direct-grant`` (both readable
from ``VALID_CORS_URL``), and the users ``test-user@localhost``, ``john-doh@localhost`` and
``rich.roles@redhat.com`` (all with password ``password``). Events are kept, as AssertEvents reads them.
"""

from __future__ import annotations

from typing import Any

import httpx

from support import seed_client, seed_realm, seed_user, update_realm
from wire_env import Env

ADMIN = "/admin/realms/test"
USER = "test-user@localhost"
THIRD_PARTY = "third-party"
VALID_CORS_URL = "http://localtest.me:8180"
INVALID_CORS_URL = "http://invalid.localtest.me:8180"
APP2_REDIRECT = VALID_CORS_URL + "/realms/master/app"
THIRD_PARTY_BASE = "http://127.0.0.1:9999/app"


async def admin(env: Env, method: str, path: str, json: Any = None, status: int = 204) -> httpx.Response:
    response = await env.http.request(method, ADMIN + path, json=json, headers=await env.admin_headers())
    assert response.status_code == status, (method, path, response.status_code, response.text)
    return response


async def client_id_of(env: Env, client_id: str) -> str:
    found = (await admin(env, "GET", f"/clients?clientId={client_id}", status=200)).json()
    return str(found[0]["id"])


async def user_id_of(env: Env, username: str) -> str:
    found = (await admin(env, "GET", f"/users?username={username}&exact=true", status=200)).json()
    return str(found[0]["id"])


async def seed_testrealm(env: Env) -> Env:
    """The realm ``test`` as the slice above describes it."""
    await seed_realm(env.db, env.clock)
    await update_realm(env.db, "test", events_enabled=True)
    await admin(env, "POST", "/roles", {"name": "user"}, status=201)
    uris = ("http://127.0.0.1:9999/*",)
    await seed_client(env.db, "test", "test-app", secret="password", redirect_uris=uris, base_url=THIRD_PARTY_BASE)
    await seed_client(
        env.db,
        "test",
        THIRD_PARTY,
        secret="password",
        direct=False,
        redirect_uris=uris,
        base_url=THIRD_PARTY_BASE,
        consent_required=True,
        full_scope_allowed=False,
    )
    await seed_client(
        env.db, "test", "test-app2", public=True, redirect_uris=(APP2_REDIRECT,), web_origins=(VALID_CORS_URL,)
    )
    await seed_client(env.db, "test", "direct-grant", secret="password", web_origins=(VALID_CORS_URL,))
    app, third = await client_id_of(env, "test-app"), await client_id_of(env, THIRD_PARTY)
    await admin(env, "POST", f"/clients/{app}/roles", {"name": "customer-user"}, status=201)
    customer = (await admin(env, "GET", f"/clients/{app}/roles/customer-user", status=200)).json()
    user_role = (await admin(env, "GET", "/roles/user", status=200)).json()
    await admin(env, "POST", f"/clients/{third}/scope-mappings/realm", [user_role])
    await admin(env, "POST", f"/clients/{third}/scope-mappings/clients/{app}", [customer])
    for name in (USER, "john-doh@localhost", "rich.roles@redhat.com"):
        await seed_user(env.db, env.clock, "test", name, email=name, realm_roles=("user",))
    await admin(env, "POST", f"/users/{await user_id_of(env, USER)}/role-mappings/clients/{app}", [customer])
    return env


async def events(env: Env, type: str) -> list[dict[str, Any]]:
    """The stored events of ``type``, newest first (AssertEvents polls them in order)."""
    found = await admin(env, "GET", f"/events?type={type}", status=200)
    listed: list[dict[str, Any]] = found.json()
    return listed


def assert_cors(response: httpx.Response) -> None:
    """The answer is readable from VALID_CORS_URL (each port's assertCors)."""
    assert response.headers.get("Access-Control-Allow-Credentials") == "true", response.headers
    assert response.headers.get("Access-Control-Allow-Origin") == VALID_CORS_URL, response.headers
    assert response.headers.get("Access-Control-Expose-Headers") == "Access-Control-Allow-Methods"


def assert_not_cors(response: httpx.Response) -> None:
    for name in ("Access-Control-Allow-Credentials", "Access-Control-Allow-Origin", "Access-Control-Expose-Headers"):
        assert name not in response.headers, response.headers
