"""Keycloak's ``logout/logout-confirm`` (LogoutEndpoint.logoutConfirmAction and logoutConfirmGet): the confirmation
form posts there; a post whose session code does not verify, or without ``confirmLogout``, is 400 "Logout failed"
with LOGOUT_ERROR ``session_expired``; a GET is "Logout failed" to a browser still signed in (no event) and "You are logged
out" to one that is not."""

from __future__ import annotations

from typing import Any

import pytest

from browser_flow import REDIRECT, form_action, form_fields, login, start, submit
from support import password_grant, seed_client, seed_realm, seed_user, update_realm
from wire_env import Env

pytestmark = pytest.mark.anyio
LOGOUT = "/realms/test/protocol/openid-connect/logout"
CONFIRM = LOGOUT + "/logout-confirm"


@pytest.fixture
async def realm(env: Env) -> Env:
    await seed_realm(env.db, env.clock)
    await seed_client(
        env.db, "test", "app", redirect_uris=("http://127.0.0.1:9999/*",), attributes={"post.logout.redirect.uris": "+"}
    )
    await seed_user(env.db, env.clock, "test", "user1")
    await seed_user(env.db, env.clock, "test", "other")
    await update_realm(env.db, "test", events_enabled=True)
    return env


async def still_logged_in(env: Env) -> bool:
    return (await start(env.http, "test", "app")).status_code == 302


async def logout_errors(env: Env) -> list[dict[str, Any]]:
    got = await env.http.get(
        "/admin/realms/test/events", params={"type": "LOGOUT_ERROR"}, headers=await env.admin_headers()
    )
    assert got.status_code == 200, got.text
    result: list[dict[str, Any]] = got.json()
    return result


async def confirmation(env: Env) -> Any:
    """The confirmation page of a logout whose hint names another session than the browser's."""
    hint = (await password_grant(env.http, "test", "app", "other", scope="openid")).json()["id_token"]
    page = await env.http.get(LOGOUT, params={"id_token_hint": hint, "post_logout_redirect_uri": REDIRECT})
    assert page.status_code == 200 and "Do you want to log out?" in page.text
    return page


async def test_the_confirmation_form_posts_to_keycloak_s_logout_confirm(realm: Env) -> None:
    await login(realm.http, "test", "app")
    page = await confirmation(realm)
    assert form_action(page.text) == "http://localhost" + CONFIRM
    assert form_fields(page.text)["confirmLogout"]
    done = await submit(realm.http, page)
    assert done.status_code == 302 and done.headers["location"] == REDIRECT
    assert not await still_logged_in(realm)


async def test_a_confirmation_without_confirm_logout_fails(realm: Env) -> None:
    await login(realm.http, "test", "app")
    page = await confirmation(realm)
    fields = {k: v for k, v in form_fields(page.text).items() if k != "confirmLogout"}
    refused = await realm.http.post(CONFIRM, data=fields)
    assert refused.status_code == 400 and "Logout failed" in refused.text
    assert await still_logged_in(realm)
    assert [e["error"] for e in await logout_errors(realm)] == ["session_expired"]


async def test_a_bare_post_is_logout_failed_even_without_a_session(realm: Env) -> None:
    for data in ({}, {"confirmLogout": "x"}, {"confirmLogout": "x", "session_code": "forged"}):
        refused = await realm.http.post(CONFIRM, data=data)
        assert refused.status_code == 400 and "Logout failed" in refused.text
    assert [e["error"] for e in await logout_errors(realm)] == ["session_expired"] * 3


async def test_the_browser_s_own_logout_posted_there_still_needs_the_code(realm: Env) -> None:
    """/logout would end the browser's own session at once; logout-confirm checks the code first, whatever the
    request."""
    await login(realm.http, "test", "app")
    refused = await realm.http.post(CONFIRM, data={"client_id": "app", "confirmLogout": "x"})
    assert refused.status_code == 400 and "Logout failed" in refused.text
    assert await still_logged_in(realm)


async def test_a_get_while_signed_in_is_logout_failed(realm: Env) -> None:
    await login(realm.http, "test", "app")
    refused = await realm.http.get(CONFIRM, params={"client_id": "app", "tab_id": "x", "kc_locale": "de"})
    assert refused.status_code == 400 and "Logout failed" in refused.text
    assert await logout_errors(realm) == []  # Keycloak 26 records none here (25 recorded logout_failed)
    assert await still_logged_in(realm)


async def test_a_get_once_logged_out_says_so(realm: Env) -> None:
    page = await realm.http.get(CONFIRM, params={"client_id": "app", "tab_id": "x"})
    assert page.status_code == 200 and "You are logged out" in page.text
    assert page.headers["cache-control"].startswith("no-cache")
