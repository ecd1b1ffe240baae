"""Keycloak's LegacyImportTest (testsuite/.../exportimport), ported: realm files written by Keycloak 1.x imported
with ``import_file`` (``doorkeep import --file``, Keycloak's single-file import at start).

Keycloak imports its own resources kc11-exported-realm.json and migration-realm-1.9.8.Final.json; those files are
not copied here. The files below are written in the same shapes (1.1's ``applications``, ``applicationRoles``,
``applicationScopeMappings`` and ``roles.application``; 1.9's ``clients``, ``clientRoles`` and ``groups``) with the
names the Keycloak test asserts.

Where Keycloak 26 differs from the class: testLegacyImport asserts the realm roles to be exactly offline_access,
uma_authorization and its own role, written before Keycloak 13 gave every realm ``default-roles-<realm>``
(RealmManager.importRealm adds it to an imported realm too); this port asserts the three and that role.
Keycloak names that role ``default-roles-`` + the realm name in lower case (determineDefaultRoleName), and so does
Doorkeep: ``default-roles-migration``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from doorkeep.realms.exportimport.files import import_file
from wire_env import Env

pytestmark = pytest.mark.anyio
ADMIN_CONSOLE_ID = "a9ca4217-0000-4658-92c8-c2f9ed48a474"
REALM_MANAGEMENT_ID = "c7a9cf59-0000-44a4-a467-e008e157efa2"
# The realm-management roles of Keycloak 1.1, before identity providers, create-client and impersonation existed
OLD_ADMIN_ROLES = [
    "manage-applications",
    "manage-events",
    "view-users",
    "view-realm",
    "view-events",
    "manage-realm",
    "view-applications",
    "manage-clients",
    "view-clients",
    "manage-users",
]
NEWER_ADMIN_ROLES = {"view-identity-providers", "manage-identity-providers", "create-client", "impersonation"}


def kc11_realm() -> dict[str, Any]:
    """A realm ``foo11`` as Keycloak 1.1 exported it."""
    roles = [{"name": name, "composite": False} for name in OLD_ADMIN_ROLES]
    realm_admin = {"application": {"realm-management": OLD_ADMIN_ROLES}}
    roles.append({"name": "realm-admin", "composite": True, "composites": realm_admin})
    return {
        "realm": "foo11",
        "enabled": True,
        "sslRequired": "external",
        "roles": {"application": {"realm-management": roles, "security-admin-console": []}},
        "users": [
            {
                "username": "john11",
                "enabled": True,
                "email": "john11@example.com",
                "applicationRoles": {"realm-management": ["manage-applications"]},
            }
        ],
        "applicationScopeMappings": {
            "realm-management": [{"client": "security-admin-console", "roles": ["realm-admin"]}]
        },
        "applications": [
            {"id": REALM_MANAGEMENT_ID, "name": "realm-management", "enabled": True, "bearerOnly": True},
            {
                "id": ADMIN_CONSOLE_ID,
                "name": "security-admin-console",
                "enabled": True,
                "publicClient": True,
                "baseUrl": "/auth/admin/foo11/console/index.html",
                "redirectUris": ["/auth/admin/foo11/console/*"],
            },
        ],
        "oauthClients": [],
    }


def migration_realm() -> dict[str, Any]:
    """A realm ``Migration`` as Keycloak 1.9.8 exported it."""
    return {
        "realm": "Migration",
        "enabled": True,
        "roles": {
            "realm": [
                {"name": "offline_access", "composite": False},
                {"name": "uma_authorization", "composite": False},
                {"name": "migration-test-realm-role", "composite": False},
            ],
            "client": {"migration-test-client": [{"name": "migration-test-client-role", "composite": False}]},
        },
        "groups": [{"name": "migration-test-group", "path": "/migration-test-group"}],
        "users": [{"username": "migration-test-user", "enabled": True, "realmRoles": ["offline_access"]}],
        "clients": [{"clientId": "migration-test-client", "enabled": True, "redirectUris": ["http://localhost/*"]}],
    }


async def imported(env: Env, tmp_path: Path, realm: dict[str, Any]) -> None:
    path = tmp_path / "realm.json"
    path.write_text(json.dumps(realm), encoding="utf-8")
    assert await import_file(env.db, str(path), env.clock, skip_existing=True) == [realm["realm"]]


async def get(env: Env, path: str) -> Any:
    response = await env.http.get(f"/admin/realms/{path}", headers=await env.admin_headers())
    assert response.status_code == 200, (path, response.text)
    return response.json()


def names(listed: list[dict[str, Any]], key: str = "name") -> set[str]:
    return {str(item[key]) for item in listed}


async def test_import_from_11(env: Env, tmp_path: Path) -> None:
    """LegacyImportTest.importFrom11: the 1.1 realm keeps its application ids as client ids; its admin console has
    the ``locale`` mapper; realm-management gains the admin roles 1.1 did not have, realm-admin holds them, and so
    do master's ``foo11-realm`` client and ``admin`` role."""
    await imported(env, tmp_path, kc11_realm())

    mappers = await get(env, f"foo11/clients/{ADMIN_CONSOLE_ID}/protocol-mappers/protocol/openid-connect")
    assert "locale" in names(mappers)

    assert names(await get(env, f"foo11/clients/{REALM_MANAGEMENT_ID}/roles")) >= NEWER_ADMIN_ROLES
    realm_admin = await get(env, f"foo11/clients/{REALM_MANAGEMENT_ID}/roles/realm-admin/composites")
    assert names(realm_admin) >= NEWER_ADMIN_ROLES

    [foo11_master] = await get(env, "master/clients?clientId=foo11-realm")
    assert names(await get(env, f"master/clients/{foo11_master['id']}/roles")) >= NEWER_ADMIN_ROLES
    master_admin = await get(env, "master/roles/admin/composites")
    ours = [r for r in master_admin if r.get("containerId") == foo11_master["id"]]
    assert names(ours) >= NEWER_ADMIN_ROLES


async def test_legacy_import(env: Env, tmp_path: Path) -> None:
    """LegacyImportTest.testLegacyImport: the 1.9.8 realm's roles, clients, client roles, users and groups."""
    await imported(env, tmp_path, migration_realm())

    roles = names(await get(env, "Migration/roles"))
    assert [name for name in roles if name.startswith("default-roles-")] == ["default-roles-migration"]
    assert roles - {"default-roles-migration"} == {"offline_access", "uma_authorization", "migration-test-realm-role"}
    clients = names(await get(env, "Migration/clients"), "clientId")
    expected = {"account", "admin-cli", "broker", "migration-test-client", "realm-management", "security-admin-console"}
    assert expected <= clients, clients
    [client] = await get(env, "Migration/clients?clientId=migration-test-client")
    assert names(await get(env, f"Migration/clients/{client['id']}/roles")) == {"migration-test-client-role"}
    assert names(await get(env, "Migration/users?first=0&max=5"), "username") == {"migration-test-user"}
    assert names(await get(env, "Migration/groups")) == {"migration-test-group"}
