"""A login tab whose step timed out while another tab of the same browser signed in: Keycloak's SessionCodeChecks.
isActionActive resets the tab's flow (AuthenticationProcessor.resetFlow clears every execution's status) and sends
the browser to ``login-actions/authenticate``; that GET runs the browser flow from the top, so the Cookie
authenticator finds the SSO session the other tab made and the tab's login finishes at once (a redirect to its
client with a code), after the LOGIN_ERROR ``expired_code`` of the timeout. Without an SSO session the same GET
shows the login form saying the login timed out.

The realm's accessCodeLifespanLogin is 30 s: the other tab's login (AuthenticationSessionManager.
updateAuthenticationSessionAfterSuccessfulAuthentication) leaves the browser's root alive accessCodeLifespan (60 s)
longer, so 31 s later the first tab is still there but its login step has timed out.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from browser_flow import REDIRECT, form_action, start, submit
from login_test_realm import LOGIN_TIMEOUT, error, is_login_page
from support import seed_client, seed_realm, seed_user
from wire_env import Env

pytestmark = pytest.mark.anyio

LOGIN_LIFESPAN = 30


@pytest.fixture
async def realm(env: Env) -> Env:
    """Realm ``test`` with events on and a 30 s accessCodeLifespanLogin; client ``app``, user ``plain``."""
    await seed_realm(env.db, env.clock, events_enabled=True, access_code_lifespan_login=LOGIN_LIFESPAN)
    await seed_client(env.db, "test", "app", redirect_uris=("http://127.0.0.1:9999/*",))
    await seed_user(env.db, env.clock, "test", "plain", email_verified=True)
    return env


async def stored_events(env: Env) -> list[Any]:
    async with env.db.transaction(write=False) as tx:
        test = await tx.realms.get_by_name("test")
        assert test is not None
        return list(await tx.events.find(test.id))


def callback(response: httpx.Response) -> dict[str, str]:
    assert response.status_code == 302, (response.status_code, response.text[:1500])
    location = httpx.URL(response.headers["location"])
    assert str(location).startswith(REDIRECT), location
    return dict(location.params)


async def two_tabs_one_signed_in(env: Env) -> httpx.Response:
    """The first tab's login form, left open while a second tab of the browser signs in; the clock then past the
    first tab's login step (but not past its root)."""
    first = await start(env.http, "test", "app", state="first")
    assert is_login_page(first), first.text[:1500]
    second = await start(env.http, "test", "app", state="second")
    assert is_login_page(second), second.text[:1500]
    assert callback(await submit(env.http, second, username="plain", password="password"))["state"] == "second"
    env.clock.advance(LOGIN_LIFESPAN + 1)
    return first


async def test_the_timed_out_tab_posted_signs_in_over_the_sso_session(realm: Env) -> None:
    env = realm
    first = await two_tabs_one_signed_in(env)
    answer = await env.http.post(form_action(first.text), data={"username": "plain", "password": "wrong"})
    assert answer.status_code == 302, answer.text[:1500]
    location = httpx.URL(answer.headers["location"])
    assert location.path.endswith("/login-actions/authenticate") and "execution" not in location.params, location
    landed = callback(await env.http.get(str(location)))
    assert landed["state"] == "first" and landed.get("code"), landed
    found = await stored_events(env)
    errors = [(e.type, e.error) for e in found if e.type.endswith("_ERROR")]
    assert errors == [("LOGIN_ERROR", "expired_code")], errors  # no invalid_user_credentials: the post was not run
    logins = [e for e in found if e.type == "LOGIN"]
    assert len(logins) == 2 and logins[0].session_id == logins[1].session_id, logins  # the SSO session of the other


async def test_the_timed_out_tab_opened_again_signs_in_over_the_sso_session(realm: Env) -> None:
    env = realm
    first = await two_tabs_one_signed_in(env)
    answer = await env.http.get(form_action(first.text).replace("session_code=", "stale="))
    assert answer.status_code == 302, answer.text[:1500]
    landed = callback(await env.http.get(answer.headers["location"]))
    assert landed["state"] == "first" and landed.get("code"), landed


async def test_without_an_sso_session_the_timed_out_tab_shows_its_form(realm: Env) -> None:
    env = realm
    first = await start(env.http, "test", "app", state="first")
    assert is_login_page(first), first.text[:1500]
    env.clock.advance(LOGIN_LIFESPAN + 1)
    answer = await env.http.post(form_action(first.text), data={"username": "plain", "password": "password"})
    assert answer.status_code == 302, answer.text[:1500]
    page = await env.http.get(answer.headers["location"])
    assert is_login_page(page) and error(page) == LOGIN_TIMEOUT, page.text[:1500]
    # the form shown after the reset logs in as any other
    assert callback(await submit(env.http, page, username="plain", password="password"))["state"] == "first"
