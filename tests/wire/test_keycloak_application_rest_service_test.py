"""Keycloak's ApplicationRestServiceTest (tests/base/.../account/ApplicationRestServiceTest.java) over HTTP, on
AbstractRestServiceTest's realm (``account_rest_service_port``) with ``configureTestRealm``'s additions: the
public, consent-requiring ``app-1`` and ``alice``, whose only account role is ``view-applications``.

Ported: testGetApplications (the Java test leaves its assertion as a TODO; the port asserts the answer of
current Keycloak: 200, the clients alice uses, ``inUse``). Its ``oauth.doLogin("alice")`` to test-app is left
out (the realm slice has no test-app): the token is TokenUtil's password grant of ``direct-grant``.

Not ported: testConsoleListedInApplications (KEYCLOAK-5155) reads the ``name`` of the old
ApplicationResource.ApplicationRepresentation, which the Account REST API no longer has; its listing rules
(sessions, offline tokens, consents, always-displayed clients) are ported in
test_keycloak_account_rest_sessions_apps.py.
"""

from __future__ import annotations

import pytest

import group_port
from account_rest_service_port import REALM, account_realm, call, grant
from wire_env import Env

pytestmark = pytest.mark.anyio
anyio_backend, shared_env, env = group_port.anyio_backend, group_port.shared_env, group_port.env

APP_1 = {
    "clientId": "app-1",
    "name": "app-1",
    "baseUrl": "http://client0.example.com",
    "redirectUris": ["http://localhost:8180/auth/realms/master/app/auth"],
    "consentRequired": True,
    "fullScopeAllowed": False,
    "publicClient": True,
}
ALICE = {
    "username": "alice",
    "enabled": True,
    "credentials": [{"type": "password", "value": "password"}],
    "clientRoles": {"account": ["view-applications"]},
}


@pytest.fixture
async def realm_id(env: Env) -> str:
    users = [{**user, "credentials": [{"type": "password", "value": "password"}]} for user in REALM["users"]]
    return await account_realm(env, users=[*users, ALICE], clients=[*REALM["clients"], APP_1])


async def test_get_applications(env: Env, realm_id: str) -> None:
    access = (await grant(env, "alice"))["access_token"]  # TokenUtil("alice", "password"): direct-grant
    response = await call(env, "GET", "applications", access)
    assert response.status_code == 200, response.text
    in_use = {app["clientId"] for app in response.json() if app.get("inUse")}
    assert in_use == {"direct-grant"}, response.json()
    assert "app-1" not in {app["clientId"] for app in response.json()}  # no session, consent nor offline token
