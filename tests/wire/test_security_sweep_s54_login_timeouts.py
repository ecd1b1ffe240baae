"""An attacker's sweep of the per-step login timeouts (session 53: SessionCodeChecks.isActionActive on the root
authentication session's timestamp, migration 0044): a page past its lifespan must not be brought back to life by
replaying it, by posting it into a fresh tab of the same browser, or by racing two copies of it; the user owing
UPDATE_PASSWORD keeps the password they had whenever such a post is refused, and no authorization code comes out
of a login that never re-authenticated."""

from __future__ import annotations

import asyncio
from urllib.parse import parse_qs, urlencode, urlsplit

import httpx
import pytest

from browser_flow import followed, form_action, form_fields, start, submit, submit_forged
from login_test_realm import LOGIN_TIMEOUT, error, is_login_page
from mail_sink import Sink
from support import update_realm
from tabs_port import is_update_password_page
from wire import test_login_action_timeouts as timeouts
from wire.test_login_action_timeouts import NEW_PASSWORD, USER_ACTION, realm
from wire_env import Env, client_at

__all__ = ["realm"]  # test_login_action_timeouts' realm fixture

pytestmark = pytest.mark.anyio
PAGE_EXPIRED = "Page has expired"  # login-page-expired.ftl


def issued_code(response: httpx.Response) -> bool:
    """Whether the answer sends the browser to the client with an authorization code."""
    location = response.headers.get("location", "")
    return response.status_code == 302 and "code=" in urlsplit(location).query and "/login-actions/" not in location


async def password_is(env: Env, password: str) -> bool:
    """A fresh browser signing ``fresh`` in with ``password`` gets past the login form (to UPDATE_PASSWORD, which
    ``fresh`` still owes, or to the client)."""
    async with client_at(env, "10.9.9.9") as browser:
        page = await submit(browser, await start(browser, "test", "app"), username="fresh", password=password)
    return not is_login_page(page)


def with_tab(url: str, tab: str) -> str:
    """``url`` naming ``tab`` as its tab."""
    parts = urlsplit(url)
    query = {k: v[0] for k, v in parse_qs(parts.query).items()} | {"tab_id": tab}
    return parts._replace(query=urlencode(query)).geturl()


async def test_a_timed_out_required_action_replayed_after_the_reset_changes_nothing(realm: Env) -> None:
    """The first post past the Login Action timeout resets the tab to its login form; the same form posted again
    (the browser's back button, a script) neither sets the new password nor gives a code: the user must sign in."""
    page = await timeouts.required_action(realm)
    realm.clock.advance(USER_ACTION)
    first = await submit(realm.http, page, **NEW_PASSWORD)
    assert not issued_code(first), first.headers
    for _ in range(2):
        again = await submit(realm.http, page, **NEW_PASSWORD)
        assert not issued_code(again), again.headers
        if again.status_code == 302:
            again = await realm.http.get(again.headers["location"])
        # the tab's login form, or Keycloak's "Page has expired" for a code the reset made stale: never the step
        assert is_login_page(again) or PAGE_EXPIRED in again.text, again.text[:1500]
        assert not is_update_password_page(again), again.text[:1500]
    assert await password_is(realm, "password")
    assert not await password_is(realm, NEW_PASSWORD["password-new"])


async def test_a_timed_out_tabs_form_posted_into_a_fresh_tab_does_not_skip_its_login(realm: Env) -> None:
    """Tab A reached UPDATE_PASSWORD (the user authenticated) and timed out; tab B of the same browser is at its
    login form. A's form sent with B's tab id must not run A's step for B's login, which has no user yet."""
    stale = await timeouts.required_action(realm)
    realm.clock.advance(USER_ACTION)
    fresh = await timeouts.login_form(realm)
    forged = with_tab(form_action(stale.text), timeouts.tab_of(fresh))
    answer = await realm.http.post(forged, data={**form_fields(stale.text), **NEW_PASSWORD})
    assert not issued_code(answer), answer.headers
    if answer.status_code == 302:
        answer = await realm.http.get(answer.headers["location"])
    assert not is_update_password_page(answer), answer.text[:1500]
    assert await password_is(realm, "password")
    # B's own login still works from its form, and asks for the password change then
    page = await submit(realm.http, fresh, username="fresh", password="password")
    assert is_update_password_page(page), page.text[:1500]


async def test_another_tabs_code_never_runs_a_tabs_step(realm: Env) -> None:
    """Tab A at UPDATE_PASSWORD, past its Login Action timeout; tab B then opened in the same browser moves the root's
    timestamp (RootAuthenticationSessionAdapter.createAuthenticationSession, as Keycloak), so A is live again, but
    B's session code sent with A's form is not A's code (ClientSessionCode.parseResult: an illegal hash): A's page is
    shown again and the step does not run, no code, the password unchanged."""
    stale = await timeouts.required_action(realm)
    realm.clock.advance(USER_ACTION)
    fresh = await timeouts.login_form(realm)
    code = parse_qs(urlsplit(form_action(fresh.text)).query).get("session_code", [""])[0]
    parts = urlsplit(form_action(stale.text))
    query = {k: v[0] for k, v in parse_qs(parts.query).items()} | {"session_code": code}
    answer = await realm.http.post(
        parts._replace(query=urlencode(query)).geturl(),
        data={**form_fields(stale.text), **NEW_PASSWORD, "session_code": code},
    )
    assert not issued_code(answer), answer.headers
    if answer.status_code == 302:
        answer = await realm.http.get(answer.headers["location"])
    assert answer.status_code == 200, answer.text[:1500]
    assert await password_is(realm, "password")
    assert not await password_is(realm, NEW_PASSWORD["password-new"])


async def test_two_copies_of_a_timed_out_form_racing_both_fail(realm: Env) -> None:
    """Two app instances get the same timed-out UPDATE_PASSWORD form at once: neither runs the step."""
    page = await timeouts.required_action(realm)
    realm.clock.advance(USER_ACTION)
    browsers = [client_at(realm, "10.9.1.1"), client_at(realm, "10.9.1.2")]
    try:
        for browser in browsers:
            browser.cookies = realm.http.cookies
        answers = await asyncio.gather(*(submit(b, page, **NEW_PASSWORD) for b in browsers))
    finally:
        for browser in browsers:
            await browser.aclose()
    assert [issued_code(a) for a in answers] == [False, False], [a.headers for a in answers]
    assert await password_is(realm, "password")


async def test_two_copies_of_a_live_form_racing_sign_in_at_most_once(realm: Env) -> None:
    """The same UPDATE_PASSWORD form posted twice at once within its lifespan: at most one code comes out, and
    what the other gets is no second code for the same login."""
    page = await timeouts.required_action(realm)
    browsers = [client_at(realm, "10.9.2.1"), client_at(realm, "10.9.2.2")]
    try:
        for browser in browsers:
            browser.cookies = realm.http.cookies
        answers = await asyncio.gather(*(submit(b, page, **NEW_PASSWORD) for b in browsers))
    finally:
        for browser in browsers:
            await browser.aclose()
    assert sum(issued_code(a) for a in answers) == 1, [(a.status_code, a.headers.get("location")) for a in answers]
    assert await password_is(realm, NEW_PASSWORD["password-new"])


async def test_the_timed_out_login_form_does_not_take_a_password_guess(realm: Env) -> None:
    """A login form past the Login timeout: its post checks no password (no LOGIN_ERROR for a wrong one, no
    failure counted), the login starts again from its form."""
    await update_realm(realm.db, "test", access_code_lifespan_login=timeouts.LOGIN)
    page = await timeouts.login_form(realm)
    realm.clock.advance(timeouts.LOGIN)
    before = len(await timeouts.error_events(realm))
    answer = await submit(realm.http, page, username="plain", password="wrong")
    assert not issued_code(answer)
    again = await followed(realm.http, answer)
    assert is_login_page(again) and error(again) == LOGIN_TIMEOUT, again.text[:1500]
    found = [(t, e) for t, e, _ in (await timeouts.error_events(realm))[before:]]
    assert found == [("LOGIN_ERROR", "expired_code")]


@pytest.mark.parametrize("code", ["", "not-the-code", "x" * 64])
async def test_a_wrong_code_does_not_revive_a_timed_out_tab(realm: Env, code: str) -> None:
    """Tab A at UPDATE_PASSWORD past its Login Action timeout, no other tab opened: its form posted with a wrong
    session code is SessionCodeChecks' "invalid code, but the same form" redirect to the page's GET, which is judged
    against the timeout like any other: the tab is reset to its login form. The page is not shown again with a
    fresh code (which would move the root's timestamp and let the step run without the user signing in)."""
    page = await timeouts.required_action(realm)
    realm.clock.advance(USER_ACTION)
    answer = await submit_forged(realm.http, page, code, **NEW_PASSWORD)
    assert not issued_code(answer), answer.headers
    for _ in range(3):
        if answer.status_code != 302 or "/login-actions/" not in answer.headers.get("location", ""):
            break
        answer = await realm.http.get(answer.headers["location"])
    assert not is_update_password_page(answer), answer.text[:1500]
    assert await password_is(realm, "password")


async def test_a_reset_link_mailed_before_the_timeout_sets_the_password_once(realm: Env, mail: Sink) -> None:
    """The reset-credentials e-mail's link carries its own lifespan (an action token), not the tab's: used after
    the tab that asked for it timed out it still opens the new-password form, once; opened again, it sets nothing."""
    form = await timeouts.reset_form(realm)
    sent = await submit(realm.http, form, username="plain")
    assert sent.status_code == 200, sent.text[:1500]
    link = mail.received[-1].link()
    realm.clock.advance(USER_ACTION)
    async with client_at(realm, "10.9.3.1") as other:
        page = await other.get(link)
        for _ in range(3):
            if page.status_code != 302:
                break
            page = await other.get(page.headers["location"])
        assert is_update_password_page(page), page.text[:1500]
        done = await submit(other, page, **NEW_PASSWORD)
        assert done.status_code in (200, 302), done.text[:1500]
        again = await other.get(link)
        for _ in range(3):
            if again.status_code != 302:
                break
            again = await other.get(again.headers["location"])
        assert not is_update_password_page(again), again.text[:1500]
