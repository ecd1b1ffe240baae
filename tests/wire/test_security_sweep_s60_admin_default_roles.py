"""Session 60: client registration's (deprecated) ``defaultRoles`` put a client's roles into
``default-roles-<realm>``, which every user holds. An administrator holding manage-clients only, by its bearer token
or by the registration access token it may mint for any client (``POST clients/{id}/registration-access-token``),
listed ``realm-admin`` in the realm-management client's ``defaultRoles`` and made every user of the realm, itself
included, realm-admin. Keycloak's updateDefaultRoles asks nothing; Doorkeep now asks what mapping the role asks
(RolePermissions.checkAdminRoles' rule): a role that is or contains an admin role joins the default role only
through an administrator who may hand it out."""

from __future__ import annotations

from typing import Any

import pytest

from admin_support import client_uuid, login, make_admin
from wire_env import Env

pytestmark = pytest.mark.anyio

TEST = "/admin/realms/test"
REG = "/realms/test/clients-registrations/default"
DENIED = {"error": "insufficient_scope", "error_description": "Forbidden"}


async def default_role_names(env: Env) -> set[str]:
    listed = await env.http.get(f"{TEST}/roles/default-roles-test/composites", headers=await env.admin_headers())
    assert listed.status_code == 200, listed.text
    return {role["name"] for role in listed.json()}


async def registration_token(env: Env, client_id: str, headers: dict[str, str]) -> dict[str, str]:
    uuid = await client_uuid(env, "test", client_id)
    minted = await env.http.post(f"{TEST}/clients/{uuid}/registration-access-token", headers=headers)
    assert minted.status_code == 200, minted.text
    return {"Authorization": f"Bearer {minted.json()['registrationAccessToken']}"}


async def with_default_roles(env: Env, client_id: str, headers: dict[str, str], *names: str) -> dict[str, Any]:
    read = await env.http.get(f"{REG}/{client_id}", headers=headers)
    assert read.status_code == 200, read.text
    return {**read.json(), "defaultRoles": [*read.json().get("defaultRoles", []), *names]}


async def test_manage_clients_cannot_make_every_user_realm_admin_through_default_roles(realm: Env) -> None:
    _, clients_admin = await make_admin(realm, "test", "clientmgr", "manage-clients")
    before = await default_role_names(realm)
    body = await with_default_roles(realm, "realm-management", clients_admin, "realm-admin")
    by_bearer = await realm.http.put(f"{REG}/realm-management", json=body, headers=clients_admin)
    assert (by_bearer.status_code, by_bearer.json()) == (403, DENIED)
    rat = await registration_token(realm, "realm-management", clients_admin)
    by_rat = await realm.http.put(f"{REG}/realm-management", json=body, headers=rat)
    assert (by_rat.status_code, by_rat.json()) == (403, DENIED)
    assert await default_role_names(realm) == before
    fresh = await login(realm, "test", "clientmgr")
    assert (await realm.http.get(f"{TEST}/users", headers=fresh)).status_code == 403


async def test_a_clients_own_role_wrapping_an_admin_role_does_not_join_the_default_role_by_its_token(
    realm: Env,
) -> None:
    """An administrator made ``app``'s role ``ops`` contain realm-admin; ``app``'s registration access token may
    still not hand ``ops`` to every user, while its plain roles join as before."""
    root = await realm.admin_headers()
    app = await client_uuid(realm, "test", "app")
    for name in ("ops", "reader"):
        made = await realm.http.post(f"{TEST}/clients/{app}/roles", json={"name": name}, headers=root)
        assert made.status_code == 201, made.text
    rm = await client_uuid(realm, "test", "realm-management")
    admin_role = (await realm.http.get(f"{TEST}/clients/{rm}/roles/realm-admin", headers=root)).json()
    nested = await realm.http.post(f"{TEST}/clients/{app}/roles/ops/composites", json=[admin_role], headers=root)
    assert nested.status_code == 204, nested.text
    rat = await registration_token(realm, "app", root)
    refused = await realm.http.put(f"{REG}/app", json=await with_default_roles(realm, "app", rat, "ops"), headers=rat)
    assert (refused.status_code, refused.json()) == (403, DENIED)
    assert "ops" not in await default_role_names(realm)
    allowed = await realm.http.put(
        f"{REG}/app", json=await with_default_roles(realm, "app", rat, "reader"), headers=rat
    )
    assert allowed.status_code == 200 and allowed.json()["defaultRoles"] == ["reader"], allowed.text
    assert "reader" in await default_role_names(realm)


async def test_an_administrator_who_may_hand_out_the_role_still_lists_it(realm: Env) -> None:
    """A realm-admin holds every realm-management role, so may hand them out: through its bearer token the role
    joins; and a new client's own (plain) roles join at registration, as Keycloak's createClient makes them."""
    _, boss = await make_admin(realm, "test", "boss", "realm-admin")
    body = await with_default_roles(realm, "realm-management", boss, "view-users")
    done = await realm.http.put(f"{REG}/realm-management", json=body, headers=boss)
    assert done.status_code == 200 and "view-users" in done.json()["defaultRoles"], done.text
    assert "view-users" in await default_role_names(realm)
    made = await realm.http.post(REG, json={"clientId": "fresh", "defaultRoles": ["member"]}, headers=boss)
    assert made.status_code == 201 and made.json()["defaultRoles"] == ["member"], made.text
