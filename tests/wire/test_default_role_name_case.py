"""The realm's default role is ``default-roles-<realm name lower-cased>``, as Keycloak names it
(``RealmManager.setDefaultsForNewRealm``: ``Constants.DEFAULT_ROLES_ROLE_PREFIX + "-" + realm.getName().toLowerCase()``):
on creation and on import of a file without ``defaultRole`` (a file's ``defaultRole`` keeps its name, a realm rename leaves
it as it is); a role an older Doorkeep named
``default-roles-<realm as written>`` is still the realm's default role."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

from support import claims, password_grant
from wire_env import Env

pytestmark = pytest.mark.anyio

REALMS = "/admin/realms"
PASSWORD = "pw-Default-1"


async def _call(env: Env, method: str, path: str, body: Any = None) -> Any:
    response = await env.http.request(method, f"{REALMS}{path}", headers=await env.admin_headers(), json=body)
    assert response.status_code < 300, response.text
    return response.json() if response.content else None


async def _status(env: Env, path: str) -> int:
    return (await env.http.get(f"{REALMS}{path}", headers=await env.admin_headers())).status_code


async def _default_roles(env: Env, realm: str) -> list[str]:
    return sorted(r["name"] for r in await _call(env, "GET", f"/{realm}/roles") if r["name"].startswith("default-"))


async def _new_user(env: Env, realm: str, username: str) -> str:
    rep = {
        "username": username,
        "enabled": True,
        "email": f"{username}@example.com",
        "firstName": "Dee",
        "lastName": "Fault",
        "credentials": [{"type": "password", "value": PASSWORD, "temporary": False}],
    }
    await _call(env, "POST", f"/{realm}/users", rep)
    found = await _call(env, "GET", f"/{realm}/users?username={username}&exact=true")
    return str(found[0]["id"])


async def _realm_roles_of(env: Env, realm: str, user_id: str) -> set[str]:
    return {r["name"] for r in await _call(env, "GET", f"/{realm}/users/{user_id}/role-mappings/realm")}


async def _assert_offline_through_default_role(env: Env, realm: str, username: str) -> None:
    """The user's offline token: offline_access reaches them only through the default role's composites."""
    response = await password_grant(
        env.http, realm, "admin-cli", username, PASSWORD, secret=None, scope="offline_access"
    )
    assert response.status_code == 200, response.text
    assert claims(response.json()["refresh_token"])["typ"] == "Offline"
    assert "offline_access" in claims(response.json()["access_token"])["realm_access"]["roles"]


def _keycloak_file(realm: str, *, default_role: bool = True) -> dict[str, Any]:
    """What Keycloak 26 exports for realm ``realm``: its default role lower-cased, listed and named, a user holding it."""
    name = f"default-roles-{realm.lower()}"
    rep: dict[str, Any] = {
        "id": realm,
        "realm": realm,
        "enabled": True,
        "roles": {
            "realm": [
                {"id": "r-offline", "name": "offline_access", "composite": False, "clientRole": False},
                {"id": "r-uma", "name": "uma_authorization", "composite": False, "clientRole": False},
                {
                    "id": "r-default",
                    "name": name,
                    "description": "${role_default-roles}",
                    "composite": True,
                    "composites": {"realm": ["offline_access", "uma_authorization"]},
                    "clientRole": False,
                },
            ]
        },
        "users": [
            {
                "username": "filed",
                "enabled": True,
                "email": "filed@example.com",
                "firstName": "Fi",
                "lastName": "Led",
                "credentials": [{"type": "password", "value": PASSWORD, "temporary": False}],
                "realmRoles": [name],
            }
        ],
    }
    if default_role:
        rep["defaultRole"] = {"id": "r-default", "name": name, "composite": True, "clientRole": False}
    return rep


async def test_a_created_mixed_case_realm_has_the_lower_cased_default_role(env: Env) -> None:
    await _call(env, "POST", "", {"realm": "MyRealm", "enabled": True})
    role = await _call(env, "GET", "/MyRealm/roles/default-roles-myrealm")
    assert role["composite"] is True and role["description"] == "${role_default-roles}"
    assert await _status(env, "/MyRealm/roles/default-roles-MyRealm") == 404
    assert (await _call(env, "GET", "/MyRealm"))["defaultRole"]["name"] == "default-roles-myrealm"
    assert await _default_roles(env, "MyRealm") == ["default-roles-myrealm"]
    user_id = await _new_user(env, "MyRealm", "newbie")
    assert "default-roles-myrealm" in await _realm_roles_of(env, "MyRealm", user_id)
    await _assert_offline_through_default_role(env, "MyRealm", "newbie")
    # it stays the default role: Keycloak's refusal to delete it
    response = await env.http.delete(f"{REALMS}/MyRealm/roles/default-roles-myrealm", headers=await env.admin_headers())
    assert response.status_code == 400, response.text


async def test_an_all_lower_case_realm_keeps_its_name_in_the_default_role(env: Env) -> None:
    await _call(env, "POST", "", {"realm": "shop", "enabled": True})
    assert (await _call(env, "GET", "/shop"))["defaultRole"]["name"] == "default-roles-shop"
    assert await _default_roles(env, "shop") == ["default-roles-shop"]


async def test_importing_a_keycloak_file_keeps_its_one_default_role(env: Env) -> None:
    await _call(env, "POST", "", _keycloak_file("MyRealm"))
    assert await _default_roles(env, "MyRealm") == ["default-roles-myrealm"]
    role = await _call(env, "GET", "/MyRealm/roles/default-roles-myrealm")
    assert role["id"] == "r-default"
    composites = await _call(env, "GET", "/MyRealm/roles/default-roles-myrealm/composites")
    # and the account client's roles setupAccountManagement adds, the file having no ``account`` client
    assert {r["name"] for r in composites} >= {"offline_access", "uma_authorization"}
    assert (await _call(env, "GET", "/MyRealm"))["defaultRole"]["id"] == "r-default"
    filed = await _call(env, "GET", "/MyRealm/users?username=filed&exact=true")
    assert "default-roles-myrealm" in await _realm_roles_of(env, "MyRealm", filed[0]["id"])
    await _assert_offline_through_default_role(env, "MyRealm", "filed")
    user_id = await _new_user(env, "MyRealm", "newbie")
    assert "default-roles-myrealm" in await _realm_roles_of(env, "MyRealm", user_id)


async def test_a_file_without_default_role_listing_its_name_gets_a_numbered_one(env: Env) -> None:
    """RealmManager.importRealm without ``defaultRole``: ``determineDefaultRoleName`` takes
    ``default-roles-<realm>`` unless the file lists a realm role of that name, then ``-1``, ``-2``, …; the listed
    role is an ordinary one."""
    await _call(env, "POST", "", _keycloak_file("MyRealm", default_role=False))
    assert await _default_roles(env, "MyRealm") == ["default-roles-myrealm", "default-roles-myrealm-1"]
    realm = await _call(env, "GET", "/MyRealm")
    assert realm["defaultRole"]["name"] == "default-roles-myrealm-1" and realm["defaultRole"]["id"] != "r-default"
    user_id = await _new_user(env, "MyRealm", "newbie")
    assert {"default-roles-myrealm-1"} == {r for r in await _realm_roles_of(env, "MyRealm", user_id) if "default" in r}
    await _assert_offline_through_default_role(env, "MyRealm", "newbie")
    filed = await _call(env, "GET", "/MyRealm/users?username=filed&exact=true")
    assert "default-roles-myrealm" in await _realm_roles_of(env, "MyRealm", filed[0]["id"])


async def test_a_file_naming_its_default_role_otherwise_keeps_that_name(env: Env) -> None:
    """A realm renamed in Keycloak, or an older Doorkeep's export (``default-roles-MyRealm``): the role the file's
    ``defaultRole`` names is the default role under its own name (RepresentationToModel.createRole), none other made."""
    rep = _keycloak_file("MyRealm")
    rep["roles"]["realm"][2]["name"] = rep["defaultRole"]["name"] = "default-roles-MyRealm"
    rep["users"][0]["realmRoles"] = ["default-roles-MyRealm"]
    await _call(env, "POST", "", rep)
    assert await _default_roles(env, "MyRealm") == ["default-roles-MyRealm"]
    assert (await _call(env, "GET", "/MyRealm"))["defaultRole"]["id"] == "r-default"
    await _assert_offline_through_default_role(env, "MyRealm", "filed")
    user_id = await _new_user(env, "MyRealm", "newbie")
    assert "default-roles-MyRealm" in await _realm_roles_of(env, "MyRealm", user_id)
    exported = await _call(env, "POST", "/MyRealm/partial-export")
    assert exported["defaultRole"] == {**exported["defaultRole"], "id": "r-default", "name": "default-roles-MyRealm"}


async def test_renaming_a_realm_leaves_its_default_role_as_it_is(env: Env) -> None:
    """RealmManager.renameRealm renames the master client and the console URLs, no role: the default role keeps
    its name and stays the default role (Keycloak keeps it by id)."""
    await _call(env, "POST", "", {"realm": "MyRealm", "enabled": True})
    role_id = (await _call(env, "GET", "/MyRealm/roles/default-roles-myrealm"))["id"]
    await _call(env, "PUT", "/MyRealm", {"realm": "OtherRealm"})
    assert (await _call(env, "GET", "/OtherRealm/roles/default-roles-myrealm"))["id"] == role_id
    assert await _default_roles(env, "OtherRealm") == ["default-roles-myrealm"]
    assert (await _call(env, "GET", "/OtherRealm"))["defaultRole"]["id"] == role_id
    user_id = await _new_user(env, "OtherRealm", "newbie")
    assert "default-roles-myrealm" in await _realm_roles_of(env, "OtherRealm", user_id)
    await _assert_offline_through_default_role(env, "OtherRealm", "newbie")
    # a role made later under the new realm's pattern is an ordinary one
    await _call(env, "POST", "/OtherRealm/roles", {"name": "default-roles-otherrealm"})
    assert (await _call(env, "GET", "/OtherRealm"))["defaultRole"]["id"] == role_id


async def test_an_older_doorkeeps_exact_case_default_role_is_still_the_default_role(env: Env) -> None:
    await _call(env, "POST", "", {"realm": "Legacy", "enabled": True})
    async with env.db.transaction() as tx:  # as a Doorkeep before session 64 stored it
        realm = await tx.realms.get_by_name("Legacy")
        assert realm is not None
        role = await tx.roles.get_realm_role(realm.id, "default-roles-legacy")
        assert role is not None
        await tx.roles.update(dataclasses.replace(role, name="default-roles-Legacy"))
    assert (await _call(env, "GET", "/Legacy"))["defaultRole"]["name"] == "default-roles-Legacy"
    user_id = await _new_user(env, "Legacy", "newbie")
    assert "default-roles-Legacy" in await _realm_roles_of(env, "Legacy", user_id)
    await _assert_offline_through_default_role(env, "Legacy", "newbie")
    response = await env.http.delete(f"{REALMS}/Legacy/roles/default-roles-Legacy", headers=await env.admin_headers())
    assert response.status_code == 400, response.text
    exported = await _call(env, "POST", "/Legacy/partial-export")
    assert exported["defaultRole"]["id"] == role.id
    # a realm rename leaves it as it is, still the default role
    await _call(env, "PUT", "/Legacy", {"realm": "Renamed"})
    assert (await _call(env, "GET", "/Renamed"))["defaultRole"]["id"] == role.id
    assert "default-roles-Legacy" in await _realm_roles_of(env, "Renamed", await _new_user(env, "Renamed", "later"))
