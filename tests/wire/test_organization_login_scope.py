"""The Organization login step steered by the ``organization`` scope and refusing non-members when its
``requiresUserMembership`` config is set (oauth/login_organization_scope.py; Keycloak 26's OrganizationAuthenticator
and OrganizationAuthenticationTest.testRequiresUserMembership). ``user1`` has the e-mail ``user1@acme.org``; the
realm's organizations are ``acme`` (acme.org) and ``beta`` (beta.org). Hostile: aliases that name nothing, odd
characters, another realm's organization, a disabled organization, an organization name that is markup. The
organization an ``organization:<alias>`` scope names offers its providers on the first page."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from browser_flow import start
from flow_builder import admin
from organization_login_support import (
    NOT_MEMBER,
    NOT_MEMBER_OF_ANY,
    REALM,
    join,
    members_only,
    refused,
    signed_in,
    two_organizations,
    typed,
)
from wire_env import Env

pytestmark = pytest.mark.anyio


async def test_a_user_of_the_domain_who_is_not_a_member_is_refused_with_the_organization_s_name(realm: Env) -> None:
    """testRequiresUserMembership, first step: the organization resolved by the e-mail's domain."""
    await two_organizations(realm)
    await members_only(realm)
    assert refused(await typed(realm.http), NOT_MEMBER.format("acme"))


async def test_a_member_passes_to_the_password_page_and_signs_in(realm: Env) -> None:
    ids = await two_organizations(realm)
    await members_only(realm)
    await join(realm, ids["acme"])
    signed = await signed_in(realm.http, await typed(realm.http, scope="openid organization"))
    assert signed["organization"] == ["acme"]


async def test_the_scope_s_organization_refuses_a_member_of_another(realm: Env) -> None:
    """testRequiresUserMembership: ``organization:<alias>`` names the organization the user must belong to."""
    ids = await two_organizations(realm)
    await members_only(realm)
    await join(realm, ids["acme"])
    assert refused(await typed(realm.http, scope="openid organization:beta"), NOT_MEMBER.format("beta"))


async def test_every_organization_asked_for_a_user_of_none_is_refused(realm: Env) -> None:
    """testRequiresUserMembership: ``organization:*`` and a user of no organization."""
    await two_organizations(realm)
    await members_only(realm)
    assert refused(await typed(realm.http, scope="openid organization:*"), NOT_MEMBER_OF_ANY)


def _invalid_scope(answer: httpx.Response, scope: str) -> bool:
    """The authorization request refused before any page: back to the client with ``invalid_scope``."""
    if answer.status_code != 302:
        return False
    query = parse_qs(urlsplit(answer.headers["location"]).query)
    return query.get("error") == ["invalid_scope"] and query.get("error_description") == [f"Invalid scopes: {scope}"]


@pytest.mark.parametrize("alias", ["nope", "ACME", "acme%20", "acme/../beta", "*acme", "<b>x</b>", "gamma"])
async def test_an_alias_naming_no_organization_of_the_realm_is_an_invalid_scope(realm: Env, alias: str) -> None:
    """An alias of no organization here (another case, odd characters, another realm's ``gamma``): OrganizationScope
    resolves none, so TokenManager.isValidScope refuses the request before the login page (invalid_scope, as the
    token endpoint does in OrganizationOIDCProtocolMapperTest#testMultipleOrganizationScopes); never a 500 nor the
    markup echoed. It read "not a member of any organization" on the login page before."""
    ids = await two_organizations(realm)
    await admin(realm, "POST", "/admin/realms", {"realm": "other", "enabled": True, "organizationsEnabled": True}, 201)
    await admin(realm, "POST", "/admin/realms/other/organizations", {"name": "gamma", "domains": []}, 201)
    await members_only(realm)
    await join(realm, ids["acme"])
    answer = await start(realm.http, "test", "app", scope=f"openid organization:{alias}")
    assert _invalid_scope(answer, f"openid organization:{alias}") and "<b>x</b>" not in answer.text


async def test_a_disabled_organization_named_by_the_scope_is_an_invalid_scope(realm: Env) -> None:
    """OrganizationScope resolves enabled organizations only: a member of disabled ``beta`` asking for it is
    refused as for an alias of no organization."""
    ids = await two_organizations(realm)
    await join(realm, ids["beta"])
    beta = (await admin(realm, "GET", f"{REALM}/organizations/{ids['beta']}", status=200)).json()
    await admin(realm, "PUT", f"{REALM}/organizations/{ids['beta']}", {**beta, "enabled": False}, 204)
    await members_only(realm)
    answer = await start(realm.http, "test", "app", scope="openid organization:beta")
    assert _invalid_scope(answer, "openid organization:beta")


async def test_the_organization_s_name_on_the_error_page_is_text(realm: Env) -> None:
    await two_organizations(realm, acme={"name": "<i>Acme & Co</i>"})
    await members_only(realm)
    answer = await typed(realm.http)
    assert refused(answer, NOT_MEMBER.format("&lt;i&gt;Acme &amp; Co&lt;/i&gt;")) and "<i>Acme" not in answer.text


@pytest.mark.parametrize("value", ["false", "False", "yes", ""])
async def test_without_the_config_a_non_member_signs_in_and_the_scope_maps_nothing(realm: Env, value: str) -> None:
    """Only ``true`` (Boolean.parseBoolean) requires membership; otherwise the step passes the user on, and the
    token's ``organization:beta`` maps no organization the user is not in."""
    ids = await two_organizations(realm)
    await join(realm, ids["acme"])
    await members_only(realm, value)
    signed = await signed_in(realm.http, await typed(realm.http, scope="openid organization:beta"))
    assert "organization" not in signed


async def test_the_scope_picks_the_organization_of_a_user_of_several(realm: Env) -> None:
    """With ``organization:beta`` a member of both is checked against beta, and beta alone is in the token."""
    ids = await two_organizations(realm)
    await join(realm, ids["acme"])
    await join(realm, ids["beta"])
    await members_only(realm)
    signed = await signed_in(realm.http, await typed(realm.http, scope="openid organization:beta"))
    assert signed["organization"] == ["beta"]


async def test_a_member_of_several_asking_for_any_organization_picks_one_before_the_check(realm: Env) -> None:
    """``organization`` and a user of two organizations, neither MANAGED nor of a domain other than acme's: Keycloak
    asks which one (select-organization.ftl) before checking membership, so neither refusal shows
    (tests/wire/test_organization_select.py follows the pick)."""
    ids = await two_organizations(realm)
    await join(realm, ids["beta"])
    await join(realm, ids["acme"])
    await members_only(realm)
    page = await typed(realm.http, "user1", scope="openid organization")
    assert page.status_code == 200 and 'name="kc.org"' in page.text and "not a member" not in page.text


async def _providers(env: Env, ids: dict[str, str]) -> None:
    """``realm-idp`` of the realm alone; ``acme-idp`` and hidden ``acme-hidden`` of acme; ``beta-idp``, disabled."""
    config = {"clientId": "c", "clientSecret": "s", "authorizationUrl": "https://idp.example/auth"}
    for alias, org, extra in (
        ("realm-idp", None, {}),
        ("acme-idp", "acme", {}),
        ("acme-hidden", "acme", {"hideOnLogin": True}),
        ("beta-idp", "beta", {"enabled": False}),
    ):
        body = {"alias": alias, "providerId": "oidc", "config": config, **extra}
        await admin(env, "POST", f"{REALM}/identity-provider/instances", body, 201)
        if org is not None:
            linked = await env.http.post(
                f"{REALM}/organizations/{ids[org]}/identity-providers", content=alias, headers=await env.admin_headers()
            )
            assert linked.status_code == 204, linked.text


def _buttons(page: str) -> list[str]:
    return sorted(re.findall(r'id="social-([^"]+)"', page))


@pytest.mark.parametrize(
    ("scope", "shown"),
    [
        ("openid organization:acme", ["acme-idp"]),  # the organization's public providers alone
        ("openid organization:beta", ["realm-idp"]),  # none of beta's usable: the realm's own
        ("openid organization:*", ["realm-idp"]),
        ("openid organization", ["realm-idp"]),
        ("openid", ["realm-idp"]),
    ],
)
async def test_the_organization_the_scope_names_offers_its_providers_before_a_name_is_typed(
    realm: Env, scope: str, shown: list[str]
) -> None:
    """OrganizationAuthenticator.authenticate: ``organization:<alias>`` resolves its organization with no user, and
    unknownUserChallenge draws the username page with the organization's public providers, without the
    registration link (OrganizationAwareRealmBean) while it has any."""
    ids = await two_organizations(realm)
    await _providers(realm, ids)
    await admin(realm, "PUT", REALM, {"registrationAllowed": True}, 204)
    page = await start(realm.http, "test", "app", scope=scope)
    assert page.status_code == 200 and 'name="username"' in page.text and 'name="password"' not in page.text
    assert _buttons(page.text) == shown
    assert ("/login-actions/registration" in page.text) == (shown == ["realm-idp"])


async def test_a_disabled_organization_named_by_the_scope_shows_no_page_of_its_own(realm: Env) -> None:
    """The organization's providers are not offered: the request is refused before any page, as an alias of no
    organization is (test_an_alias_naming_no_organization_of_the_realm_is_an_invalid_scope, ``ACME`` among them)."""
    ids = await two_organizations(realm)
    await _providers(realm, ids)
    acme = (await admin(realm, "GET", f"{REALM}/organizations/{ids['acme']}", status=200)).json()
    await admin(realm, "PUT", f"{REALM}/organizations/{ids['acme']}", {**acme, "enabled": False}, 204)
    page = await start(realm.http, "test", "app", scope="openid organization:acme")
    assert _invalid_scope(page, "openid organization:acme") and "acme-idp" not in page.text
