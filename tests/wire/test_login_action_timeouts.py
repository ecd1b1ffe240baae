"""Each login-actions page is judged against its own lifespan, counted from the login's last step, as Keycloak's
SessionCodeChecks does (ClientSessionCode.isActionActive on the root authentication session's timestamp, which every
page's code, AuthenticationProcessor.checkClientSession and resetFlow move): the login and registration forms live
the Login timeout (accessCodeLifespanLogin), the required actions and the consent screen the Login Action timeout
(accessCodeLifespanUserAction, verifyRequiredAction), and so do the reset-credentials link and form. A page past its lifespan while the login itself lives on (the
longest of the code lifespans after its last step, SessionExpiration.getAuthSessionLifespan) gets the endpoint's
``*_ERROR`` ``expired_code`` (no ``restart_after_timeout``: nothing is restarted from KC_RESTART), the flow reset,
and a 302 to the tab's login form, which says "Your login attempt timed out. Login will start from the beginning."
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Awaitable, Callable
from typing import Any

import httpx
import pytest

from browser_flow import code_from, followed, form_action, start, submit
from login_test_realm import LOGIN_TIMEOUT, error, is_login_page
from mail_sink import Sink
from support import seed_client, seed_realm, seed_user, update_realm
from tabs_port import is_register_page, is_update_password_page, registration_link
from wire_env import Env, client_at

pytestmark = pytest.mark.anyio

USER_ACTION = 300  # accessCodeLifespanUserAction's default
NEW_PASSWORD = {"password-new": "n3w-password", "password-confirm": "n3w-password"}


@pytest.fixture
async def realm(env: Env, mail: Sink) -> Env:
    """Realm ``test`` allowing registration and password resets, verifying e-mails; ``app``, ``consenting`` asking for consent;
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


async def login_form(env: Env) -> httpx.Response:
    page = await start(env.http, "test", "app")
    assert is_login_page(page), page.text[:1500]
    return page


async def required_action(env: Env) -> httpx.Response:
    page = await submit(env.http, await start(env.http, "test", "app"), username="fresh", password="password")
    assert is_update_password_page(page), page.text[:1500]
    return page


async def consent(env: Env) -> httpx.Response:
    page = await submit(env.http, await start(env.http, "test", "consenting"), username="plain", password="password")
    assert page.status_code == 200 and "/login-actions/consent" in form_action(page.text), page.text[:1500]
    return page


async def registration(env: Env) -> httpx.Response:
    page = await env.http.get(registration_link(await start(env.http, "test", "app")))
    assert is_register_page(page), page.text[:1500]
    return page


async def verify_email(env: Env) -> httpx.Response:
    page = await submit(env.http, await start(env.http, "test", "app"), username="unverified", password="password")
    assert page.status_code == 200 and 'id="kc-resend"' in page.text, page.text[:1500]
    return page


async def reset_form(env: Env) -> httpx.Response:
    page = await forgot_link(env, await login_form(env))
    assert page.status_code == 200 and "/login-actions/reset-credentials" in form_action(page.text), page.text[:1500]
    return page


async def forgot_link(env: Env, page: httpx.Response) -> httpx.Response:
    """login.ftl's "Forgot Password?": a GET of reset-credentials for the tab (resetCredentials' checks too)."""
    found = re.search(r'id="kc-forgot-password" href="([^"]+)"', page.text)
    assert found, page.text[:1500]
    return await env.http.get(found[1].replace("&amp;", "&"))


async def post_form(env: Env, page: httpx.Response) -> httpx.Response:
    return await submit(env.http, page, username="plain", password="password")


async def resend(env: Env, page: httpx.Response) -> httpx.Response:
    """login-verify-email.ftl's "Click here": a GET of the required-action URL (verifyRequiredAction too)."""
    found = re.search(r'id="kc-resend" href="([^"]+)"', page.text)
    assert found, page.text[:1500]
    return await env.http.get(found[1].replace("&amp;", "&"))


def tab_of(page: httpx.Response) -> str:
    """The tab the page's form or links name."""
    found = re.search(r"tab_id=([\w-]+)", page.text)
    assert found, page.text[:1500]
    return found[1]


Opener = Callable[[Env], Awaitable[httpx.Response]]
Sender = Callable[[Env, httpx.Response], Awaitable[httpx.Response]]
LOGIN = 60  # the Login timeout the login forms' cases set: the login itself lives the 300 s Login Action timeout
# opener, how the page answers, the endpoint's event, the page's lifespan (the Login timeout: 60 s for the login
# forms' cases; the default 1800 s for the others', whose login then outlives their 300 s)
CASES: dict[str, tuple[Opener, Sender, str, int]] = {
    "login form": (login_form, post_form, "LOGIN_ERROR", LOGIN),
    "registration": (registration, post_form, "REGISTER_ERROR", LOGIN),
    "required action": (required_action, post_form, "CUSTOM_REQUIRED_ACTION_ERROR", USER_ACTION),
    "consent": (consent, post_form, "LOGIN_ERROR", USER_ACTION),
    "verify email link": (verify_email, resend, "CUSTOM_REQUIRED_ACTION_ERROR", USER_ACTION),
    # LoginActionsService.resetCredentials: verifyActiveAndValidAction(AUTHENTICATE, USER), its link and its form
    "forgot password link": (login_form, forgot_link, "RESET_PASSWORD_ERROR", USER_ACTION),
    "reset credentials": (reset_form, post_form, "RESET_PASSWORD_ERROR", USER_ACTION),
}


@pytest.mark.parametrize("case", CASES)
async def test_a_page_past_its_own_lifespan_resets_the_login_to_its_form(realm: Env, case: str) -> None:
    """SessionCodeChecks.isActionActive failing while the login lives: ``expired_code`` of the endpoint's type,
    resetFlow, the same tab's login form saying the login timed out; the login then goes on from there."""
    opener, sender, event_type, lifespan = CASES[case]
    if lifespan == LOGIN:
        await update_realm(realm.db, "test", access_code_lifespan_login=LOGIN)
    page = await opener(realm)
    tab = tab_of(page)
    before = len(await error_events(realm))
    realm.clock.advance(lifespan)
    answer = await sender(realm, page)
    assert httpx.URL(answer.headers.get("location", "")).path.endswith("/login-actions/authenticate"), answer.text
    again = await followed(realm.http, answer)
    assert is_login_page(again) and error(again) == LOGIN_TIMEOUT, again.text[:1500]
    assert tab_of(again) == tab  # the tab reset, not a new one
    found = [(t, e, sorted(d)) for t, e, d in (await error_events(realm))[before:]]
    assert found == [(event_type, "expired_code", ["code_id"])]
    done = await submit(realm.http, again, username="plain", password="password")
    assert done.status_code in (200, 302) and not is_login_page(done), done.text[:1500]


@pytest.mark.parametrize("case", CASES)
async def test_a_page_within_its_own_lifespan_is_answered(realm: Env, case: str) -> None:
    """A second less than the page's lifespan: the page's step runs (no timeout, no error event)."""
    opener, sender, _, lifespan = CASES[case]
    if lifespan == LOGIN:
        await update_realm(realm.db, "test", access_code_lifespan_login=LOGIN)
    page = await opener(realm)
    before = len(await error_events(realm))
    realm.clock.advance(lifespan - 1)
    answer = await sender(realm, page)
    assert "/login-actions/authenticate" not in answer.headers.get("location", ""), answer.text[:1500]
    assert [e for e in (await error_events(realm))[before:] if e[1] == "expired_code"] == []


async def test_each_step_moves_the_login_timeout(realm: Env) -> None:
    """The Login timeout runs from the login's last step, not from its start: a wrong password at 50 s shows the
    form again, whose post 50 s later (100 s into a login whose Login timeout is 60 s) signs the user in."""
    await update_realm(realm.db, "test", access_code_lifespan_login=LOGIN)
    page = await login_form(realm)
    realm.clock.advance(50)
    wrong = await submit(realm.http, page, username="plain", password="wrong")
    assert is_login_page(wrong) and wrong.status_code == 200, wrong.text[:1500]
    realm.clock.advance(50)
    done = await submit(realm.http, wrong, username="plain", password="password")
    assert done.status_code == 302 and "code" in code_from(done), done.text[:1500]


async def test_each_page_after_the_login_moves_the_login_action_timeout(realm: Env) -> None:
    """UPDATE_PASSWORD then the consent screen: each page's code moves the timestamp (RequiredActionContextResult.
    generateCode, ClientSessionCode.setAction), so each gets its own Login Action timeout; 250 s on each, 500 s in
    all, signs the user in."""
    page = await submit(
        realm.http, await start(realm.http, "test", "consenting"), username="fresh", password="password"
    )
    assert is_update_password_page(page), page.text[:1500]
    realm.clock.advance(250)
    screen = await submit(realm.http, page, **NEW_PASSWORD)
    assert screen.status_code == 200 and "/login-actions/consent" in form_action(screen.text), screen.text[:1500]
    realm.clock.advance(250)
    done = await submit(realm.http, screen, accept="Yes")
    assert done.status_code == 302 and "code" in code_from(done), done.text[:1500]
    assert [e for e in await error_events(realm) if e[1] == "expired_code"] == []


async def test_past_the_longest_lifespan_the_login_is_gone_and_restarts_from_kc_restart(realm: Env) -> None:
    """The root authentication session lives the longest code lifespan (300 s with a Login timeout of 60 s) after
    its last step; past it the login is gone: restartAuthenticationSessionFromCookie's ``expired_code`` with
    ``restart_after_timeout``."""
    await update_realm(realm.db, "test", access_code_lifespan_login=LOGIN)
    page = await required_action(realm)
    before = len(await error_events(realm))
    realm.clock.advance(USER_ACTION)
    again = await followed(realm.http, await submit(realm.http, page, **NEW_PASSWORD))
    assert is_login_page(again) and error(again) == LOGIN_TIMEOUT, again.text[:1500]
    found = (await error_events(realm))[before:]
    assert found == [("CUSTOM_REQUIRED_ACTION_ERROR", "expired_code", {"restart_after_timeout": "true"})]


async def test_two_tabs_of_one_browser_stepping_at_once_both_answer(realm: Env) -> None:
    """Each step moves the timestamp of every tab of its root: two tabs posting at once (two app instances, the
    same cookies) must not wait on each other's row (PostgreSQL: the other tab's lock is passed over); three
    rounds of wrong passwords in both tabs all show the login form again, then each tab still signs in."""
    pages = [await login_form(realm), await login_form(realm)]
    browsers = [client_at(realm, "10.9.0.1"), client_at(realm, "10.9.0.2")]
    try:
        for browser in browsers:
            browser.cookies = realm.http.cookies
        for _ in range(3):
            pages = list(
                await asyncio.gather(
                    *(submit(b, p, username="plain", password="wrong") for b, p in zip(browsers, pages, strict=True))
                )
            )
            assert all(p.status_code == 200 and is_login_page(p) for p in pages), [p.status_code for p in pages]
        for browser, page in zip(browsers, pages, strict=True):
            done = await submit(browser, page, username="plain", password="password")
            assert done.status_code == 302, done.text[:1500]
    finally:
        for browser in browsers:
            await browser.aclose()
