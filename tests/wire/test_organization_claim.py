"""The ``organization`` claim (Keycloak 26's OrganizationMembershipMapper and the dynamic OrganizationScope).

Ported in part from Keycloak's OrganizationOIDCProtocolMapperTest; the Keycloak method each test follows is named
in its docstring. The scope is the realm's built-in ``organization`` client scope (an optional one, Keycloak's
OIDCLoginProtocolFactory), its mapper's configuration changed where a test says so.
"""

from __future__ import annotations

import pytest

from org_claims import REALM
from org_claims import setup as _setup
from org_claims import tokens as _tokens
from support import claims, password_grant, refresh, seed_user
from wire_env import Env

pytestmark = pytest.mark.anyio


async def test_organization_all_maps_every_organization_of_the_user(realm: Env) -> None:
    """OrganizationOIDCProtocolMapperTest.testOrganizationScopeMapsAllOrganizations."""
    env = realm
    await _setup(env)
    body = await _tokens(env, "openid organization:*")
    access, id_token = claims(body["access_token"]), claims(body["id_token"])
    assert sorted(access["organization"]) == ["acme", "beta"] and sorted(id_token["organization"]) == ["acme", "beta"]
    assert "organization:*" in body["scope"].split()
    info = await env.http.get(
        "/realms/test/protocol/openid-connect/userinfo", headers={"Authorization": f"Bearer {body['access_token']}"}
    )
    assert sorted(info.json()["organization"]) == ["acme", "beta"]
    again = await refresh(env.http, "test", "app", body["refresh_token"])
    assert again.status_code == 200, again.text
    assert sorted(claims(again.json()["access_token"])["organization"]) == ["acme", "beta"]


async def test_organization_alias_maps_that_organization_only(realm: Env) -> None:
    """OrganizationOIDCProtocolMapperTest.testOrganizationScopeMapsSpecificOrganization."""
    env = realm
    await _setup(env)
    body = await _tokens(env, "openid organization:beta")
    assert claims(body["access_token"])["organization"] == ["beta"]
    assert "organization:beta" in body["scope"].split()
    again = await refresh(env.http, "test", "app", body["refresh_token"])
    assert claims(again.json()["access_token"])["organization"] == ["beta"]
    h = await env.admin_headers()
    beta = (await env.http.get(f"{REALM}/organizations", params={"search": "beta"}, headers=h)).json()[0]["id"]
    user1 = (await env.http.get(f"{REALM}/organizations/{beta}/members", headers=h)).json()[0]["id"]
    assert (await env.http.delete(f"{REALM}/organizations/{beta}/members/{user1}", headers=h)).status_code == 204
    left = await refresh(env.http, "test", "app", again.json()["refresh_token"])
    # the refresh token names beta, the organization the scope selected: gone from the user, the refresh is refused
    # (TokenManager.validateSelectedOrganization; tests/wire/test_kc_s67k_selected_organization_refresh.py)
    assert (left.status_code, left.json()) == (
        400,
        {"error": "invalid_grant", "error_description": "Invalid organization"},
    )
    # an alias of no organization is no client scope (OrganizationScope.toClientScope): the request is invalid
    other = await password_grant(env.http, "test", "app", "user1", scope="openid organization:nobody")
    assert (other.status_code, other.json()["error"]) == (400, "invalid_scope")


async def test_plain_organization_maps_the_only_organization_of_a_user(realm: Env) -> None:
    """OrganizationOIDCProtocolMapperTest.testOrganizationScopeAnyMapsSingleOrganization: a user of several
    organizations has none mapped without choosing one at login."""
    env = realm
    h = await _setup(env)
    assert "organization" not in claims((await _tokens(env, "openid organization"))["access_token"])
    solo = await seed_user(env.db, env.clock, "test", "solo")
    orgs = (await env.http.get(f"{REALM}/organizations", params={"search": "acme"}, headers=h)).json()
    assert (
        await env.http.post(f"{REALM}/organizations/{orgs[0]['id']}/members", content=solo.id, headers=h)
    ).status_code == 201
    assert claims((await _tokens(env, "openid organization", "solo"))["access_token"])["organization"] == ["acme"]
    assert "organization" not in claims((await _tokens(env, "openid", "solo"))["access_token"])


async def test_organization_id_and_attributes_make_a_json_claim(realm: Env) -> None:
    """OrganizationOIDCProtocolMapperTest.testIncludeOrganizationAttributes, testIncludeOrganizationId."""
    env = realm
    h = await _setup(env, addOrganizationId="true", addOrganizationAttributes="true")
    body = await _tokens(env, "openid organization:acme")
    orgs = (await env.http.get(f"{REALM}/organizations", params={"search": "acme"}, headers=h)).json()
    assert claims(body["access_token"])["organization"] == {"acme": {"id": orgs[0]["id"], "tier": ["ACME"]}}


async def test_a_disabled_organization_or_realm_switch_maps_nothing(realm: Env) -> None:
    """OrganizationOIDCProtocolMapperTest.testOrganizationDisabled."""
    env = realm
    h = await _setup(env)
    orgs = (await env.http.get(f"{REALM}/organizations", params={"search": "beta"}, headers=h)).json()
    disabled = {"name": "beta", "enabled": False}
    assert (await env.http.put(f"{REALM}/organizations/{orgs[0]['id']}", json=disabled, headers=h)).status_code == 204
    assert claims((await _tokens(env, "openid organization:*"))["access_token"])["organization"] == ["acme"]
    assert (await env.http.put(REALM, json={"organizationsEnabled": False}, headers=h)).status_code == 204
    assert "organization" not in claims((await _tokens(env, "openid organization:*"))["access_token"])


async def test_an_unknown_scope_with_a_value_is_still_invalid(realm: Env) -> None:
    env = realm
    await _setup(env)
    response = await password_grant(env.http, "test", "app", scope="openid profile:x")
    assert response.status_code == 400 and response.json()["error"] == "invalid_scope"
