"""Keycloak's MultipleRealmsTest (testsuite .../model/MultipleRealmsTest.java), ported through the Admin REST API
and the token endpoint: two realms holding objects of the same names (createObjects) stay apart. Users of the same
name keep their own passwords and are searched and removed realm by realm; an id of one realm's client or role
names nothing in the other.

``credentialManager().isValid`` becomes a password grant at each realm's ``admin-cli``; the users are given the
e-mail and names Keycloak 26's default user profile asks for, else the grant would answer "Account is not fully
set up" whatever the password. The realms' ids are Keycloak's to choose here (``POST /admin/realms`` without one),
not ``KeycloakModelUtils.generateId()``'s, and ``realms().getRealm(id)`` has no admin path, so testGetById reads
the realms by name.
"""

from __future__ import annotations

import pytest

from model_port import call, client_uuid, create, new_realm, ok, user_id, users_named
from support import password_grant
from wire_env import Env

pytestmark = pytest.mark.anyio


async def create_objects(env: Env, realm: str) -> None:
    """createObjects: clients app1, app2 and cl1, users user1 and user2, realm roles role1 and role2, app1's role
    app1Role1 and role1 in app1's scope."""
    app1 = await create(env, f"/{realm}/clients", {"clientId": "app1"})
    await create(env, f"/{realm}/clients", {"clientId": "app2"})
    for username in ("user1", "user2"):
        rep = {"username": username, "email": f"{username}@{realm}.org", "firstName": "F", "lastName": "L"}
        await create(env, f"/{realm}/users", {**rep, "enabled": True})
    for role in ("role1", "role2"):
        await create(env, f"/{realm}/roles", {"name": role})
    await create(env, f"/{realm}/clients/{app1}/roles", {"name": "app1Role1"})
    role1 = await ok(env, "GET", f"/{realm}/roles/role1")
    await ok(env, "POST", f"/{realm}/clients/{app1}/scope-mappings/realm", [role1])
    await create(env, f"/{realm}/clients", {"clientId": "cl1"})


async def two_realms(env: Env) -> None:
    await new_realm(env, "realm1")
    await new_realm(env, "realm2")
    await create_objects(env, "realm1")
    await create_objects(env, "realm2")


async def password_valid(env: Env, realm: str, password: str) -> bool:
    """A password grant of user1: 200, or Keycloak 26.6+'s 400 "Invalid user credentials"."""
    response = await password_grant(env.http, realm, "admin-cli", "user1", password, secret=None)
    if response.status_code == 200:
        return True
    assert (response.status_code, response.json()["error_description"]) == (400, "Invalid user credentials")
    return False


async def test_users(env: Env) -> None:
    """testUsers: user1 of each realm keeps its own password; searching ``user`` finds realm1's two users; once
    they are removed realm1 has none and realm2 still both; then the realms are removed."""
    await two_realms(env)
    r1user1 = await ok(env, "GET", f"/realm1/users/{await user_id(env, 'realm1', 'user1')}")
    r2user1 = await ok(env, "GET", f"/realm2/users/{await user_id(env, 'realm2', 'user1')}")
    assert r1user1["username"] == r2user1["username"]
    for realm, user, password in (("realm1", r1user1, "pass1"), ("realm2", r2user1, "pass2")):
        body = {"type": "password", "value": password, "temporary": False}
        await ok(env, "PUT", f"/{realm}/users/{user['id']}/reset-password", body)
    assert await password_valid(env, "realm1", "pass1")
    assert not await password_valid(env, "realm1", "pass2")
    assert not await password_valid(env, "realm2", "pass1")
    assert await password_valid(env, "realm2", "pass2")
    assert await users_named(env, "realm1", search="user") == {"user1", "user2"}

    await ok(env, "DELETE", f"/realm1/users/{r1user1['id']}")
    await ok(env, "DELETE", f"/realm1/users/{await user_id(env, 'realm1', 'user2')}")
    assert await users_named(env, "realm1", search="user") == set()
    assert await users_named(env, "realm2", search="user") == {"user1", "user2"}
    assert (await call(env, "GET", f"/realm2/users/{r1user1['id']}")).status_code == 404
    await ok(env, "DELETE", "/realm1")
    await ok(env, "DELETE", "/realm2")
    assert (await call(env, "GET", "/realm2")).status_code == 404


async def test_get_by_id(env: Env) -> None:
    """testGetById: each realm is found by its name with its own id; app2 and app1 exist in both, app1's id names
    nothing in realm2 and realm2's cl1 id is no clientId of realm1; a role id of one realm is no role of the
    other."""
    await two_realms(env)
    realm1, realm2 = await ok(env, "GET", "/realm1"), await ok(env, "GET", "/realm2")
    assert (realm1["realm"], realm2["realm"]) == ("realm1", "realm2") and realm1["id"] != realm2["id"]

    r1app1 = await client_uuid(env, "realm1", "app1")
    for realm, client_id in (("realm1", "app2"), ("realm2", "app1"), ("realm2", "app2")):
        assert await client_uuid(env, realm, client_id)
    assert (await ok(env, "GET", f"/realm1/clients/{r1app1}"))["clientId"] == "app1"
    assert (await call(env, "GET", f"/realm2/clients/{r1app1}")).status_code == 404
    r2cl1 = await client_uuid(env, "realm2", "cl1")
    assert (await ok(env, "GET", f"/realm2/clients/{r2cl1}"))["id"] == r2cl1
    assert await ok(env, "GET", "/realm1/clients", clientId=r2cl1) == []

    r1app1_role = await ok(env, "GET", f"/realm1/clients/{r1app1}/roles/app1Role1")
    assert (await ok(env, "GET", f"/realm1/roles-by-id/{r1app1_role['id']}"))["name"] == "app1Role1"
    assert (await call(env, "GET", f"/realm2/roles-by-id/{r1app1_role['id']}")).status_code == 404
    r2role2 = await ok(env, "GET", "/realm2/roles/role2")
    assert (await call(env, "GET", f"/realm1/roles-by-id/{r2role2['id']}")).status_code == 404
    assert (await ok(env, "GET", f"/realm2/roles-by-id/{r2role2['id']}"))["id"] == r2role2["id"]

    for realm in ("realm1", "realm2"):
        await ok(env, "DELETE", f"/{realm}/users/{await user_id(env, realm, 'user1')}")
        await ok(env, "DELETE", f"/{realm}")
