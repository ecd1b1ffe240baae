"""The code a required action's page posts with when its GET is repeated (LoginActionsService.requiredActionGET ->
nextActionAfterAuthentication -> RequiredActionContextResult.generateCode -> ClientSessionCode.getOrGenerateCode):
the authentication session's ACTIVE_CODE is generated once and returned again ("Code already generated for
authentication session, using same code", CodeGenerateUtil.AuthenticationSessionModelParser.retrieveCode) until a
POST verifies it and removes it. So a page rendered by an earlier GET posts as well as the latest one; whichever
posts first is done, the other's code is then spent and does nothing twice.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl, urlsplit

import httpx
import pytest

from browser_flow import code_from, form_action, form_fields, start, submit
from login_client import raw
from reset_password_port import change_password, is_update_password_page
from support import update_client, update_realm, update_user
from wire_env import Env

pytestmark = pytest.mark.anyio


@pytest.fixture
async def kc(realm: Env) -> Env:
    """Realm ``test`` saving events; ``user1`` must update the password."""
    await update_realm(realm.db, "test", events_enabled=True)
    await update_client(realm.db, "test", "app", redirect_uris=("http://127.0.0.1:9999/*",))
    await update_user(realm.db, "test", "user1", required_actions=("UPDATE_PASSWORD",))
    return realm


def session_code(page: httpx.Response) -> str:
    return dict(parse_qsl(urlsplit(form_action(page.text)).query))["session_code"]


async def saved(env: Env) -> list[str]:
    answer = await env.http.get("/admin/realms/test/events", headers=await env.admin_headers())
    assert answer.status_code == 200, answer.text
    return [e["type"] for e in reversed(answer.json())]


async def two_renderings(env: Env) -> tuple[httpx.Response, httpx.Response]:
    """The password posted, then the required action's URL opened twice (a refresh): both pages."""
    login = await start(env.http, "test", "app")
    with raw(env.http):
        moved = await submit(env.http, login, username="user1", password="password")
    assert moved.status_code == 302, moved.text[:500]
    old = await env.http.get(moved.headers["location"])
    new = await env.http.get(moved.headers["location"])
    assert is_update_password_page(old) and is_update_password_page(new), new.text[:800]
    return old, new


async def test_a_repeated_get_renders_the_same_code(kc: Env) -> None:
    old, new = await two_renderings(kc)
    assert session_code(old) == session_code(new)
    assert form_action(old.text) == form_action(new.text)


async def test_the_older_page_posts_and_then_the_newer_one_does_nothing_twice(kc: Env) -> None:
    old, new = await two_renderings(kc)
    with raw(kc.http):
        done = await change_password(kc, old, "new-password", "new-password")
    assert "code" in code_from(done)
    assert await saved(kc) == ["UPDATE_PASSWORD", "UPDATE_CREDENTIAL", "LOGIN"]
    with raw(kc.http):
        later = await change_password(kc, new, "other-password", "other-password")
    await assert_finished_tab(kc, later)
    await assert_password(kc, "new-password")


async def test_the_newer_page_posts_and_then_the_older_one_does_nothing_twice(kc: Env) -> None:
    old, new = await two_renderings(kc)
    with raw(kc.http):
        done = await change_password(kc, new, "new-password", "new-password")
    assert "code" in code_from(done)
    with raw(kc.http):
        later = await change_password(kc, old, "other-password", "other-password")
    await assert_finished_tab(kc, later)
    await assert_password(kc, "new-password")


async def test_between_two_actions_the_older_page_of_the_first_moves_the_login_on(kc: Env) -> None:
    await update_user(kc.db, "test", "user1", required_actions=("UPDATE_PASSWORD", "TERMS_AND_CONDITIONS"))
    terms: dict[str, Any] = {"alias": "TERMS_AND_CONDITIONS", "name": "Terms and Conditions", "enabled": True}
    url = "/admin/realms/test/authentication/required-actions/TERMS_AND_CONDITIONS"
    assert (await kc.http.put(url, json=terms, headers=await kc.admin_headers())).status_code == 204
    login = await start(kc.http, "test", "app")
    with raw(kc.http):
        moved = await submit(kc.http, login, username="user1", password="password")
    old = await kc.http.get(moved.headers["location"])
    new = await kc.http.get(moved.headers["location"])
    assert session_code(old) == session_code(new)
    if is_update_password_page(old):
        nxt = await change_password(kc, old, "new-password", "new-password")
    else:
        nxt = await kc.http.post(form_action(old.text), data={**form_fields(old.text), "accept": ""})
    assert nxt.status_code == 200 and session_code(nxt) != session_code(old), nxt.text[:500]
    assert (
        dict(parse_qsl(urlsplit(form_action(nxt.text)).query))["execution"]
        != (dict(parse_qsl(urlsplit(form_action(old.text)).query))["execution"])
    )


async def assert_finished_tab(env: Env, later: httpx.Response) -> None:
    """The other page's form posted once the login is over: nothing done twice; the tab is finished, so the
    client hears ``authentication_expired`` with CUSTOM_REQUIRED_ACTION_ERROR ``already_logged_in``."""
    assert later.status_code == 302, later.text[:500]
    sent = dict(parse_qsl(urlsplit(later.headers["location"]).query))
    assert "code" not in sent and sent.get("error_description") == "authentication_expired", sent
    answer = await env.http.get("/admin/realms/test/events", headers=await env.admin_headers())
    last = answer.json()[0]
    assert (last["type"], last.get("error")) == ("CUSTOM_REQUIRED_ACTION_ERROR", "already_logged_in"), last
    assert await saved(env) == ["UPDATE_PASSWORD", "UPDATE_CREDENTIAL", "LOGIN", "CUSTOM_REQUIRED_ACTION_ERROR"]


async def assert_password(env: Env, password: str) -> None:
    """user1 signs in with ``password`` in a new browser."""
    env.http.cookies.clear()
    login = await start(env.http, "test", "app")
    assert "code" in code_from(await submit(env.http, login, username="user1", password=password))
