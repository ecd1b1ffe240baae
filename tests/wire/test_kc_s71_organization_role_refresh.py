"""Organization roles on refresh: a refresh maps the member's organization roles as they are at the refresh, not as
they were when the login (or an earlier refresh of the same user and scope) was made. Doorkeep keeps what a refresh
derives from the configuration and one user between refreshes (issue #8); a grant, revocation or nesting change of
an organization role must reach the next refresh of an online and of an offline token alike, as Keycloak's
OrganizationRoleMembershipMapper reads the model at every token it builds."""

from __future__ import annotations

from typing import Any

import pytest

from org_groups import member, organization
from org_invitations import ORGS
from org_role_claims import assign, grant, org_role, post, role_mapper
from support import claims, refresh
from wire_env import Env

pytestmark = pytest.mark.anyio


async def _refreshed(env: Env, token: str) -> dict[str, Any]:
    response = await refresh(env.http, "test", "app", token)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def _roles(tokens: dict[str, Any]) -> list[str]:
    found: list[str] = claims(tokens["access_token"])["organization"]["acme"]["roles"]
    return found


@pytest.mark.parametrize("scope", ["openid organization", "openid organization offline_access"])
async def test_refresh_follows_grants_revocations_and_nesting(realm: Env, scope: str) -> None:
    env = realm
    org = await organization(env, "acme")
    user = await member(env, org, "role-member", "role-member@acme.org")
    await role_mapper(env)
    tokens = await grant(env, scope)
    assert _roles(tokens) == ["default-roles-org-acme"]
    tokens = await _refreshed(env, tokens["refresh_token"])  # the same key again: what a refresh keeps is made
    assert _roles(tokens) == ["default-roles-org-acme"]

    admin, auditor = await org_role(env, org, "acme-admin"), await org_role(env, org, "acme-auditor")
    await assign(env, org, admin, user)
    tokens = await _refreshed(env, tokens["refresh_token"])
    assert _roles(tokens) == ["acme-admin", "default-roles-org-acme"]

    await post(env, f"{ORGS}/{org}/roles/{admin['id']}/composites", [auditor])
    tokens = await _refreshed(env, tokens["refresh_token"])
    assert _roles(tokens) == ["acme-admin", "acme-auditor", "default-roles-org-acme"]

    h = await env.admin_headers()
    removed = await env.http.request(
        "DELETE", f"{ORGS}/{org}/roles/{admin['id']}/users", json=[{"id": user}], headers=h
    )
    assert removed.status_code == 204, removed.text
    tokens = await _refreshed(env, tokens["refresh_token"])
    assert _roles(tokens) == ["default-roles-org-acme"]
