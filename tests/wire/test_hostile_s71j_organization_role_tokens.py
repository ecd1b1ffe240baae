"""Organization roles and role-based token decisions (security review class H2, the token half): what an
organization role nests is the Organization Role Membership mapper's to show, never the token's own
``realm_access`` / ``resource_access`` nor a role-gated decision. A client without full scope, its scope mapped to
the realm and client role an organization role nests, gives a member holding only that organization role neither
role; an optional client scope whose role scope mappings name that realm role is not granted to them
(TokenManager.isClientScopePermittedForUser reads the user's own role mappings); mapping the realm role to the user
directly turns both on. Keycloak's OrganizationRoleMembershipOIDCMapperTest keeps organization roles out of
realm_access and resource_access."""

from __future__ import annotations

from typing import Any

import pytest

from org_groups import member, organization
from org_roles import CLIENTS, call, client_with_role, org_role, realm_role
from support import claims, password_grant
from wire_env import Env

pytestmark = pytest.mark.anyio
REALM = "/admin/realms/test"


async def test_scope_mappings_and_role_gated_scopes_ignore_organization_roles(realm: Env) -> None:
    env = realm
    h = await env.admin_headers()
    org = await organization(env, "token-gates")
    user = await member(env, org, "token-gates-member", "token-gates-member@token-gates.org")
    nested = await realm_role(env, "token-gates-realm-role")
    api_uuid, api_role = await client_with_role(env, "token-gates-api", "token-gates-api-role")
    role = await org_role(env, org, "token-gates-org-role")
    assert (await call(env, "POST", f"{org}/roles/{role['id']}/composites", [nested, api_role]))[0] == 204
    assert (await call(env, "POST", f"{org}/roles/{role['id']}/users", [{"id": user}]))[0] == 204
    made = await env.http.post(
        CLIENTS,
        json={
            "clientId": "token-gates-app",
            "secret": "secret",
            "directAccessGrantsEnabled": True,
            "fullScopeAllowed": False,
        },
        headers=h,
    )
    assert made.status_code == 201, made.text
    app = made.headers["location"].rsplit("/", 1)[1]
    assert (await env.http.post(f"{CLIENTS}/{app}/scope-mappings/realm", json=[nested], headers=h)).status_code == 204
    mapped = await env.http.post(f"{CLIENTS}/{app}/scope-mappings/clients/{api_uuid}", json=[api_role], headers=h)
    assert mapped.status_code == 204
    scope = await env.http.post(
        f"{REALM}/client-scopes", json={"name": "token-gates-scope", "protocol": "openid-connect"}, headers=h
    )
    scope_id = scope.headers["location"].rsplit("/", 1)[1]
    gated = await env.http.post(f"{REALM}/client-scopes/{scope_id}/scope-mappings/realm", json=[nested], headers=h)
    assert gated.status_code == 204
    assert (await env.http.put(f"{CLIENTS}/{app}/optional-client-scopes/{scope_id}", headers=h)).status_code == 204

    async def token() -> dict[str, Any]:
        got = await password_grant(env.http, "test", "token-gates-app", "token-gates-member", scope="token-gates-scope")
        assert got.status_code == 200, got.text
        return claims(got.json()["access_token"])

    held = await token()
    assert "token-gates-realm-role" not in held.get("realm_access", {}).get("roles", [])
    assert "token-gates-api" not in held.get("resource_access", {})
    assert "token-gates-scope" not in str(held["scope"]).split()
    direct = await env.http.post(f"{REALM}/users/{user}/role-mappings/realm", json=[nested], headers=h)
    assert direct.status_code == 204
    again = await token()
    assert "token-gates-realm-role" in again["realm_access"]["roles"]
    assert "token-gates-scope" in str(again["scope"]).split()
