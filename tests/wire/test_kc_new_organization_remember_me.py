"""Keycloak's new-framework OrganizationRememberMeAuthenticationTest (tests/organization/authentication/): the
Remember Me box of the identity-first username page the organization step renders (scope ``organization``) is
carried to the session and the LOGIN event (``remember_me``), reopened checked with the name after the session is
gone, cleared when unticked, and kept across the organization-select page. Both engines."""

from __future__ import annotations

import html
import re

import httpx
import pytest

from browser_flow import start, submit
from organization_login_support import join, token_response, two_organizations
from support import update_realm
from wire_env import Env

pytestmark = pytest.mark.anyio
SCOPE = "openid organization"
EMAIL = "user1@acme.org"
ADMIN = "/admin/realms/test"


def _remember_me_checked(page: httpx.Response) -> bool:
    """LoginUsernamePage.isRememberMe: the box is there, ticked or not."""
    found = re.search(r'<input[^>]*name="rememberMe"[^>]*>', page.text)
    assert found, page.text[:800]
    return "checked" in found[0]


def _username(page: httpx.Response) -> str:
    """LoginUsernamePage.getUsername: the username field's value."""
    found = re.search(r'<input[^>]*name="username"[^>]*>', page.text)
    assert found, page.text[:800]
    value = re.search(r'value="([^"]*)"', found[0])
    return html.unescape(value[1]) if value else ""


async def _username_page(env: Env) -> httpx.Response:
    page = await start(env.http, "test", "app", scope=SCOPE)
    assert page.status_code == 200 and 'name="password"' not in page.text, page.text[:500]
    return page


async def _user1(env: Env) -> str:
    found = await env.http.get(f"{ADMIN}/users", params={"username": "user1"}, headers=await env.admin_headers())
    return str(found.json()[0]["id"])


async def _sessions(env: Env, user: str) -> list[dict[str, object]]:
    found = await env.http.get(f"{ADMIN}/users/{user}/sessions", headers=await env.admin_headers())
    assert found.status_code == 200, found.text
    body: list[dict[str, object]] = found.json()
    return body


async def _login(env: Env, session: object) -> dict[str, str]:
    """The details of the LOGIN event that started ``session`` (the only one)."""
    async with env.db.transaction() as tx:
        realm = await tx.realms.get_by_name("test")
        assert realm is not None
        [found] = [e for e in await tx.events.find(realm.id) if e.type == "LOGIN" and e.session_id == session]
    return dict(found.details)


async def _setup(env: Env, *aliases: str) -> None:
    await update_realm(env.db, "test", remember_me=True, events_enabled=True)
    ids = await two_organizations(env)
    for alias in aliases:
        await join(env, ids[alias])


async def test_remember_me_with_organization_scope(realm: Env) -> None:
    """OrganizationRememberMeAuthenticationTest#testRememberMeWithOrganizationScope."""
    env = realm
    await _setup(env, "acme")
    user = await _user1(env)
    page = await _username_page(env)
    assert not _remember_me_checked(page)
    password_page = await submit(env.http, page, username=EMAIL, rememberMe="on")
    await token_response(env.http, password_page)
    [session] = await _sessions(env, user)
    assert session["rememberMe"] is True
    first = await _login(env, session["id"])
    assert first["username"] == EMAIL and first["remember_me"] == "true"

    gone = await env.http.delete(f"{ADMIN}/sessions/{session['id']}", headers=await env.admin_headers())
    assert gone.status_code == 204
    page = await _username_page(env)
    assert _remember_me_checked(page), "rememberMe should be pre-checked after session expiry"
    assert _username(page) == EMAIL
    password_page = await submit(env.http, page, username=_username(page))  # the box unticked
    await token_response(env.http, password_page)
    [session] = await _sessions(env, user)
    assert session["rememberMe"] is False
    second = await _login(env, session["id"])
    assert second["username"] == EMAIL and "remember_me" not in second

    gone = await env.http.delete(f"{ADMIN}/sessions/{session['id']}", headers=await env.admin_headers())
    assert gone.status_code == 204
    page = await _username_page(env)
    assert not _remember_me_checked(page), "rememberMe should not be pre-checked after disabling it"
    assert _username(page) == ""


async def test_remember_me_not_checked_with_organization_scope(realm: Env) -> None:
    """OrganizationRememberMeAuthenticationTest#testRememberMeNotCheckedWithOrganizationScope."""
    env = realm
    await _setup(env, "acme")
    user = await _user1(env)
    page = await _username_page(env)
    assert not _remember_me_checked(page)
    await token_response(env.http, await submit(env.http, page, username=EMAIL))
    [session] = await _sessions(env, user)
    assert session["rememberMe"] is False
    login = await _login(env, session["id"])
    assert login["username"] == EMAIL and "remember_me" not in login


async def test_remember_me_preserved_through_select_organization(realm: Env) -> None:
    """OrganizationRememberMeAuthenticationTest#testRememberMePreservedThroughSelectOrganization."""
    env = realm
    await _setup(env, "acme", "beta")
    user = await _user1(env)
    page = await _username_page(env)
    chooser = await submit(env.http, page, username=EMAIL, rememberMe="on")
    assert chooser.status_code == 200 and 'name="kc.org"' in chooser.text, chooser.text[:800]
    assert 'id="organization-acme"' in chooser.text and 'id="organization-beta"' in chooser.text
    password_page = await submit(env.http, chooser, **{"kc.org": "acme"})
    await token_response(env.http, password_page)
    [session] = await _sessions(env, user)
    assert session["rememberMe"] is True, "rememberMe should survive the select-organization round-trip"
    login = await _login(env, session["id"])
    assert login["username"] == EMAIL and login["remember_me"] == "true"
