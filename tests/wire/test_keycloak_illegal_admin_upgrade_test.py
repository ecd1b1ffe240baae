"""Keycloak 26's IllegalAdminUpgradeTest (tests/base/src/test/java/org/keycloak/tests/admin/), ported over HTTP:
admins who may map roles try to hand out realm-management roles they do not hold (RolePermissions.checkAdminRoles
behind ``requireMapRole``). Realm ``default`` has ``userAdmin`` and ``user``, both with manage-users; the matrix
of ``testRestEvaluation`` maps each admin role to ``user`` and removes it again.

The master blocks use master's client ``default-realm``, made with realm ``default``
(RealmManager.setupMasterAdminManagement, doorkeep.realms.master_clients):

* "master user with manage_users can't assign realm's admin roles": master's ``userAdmin`` holds ``default-realm``'s
  manage-users, which lets it manage realm ``default``'s users and hand out what a manage-users admin may there
  (manage-users, view-users and the query roles), nothing else.
* master's ``masterAdmin`` (manage-users of master) may hand out none of ``default-realm``'s roles; the master
  ``admin`` may hand out all of them.

Already covered elsewhere, not repeated here: composites (nesting realm-admin into default roles, client roles and
custom wrappers), revocation, group membership and service accounts (test_admin_role_escalation.py,
test_admin_role_grants.py), renaming admin roles (test_admin_role_rename.py).

Beyond the Java class: a manage-clients admin may not rename the ``realm-management`` client (which strips every
admin of the realm of their roles), and client scope mappings hand out nothing.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from admin_support import forbidden, login, make_admin, mapped
from keycloak_port import admin_headers
from wire_env import Env

pytestmark = pytest.mark.anyio

REALM = "default"
MANAGEMENT = "realm-management"
# The realm-management roles the matrix maps, and whether an admin holding manage-users only may hand them out.
REFUSED = (
    "manage-authorization",
    "view-authorization",
    "realm-admin",
    "manage-clients",
    "view-clients",
    "manage-events",
    "view-events",
    "manage-identity-providers",
    "view-identity-providers",
    "manage-realm",
    "view-realm",
    "impersonation",
)
ALLOWED = ("manage-users", "view-users", "query-users", "query-groups", "query-clients")
# Roles of the master client ``{realm}-realm`` (RealmManager.setupMasterAdminManagement: every admin role but
# realm-admin).
MASTER_CLIENT_ROLES = tuple(r for r in REFUSED + ALLOWED if r != "realm-admin")


def _user(username: str) -> dict[str, Any]:
    return {
        "username": username,
        "enabled": True,
        "firstName": "User",
        "lastName": "Admin",
        "email": f"{username.lower()}@admin",
        "credentials": [{"type": "password", "value": "password", "temporary": False}],
        "clientRoles": {MANAGEMENT: ["manage-users"]},
    }


class Kc:
    """``setupUsers`` done: the ids of realm ``default``'s ``user`` and master's ``user``, and the roles to map."""

    def __init__(self, env: Env, realm_user: str, master_user: str) -> None:
        self.env, self.realm_user, self.master_user = env, realm_user, master_user
        self.roles: dict[tuple[str, str], dict[str, Any]] = {}
        self.clients: dict[tuple[str, str], str] = {}

    async def client(self, realm: str, client_id: str) -> str:
        if (realm, client_id) not in self.clients:
            listed = await self.env.http.get(
                f"/admin/realms/{realm}/clients", params={"clientId": client_id}, headers=await admin_headers(self.env)
            )
            self.clients[realm, client_id] = listed.json()[0]["id"]
        return self.clients[realm, client_id]

    async def role(self, realm: str, client_id: str, name: str) -> dict[str, Any]:
        key = (f"{realm}/{client_id}", name)
        if key not in self.roles:
            url = f"/admin/realms/{realm}/clients/{await self.client(realm, client_id)}/roles/{name}"
            response = await self.env.http.get(url, headers=await admin_headers(self.env))
            assert response.status_code == 200, (name, response.text)
            self.roles[key] = response.json()
        return self.roles[key]

    async def add(self, headers: dict[str, str], realm: str, user: str, client_id: str, name: str) -> httpx.Response:
        """``users().get(user).roles().clientLevel(client).add([role])``."""
        url = f"/admin/realms/{realm}/users/{user}/role-mappings/clients/{await self.client(realm, client_id)}"
        return await self.env.http.post(url, json=[await self.role(realm, client_id, name)], headers=headers)

    async def add_and_remove(self, headers: dict[str, str], realm: str, user: str, client_id: str, name: str) -> None:
        added = await self.add(headers, realm, user, client_id, name)
        assert added.status_code == 204, (name, added.status_code, added.text)
        assert name in await mapped(self.env, realm, user)
        url = f"/admin/realms/{realm}/users/{user}/role-mappings/clients/{await self.client(realm, client_id)}"
        body = [await self.role(realm, client_id, name)]
        removed = await self.env.http.request("DELETE", url, json=body, headers=headers)
        assert removed.status_code == 204, (name, removed.status_code, removed.text)


@pytest.fixture
async def kc(env: Env) -> Kc:
    """Realm ``default`` with ``userAdmin`` and ``user`` (manage-users); master's ``user`` holding manage-users of the
    master client ``default-realm`` (made with the realm)."""
    root = await admin_headers(env)
    rep = {"realm": REALM, "enabled": True, "users": [_user("userAdmin"), _user("user")]}
    assert (await env.http.post("/admin/realms", json=rep, headers=root)).status_code == 201
    realm_user = (
        await env.http.get(f"/admin/realms/{REALM}/users", params={"username": "user", "exact": "true"}, headers=root)
    ).json()
    master_user, _ = await make_admin(env, "master", "user")
    kc = Kc(env, realm_user[0]["id"], master_user)
    granted = await kc.add(root, "master", master_user, f"{REALM}-realm", "manage-users")
    assert granted.status_code == 204, granted.text
    return kc


async def test_rest_evaluation(kc: Env | Kc) -> None:
    assert isinstance(kc, Kc)
    env = kc.env
    # realm userAdmin (manage-users of realm default): only the user roles and the query roles
    user_admin = await login(env, REALM, "userAdmin")
    for name in REFUSED:
        forbidden(await kc.add(user_admin, REALM, kc.realm_user, MANAGEMENT, name))
    for name in ALLOWED:
        await kc.add_and_remove(user_admin, REALM, kc.realm_user, MANAGEMENT, name)
    assert not set(REFUSED) & await mapped(env, REALM, kc.realm_user)

    # master userAdmin (default-realm's manage-users): the same as the realm's own userAdmin
    master_user_admin_id, _ = await make_admin(env, "master", "userAdmin")
    granted = await kc.add(await admin_headers(env), "master", master_user_admin_id, f"{REALM}-realm", "manage-users")
    assert granted.status_code == 204, granted.text
    master_user_admin = await login(env, "master", "userAdmin")
    for name in REFUSED:
        forbidden(await kc.add(master_user_admin, REALM, kc.realm_user, MANAGEMENT, name))
    for name in ALLOWED:
        await kc.add_and_remove(master_user_admin, REALM, kc.realm_user, MANAGEMENT, name)
    assert not set(REFUSED) & await mapped(env, REALM, kc.realm_user)

    # masterAdmin (manage-users of master): none of the master client default-realm's roles, not even the query ones
    _, master_admin = await make_admin(env, "master", "masterAdmin", "manage-users")
    for name in MASTER_CLIENT_ROLES:
        forbidden(await kc.add(master_admin, "master", kc.master_user, f"{REALM}-realm", name))
    assert await mapped(env, "master", kc.master_user) == {"default-roles-master", "manage-users"}

    # master admin: every admin role of realm default, and every role of master's default-realm
    root = await admin_headers(env)
    for name in REFUSED + ALLOWED:
        await kc.add_and_remove(root, REALM, kc.realm_user, MANAGEMENT, name)
    for name in MASTER_CLIENT_ROLES:
        if name != "manage-users":  # master's user holds it already (setupUsers)
            await kc.add_and_remove(root, "master", kc.master_user, f"{REALM}-realm", name)


async def test_manage_clients_cannot_rename_the_realm_management_client(kc: Kc) -> None:
    """Doorkeep, like Keycloak, finds a realm's admin roles through the client named ``realm-management``: renaming
    it would take every admin role away from the realm's admins (and let a new client of that name define them).
    Keycloak 26.7 refuses every update of that client (keycloak#51036); Doorkeep refuses renaming it."""
    env = kc.env
    rm = await kc.client(REALM, MANAGEMENT)
    _, headers = await make_admin(env, REALM, "clientmgr", "manage-clients")
    rep = (await env.http.get(f"/admin/realms/{REALM}/clients/{rm}", headers=headers)).json()
    forbidden(
        await env.http.put(f"/admin/realms/{REALM}/clients/{rm}", json={**rep, "clientId": "old-rm"}, headers=headers)
    )
    forbidden(
        await env.http.put(
            f"/admin/realms/{REALM}/clients/{rm}", json={"clientId": "old-rm"}, headers=await admin_headers(env)
        )
    )
    assert (await env.http.get(f"/admin/realms/{REALM}/clients/{rm}", headers=headers)).json()["clientId"] == MANAGEMENT
    user_admin = await login(env, REALM, "userAdmin")
    assert (await env.http.get(f"/admin/realms/{REALM}/users", headers=user_admin)).status_code == 200


async def test_client_scope_mappings_hand_out_no_admin_role(kc: Kc) -> None:
    """RolePermissions.canMapClientScope needs manage-clients only (no checkAdminRoles): a scope mapping limits what
    a client's tokens carry and grants nothing, so realm-admin in a client's scope gives its service account none
    of realm-admin's rights."""
    env = kc.env
    _, headers = await make_admin(env, REALM, "clientmgr", "manage-clients")
    rep = {"clientId": "robot", "secret": "secret", "serviceAccountsEnabled": True, "fullScopeAllowed": False}
    created = await env.http.post(f"/admin/realms/{REALM}/clients", json=rep, headers=headers)
    assert created.status_code == 201, created.text
    robot = created.headers["location"].rsplit("/", 1)[-1]
    realm_admin = await kc.role(REALM, MANAGEMENT, "realm-admin")
    url = f"/admin/realms/{REALM}/clients/{robot}/scope-mappings/clients/{await kc.client(REALM, MANAGEMENT)}"
    assert (await env.http.post(url, json=[realm_admin], headers=headers)).status_code == 204
    form = {"grant_type": "client_credentials", "client_id": "robot", "client_secret": "secret"}
    token = (await env.http.post(f"/realms/{REALM}/protocol/openid-connect/token", data=form)).json()["access_token"]
    robot_headers = {"Authorization": f"Bearer {token}"}
    forbidden(await env.http.get(f"/admin/realms/{REALM}/users", headers=robot_headers))
    account = (
        await env.http.get(f"/admin/realms/{REALM}/clients/{robot}/service-account-user", headers=headers)
    ).json()
    assert "realm-admin" not in await mapped(env, REALM, account["id"])
