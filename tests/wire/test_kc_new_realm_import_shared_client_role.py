"""Keycloak's new-framework RealmImportSharedUndefinedClientRoleTest (tests/base/.../tests/exportimport/).

keycloak#49731: a realm created through the admin API whose users both name a client role the client does not
declare (``roles.client`` absent) is imported, the role made once, and both users hold it.
"""

from __future__ import annotations

import pytest

from wire_env import Env

pytestmark = pytest.mark.anyio

REALM = "shared-undefined-client-role"
CLIENT_ID = "shared-role-client"
ROLE = "CALL_ACCESS"
USERS = ("user-one", "user-two")


async def test_import_realm_with_shared_undefined_client_role(env: Env) -> None:
    """RealmImportSharedUndefinedClientRoleTest#importRealmWithSharedUndefinedClientRole."""
    headers = await env.admin_headers()
    realm = {
        "realm": REALM,
        "enabled": True,
        "clients": [{"clientId": CLIENT_ID, "enabled": True}],
        "users": [{"username": name, "enabled": True, "clientRoles": {CLIENT_ID: [ROLE]}} for name in USERS],
    }
    created = await env.http.post("/admin/realms", json=realm, headers=headers)
    assert created.status_code == 201, created.text

    base = f"/admin/realms/{REALM}"
    (client,) = (await env.http.get(f"{base}/clients", params={"clientId": CLIENT_ID}, headers=headers)).json()
    roles = (await env.http.get(f"{base}/clients/{client['id']}/roles", headers=headers)).json()
    assert [r["name"] for r in roles].count(ROLE) == 1

    for username in USERS:
        (user,) = (
            await env.http.get(f"{base}/users", params={"username": username, "exact": "true"}, headers=headers)
        ).json()
        url = f"{base}/users/{user['id']}/role-mappings/clients/{client['id']}/composite"
        mapped = await env.http.get(url, headers=headers)
        assert mapped.status_code == 200, mapped.text
        assert ROLE in [r["name"] for r in mapped.json()], username
