"""Keycloak's OrganizationOIDCProtocolMapperTest (tests/base organization/mapper/), the methods where a user signed in
over the SSO cookie logs in again asking for an organization scope. Since Keycloak 26.1 (PR #35949) the Cookie step
does not end such a login: it hands it to the Organization step (OrganizationAuthenticator.initialChallenge with the
SSO_AUTH note), which asks a member of several organizations who asks for ``organization`` (ANY) to pick one again
(select-organization.ftl) and then ends the login without a password; any other scope, or a member of one or of none,
ends it at once. The pick is the new ``kc.org`` client note, so the token names the organization picked this time.
``user1`` (``user1@acme.org``) is in ``acme`` and ``beta`` unless a test says otherwise; ``app2`` is a copy of ``app``.
"""

from __future__ import annotations

import re
from typing import Any

import httpx
import pytest

from admin_support import client_uuid
from browser_flow import REDIRECT, code_from, exchange, start, submit
from flow_builder import admin
from organization_login_support import (
    REALM,
    join,
    member_of_both,
    members_only,
    refused,
    token_response,
    two_organizations,
    typed,
)
from support import claims, refresh
from wire_env import Env

pytestmark = pytest.mark.anyio
ANY = "openid organization"


def _offered(page: httpx.Response) -> list[str]:
    """The aliases select-organization.ftl offers (none: not that page)."""
    assert page.status_code == 200, (page.status_code, page.headers.get("location"), page.text[:300])
    assert 'name="password"' not in page.text, "the password page, where the organization page was due"
    return sorted(re.findall(r'id="organization-([^"]*)"', page.text))


async def _tokens(http: httpx.AsyncClient, answer: httpx.Response, client_id: str = "app") -> dict[str, Any]:
    """The login's redirect with the code (no page in between), exchanged."""
    token = await exchange(http, "test", client_id, code_from(answer)["code"])
    assert token.status_code == 200, token.text
    body: dict[str, Any] = token.json()
    return body


async def _picked_first(env: Env, alias: str, scope: str = ANY) -> None:
    """The first login: the organization step's pages, ``alias`` picked when the scope is ANY."""
    page = await typed(env.http, "user1", scope=scope)
    if scope == ANY:
        page = await submit(env.http, page, **{"kc.org": alias})
    assert claims((await token_response(env.http, page))["access_token"])["organization"] == [alias]


async def _app2(env: Env) -> None:
    """A copy of ``app`` under the client id ``app2`` (its scopes, secret and redirect URI)."""
    rep = (await admin(env, "GET", f"{REALM}/clients/{await client_uuid(env, 'test', 'app')}", status=200)).json()
    rep = {k: v for k, v in rep.items() if k not in ("id", "protocolMappers")}
    await admin(env, "POST", f"{REALM}/clients", {**rep, "clientId": "app2", "redirectUris": [REDIRECT]}, 201)


async def test_select_different_organization_when_re_authenticating(realm: Env) -> None:
    """OrganizationOIDCProtocolMapperTest#testSelectDifferentOrganizationWhenReAuthenticating."""
    await member_of_both(realm)
    await _picked_first(realm, "acme")
    page = await start(realm.http, "test", "app", scope=ANY)
    assert _offered(page) == ["acme", "beta"]
    tokens = await _tokens(realm.http, await submit(realm.http, page, **{"kc.org": "beta"}))
    assert "organization" in tokens["scope"].split()
    assert claims(tokens["access_token"])["organization"] == ["beta"]


async def test_select_organization_map_different_organization_when_re_authenticating(realm: Env) -> None:
    """OrganizationOIDCProtocolMapperTest#testSelectOrganizationMapDifferentOrganizationWhenReAuthenticating: a pick,
    then an SSO login naming the other organization gets it at once."""
    await member_of_both(realm)
    await _picked_first(realm, "acme")
    tokens = await _tokens(realm.http, await start(realm.http, "test", "app", scope="openid organization:beta"))
    assert "organization:beta" in tokens["scope"].split()
    assert claims(tokens["access_token"])["organization"] == ["beta"]


async def test_map_different_organization_when_re_authenticating(realm: Env) -> None:
    """OrganizationOIDCProtocolMapperTest#testMapDifferentOrganizationWhenReAuthenticating."""
    await member_of_both(realm)
    await _picked_first(realm, "acme", scope="openid organization:acme")
    tokens = await _tokens(realm.http, await start(realm.http, "test", "app", scope="openid organization:beta"))
    assert "organization:beta" in tokens["scope"].split()
    assert claims(tokens["access_token"])["organization"] == ["beta"]


async def test_force_selecting_organization_when_re_authenticating_using_different_client(realm: Env) -> None:
    """OrganizationOIDCProtocolMapperTest#testForceSelectingOrganizationWhenReAuthenticatingUsingDifferentClient."""
    await member_of_both(realm)
    await _app2(realm)
    await _picked_first(realm, "acme", scope="openid organization:acme")
    page = await start(realm.http, "test", "app2", scope=ANY)
    assert _offered(page) == ["acme", "beta"]
    tokens = await _tokens(realm.http, await submit(realm.http, page, **{"kc.org": "beta"}), "app2")
    assert claims(tokens["access_token"])["organization"] == ["beta"]


@pytest.mark.parametrize("member", [True, False], ids=["member_of_one", "member_of_none"])
async def test_re_authentication_of_a_member_of_one_or_none_using_different_client(realm: Env, member: bool) -> None:
    """OrganizationOIDCProtocolMapperTest#testReAuthenticationUserMemberOfSingleOrganizationUsingDifferentClient and
    #testReAuthenticationUserNotMemberOfOrganizationUsingDifferentClient: every SSO login ends at once."""
    ids = await two_organizations(realm)
    if member:
        await join(realm, ids["acme"])
    await _app2(realm)
    await token_response(realm.http, await typed(realm.http, "user1"))
    for scope in ("openid", ANY, "openid organization:acme", "openid organization:*"):
        answer = await start(realm.http, "test", "app2", scope=scope)
        tokens = await _tokens(realm.http, answer, "app2")
        assert ("organization" in claims(tokens["access_token"])) == (member and scope != "openid"), scope


async def test_do_not_ask_to_select_organization_if_organization_scope_not_present(realm: Env) -> None:
    """OrganizationOIDCProtocolMapperTest#testDoNotAskToSelectOrganizationIfOrganizationScopeNotPresent."""
    await member_of_both(realm)
    await _picked_first(realm, "acme")
    tokens = await _tokens(realm.http, await start(realm.http, "test", "app", scope="openid"))
    assert not any(s.startswith("organization") for s in tokens["scope"].split())
    assert "organization" not in claims(tokens["access_token"])


async def test_a_member_of_several_asking_for_all_is_not_asked_again(realm: Env) -> None:
    """initialChallenge over the SSO cookie: only ANY asks; ``organization:*`` maps both at once."""
    await member_of_both(realm)
    await _picked_first(realm, "acme")
    tokens = await _tokens(realm.http, await start(realm.http, "test", "app", scope="openid organization:*"))
    assert sorted(claims(tokens["access_token"])["organization"]) == ["acme", "beta"]


async def test_prompt_none_over_the_cookie_of_a_member_of_several_asking_for_any_is_login_required(
    realm: Env,
) -> None:
    """The organization page is a challenge: a passive login (``prompt=none``) gets ``login_required``
    (AuthenticationProcessor's PASSIVE_LOGIN_REQUIRED); ``organization:*`` still signs in silently."""
    await member_of_both(realm)
    await _picked_first(realm, "acme")
    answer = await start(realm.http, "test", "app", scope=ANY, prompt="none")
    assert code_from(answer).get("error") == "login_required"
    assert "code" in code_from(await start(realm.http, "test", "app", scope="openid organization:*", prompt="none"))


@pytest.mark.parametrize("picked", ["nowhere", ""])
async def test_a_pick_of_no_organization_over_the_cookie_shows_the_page_again(realm: Env, picked: str) -> None:
    """An alias of none of the realm's organizations: shouldUserSelectOrganization again, never the password page."""
    await member_of_both(realm)
    await _picked_first(realm, "acme")
    page = await start(realm.http, "test", "app", scope=ANY)
    again = await submit(realm.http, page, **{"kc.org": picked})
    assert _offered(again) == ["acme", "beta"]
    tokens = await _tokens(realm.http, await submit(realm.http, again, **{"kc.org": "beta"}))
    assert claims(tokens["access_token"])["organization"] == ["beta"]


async def test_a_forged_pick_over_the_cookie_of_an_organization_the_user_left_maps_nothing(realm: Env) -> None:
    """An organization of the realm the user is not in (left since the page was drawn): the login ends, as Keycloak's
    (its membership is not required), and the claim names nothing (the mapper keeps members only)."""
    ids = await member_of_both(realm)
    third = await realm.http.post(
        f"{REALM}/organizations",
        json={"name": "gamma", "alias": "gamma", "domains": [{"name": "gamma.org"}]},
        headers=await realm.admin_headers(),
    )
    assert third.status_code == 201 and ids
    await _picked_first(realm, "acme")
    page = await start(realm.http, "test", "app", scope=ANY)
    tokens = await _tokens(realm.http, await submit(realm.http, page, **{"kc.org": "gamma"}))
    assert "organization" not in claims(tokens["access_token"])


async def test_multiple_tabs_tracking_different_organization_selection_hold_across_token_refresh(realm: Env) -> None:
    """OrganizationOIDCProtocolMapperTest#testMultipleTabsTrackingDifferentOrganizationSelectionHoldAcrossTokenRefresh:
    two logins of one browser (one user session, one client session) pick differently; each refresh token keeps
    its own login's pick (its ``organization`` claim, OrganizationTokenPostProcessor), not the client session's
    latest."""
    await member_of_both(realm)
    first = await typed(realm.http, "user1", scope=ANY)
    tab1 = await token_response(realm.http, await submit(realm.http, first, **{"kc.org": "acme"}))
    page = await start(realm.http, "test", "app", scope=ANY)
    tab2 = await _tokens(realm.http, await submit(realm.http, page, **{"kc.org": "beta"}))
    assert claims(tab1["access_token"])["sid"] == claims(tab2["access_token"])["sid"]
    for tokens, alias in ((tab1, "acme"), (tab2, "beta")):
        again = await refresh(realm.http, "test", "app", tokens["refresh_token"])
        assert again.status_code == 200, again.text
        assert claims(again.json()["access_token"])["organization"] == [alias]
        assert claims(again.json()["refresh_token"])["organization"] == alias


async def test_multiple_tabs_with_mixed_scope_formats(realm: Env) -> None:
    """OrganizationOIDCProtocolMapperTest#testMultipleTabsWithMixedScopeFormats, its first steps: a login asking for
    ``organization:*`` then one of the same browser asking for ``organization`` (the pick: beta); each refresh keeps
    its own login's organizations, and the second one asking for ``organization:acme`` is granted no organization."""
    await member_of_both(realm)
    first = await typed(realm.http, "user1", scope="openid organization:*")
    tab1 = await token_response(realm.http, first)
    assert sorted(claims(tab1["access_token"])["organization"]) == ["acme", "beta"]
    page = await start(realm.http, "test", "app", scope=ANY)
    tab2 = await _tokens(realm.http, await submit(realm.http, page, **{"kc.org": "beta"}))
    assert claims(tab2["access_token"])["organization"] == ["beta"]
    again = await refresh(realm.http, "test", "app", tab1["refresh_token"])
    assert "organization:*" in again.json()["scope"].split()
    assert sorted(claims(again.json()["access_token"])["organization"]) == ["acme", "beta"]
    again = await refresh(realm.http, "test", "app", tab2["refresh_token"])
    assert claims(again.json()["access_token"])["organization"] == ["beta"]
    other = await refresh(realm.http, "test", "app", tab2["refresh_token"], scope="organization:acme")
    assert other.status_code == 200, other.text
    assert not any(s.startswith("organization") for s in other.json()["scope"].split())
    assert "organization" not in claims(other.json()["access_token"])


async def test_over_the_cookie_a_members_only_step_refuses_an_organization_the_user_is_not_in(realm: Env) -> None:
    """OrganizationAuthenticator.action over the SSO cookie: with ``requiresUserMembership``, a login naming
    ``organization:beta`` by a member of acme only is the 403 page (isMembershipRequired), not a code; naming acme, or
    asking for every organization, ends at once; ``prompt=none`` gets ``login_required``."""
    ids = await two_organizations(realm)
    await join(realm, ids["acme"])
    await members_only(realm)
    await token_response(realm.http, await typed(realm.http, "user1", scope="openid organization:acme"))
    answer = await start(realm.http, "test", "app", scope="openid organization:beta")
    assert refused(answer, "User is not a member of the organization beta"), answer.text[:300]
    passive = await start(realm.http, "test", "app", scope="openid organization:beta", prompt="none")
    assert code_from(passive).get("error") == "login_required"
    for scope in ("openid organization:acme", "openid organization:*", ANY):
        tokens = await _tokens(realm.http, await start(realm.http, "test", "app", scope=scope))
        assert claims(tokens["access_token"])["organization"] == ["acme"], scope
