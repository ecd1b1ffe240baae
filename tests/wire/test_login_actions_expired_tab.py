"""Every login-actions page of a tab whose login expired answers as Keycloak's SessionCodeChecks does for any of
them (LoginActionsService: authenticate, required-action, consent, registration, reset-credentials, restart):
without a live authentication session the login restarts from the KC_RESTART cookie, its login page saying "Your
login attempt timed out. Login will start from the beginning.", with an ``expired_code`` error event
(``restart_after_timeout``) of the endpoint's type; without the cookie, "Cookie not found". The page is left open
past the realm's accessCodeLifespanLogin (the fake clock), then its form posted or its URL opened again.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from typing import Any

import httpx
import pytest

from browser_flow import followed, form_action, start, submit
from login_test_realm import COOKIE_NOT_FOUND, LOGIN_TIMEOUT, error, error_page_text, is_login_page
from mail_sink import Sink
from support import seed_client, seed_realm, seed_user, update_realm
from tabs_port import is_register_page, is_update_password_page, registration_link
from wire_env import Env

pytestmark = pytest.mark.anyio

PAST_LOGIN_LIFESPAN = 1801  # the realm's accessCodeLifespanLogin (1800 s) and one


@pytest.fixture
async def realm(env: Env, mail: Sink) -> Env:
    """Realm ``test`` allowing registration and password resets, verifying e-mails; ``app`` asks for consent;
    ``fresh`` owes UPDATE_PASSWORD, ``unverified`` has an unverified address, ``plain`` neither."""
    await seed_realm(
        env.db,
        env.clock,
        events_enabled=True,
        registration_allowed=True,
        reset_password_allowed=True,
        verify_email=True,
    )
    await update_realm(env.db, "test", smtp_server=mail.settings())
    await seed_client(env.db, "test", "app", redirect_uris=("http://127.0.0.1:9999/*",))
    await seed_client(env.db, "test", "consenting", redirect_uris=("http://127.0.0.1:9999/*",), consent_required=True)
    await seed_user(env.db, env.clock, "test", "fresh", required_actions=("UPDATE_PASSWORD",), email_verified=True)
    await seed_user(env.db, env.clock, "test", "unverified", email_verified=False)
    await seed_user(env.db, env.clock, "test", "plain", email_verified=True)
    return env


async def error_events(env: Env) -> list[tuple[str, str | None, dict[str, Any]]]:
    async with env.db.transaction(write=False) as tx:
        test = await tx.realms.get_by_name("test")
        assert test is not None
        found = await tx.events.find(test.id)
    return [(e.type, e.error, e.details) for e in found if e.type.endswith("_ERROR")]


def link(page: httpx.Response, pattern: str) -> str:
    found = re.search(pattern, page.text)
    assert found, page.text[:1500]
    return found[1].replace("&amp;", "&")


async def required_action(env: Env) -> httpx.Response:
    page = await submit(env.http, await start(env.http, "test", "app"), username="fresh", password="password")
    assert is_update_password_page(page), page.text[:1500]
    return page


async def consent(env: Env) -> httpx.Response:
    page = await start(env.http, "test", "consenting")
    page = await submit(env.http, page, username="plain", password="password")
    assert page.status_code == 200 and "/login-actions/consent" in form_action(page.text), page.text[:1500]
    return page


async def registration(env: Env) -> httpx.Response:
    page = await env.http.get(registration_link(await start(env.http, "test", "app")))
    assert is_register_page(page), page.text[:1500]
    return page


async def reset_credentials(env: Env) -> httpx.Response:
    login = await start(env.http, "test", "app")
    page = await env.http.get(link(login, r'id="kc-forgot-password" href="([^"]+)"'))
    assert page.status_code == 200 and "/login-actions/reset-credentials" in form_action(page.text)
    return page


async def verify_email(env: Env) -> httpx.Response:
    page = await submit(env.http, await start(env.http, "test", "app"), username="unverified", password="password")
    assert page.status_code == 200 and 'id="kc-resend"' in page.text, page.text[:1500]
    return page


async def post_form(env: Env, page: httpx.Response) -> httpx.Response:
    return await submit(env.http, page)


async def resend(env: Env, page: httpx.Response) -> httpx.Response:
    """login-verify-email.ftl's "Click here": a GET of the required-action URL."""
    return await env.http.get(link(page, r'id="kc-resend" href="([^"]+)"'))


Opener = Callable[[Env], Awaitable[httpx.Response]]
Sender = Callable[[Env, httpx.Response], Awaitable[httpx.Response]]
CASES: dict[str, tuple[Opener, Sender, str]] = {
    "required action": (required_action, post_form, "CUSTOM_REQUIRED_ACTION_ERROR"),
    "consent": (consent, post_form, "LOGIN_ERROR"),
    "registration": (registration, post_form, "REGISTER_ERROR"),
    "reset credentials": (reset_credentials, post_form, "RESET_PASSWORD_ERROR"),
    "verify email": (verify_email, resend, "CUSTOM_REQUIRED_ACTION_ERROR"),
}


@pytest.mark.parametrize("case", CASES)
async def test_an_expired_page_restarts_the_login_from_kc_restart(realm: Env, case: str) -> None:
    opener, sender, event_type = CASES[case]
    page = await opener(realm)
    before = len(await error_events(realm))
    realm.clock.advance(PAST_LOGIN_LIFESPAN)
    again = await followed(realm.http, await sender(realm, page))
    assert is_login_page(again) and error(again) == LOGIN_TIMEOUT, again.text[:1500]
    assert (await error_events(realm))[before:] == [(event_type, "expired_code", {"restart_after_timeout": "true"})]
    done = await submit(realm.http, again, username="plain", password="password")  # the login goes on
    assert done.status_code in (200, 302) and not is_login_page(done), done.text[:1500]


@pytest.mark.parametrize("case", CASES)
async def test_an_expired_page_without_kc_restart_is_cookie_not_found(realm: Env, case: str) -> None:
    opener, sender, event_type = CASES[case]
    page = await opener(realm)
    realm.http.cookies.delete("KC_RESTART")
    before = len(await error_events(realm))
    realm.clock.advance(PAST_LOGIN_LIFESPAN)
    refused = await sender(realm, page)
    assert refused.status_code == 400 and error_page_text(refused) == COOKIE_NOT_FOUND, refused.text[:1500]
    assert [(t, e) for t, e, _ in (await error_events(realm))[before:]] == [(event_type, "cookie_not_found")]


async def test_restart_login_link_of_an_expired_login_restarts_from_kc_restart(realm: Env) -> None:
    """LoginActionsService.restartSession ("Restart login") goes through the same checks: an expired login
    restarts from the cookie, with a RESTART_AUTHENTICATION_ERROR."""
    page = await start(realm.http, "test", "app")
    tab = dict(httpx.URL(form_action(page.text)).params)
    realm.clock.advance(PAST_LOGIN_LIFESPAN)
    query = {"client_id": "app", "tab_id": tab["tab_id"], "client_data": tab["client_data"]}
    again = await followed(realm.http, await realm.http.get("/realms/test/login-actions/restart", params=query))
    assert is_login_page(again) and error(again) == LOGIN_TIMEOUT, again.text[:1500]
    assert (await error_events(realm))[-1] == (
        "RESTART_AUTHENTICATION_ERROR",
        "expired_code",
        {"restart_after_timeout": "true"},
    )


async def test_restart_login_link_after_a_login_in_another_tab_is_already_logged_in(realm: Env) -> None:
    """initialVerifyAuthSession finds the browser logged in since the tab began: no restart, the tab's client gets
    ``temporarily_unavailable`` / ``authentication_expired`` and a RESTART_AUTHENTICATION_ERROR."""
    # the login lives the longest code lifespan after its last step (SessionExpiration.getAuthSessionLifespan)
    await update_realm(realm.db, "test", access_code_lifespan_login=60, access_code_lifespan_user_action=60)
    tab1 = await start(realm.http, "test", "app", state="one")
    tab = dict(httpx.URL(form_action(tab1.text)).params)
    done = await submit(
        realm.http, await start(realm.http, "test", "app", state="two"), username="plain", password="password"
    )
    assert done.status_code == 302 and "code=" in done.headers["location"], done.text[:1500]
    realm.clock.advance(61)  # tab 1's login expired; the SSO session lives on
    query = {"client_id": "app", "tab_id": tab["tab_id"], "client_data": tab["client_data"]}
    answered = await realm.http.get("/realms/test/login-actions/restart", params=query)
    assert answered.status_code == 302, answered.text[:1500]
    location = httpx.URL(answered.headers["location"])
    assert dict(location.params) | {"iss": ""} == {
        "error": "temporarily_unavailable",
        "error_description": "authentication_expired",
        "state": "one",
        "iss": "",
    }, location
    assert (await error_events(realm))[-1][:2] == ("RESTART_AUTHENTICATION_ERROR", "already_logged_in")
