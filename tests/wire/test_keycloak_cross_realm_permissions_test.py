"""Keycloak's CrossRealmPermissionsTest (testsuite/.../admin/CrossRealmPermissionsTest.java, and its successor
under tests/base/.../tests/admin/), ported over HTTP: two realms, ``crossrealm-test`` and ``crossrealm2-test``,
each with the public direct-grant client ``test-client`` and a user ``realm-admin`` holding realm-management's
``realm-admin``. A user of the first realm is not found through the second realm's paths, whoever asks.

Beyond the Java class (a realm's admin reaching into another realm): the first realm's ``realm-admin`` calling
the second realm's paths gets 403 for reads, writes, role mappings and impersonation alike.
"""

from __future__ import annotations

from typing import Any

import pytest

from keycloak_port import admin_headers, import_realm
from support import password_grant
from wire_env import Env

pytestmark = pytest.mark.anyio

REALM1, REALM2 = "crossrealm-test", "crossrealm2-test"
FORBIDDEN = {"error": "HTTP 403 Forbidden"}


def _realm(name: str) -> dict[str, Any]:
    return {
        "realm": name,
        "enabled": True,
        "clients": [{"clientId": "test-client", "publicClient": True, "directAccessGrantsEnabled": True}],
        "users": [
            {
                "username": "realm-admin",
                "enabled": True,
                "credentials": [{"type": "password", "value": "password", "temporary": False}],
                "clientRoles": {"realm-management": ["realm-admin"]},
            }
        ],
    }


async def _admin_of(env: Env, realm: str) -> dict[str, str]:
    """``Keycloak.getInstance(..., realm, "realm-admin", "password", "test-client")``."""
    response = await password_grant(env.http, realm, "test-client", "realm-admin", "password", secret=None)
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


@pytest.fixture
async def realms(env: Env) -> tuple[Env, dict[str, str], dict[str, str]]:
    """Both realms imported; the bearer headers of their ``realm-admin`` users."""
    for name in (REALM1, REALM2):  # imported as Keycloak's testsuite imports them: VERIFY_PROFILE off
        await import_realm(env, _realm(name))
    return env, await _admin_of(env, REALM1), await _admin_of(env, REALM2)


async def test_users(realms: tuple[Env, dict[str, str], dict[str, str]]) -> None:
    """A user of realm 1, asked for through realm 2 (by realm 2's own admin, and by master's admin as the newer
    port does): GET, PUT, DELETE and its sessions are all 404; the user is untouched."""
    env, admin1, admin2 = realms
    created = await env.http.post(f"/admin/realms/{REALM1}/users", json={"username": "randomuser-1"}, headers=admin1)
    assert created.status_code == 201, created.text
    uid = created.headers["location"].rsplit("/", 1)[-1]
    assert (await env.http.get(f"/admin/realms/{REALM1}/users/{uid}", headers=admin1)).status_code == 200
    url = f"/admin/realms/{REALM2}/users/{uid}"
    for headers in (admin2, await admin_headers(env)):
        for method, path, body in (
            ("GET", "", None),
            ("PUT", "", {}),
            ("DELETE", "", None),
            ("GET", "/sessions", None),
        ):
            response = await env.http.request(method, url + path, json=body, headers=headers)
            assert response.status_code == 404, (method, path, response.status_code, response.text)
    still = await env.http.get(f"/admin/realms/{REALM1}/users/{uid}", headers=admin1)
    assert still.status_code == 200 and still.json()["username"] == "randomuser-1"


async def test_a_realm_admin_cannot_reach_into_another_realm(
    realms: tuple[Env, dict[str, str], dict[str, str]],
) -> None:
    """Realm 1's realm-admin holds every realm-management role of realm 1 and none of realm 2: realm 2's users,
    their role mappings and impersonation are 403 to it (AdminAuth is bound to the token's realm)."""
    env, admin1, admin2 = realms
    base = f"/admin/realms/{REALM2}"
    me = (await env.http.get(f"{base}/users", params={"username": "realm-admin"}, headers=admin2)).json()[0]["id"]
    offline = (await env.http.get(f"{base}/roles/offline_access", headers=admin2)).json()
    for method, path, body in (
        ("GET", "/users", None),
        ("POST", "/users", {"username": "planted"}),
        ("GET", f"/users/{me}", None),
        ("PUT", f"/users/{me}", {"enabled": False}),
        ("POST", f"/users/{me}/role-mappings/realm", [offline]),
        ("POST", f"/users/{me}/impersonation", None),
        ("PUT", "", {"enabled": False}),
        ("DELETE", "", None),
    ):
        response = await env.http.request(method, base + path, json=body, headers=admin1)
        assert (response.status_code, response.json()) == (403, FORBIDDEN), (method, path, response.text)
    assert (await env.http.get(f"{base}/users", params={"username": "planted"}, headers=admin2)).json() == []
    assert (await env.http.get(base, headers=admin2)).json()["enabled"] is True
