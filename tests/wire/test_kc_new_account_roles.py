"""Keycloak's new-framework AccountRestServiceRolesTest (tests/base/.../tests/account/) over HTTP: which of the
account client's roles open ``/account/applications`` and ``/account/groups`` to a password grant's bearer token
(Accept ``application/json``). Not ported: the ``verifiable-credentials`` endpoint and ``isOid4VciEnabled``
(OID4VC, a feature Doorkeep does not offer) and the ``accountConsoleFeatures*`` methods, which read the
``features`` of the <script id="environment"> block of Keycloak's React account console (Doorkeep serves its
own console, whose pages the user's roles shape on the server)."""

from __future__ import annotations

from typing import Any

import pytest

import group_port
from group_port import fresh_realm
from support import password_grant
from wire_env import Env

pytestmark = pytest.mark.anyio
anyio_backend, shared_env, env = group_port.anyio_backend, group_port.shared_env, group_port.env

PASSWORD = "password"
CLIENT = "test-app"


def user(username: str, first: str, last: str, *roles: str, groups: tuple[str, ...] = ()) -> dict[str, Any]:
    return {
        "username": username,
        "enabled": True,
        "firstName": first,
        "lastName": last,
        "email": f"{username.removesuffix('-user')}@localhost",
        "credentials": [{"type": "password", "value": PASSWORD}],
        "clientRoles": {"account": [*roles, "view-profile"]},
        "groups": list(groups),
    }


REALM = {
    "realm": "test",
    "enabled": True,
    "groups": [{"name": "test-group"}],
    "clients": [{"clientId": CLIENT, "publicClient": True, "directAccessGrantsEnabled": True}],
    "users": [
        user("manage-account-user", "Manage", "Account", "manage-account", groups=("/test-group",)),
        user("view-applications-user", "View", "Applications", "view-applications"),
        user("view-groups-user", "View", "Groups", "view-groups"),
        user("no-access-user", "No", "Access"),
    ],
}


@pytest.fixture
async def kc(env: Env) -> Env:
    await fresh_realm(env, REALM)
    return env


async def assert_endpoint_status(env: Env, username: str, endpoint: str, expected: int) -> None:
    granted = await password_grant(env.http, "test", CLIENT, username, PASSWORD, secret=None)
    assert granted.status_code == 200, granted.text
    headers = {"Authorization": f"Bearer {granted.json()['access_token']}", "Accept": "application/json"}
    response = await env.http.get(f"/realms/test/account/{endpoint}", headers=headers)
    assert response.status_code == expected, (username, endpoint, response.status_code, response.text)


async def test_applications_endpoint_access(kc: Env) -> None:
    """AccountRestServiceRolesTest#applicationsEndpointAccess."""
    await assert_endpoint_status(kc, "manage-account-user", "applications", 200)
    await assert_endpoint_status(kc, "view-applications-user", "applications", 200)
    await assert_endpoint_status(kc, "no-access-user", "applications", 403)


async def test_groups_endpoint_access(kc: Env) -> None:
    """AccountRestServiceRolesTest#groupsEndpointAccess."""
    await assert_endpoint_status(kc, "manage-account-user", "groups", 200)
    await assert_endpoint_status(kc, "view-groups-user", "groups", 200)
    await assert_endpoint_status(kc, "no-access-user", "groups", 403)
