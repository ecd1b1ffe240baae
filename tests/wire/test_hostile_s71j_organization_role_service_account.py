"""A service account and organization roles (security review class H2): Doorkeep adds a client's service account as
a member by id like any user (Keycloak's OrganizationMemberResource.addMember has no service-account check of its
own; whether its provider refuses one was not read), so an organization role may be mapped to it; its
client_credentials token then carries neither the role nor the realm and client roles the role nests in
``realm_access`` / ``resource_access`` (what OrganizationRoleMembershipOIDCMapperTest asserts for a user holds for a
service account)."""

from __future__ import annotations

import pytest

from org_groups import organization
from org_invitations import ORGS
from org_roles import CLIENTS, call, client_with_role, org_role, realm_role
from support import claims
from wire_env import Env

pytestmark = pytest.mark.anyio


async def test_a_service_account_member_gets_nothing_in_its_token_from_an_organization_role(realm: Env) -> None:
    env = realm
    h = await env.admin_headers()
    org = await organization(env, "service-account-org")
    made = await env.http.post(
        CLIENTS,
        json={"clientId": "robot", "secret": "secret", "serviceAccountsEnabled": True, "publicClient": False},
        headers=h,
    )
    assert made.status_code == 201, made.text
    uuid = made.headers["location"].rsplit("/", 1)[1]
    robot = (await env.http.get(f"{CLIENTS}/{uuid}/service-account-user", headers=h)).json()["id"]
    joined = await env.http.post(f"{ORGS}/{org}/members", content=robot, headers=h)
    assert joined.status_code == 201, joined.text
    nested = await realm_role(env, "robot-nested-realm-role")
    _, client_role = await client_with_role(env, "robot-api", "robot-api-role")
    role = await org_role(env, org, "robot-org-role")
    assert (await call(env, "POST", f"{org}/roles/{role['id']}/composites", [nested, client_role]))[0] == 204
    assert (await call(env, "POST", f"{org}/roles/{role['id']}/users", [{"id": robot}]))[0] == 204
    got = await env.http.post(
        "/realms/test/protocol/openid-connect/token",
        data={"grant_type": "client_credentials", "client_id": "robot", "client_secret": "secret"},
    )
    assert got.status_code == 200, got.text
    access = claims(got.json()["access_token"])
    assert not {"robot-org-role", "robot-nested-realm-role"} & set(access.get("realm_access", {}).get("roles", []))
    assert "robot-api" not in access.get("resource_access", {})
