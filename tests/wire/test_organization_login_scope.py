"""The Organization login step steered by the ``organization`` scope and refusing non-members when its
``requiresUserMembership`` config is set (oauth/login_organization_scope.py; Keycloak 26's OrganizationAuthenticator
and OrganizationAuthenticationTest.testRequiresUserMembership). ``user1`` has the e-mail ``user1@acme.org``; the
realm's organizations are ``acme`` (acme.org) and ``beta`` (beta.org). Hostile: aliases that name nothing, odd
characters, another realm's organization, a disabled organization, an organization name that is markup."""

from __future__ import annotations

import html
import re
from typing import Any

import httpx
import pytest

from admin_support import client_uuid
from browser_flow import REDIRECT, code_from, exchange, start, submit
from flow_builder import AUTH, admin, executions
from support import claims
from wire_env import Env

pytestmark = pytest.mark.anyio
REALM = "/admin/realms/test"
NOT_MEMBER = "User is not a member of the organization {}"
NOT_MEMBER_OF_ANY = "User is not a member of any organization"


async def _organizations(env: Env, *, acme: dict[str, Any] | None = None) -> dict[str, str]:
    """Organizations on, ``acme`` and ``beta``, user1's e-mail in acme's domain: their ids by alias."""
    await admin(env, "PUT", REALM, {"organizationsEnabled": True}, 204)
    [user1] = (await admin(env, "GET", f"{REALM}/users?username=user1&exact=true", status=200)).json()
    await admin(env, "PUT", f"{REALM}/users/{user1['id']}", {"email": "user1@acme.org"}, 204)
    app = await client_uuid(env, "test", "app")
    rep = (await admin(env, "GET", f"{REALM}/clients/{app}", status=200)).json()
    await admin(env, "PUT", f"{REALM}/clients/{app}", {**rep, "redirectUris": [REDIRECT]}, 204)
    ids = {}
    for alias, rep in (("acme", acme or {}), ("beta", {})):
        body = {"name": alias, "alias": alias, "domains": [{"name": f"{alias}.org"}], **rep}
        made = await admin(env, "POST", f"{REALM}/organizations", body, 201)
        ids[alias] = made.headers["location"].rsplit("/", 1)[1]
    return ids


async def _join(env: Env, org: str, username: str = "user1") -> None:
    [user] = (await admin(env, "GET", f"{REALM}/users?username={username}&exact=true", status=200)).json()
    answer = await env.http.post(
        f"{REALM}/organizations/{org}/members", content=user["id"], headers=await env.admin_headers()
    )
    assert answer.status_code == 201, answer.text


async def _members_only(env: Env, value: str = "true") -> None:
    """The built-in browser flow's organization step configured with ``requiresUserMembership``."""
    [step] = [e for e in await executions(env, "browser") if e.get("providerId") == "organization"]
    body = {"alias": "org-members-only", "config": {"requiresUserMembership": value}}
    await admin(env, "POST", f"{AUTH}/executions/{step['id']}/config", body, 201)


async def _typed(http: httpx.AsyncClient, username: str = "user1@acme.org", **params: str) -> httpx.Response:
    page = await start(http, "test", "app", **params)
    assert page.status_code == 200 and 'name="password"' not in page.text, page.text[:500]
    return await submit(http, page, username=username)


def _refused(answer: httpx.Response, text: str) -> bool:
    return answer.status_code == 403 and text in answer.text and 'name="password"' not in answer.text


async def _signed_in(http: httpx.AsyncClient, page: httpx.Response) -> dict[str, Any]:
    """The password page filled in: the access token's claims."""
    assert page.status_code == 200 and 'name="password"' in page.text, page.text[:500]
    typed = re.search(r'name="username" value="([^"]*)"', page.text)  # the form's filled-in name, as sent
    named = {"username": html.unescape(typed[1])} if typed else {}
    code = code_from(await submit(http, page, password="password", **named))["code"]
    token = await exchange(http, "test", "app", code)
    assert token.status_code == 200, token.text
    return claims(token.json()["access_token"])


async def test_a_user_of_the_domain_who_is_not_a_member_is_refused_with_the_organization_s_name(realm: Env) -> None:
    """testRequiresUserMembership, first step: the organization resolved by the e-mail's domain."""
    await _organizations(realm)
    await _members_only(realm)
    assert _refused(await _typed(realm.http), NOT_MEMBER.format("acme"))


async def test_a_member_passes_to_the_password_page_and_signs_in(realm: Env) -> None:
    ids = await _organizations(realm)
    await _members_only(realm)
    await _join(realm, ids["acme"])
    signed = await _signed_in(realm.http, await _typed(realm.http, scope="openid organization"))
    assert signed["organization"] == ["acme"]


async def test_the_scope_s_organization_refuses_a_member_of_another(realm: Env) -> None:
    """testRequiresUserMembership: ``organization:<alias>`` names the organization the user must belong to."""
    ids = await _organizations(realm)
    await _members_only(realm)
    await _join(realm, ids["acme"])
    assert _refused(await _typed(realm.http, scope="openid organization:beta"), NOT_MEMBER.format("beta"))


async def test_every_organization_asked_for_a_user_of_none_is_refused(realm: Env) -> None:
    """testRequiresUserMembership: ``organization:*`` and a user of no organization."""
    await _organizations(realm)
    await _members_only(realm)
    assert _refused(await _typed(realm.http, scope="openid organization:*"), NOT_MEMBER_OF_ANY)


@pytest.mark.parametrize("alias", ["nope", "ACME", "acme%20", "acme/../beta", "*acme", "<b>x</b>", "gamma"])
async def test_an_alias_naming_no_organization_of_the_realm_is_no_membership(realm: Env, alias: str) -> None:
    """An alias of no organization here (another case, odd characters, another realm's ``gamma``): none resolved,
    "not a member of any organization", never a 500 nor the markup echoed."""
    ids = await _organizations(realm)
    await admin(realm, "POST", "/admin/realms", {"realm": "other", "enabled": True, "organizationsEnabled": True}, 201)
    await admin(realm, "POST", "/admin/realms/other/organizations", {"name": "gamma", "domains": []}, 201)
    await _members_only(realm)
    await _join(realm, ids["acme"])
    answer = await _typed(realm.http, scope=f"openid organization:{alias}")
    assert _refused(answer, NOT_MEMBER_OF_ANY) and "<b>x</b>" not in answer.text


async def test_a_disabled_organization_named_by_the_scope_maps_nothing(realm: Env) -> None:
    """OrganizationScope resolves enabled organizations only: a member of disabled ``beta`` asking for it."""
    ids = await _organizations(realm)
    await _join(realm, ids["beta"])
    beta = (await admin(realm, "GET", f"{REALM}/organizations/{ids['beta']}", status=200)).json()
    await admin(realm, "PUT", f"{REALM}/organizations/{ids['beta']}", {**beta, "enabled": False}, 204)
    await _members_only(realm)
    assert _refused(await _typed(realm.http, scope="openid organization:beta"), NOT_MEMBER_OF_ANY)


async def test_the_organization_s_name_on_the_error_page_is_text(realm: Env) -> None:
    await _organizations(realm, acme={"name": "<i>Acme & Co</i>"})
    await _members_only(realm)
    answer = await _typed(realm.http)
    assert _refused(answer, NOT_MEMBER.format("&lt;i&gt;Acme &amp; Co&lt;/i&gt;")) and "<i>Acme" not in answer.text


@pytest.mark.parametrize("value", ["false", "False", "yes", ""])
async def test_without_the_config_a_non_member_signs_in_and_the_scope_maps_nothing(realm: Env, value: str) -> None:
    """Only ``true`` (Boolean.parseBoolean) requires membership; otherwise the step passes the user on, and the
    token's ``organization:beta`` maps no organization the user is not in."""
    ids = await _organizations(realm)
    await _join(realm, ids["acme"])
    await _members_only(realm, value)
    signed = await _signed_in(realm.http, await _typed(realm.http, scope="openid organization:beta"))
    assert "organization" not in signed


async def test_the_scope_picks_the_organization_of_a_user_of_several(realm: Env) -> None:
    """With ``organization:beta`` a member of both is checked against beta, and beta alone is in the token."""
    ids = await _organizations(realm)
    await _join(realm, ids["acme"])
    await _join(realm, ids["beta"])
    await _members_only(realm)
    signed = await _signed_in(realm.http, await _typed(realm.http, scope="openid organization:beta"))
    assert signed["organization"] == ["beta"]


async def test_a_member_of_several_asking_for_any_organization_is_not_refused(realm: Env) -> None:
    """``organization`` and a user of two organizations, neither MANAGED nor of a domain other than acme's: Keycloak
    asks which one (select-organization.ftl) before checking; Doorkeep, without that page, lets the member pass,
    and the token maps none of the two (OrganizationScope.ANY with no organization chosen)."""
    ids = await _organizations(realm)
    await _join(realm, ids["beta"])
    await _join(realm, ids["acme"])
    await _members_only(realm)
    signed = await _signed_in(realm.http, await _typed(realm.http, "user1", scope="openid organization"))
    assert "organization" not in signed
