"""The organization-select page (select-organization.ftl, OrganizationAuthenticator.shouldUserSelectOrganization): a
known member of several organizations asking for the ``organization`` scope picks one (``kc.org``, the alias), and
the token's ``organization`` claim names it, on refresh and at userinfo too (OrganizationScope.ANY over the client
session's ``kc.org`` note). Hostile: a pick of an organization the user is not in, of another realm's, a disabled
one, forged values, no pick, a replayed form: Keycloak's answer, never a 500 nor a claim of a foreign organization."""

from __future__ import annotations

import re

import httpx
import pytest

from browser_flow import submit, submit_forged
from flow_builder import admin
from organization_login_support import (
    NOT_MEMBER,
    REALM,
    join,
    member_of_both,
    members_only,
    organization,
    refused,
    signed_in,
    token_response,
    two_organizations,
    typed,
)
from support import claims, refresh, update_realm
from wire_env import Env

pytestmark = pytest.mark.anyio
ANY = "openid organization"


def _select_page(page: httpx.Response) -> list[str]:
    """The aliases the select page offers (none: it is not that page)."""
    assert page.status_code == 200, page.text[:500]
    if 'name="kc.org"' not in page.text:
        return []
    assert "Select an organization to proceed:" in page.text and 'name="password"' not in page.text
    return re.findall(r'id="organization-([^"]*)"', page.text)


async def test_a_member_of_several_picks_one_and_the_token_names_it(realm: Env) -> None:
    await member_of_both(realm)
    page = await typed(realm.http, "user1", scope=ANY)
    assert sorted(_select_page(page)) == ["acme", "beta"]
    tokens = await token_response(realm.http, await submit(realm.http, page, **{"kc.org": "beta"}))
    assert claims(tokens["access_token"])["organization"] == ["beta"]
    assert claims(tokens["id_token"])["organization"] == ["beta"]
    again = await refresh(realm.http, "test", "app", tokens["refresh_token"])
    assert again.status_code == 200 and claims(again.json()["access_token"])["organization"] == ["beta"]
    bearer = {"Authorization": f"Bearer {again.json()['access_token']}"}
    info = await realm.http.get("/realms/test/protocol/openid-connect/userinfo", headers=bearer)
    assert info.status_code == 200 and info.json()["organization"] == ["beta"]


async def test_two_logins_of_one_user_keep_their_own_pick(realm: Env) -> None:
    """The pick is the client session's: a refresh of the first login still names its own organization."""
    await member_of_both(realm)
    picked = {}
    for alias in ("acme", "beta"):
        async with httpx.AsyncClient(transport=realm.http._transport, base_url=realm.http.base_url) as http:
            page = await typed(http, "user1", scope=ANY)
            picked[alias] = await token_response(http, await submit(http, page, **{"kc.org": alias}))
    for alias, tokens in picked.items():
        again = await refresh(realm.http, "test", "app", tokens["refresh_token"])
        assert claims(again.json()["access_token"])["organization"] == [alias]


async def test_a_member_of_one_organization_is_not_asked(realm: Env) -> None:
    ids = await two_organizations(realm)
    await join(realm, ids["beta"])
    assert (await signed_in(realm.http, await typed(realm.http, "user1", scope=ANY)))["organization"] == ["beta"]


@pytest.mark.parametrize("scope", ["openid", "openid organization:*", "openid organization:acme"])
async def test_only_the_any_scope_asks(realm: Env, scope: str) -> None:
    await member_of_both(realm)
    page = await typed(realm.http, "user1", scope=scope)
    assert _select_page(page) == [] and 'name="password"' in page.text


async def test_the_page_is_german_for_a_german_login(realm: Env) -> None:
    await update_realm(realm.db, "test", internationalization_enabled=True, supported_locales=("en", "de"))
    await member_of_both(realm)
    page = await typed(realm.http, "user1", scope=ANY, ui_locales="de")
    assert "Wählen Sie eine Organisation, um fortzufahren:" in page.text and 'name="kc.org"' in page.text


async def test_an_organization_the_user_is_not_in_maps_nothing(realm: Env) -> None:
    """resolveOrganization takes any organization of the realm by alias; the claim (ANY) maps only the user's."""
    ids = await member_of_both(realm)
    await organization(realm, "gamma")
    page = await typed(realm.http, "user1", scope=ANY)
    assert "organization" not in await signed_in(realm.http, await submit(realm.http, page, **{"kc.org": "gamma"}))
    assert ids  # acme and beta stay the user's


async def test_an_organization_the_user_is_not_in_is_refused_when_membership_is_required(realm: Env) -> None:
    await member_of_both(realm)
    await organization(realm, "gamma")
    await members_only(realm)
    page = await typed(realm.http, "user1", scope=ANY)
    assert refused(await submit(realm.http, page, **{"kc.org": "gamma"}), NOT_MEMBER.format("gamma"))


async def test_a_disabled_organization_of_the_user_is_listed_and_maps_nothing(realm: Env) -> None:
    ids = await member_of_both(realm)
    delta = await organization(realm, "delta")
    await join(realm, delta)
    rep = (await admin(realm, "GET", f"{REALM}/organizations/{delta}", status=200)).json()
    await admin(realm, "PUT", f"{REALM}/organizations/{delta}", {**rep, "enabled": False}, 204)
    page = await typed(realm.http, "user1", scope=ANY)
    assert sorted(_select_page(page)) == ["acme", "beta", "delta"]
    assert "organization" not in await signed_in(realm.http, await submit(realm.http, page, **{"kc.org": "delta"}))
    assert ids


@pytest.mark.parametrize("picked", ["", "ACME", "acme ", "gamma", "<b>x</b>", "*", "acme beta", None, "id"])
async def test_a_pick_of_no_organization_here_shows_the_page_again(realm: Env, picked: str | None) -> None:
    """Another realm's alias (``gamma``), another case, markup, an id instead of the alias, or no field at all:
    no organization resolved, so shouldUserSelectOrganization asks again; nothing echoed, never a 500."""
    ids = await member_of_both(realm)
    await admin(realm, "POST", "/admin/realms", {"realm": "other", "enabled": True, "organizationsEnabled": True}, 201)
    await organization(realm, "gamma", "/admin/realms/other")
    page = await typed(realm.http, "user1", scope=ANY)
    fields = {} if picked is None else {"kc.org": ids["acme"] if picked == "id" else picked}
    again = await submit(realm.http, page, **fields)
    assert sorted(_select_page(again)) == ["acme", "beta"] and "<b>x</b>" not in again.text
    signed = await signed_in(realm.http, await submit(realm.http, again, **{"kc.org": "acme"}))
    assert signed["organization"] == ["acme"]


async def test_a_replayed_pick_changes_nothing(realm: Env) -> None:
    """The select form posted again after its pick (its spent session code): SessionCodeChecks, not a second pick."""
    await member_of_both(realm)
    page = await typed(realm.http, "user1", scope=ANY)
    password_page = await submit(realm.http, page, **{"kc.org": "acme"})
    replayed = await submit(realm.http, page, **{"kc.org": "beta"})
    assert replayed.status_code in (200, 400) and "location" not in replayed.headers
    assert 'name="kc.org"' not in replayed.text
    assert (await signed_in(realm.http, password_page))["organization"] == ["acme"]


async def test_a_forged_session_code_picks_nothing(realm: Env) -> None:
    """SessionCodeChecks: a form of another code leads back to the page the tab waits on, the pick not taken."""
    await member_of_both(realm)
    page = await typed(realm.http, "user1", scope=ANY)
    forged = await submit_forged(realm.http, page, "forged-code", **{"kc.org": "beta"})
    assert forged.status_code == 302 and "/login-actions/" in forged.headers["location"], forged.headers
    shown = await realm.http.get(forged.headers["location"])
    assert sorted(_select_page(shown)) == ["acme", "beta"]
    signed = await signed_in(realm.http, await submit(realm.http, shown, **{"kc.org": "acme"}))
    assert signed["organization"] == ["acme"]


async def test_an_organization_name_that_is_markup_is_shown_as_text(realm: Env) -> None:
    ids = await two_organizations(realm, acme={"name": "<i>Acme & Co</i>"})
    await join(realm, ids["acme"])
    await join(realm, ids["beta"])
    page = await typed(realm.http, "user1", scope=ANY)
    assert "&lt;i&gt;Acme &amp; Co&lt;/i&gt;" in page.text and "<i>Acme" not in page.text


async def test_restart_login_forgets_the_pick(realm: Env) -> None:
    """ "Restart login" from the password page: the organization step asks again, the earlier pick gone."""
    await member_of_both(realm)
    page = await typed(realm.http, "user1", scope=ANY)
    password_page = await submit(realm.http, page, **{"kc.org": "acme"})
    restart = re.search(r'id="reset-login" href="([^"]+)"', password_page.text)
    assert restart is not None, password_page.text[:500]
    again = await realm.http.get(restart.group(1).replace("&amp;", "&"), follow_redirects=True)
    again = await submit(realm.http, again, username="user1")
    assert sorted(_select_page(again)) == ["acme", "beta"]
    signed = await signed_in(realm.http, await submit(realm.http, again, **{"kc.org": "beta"}))
    assert signed["organization"] == ["beta"]
