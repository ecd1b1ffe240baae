"""Keycloak's AdminConsolePermissionsCalculatedTest (testsuite/.../admin/), its one method over HTTP: a realm
created after the admin's token was issued is in that admin's console access at once (whoami works it out per
request, not from the token).

The Java method (``changeRealmTokenAlgorithm``, so named by copy) predates Keycloak 25 and asks with an
``admin-cli`` token for every realm at once. Keycloak 25+ (and Doorkeep, web/admin/whoami.py) answers only
tokens of an admin console and only for one realm, master's own or ``currentRealm``; the port asks with a
``security-admin-console`` token, once per realm.
"""

from __future__ import annotations

import pytest

from support import password_grant, update_client
from wire_env import Env

pytestmark = pytest.mark.anyio

REALM_NAME = "realm-name"


async def test_change_realm_token_algorithm(env: Env) -> None:
    """changeRealmTokenAlgorithm: master's and the new realm's access are both lists of roles."""
    await update_client(env.db, "master", "security-admin-console", direct_access_grants_enabled=True)
    login = await password_grant(env.http, "master", "security-admin-console", "admin", "admin", secret=None)
    assert login.status_code == 200, login.text
    token = login.json()["access_token"]
    created = await env.http.post(
        "/admin/realms", json={"realm": REALM_NAME}, headers={"Authorization": f"Bearer {token}"}
    )
    assert created.status_code == 201, created.text
    for current in ("master", REALM_NAME):
        response = await env.http.get(
            "/admin/master/console/whoami",
            params={"currentRealm": current},
            headers={"Authorization": f"Bearer {token}"},
        )
        assert response.status_code == 200, response.text
        access = response.json()["realm_access"][current]
        assert isinstance(access, list) and access, f"Permissions for {current} realm."
