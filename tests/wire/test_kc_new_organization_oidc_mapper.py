"""Keycloak's new-framework OrganizationOIDCProtocolMapperTest (tests/organization/mapper/), the methods about the
``organization`` scope's kinds in a token request and on refresh: several ``organization:<alias>`` scopes map every
one of them, kinds mixed are invalid_scope, and a refresh narrows ``organization:*`` to an alias, keeps an alias
when ``*`` is asked, drops it for another alias and refuses ANY after ALL (OrganizationScope.resolveName). The
class logs in through the browser before its refreshes; these take the first tokens from the password grant, which
grants the same scope. Both engines.

The ANY methods log in through the organization-select page; the class's other browser methods are ported in test_organization_claim.py, test_organization_select.py and
test_organization_login_scope.py (each names its Keycloak method).
"""

from __future__ import annotations

from typing import Any

import pytest

from browser_flow import submit
from org_claims import REALM
from org_claims import setup as _setup
from org_claims import tokens as _tokens
from organization_login_support import member_of_both, token_response, typed
from support import claims, password_grant, refresh
from wire_env import Env

pytestmark = pytest.mark.anyio
ANY_REFUSED = {
    "error": "ANY organization scope is not allowed in this context",
    "error_description": "For more on this error consult the server log at the debug level.",
}


def _organizations(body: dict[str, Any]) -> Any:
    return claims(body["access_token"]).get("organization")


async def _refreshed(env: Env, token: dict[str, Any], scope: str | None) -> dict[str, Any]:
    """A refresh; ``scope=None`` sends no ``scope`` (an empty one is invalid_scope, as in Keycloak)."""
    extra = {} if scope is None else {"scope": scope}
    answer = await refresh(env.http, "test", "app", token["refresh_token"], **extra)
    assert answer.status_code == 200, answer.text
    body: dict[str, Any] = answer.json()
    return body


async def test_password_grant_type(realm: Env) -> None:
    """OrganizationOIDCProtocolMapperTest#testPasswordGrantType."""
    await _setup(realm)
    body = await _tokens(realm, "openid organization:*")
    assert "organization:*" in body["scope"].split()
    assert sorted(_organizations(body)) == ["acme", "beta"]


async def test_multiple_organization_scopes(realm: Env) -> None:
    """OrganizationOIDCProtocolMapperTest#testMultipleOrganizationScopes: two aliases map both; ANY with an alias or
    with ALL, and an alias with ALL, are 400 invalid_scope."""
    await _setup(realm)
    both = await _tokens(realm, "openid organization:acme organization:beta")
    assert sorted(_organizations(both)) == ["acme", "beta"]
    assert {"organization:acme", "organization:beta"} <= set(both["scope"].split())
    for scope in (
        "openid organization organization:acme",
        "openid organization organization:*",
        "openid organization:acme organization:*",
    ):
        refused = await password_grant(realm.http, "test", "app", "user1", scope=scope)
        assert (refused.status_code, refused.json()["error"]) == (400, "invalid_scope"), scope


async def test_one_alias_of_two_the_user_is_in_maps_that_one(realm: Env) -> None:
    """Beyond the class: two aliases where the user is in one organization of them map that one alone, and an alias
    repeated maps its organization once."""
    h = await _setup(realm)
    made = await realm.http.post(f"{REALM}/organizations", json={"name": "gamma"}, headers=h)
    assert made.status_code == 201
    body = await _tokens(realm, "openid organization:acme organization:gamma organization:acme")
    assert _organizations(body) == ["acme"]


async def test_a_nonexistent_alias_is_an_invalid_scope(realm: Env) -> None:
    """OrganizationOIDCProtocolMapperTest#testMultipleOrganizationScopes, its last request: an alias of no
    organization makes the whole request invalid (OrganizationScope.toClientScope gives SINGLE no client scope when
    it resolves no organization, and TokenManager.isValidScope refuses it)."""
    await _setup(realm)
    scope = "openid organization:acme organization:x"
    refused = await password_grant(realm.http, "test", "app", "user1", scope=scope)
    assert refused.status_code == 400
    assert refused.json() == {"error": "invalid_scope", "error_description": f"Invalid scopes: {scope}"}


async def test_organization_not_added_by_group_mapper(realm: Env) -> None:
    """OrganizationOIDCProtocolMapperTest#testOrganizationNotAddedByGroupMapper: a group membership mapper on the
    client adds no organization (its internal group) to ``groups``; asked as ``organization:*`` since the user here
    is in two organizations (ANY maps none without a pick)."""
    h = await _setup(realm)
    app = (await realm.http.get(f"{REALM}/clients", params={"clientId": "app"}, headers=h)).json()[0]["id"]
    mapper = {
        "name": "groups",
        "protocol": "openid-connect",
        "protocolMapper": "oidc-group-membership-mapper",
        "config": {"claim.name": "groups", "full.path": "true", "access.token.claim": "true", "id.token.claim": "true"},
    }
    made = await realm.http.post(f"{REALM}/clients/{app}/protocol-mappers/models", json=mapper, headers=h)
    assert made.status_code == 201, made.text
    body = await _tokens(realm, "openid organization:*")
    assert "organization:*" in body["scope"].split()
    assert "organization" in claims(body["access_token"]) and "groups" not in claims(body["access_token"])


async def test_refresh_token_with_all_organizations_asking_for_specific_organization(realm: Env) -> None:
    """OrganizationOIDCProtocolMapperTest#testRefreshTokenWithAllOrganizationsAskingForSpecificOrganization:
    ALL then ``organization:acme`` on refresh is that organization alone."""
    await _setup(realm)
    first = await _tokens(realm, "openid organization:*")
    assert len(_organizations(first)) == 2
    narrowed = await _refreshed(realm, first, "organization:acme")
    assert "organization:acme" in narrowed["scope"].split()
    assert "organization:acme" in claims(narrowed["access_token"])["scope"].split()
    assert _organizations(narrowed) == ["acme"]


async def test_refresh_token_with_all_organizations_asking_for_any(realm: Env) -> None:
    """OrganizationOIDCProtocolMapperTest#testRefreshTokenWithAllOrganizationsAskingForAny: ANY after ALL is
    refused (400, the BadRequestException's message as the error), and the refresh token still works after."""
    await _setup(realm)
    first = await _tokens(realm, "openid organization:*")
    refused = await refresh(realm.http, "test", "app", first["refresh_token"], scope="organization")
    assert (refused.status_code, refused.json()) == (400, ANY_REFUSED)
    again = await _refreshed(realm, first, "openid organization:*")
    assert sorted(_organizations(again)) == ["acme", "beta"]


async def test_refresh_token_with_single_organization_asking_all_organizations(realm: Env) -> None:
    """OrganizationOIDCProtocolMapperTest#testRefreshTokenWithSingleOrganizationsAskingAllOrganizations: an alias
    stays that alias when ``*`` is asked."""
    await _setup(realm)
    first = await _tokens(realm, "openid organization:acme")
    assert _organizations(first) == ["acme"]
    kept = await _refreshed(realm, first, "organization:*")
    assert "organization:acme" in kept["scope"].split() and "organization:*" not in kept["scope"].split()
    assert _organizations(kept) == ["acme"]


async def test_refresh_token_with_single_organization_asking_different_organization(realm: Env) -> None:
    """OrganizationOIDCProtocolMapperTest#testRefreshTokenWithSingleOrganizationsAskingDifferentOrganization:
    another alias on refresh grants no organization scope and maps no claim (the user is a member of both)."""
    await _setup(realm)
    first = await _tokens(realm, "openid organization:acme")
    other = await _refreshed(realm, first, "organization:beta")
    assert not any(s.startswith("organization") for s in other["scope"].split())
    assert "organization" not in claims(other["access_token"])


async def test_password_grant_with_all_organizations_and_refresh(realm: Env) -> None:
    """OrganizationOIDCProtocolMapperTest#testPasswordGrantWithAllOrganizationsAndRefresh: two refreshes without a
    scope keep both organizations."""
    await _setup(realm)
    body = await _tokens(realm, "openid organization:*")
    for _ in range(2):
        body = await _refreshed(realm, body, None)
        assert "organization:*" in body["scope"].split() and sorted(_organizations(body)) == ["acme", "beta"]


async def _picked_beta(env: Env) -> dict[str, Any]:
    """The ANY login of a member of acme and beta who picks beta on the organization-select page."""
    await member_of_both(env)
    page = await typed(env.http, "user1", scope="openid organization")
    tokens = await token_response(env.http, await submit(env.http, page, **{"kc.org": "beta"}))
    assert "organization" in tokens["scope"].split() and _organizations(tokens) == ["beta"]
    assert "organization" in claims(tokens["refresh_token"])["scope"].split()
    return tokens


async def test_refresh_token_scope_with_organization_selection_asking_for_same_organization(realm: Env) -> None:
    """OrganizationOIDCProtocolMapperTest#testRefreshTokenScopeWithOrganizationSelectionAskingForSameOrganization:
    ANY (beta picked) then ``organization:beta`` grants no organization scope (the pick cannot be changed into an
    alias); the refresh token of that answer, asked ``*``, maps the pick again."""
    tokens = await _picked_beta(realm)
    same = await _refreshed(realm, tokens, "organization:beta")
    assert not any(s.startswith("organization") for s in same["scope"].split())
    every = await _refreshed(realm, same, "organization:*")
    assert "organization" in claims(every["access_token"])["scope"].split()
    assert _organizations(every) == ["beta"]


async def test_refresh_token_scope_with_organization_selection_asking_for_different_organization(
    realm: Env,
) -> None:
    """OrganizationOIDCProtocolMapperTest#testRefreshTokenScopeWithOrganizationSelectionAskingForDifferentOrganization."""
    tokens = await _picked_beta(realm)
    other = await _refreshed(realm, tokens, "organization:acme")
    assert not any(s.startswith("organization") for s in other["scope"].split())
    assert "organization" not in claims(other["access_token"])


async def test_refresh_token_scope_with_organization_selection_asking_for_all(realm: Env) -> None:
    """OrganizationOIDCProtocolMapperTest#testRefreshTokenScopeWithOrganizationSelectionAskingForAll: ANY stays ANY
    (the pick) when ``*`` is asked."""
    tokens = await _picked_beta(realm)
    kept = await _refreshed(realm, tokens, "organization:*")
    assert "organization:*" not in kept["scope"].split() and "organization" in kept["scope"].split()
    assert _organizations(kept) == ["beta"]
