"""Keycloak's new-framework RealmRolesUserTest#testUsersInRoleRespectsUserProfileAttributePermissions
(tests/base/.../tests/admin/realm/): ``GET roles/{name}/users`` answers each member as the user profile lets an
administrator see them, so attributes only the user may view (here ``email`` and ``firstName``) are left out of
the full and the brief representations alike, and no profile metadata comes with them
(RoleContainerResource.getUsersInRole through the USER_API profile).

The class's other methods are the old RealmRolesTest's, ported in test_keycloak_realm_roles_test.py."""

from __future__ import annotations

from typing import Any

import pytest

from wire_env import Env

pytestmark = pytest.mark.anyio

REALM = "/admin/realms/test"
USERNAME = "role-profile-perm-user"


async def send(env: Env, method: str, path: str, body: Any = None, status: int = 204) -> Any:
    response = await env.http.request(method, f"{REALM}{path}", json=body, headers=await env.admin_headers())
    assert response.status_code == status, response.text
    return response.json() if response.content else None


def _user_only(config: dict[str, Any], name: str) -> None:
    """UPAttributePermissions(view = {user}, edit = {user}) on the attribute ``name``, added if missing."""
    attributes = config.setdefault("attributes", [])
    found = next((a for a in attributes if a["name"] == name), None)
    if found is None:
        found = {"name": name}
        attributes.append(found)
    found["permissions"] = {"view": ["user"], "edit": ["user"]}


async def test_users_in_role_respects_user_profile_attribute_permissions(realm: Env) -> None:
    """RealmRolesUserTest#testUsersInRoleRespectsUserProfileAttributePermissions"""
    await send(realm, "POST", "/roles", {"name": "role-with-users"}, status=201)
    config = await send(realm, "GET", "/users/profile", status=200)
    _user_only(config, "email")
    _user_only(config, "firstName")
    await send(realm, "PUT", "/users/profile", config, status=200)

    response = await realm.http.post(
        f"{REALM}/users",
        json={"username": USERNAME, "firstName": "Test", "email": f"{USERNAME}@test.com"},
        headers=await realm.admin_headers(),
    )
    assert response.status_code == 201, response.text
    user_id = response.headers["location"].rsplit("/", 1)[-1]
    role = await send(realm, "GET", "/roles/role-with-users", status=200)
    await send(realm, "POST", f"/users/{user_id}/role-mappings/realm", [role])

    for params in ({}, {"briefRepresentation": "true", "first": "0", "max": "100"}, {"briefRepresentation": "false"}):
        listed = await realm.http.get(
            f"{REALM}/roles/role-with-users/users", params=params, headers=await realm.admin_headers()
        )
        assert listed.status_code == 200, listed.text
        members = [u for u in listed.json() if u["username"] == USERNAME]
        assert len(members) == 1, params
        assert members[0].get("email") is None, params
        assert members[0].get("firstName") is None, params
        assert members[0].get("userProfileMetadata") is None, params


async def test_users_endpoints_hide_what_the_profile_hides_too(realm: Env) -> None:
    """Beyond the Java class: ``GET users/{id}`` and ``GET users`` render the user through the same USER_API
    profile (UserResource.getUser, UsersResource.toRepresentation), so an ``email`` only the user may view is
    left out there too."""
    config = await send(realm, "GET", "/users/profile", status=200)
    _user_only(config, "email")
    await send(realm, "PUT", "/users/profile", config, status=200)
    response = await realm.http.post(
        f"{REALM}/users", json={"username": USERNAME, "email": "x1@test.com"}, headers=await realm.admin_headers()
    )
    assert response.status_code == 201, response.text
    user_id = response.headers["location"].rsplit("/", 1)[-1]
    one = await send(realm, "GET", f"/users/{user_id}", status=200)
    listed = await send(realm, "GET", f"/users?username={USERNAME}", status=200)
    assert "email" not in one
    assert one["username"] == USERNAME
    assert [u.get("email") for u in listed] == [None]
    brief = await send(realm, "GET", f"/users?username={USERNAME}&briefRepresentation=true", status=200)
    assert [(u["username"], u.get("email")) for u in brief] == [(USERNAME, None)]
