"""A realm file written before Keycloak 26.7 lists a realm-management client without the organization roles:
the import adds them under realm-admin, view-organizations holding query-organizations, as Keycloak's
RealmManager.importRealm does (checkRealmAdminManagementRoles, addQueryCompositeRoles; MigrateTo26_7_0 on
migrateImport), so that the file's realm administrators administer organizations. Both engines."""

from __future__ import annotations

from typing import Any

import pytest

from admin_support import client_uuid, login
from wire_env import Env

pytestmark = pytest.mark.anyio
OLD_ROLES = (
    "view-realm",
    "manage-realm",
    "view-users",
    "manage-users",
    "query-users",
    "query-groups",
    "view-clients",
    "manage-clients",
    "query-clients",
    "query-realms",
    "create-client",
    "view-events",
    "manage-events",
    "view-identity-providers",
    "manage-identity-providers",
    "view-authorization",
    "manage-authorization",
    "impersonation",
)
NAMES = ("view-organizations", "manage-organizations", "query-organizations")


def _file() -> dict[str, Any]:
    """What Keycloak 26.6 exported: realm-management with its roles, realm-admin holding them, a realm admin and a
    user holding view-users only."""
    roles: list[dict[str, Any]] = [{"name": name, "description": f"${{role_{name}}}"} for name in OLD_ROLES]
    roles.append(
        {
            "name": "realm-admin",
            "composite": True,
            "composites": {"client": {"realm-management": list(OLD_ROLES)}},
        }
    )
    user = {"enabled": True, "credentials": [{"type": "password", "value": "password", "temporary": False}]}
    user |= {"firstName": "Old", "lastName": "Admin"}  # the default user profile's names: VERIFY_PROFILE at the grant
    return {
        "realm": "old",
        "enabled": True,
        "keycloakVersion": "26.6.0",
        "organizationsEnabled": True,
        "clients": [{"clientId": "realm-management", "bearerOnly": True}],
        "roles": {"client": {"realm-management": roles}},
        "users": [
            {
                **user,
                "username": "boss",
                "email": "boss@localhost",
                "clientRoles": {"realm-management": ["realm-admin"]},
            },
            {
                **user,
                "username": "viewer",
                "email": "viewer@localhost",
                "clientRoles": {"realm-management": ["view-users"]},
            },
        ],
    }


async def test_an_older_realm_file_gets_the_organization_roles_under_realm_admin(env: Env) -> None:
    h = await env.admin_headers()
    made = await env.http.post("/admin/realms", json=_file(), headers=h)
    assert made.status_code == 201, made.text
    rm = await client_uuid(env, "old", "realm-management")
    base = f"/admin/realms/old/clients/{rm}/roles"
    names = {r["name"] for r in (await env.http.get(base, headers=h)).json()}
    assert set(NAMES) <= names and set(OLD_ROLES) <= names
    admin = {r["name"] for r in (await env.http.get(f"{base}/realm-admin/composites", headers=h)).json()}
    assert set(NAMES) <= admin
    view = (await env.http.get(f"{base}/view-organizations/composites", headers=h)).json()
    assert [r["name"] for r in view] == ["query-organizations"]
    users = {r["name"] for r in (await env.http.get(f"{base}/view-users/composites", headers=h)).json()}
    assert users == {"query-users", "query-groups"}  # addQueryCompositeRoles, though the file left them out

    boss = await login(env, "old", "boss")
    org = {"name": "acme", "domains": [{"name": "acme.org"}]}
    created = await env.http.post("/admin/realms/old/organizations", json=org, headers=boss)
    assert created.status_code == 201, created.text
    viewer = await login(env, "old", "viewer")
    assert (await env.http.get("/admin/realms/old/organizations", headers=viewer)).status_code == 403
