"""Keycloak's OrganizationAdminPermissionsTest (organization/authz/): a realm administrator holding manage-realm,
manage-identity-providers and manage-users may work on organizations, their providers and members; a user of
the realm without administration roles gets 403 on each, even for an organization that does not exist."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from admin_support import realm_admin
from wire_env import Env

pytestmark = pytest.mark.anyio
ORGS = "/admin/realms/test/organizations"


async def _call(env: Env, headers: dict[str, str], method: str, path: str, **kw: Any) -> httpx.Response:
    return await env.http.request(method, path, headers=headers, **kw)


async def test_manage_realm_role(realm: Env) -> None:
    env = realm
    admin = await realm_admin(env, "realmAdmin", "manage-realm", "manage-identity-providers", "manage-users")
    user = await realm_admin(env, "test-user@localhost")
    on = await env.http.put(
        "/admin/realms/test", json={"organizationsEnabled": True}, headers=await env.admin_headers()
    )
    assert on.status_code == 204, on.text

    rep = {"name": "testOrg", "domains": [{"name": "testorg.org"}]}
    assert (await _call(env, user, "POST", ORGS, json=rep)).status_code == 403
    made = await _call(env, admin, "POST", ORGS, json=rep)
    assert made.status_code == 201, made.text
    org = f"{ORGS}/{made.headers['location'].rsplit('/', 1)[1]}"
    assert (await _call(env, user, "GET", ORGS, params={"search": "testorg.org"})).status_code == 403
    assert (await _call(env, admin, "GET", ORGS, params={"search": "testorg.org"})).status_code == 200
    assert (await _call(env, user, "GET", org)).status_code == 403
    assert (await _call(env, admin, "GET", org)).status_code == 200
    assert (await _call(env, user, "PUT", org, json=rep)).status_code == 403
    assert (await _call(env, user, "DELETE", org)).status_code == 403

    idp = {"alias": "dummy", "providerId": "oidc"}
    created = await _call(env, admin, "POST", "/admin/realms/test/identity-provider/instances", json=idp)
    assert created.status_code == 201, created.text
    linked = f"{org}/identity-providers"
    assert (await _call(env, user, "POST", linked, content="dummy")).status_code == 403
    added = await _call(env, admin, "POST", linked, content="dummy")
    assert added.status_code == 204, added.text
    assert (await _call(env, user, "GET", f"{ORGS}/non-existing/identity-providers/dummy")).status_code == 403
    assert (await _call(env, user, "GET", f"{linked}/dummy")).status_code == 403
    assert (await _call(env, admin, "GET", f"{linked}/dummy")).status_code == 200
    assert (await _call(env, user, "DELETE", f"{linked}/dummy")).status_code == 403

    body = {"username": "user@testorg.org", "email": "user@testorg.org"}
    new_user = await _call(env, admin, "POST", "/admin/realms/test/users", json=body)
    assert new_user.status_code == 201, new_user.text
    user_id = new_user.headers["location"].rsplit("/", 1)[1]
    members = f"{org}/members"
    assert (await _call(env, user, "POST", members, content=user_id)).status_code == 403
    member = await _call(env, admin, "POST", members, content=user_id)
    assert member.status_code == 201, member.text
    assert member.headers["location"].rsplit("/", 1)[1] == user_id
    paged = {"first": -1, "max": -1}
    assert (await _call(env, user, "GET", f"{ORGS}/non-existing/members", params=paged)).status_code == 403
    assert (await _call(env, user, "GET", members, params=paged)).status_code == 403
    assert (await _call(env, admin, "GET", members, params=paged)).status_code == 200
    assert (await _call(env, user, "GET", f"{members}/{user_id}")).status_code == 403
    assert (await _call(env, admin, "GET", f"{members}/{user_id}")).status_code == 200
    assert (await _call(env, user, "DELETE", f"{members}/{user_id}")).status_code == 403
