"""Keycloak's redirect to the required actions (AuthenticationManager.redirectToRequiredActions, LoginActionsService.
requiredActionGET, SessionCodeChecks.verifyRequiredAction): once the authentication flow is through, the answer is
302 to ``login-actions/required-action?execution=…&client_id=…&tab_id=…&client_data=…`` and the GET of that URL is
the action's page, so a refresh shows it again instead of posting the password again. Between two actions the first
one's POST answers the next one's page (processRequireAction's nextActionAfterAuthentication: no redirect).

These tests read the raw answers (``login_client.raw``); the other wire tests follow the redirect as a browser does.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl, urlsplit

import httpx
import pytest

from browser_flow import REDIRECT, code_from, form_action, form_fields, start, submit
from doorkeep.oauth import client_data
from login_client import raw
from reset_password_port import change_password, is_update_password_page
from support import update_client, update_realm, update_user
from wire_env import Env

pytestmark = pytest.mark.anyio

ACTION_PATH = "/realms/test/login-actions/required-action"


async def events(env: Env) -> list[dict[str, Any]]:
    """The realm's stored events, oldest first."""
    answer = await env.http.get("/admin/realms/test/events", headers=await env.admin_headers())
    assert answer.status_code == 200, answer.text
    return list(reversed(answer.json()))


@pytest.fixture
async def kc(realm: Env) -> Env:
    """Realm ``test`` saving events; ``user1`` must update the password."""
    await update_realm(realm.db, "test", events_enabled=True)
    await update_client(realm.db, "test", "app", redirect_uris=("http://127.0.0.1:9999/*",))
    await update_user(realm.db, "test", "user1", required_actions=("UPDATE_PASSWORD",))
    return realm


def action_query(answer: httpx.Response) -> list[tuple[str, str]]:
    """The Location of a redirect to a required action: its path checked, its query in order."""
    assert answer.status_code == 302, (answer.status_code, answer.text[:500])
    location = urlsplit(answer.headers["location"])
    assert location.path == ACTION_PATH, answer.headers["location"]
    return parse_qsl(location.query)


def tab_of(page: httpx.Response) -> str:
    """The tab id a page's form posts with."""
    return dict(parse_qsl(urlsplit(form_action(page.text)).query))["tab_id"]


async def password_posted(env: Env) -> tuple[httpx.Response, httpx.Response]:
    """The login form, and the raw answer to its POST with user1's password."""
    login = await start(env.http, "test", "app")
    assert login.status_code == 200, login.text[:500]
    with raw(env.http):
        return login, await submit(env.http, login, username="user1", password="password")


async def test_the_password_post_answers_302_to_the_required_action_url(kc: Env) -> None:
    login, answer = await password_posted(kc)
    query = action_query(answer)
    assert [k for k, _ in query] == ["execution", "client_id", "tab_id", "client_data"]
    params = dict(query)
    assert params["execution"] == "UPDATE_PASSWORD"
    assert params["client_id"] == "app"
    assert params["tab_id"] == tab_of(login)
    assert client_data.decode(params["client_data"]).redirect_uri == REDIRECT
    assert "session_code" not in answer.headers["location"]  # no login state beyond Keycloak's parameters
    page = await kc.http.get(answer.headers["location"])
    assert is_update_password_page(page), page.text[:800]
    assert dict(parse_qsl(urlsplit(form_action(page.text)).query))["execution"] == "UPDATE_PASSWORD"
    assert [e["type"] for e in await events(kc)] == []  # the login is not over: no LOGIN yet


async def test_the_page_shown_again_by_a_refresh_consumes_nothing(kc: Env) -> None:
    _, answer = await password_posted(kc)
    first = await kc.http.get(answer.headers["location"])
    again = await kc.http.get(answer.headers["location"])
    assert is_update_password_page(first) and is_update_password_page(again), again.text[:800]
    assert tab_of(first) == tab_of(again)
    async with kc.db.transaction() as tx:
        test = await tx.realms.get_by_name("test")
        assert test is not None
        user = await tx.users.get_by_username(test.id, "user1")
        assert user is not None and user.required_actions == ("UPDATE_PASSWORD",)
    assert [e["type"] for e in await events(kc)] == []
    done = await change_password(kc, again, "new-password", "new-password")
    assert "code" in code_from(done)
    assert [e["type"] for e in await events(kc)] == ["UPDATE_PASSWORD", "UPDATE_CREDENTIAL", "LOGIN"]


async def test_a_post_of_the_page_the_get_rendered_ends_the_login(kc: Env) -> None:
    _, answer = await password_posted(kc)
    page = await kc.http.get(answer.headers["location"])
    with raw(kc.http):
        done = await change_password(kc, page, "new-password", "new-password")
    assert "code" in code_from(done)
    assert done.headers["location"].startswith(REDIRECT)


async def test_between_two_actions_the_post_answers_the_next_page(kc: Env) -> None:
    await update_user(kc.db, "test", "user1", required_actions=("UPDATE_PASSWORD", "TERMS_AND_CONDITIONS"))
    await kc.http.put(
        "/admin/realms/test/authentication/required-actions/TERMS_AND_CONDITIONS",
        json={"alias": "TERMS_AND_CONDITIONS", "name": "Terms and Conditions", "enabled": True},
        headers=await kc.admin_headers(),
    )
    _, answer = await password_posted(kc)
    first = dict(action_query(answer))["execution"]
    page = await kc.http.get(answer.headers["location"])
    assert page.status_code == 200, page.text[:500]
    with raw(kc.http):
        if first == "UPDATE_PASSWORD":
            nxt = await change_password(kc, page, "new-password", "new-password")
        else:
            nxt = await kc.http.post(form_action(page.text), data={**form_fields(page.text), "accept": ""})
    assert nxt.status_code == 200, (nxt.status_code, nxt.headers.get("location"))  # no redirect between actions
    second = dict(parse_qsl(urlsplit(form_action(nxt.text)).query))["execution"]
    assert {first, second} == {"UPDATE_PASSWORD", "TERMS_AND_CONDITIONS"}


async def test_kc_action_at_the_authorization_endpoint_redirects_to_the_action(kc: Env) -> None:
    await update_user(kc.db, "test", "user1", required_actions=())
    login = await start(kc.http, "test", "app")
    assert "code" in code_from(await submit(kc.http, login, username="user1", password="password"))
    with raw(kc.http):
        answer = await start(kc.http, "test", "app", kc_action="UPDATE_PASSWORD")
    params = dict(action_query(answer))
    assert params["execution"] == "UPDATE_PASSWORD" and params["client_id"] == "app"
    page = await kc.http.get(answer.headers["location"])
    assert is_update_password_page(page) and 'name="cancel-aia"' in page.text, page.text[:800]


async def test_the_consent_screen_is_reached_by_the_redirect_as_oauth_grant(kc: Env) -> None:
    await update_user(kc.db, "test", "user1", required_actions=())
    await update_client(kc.db, "test", "app", consent_required=True, redirect_uris=("http://127.0.0.1:9999/*",))
    _, answer = await password_posted(kc)
    assert dict(action_query(answer))["execution"] == "OAUTH_GRANT"
    page = await kc.http.get(answer.headers["location"])
    assert page.status_code == 200 and 'name="accept"' in page.text, page.text[:800]
    with raw(kc.http):
        done = await kc.http.post(form_action(page.text), data={**form_fields(page.text), "accept": "Yes"})
    assert "code" in code_from(done)


async def test_a_get_naming_another_action_shows_the_page_has_expired(kc: Env) -> None:
    _, answer = await password_posted(kc)
    wrong = answer.headers["location"].replace("execution=UPDATE_PASSWORD", "execution=CONFIGURE_TOTP")
    page = await kc.http.get(wrong)
    assert page.status_code == 200 and "Page has expired" in page.text, page.text[:800]
    assert not is_update_password_page(page)
    shown = await kc.http.get(answer.headers["location"])  # the action still waits
    assert is_update_password_page(shown), shown.text[:800]


async def test_a_post_naming_another_action_with_the_current_code_redirects_to_the_current_one(kc: Env) -> None:
    _, answer = await password_posted(kc)
    page = await kc.http.get(answer.headers["location"])
    target = form_action(page.text).replace("execution=UPDATE_PASSWORD", "execution=CONFIGURE_TOTP")
    data = {**form_fields(page.text), "password-new": "new-password", "password-confirm": "new-password"}
    with raw(kc.http):
        moved = await kc.http.post(target, data=data)
    assert dict(action_query(moved))["execution"] == "UPDATE_PASSWORD"
    assert [e["type"] for e in await events(kc)] == []  # nothing done
    again = await kc.http.get(moved.headers["location"])
    assert is_update_password_page(again), again.text[:800]


async def test_a_get_before_the_login_reaches_its_actions_shows_the_page_has_expired(kc: Env) -> None:
    login = await start(kc.http, "test", "app")
    query = {"client_id": "app", "tab_id": tab_of(login)}
    page = await kc.http.get(ACTION_PATH, params=query)
    assert page.status_code == 200 and "Page has expired" in page.text, page.text[:800]
    recorded = await events(kc)
    assert [(e["type"], e.get("error")) for e in recorded] == [("CUSTOM_REQUIRED_ACTION_ERROR", "invalid_code")]
    assert recorded[0]["clientId"] == "app"


async def test_an_unknown_tab_restarts_the_login_from_the_restart_cookie(kc: Env) -> None:
    _, answer = await password_posted(kc)
    unknown = answer.headers["location"].replace(f"tab_id={dict(action_query(answer))['tab_id']}", "tab_id=nope")
    with raw(kc.http):
        restarted = await kc.http.get(unknown)
    assert restarted.status_code == 302, restarted.text[:500]
    assert "/login-actions/authenticate" in restarted.headers["location"]


async def test_an_expired_login_without_its_cookies_is_cookie_not_found(kc: Env) -> None:
    _, answer = await password_posted(kc)
    kc.http.cookies.clear()
    page = await kc.http.get(answer.headers["location"])
    assert page.status_code == 400 and "Cookie not found" in page.text, page.text[:800]
    recorded = await events(kc)
    assert [(e["type"], e.get("error")) for e in recorded] == [("CUSTOM_REQUIRED_ACTION_ERROR", "cookie_not_found")]


async def test_an_action_left_past_its_lifespan_sends_the_browser_back_to_the_login_form(kc: Env) -> None:
    _, answer = await password_posted(kc)
    kc.clock.advance(301)  # the Login Action timeout (accessCodeLifespanUserAction, 300 s)
    with raw(kc.http):
        back = await kc.http.get(answer.headers["location"])
    assert back.status_code == 302, back.text[:500]
    assert urlsplit(back.headers["location"]).path == "/realms/test/login-actions/authenticate"
    recorded = await events(kc)
    assert [(e["type"], e.get("error")) for e in recorded] == [("CUSTOM_REQUIRED_ACTION_ERROR", "expired_code")]
