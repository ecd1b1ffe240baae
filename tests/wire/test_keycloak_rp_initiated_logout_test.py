"""Keycloak's ``org.keycloak.testsuite.oauth.RPInitiatedLogoutTest`` (testsuite/integration-arquillian), ported:
OpenID Connect RP-Initiated Logout at ``GET/POST .../protocol/openid-connect/logout``, one test per Java method,
then Doorkeep's hostile variants of every redirect check.

The realm is LoginTest's part of Keycloak's ``testrealm.json`` (``tests/login_test_realm.py``) with test-app's
``post.logout.redirect.uris`` at ``+``, as testrealm.json has it, and German beside English (Doorkeep ships no
Czech, so ``de`` plays ``cs``). ``APP_REDIRECT`` plays ``oauth.APP_AUTH_ROOT``: test-app's base URL, inside its
redirect URIs. Keycloak's ``isSessionActive`` is the session store, ``setTimeOffset`` the fake clock and
``events.poll()`` the admin events API. Keycloak's confirmation form posts to ``.../logout/logout-confirm``;
Doorkeep's posts back to ``.../logout`` with the same ``session_code`` check.

Skipped Java methods, and why:

* ``logoutWithRememberMe``: remember-me's username prefill after a logout belongs to LoginTest's port.
* ``testLogoutWhenAccountClientRenamed``, ``testLogoutWhenAccountClientIsDisabled``: Doorkeep's logout pages do
  not go through the ``account`` client; only the LOGOUT event names it (covered by
  ``logout_without_id_token_hint_without_post_logout_redirect_uri``).
* ``testLocalizationDuringLogout``, ``testIncorrectChangingParameters``: Doorkeep's logout confirmation page has
  no locale dropdown and no ``logout-confirm`` GET with ``tab_id`` to tamper with.
* ``logoutConsentRequired``: the consent page's flow is ported with the consent tests; a hint from a consented
  login logs out like any other (``logout_redirect``).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from browser_flow import exchange, form_fields, submit
from doorkeep.sessions import service
from keycloak_port import import_realm, one_event, poll, session_active, update_client, update_realm, update_user
from login_test_realm import (
    APP,
    APP_BASE,
    error_page_text,
    is_login_page,
    login,
    mark_start,
    open_login_form,
    realm_rep,
    set_time_offset,
)
from support import claims
from wire_env import Env

pytestmark = pytest.mark.anyio

LOGOUT = "/realms/test/protocol/openid-connect/logout"
USER = "test-user@localhost"
APP_REDIRECT = APP_BASE + "/auth"  # oauth.APP_AUTH_ROOT, inside test-app's http://127.0.0.1:9999/*
DUMMY_POST_LOGOUT_URI = "http://127.0.0.1:4321/thisisatest"
POST_LOGOUT = "post.logout.redirect.uris"
LOGGED_OUT = "You are logged out"  # successLogout
FAILED_LOGOUT = "Logout failed"  # failedLogout
INVALID_REDIRECT = "Invalid redirect uri"  # invalidRedirectUriMessage
BAD_HINT = "Invalid parameter: id_token_hint"


@pytest.fixture
async def kc(env: Env) -> AsyncIterator[Env]:
    rep = realm_rep()
    rep.update(internationalizationEnabled=True, supportedLocales=["en", "de"], defaultLocale="en")
    for client in rep["clients"]:
        client.setdefault("attributes", {})[POST_LOGOUT] = "+"
    for user in rep["users"]:  # testrealm.json's test-user holds offline_access
        if user["username"] == USER:
            user["realmRoles"] = ["offline_access"]
    await import_realm(env, rep)
    await poll(env)
    mark_start(env)
    yield env


async def login_user(env: Env, client: str = APP, **params: str) -> dict[str, Any]:
    """RPInitiatedLogoutTest.loginUser: a browser login (or the SSO answer), its code exchanged, events cleared."""
    page = await open_login_form(env, client, **params)
    answer = page if page.status_code == 302 else await login(env, page, USER)
    code = dict(httpx.URL(answer.headers["location"]).params)["code"]
    response = await exchange(env.http, "test", client, code, secret="password")
    assert response.status_code == 200, response.text
    await poll(env)
    return dict(response.json())


async def logout_form(env: Env, method: str = "GET", **params: str) -> httpx.Response:
    """``oauth.logoutForm()...open()``: the parameters on the URL, or (POST) in the form."""
    if method == "POST":
        return await env.http.post(LOGOUT, data=params)
    return await env.http.get(LOGOUT, params=params)


def is_confirm_page(page: httpx.Response) -> bool:
    """``logoutConfirmPage.assertCurrent()``."""
    return page.status_code == 200 and 'name="session_code"' in page.text and 'id="kc-logout"' in page.text


def info(page: httpx.Response) -> str | None:
    """``infoPage.getInfo()``."""
    marker = '<p class="instruction">'
    if page.status_code != 200 or marker not in page.text:
        return None
    return page.text.split(marker, 1)[1].split("<", 1)[0]


def back_link(page: httpx.Response) -> str | None:
    """``infoPage.clickBackToApplicationLink()`` / ``errorPage.clickBackToApplication()``: the link's target."""
    for anchor in ('<a id="kc-back" href="', '<a id="backToApplication" href="'):
        if anchor in page.text:
            return page.text.split(anchor, 1)[1].split('"', 1)[0].replace("&amp;", "&")
    return None


def redirected(response: httpx.Response) -> str:
    assert response.status_code == 302, (response.status_code, response.text[:600])
    return response.headers["location"]


async def expect_logout(env: Env, body: dict[str, Any], client: str = APP, redirect_uri: str | None = None) -> None:
    """``events.expectLogout(sessionId).client(...).detail(REDIRECT_URI, ...)`` (``removeDetail`` for None), for
    the session and user of the token response ``body``."""
    event = await one_event(env)
    assert event["type"] == "LOGOUT" and event["sessionId"] == body["session_state"], event
    assert event["clientId"] == client and event["userId"] == claims(body["access_token"])["sub"], event
    assert event.get("details", {}).get("redirect_uri") == redirect_uri, event


async def expect_logout_error(env: Env, error: str, client: str | None = None, **details: str) -> dict[str, Any]:
    """``events.expectLogoutError(error).client(...)...assertEvent()``: no user, the given details."""
    event = await one_event(env)
    assert event["type"] == "LOGOUT_ERROR" and event["error"] == error, event
    assert event.get("clientId") == client and event.get("userId") is None, event
    for name, value in details.items():  # an empty value is no detail (EventBuilder.detail drops it)
        assert event.get("details", {}).get(name) == (value or None), (name, event)
    return event


# --- RPInitiatedLogoutTest ----------------------------------------------------------------------------------


async def test_logout_redirect(kc: Env) -> None:
    """logoutRedirect: the hint and a registered redirect log out at once; ``state`` follows the redirect's own
    query as ``&state=``; a new login gets a new session."""
    body = await login_user(kc)
    sid, redirect_uri = body["session_state"], APP_REDIRECT + "?logout"
    response = await logout_form(kc, post_logout_redirect_uri=redirect_uri, id_token_hint=body["id_token"])
    assert redirected(response) == redirect_uri
    await expect_logout(kc, body, redirect_uri=redirect_uri)
    assert not await session_active(kc, sid)
    again = await login_user(kc)
    assert again["session_state"] != sid
    params = {"post_logout_redirect_uri": redirect_uri, "id_token_hint": again["id_token"], "state": "something"}
    assert redirected(await logout_form(kc, **params)) == redirect_uri + "&state=something"
    await expect_logout(kc, again, redirect_uri=redirect_uri)
    assert not await session_active(kc, again["session_state"])


async def test_logout_redirect_with_logout_confirmation_enabled(kc: Env) -> None:
    """logoutRedirectWithLogoutConfirmationEnabled: the session ends, then "You are logged out" with a link to
    the redirect instead of the redirect itself."""
    await update_client(kc, APP, attributes={"logout.confirmation.enabled": "true"})
    body = await login_user(kc)
    redirect_uri = APP_REDIRECT + "?logout"
    page = await logout_form(kc, post_logout_redirect_uri=redirect_uri, id_token_hint=body["id_token"])
    await expect_logout(kc, body, redirect_uri=redirect_uri)
    assert not await session_active(kc, body["session_state"])
    assert info(page) == LOGGED_OUT and back_link(page) == redirect_uri


async def test_post_logout_redirect(kc: Env) -> None:
    """postLogoutRedirect: ``post.logout.redirect.uris`` set to one URI allows exactly that one."""
    await update_client(kc, APP, attributes={POST_LOGOUT: APP_REDIRECT + "?post_logout"})
    redirect_uri = APP_REDIRECT + "?post_logout"
    body = await login_user(kc)
    response = await logout_form(kc, post_logout_redirect_uri=redirect_uri, id_token_hint=body["id_token"])
    assert redirected(response) == redirect_uri
    await expect_logout(kc, body, redirect_uri=redirect_uri)
    again = await login_user(kc)
    params = {"post_logout_redirect_uri": redirect_uri, "id_token_hint": again["id_token"], "state": "something"}
    assert redirected(await logout_form(kc, **params)) == redirect_uri + "&state=something"
    await expect_logout(kc, again, redirect_uri=redirect_uri)
    # and no longer the redirect URIs ("+" was replaced)
    third = await login_user(kc)
    refused = await logout_form(kc, post_logout_redirect_uri=APP_REDIRECT, id_token_hint=third["id_token"])
    assert refused.status_code == 400 and error_page_text(refused) == INVALID_REDIRECT
    await expect_logout_error(kc, "invalid_redirect_uri", APP, redirect_uri=APP_REDIRECT)


async def test_logout_redirect_with_id_token_hint_point_to_different_session(kc: Env) -> None:
    """logoutRedirectWithIdTokenHintPointToDifferentSession: the first session's hint, used in the second
    session's browser, asks first; once confirmed the browser's session ends, with LOGOUT_ERROR
    ``session_expired`` for the hint's session, and the redirect carries ``state``."""
    first = await login_user(kc)
    redirect_uri = APP_REDIRECT + "?logout"
    await logout_form(kc, post_logout_redirect_uri=redirect_uri, id_token_hint=first["id_token"])
    await expect_logout(kc, first, redirect_uri=redirect_uri)
    second = await login_user(kc)
    assert second["session_state"] != first["session_state"]
    params = {"post_logout_redirect_uri": redirect_uri, "id_token_hint": first["id_token"], "state": "something"}
    page = await logout_form(kc, **params)
    assert is_confirm_page(page) and await session_active(kc, second["session_state"])
    done = await submit(kc.http, page)
    assert redirected(done) == redirect_uri + "&state=something"
    assert not await session_active(kc, second["session_state"])
    found = await poll(kc)
    assert [(e["type"], e.get("error")) for e in found] == [("LOGOUT_ERROR", "session_expired"), ("LOGOUT", None)]
    assert found[1]["sessionId"] == second["session_state"]


async def test_logout_with_expired_session(kc: Env) -> None:
    """logoutWithExpiredSession: with the SSO session past its max lifespan the hint still redirects (no 500),
    records LOGOUT_ERROR ``session_expired`` and no LOGOUT, and the browser must log in again."""
    await update_realm(kc, ssoSessionMaxLifespan=20)
    body = await login_user(kc)
    set_time_offset(kc, 9999)
    response = await logout_form(kc, post_logout_redirect_uri=APP_REDIRECT, id_token_hint=body["id_token"])
    assert redirected(response) == APP_REDIRECT
    await expect_logout_error(kc, "session_expired", APP)
    assert not await session_active(kc, body["session_state"])
    assert is_login_page(await open_login_form(kc))


async def test_logout_session_when_logged_out_by_admin(kc: Env) -> None:
    """logoutSessionWhenLoggedOutByAdmin: after logout-all the hint still redirects, LOGOUT_ERROR
    ``session_expired``; a new login then logs out normally."""
    body = await login_user(kc)
    response = await kc.http.post("/admin/realms/test/logout-all", headers=await kc.admin_headers())
    assert response.status_code == 200
    assert not await session_active(kc, body["session_state"])
    await poll(kc)
    response = await logout_form(kc, post_logout_redirect_uri=APP_REDIRECT, id_token_hint=body["id_token"])
    assert redirected(response) == APP_REDIRECT
    await expect_logout_error(kc, "session_expired", APP)
    again = await login_user(kc)
    assert again["session_state"] != body["session_state"]
    response = await logout_form(kc, post_logout_redirect_uri=APP_REDIRECT, id_token_hint=again["id_token"])
    assert redirected(response) == APP_REDIRECT
    await expect_logout(kc, again, redirect_uri=APP_REDIRECT)
    assert not await session_active(kc, again["session_state"])


async def test_browser_logout_with_access_token(kc: Env) -> None:
    """browserLogoutWithAccessToken: an access token is no ID token: LOGOUT_ERROR ``invalid_token``, the
    session stays."""
    body = await login_user(kc)
    response = await logout_form(kc, post_logout_redirect_uri=APP_REDIRECT, id_token_hint=body["access_token"])
    assert response.status_code == 400 and error_page_text(response) == BAD_HINT
    await expect_logout_error(kc, "invalid_token")
    assert await session_active(kc, body["session_state"])


async def test_logout_with_expired_id_token(kc: Env) -> None:
    """logoutWithExpiredIdToken: a day-old ID token still logs out with a redirect."""
    body = await login_user(kc)
    set_time_offset(kc, 60 * 60 * 24)
    response = await logout_form(kc, id_token_hint=body["id_token"], post_logout_redirect_uri=APP_REDIRECT)
    assert redirected(response) == APP_REDIRECT
    assert not await session_active(kc, body["session_state"])


async def test_logout_with_valid_id_token_when_logged_out_by_admin(kc: Env) -> None:
    """logoutWithValidIdTokenWhenLoggedOutByAdmin: without the browser's cookies (another HTTP client) the hint
    of a session logged out by the admin still redirects; no LOGOUT event."""
    body = await login_user(kc)
    await kc.http.post("/admin/realms/test/logout-all", headers=await kc.admin_headers())
    await poll(kc)
    kc.http.cookies.clear()
    response = await logout_form(kc, id_token_hint=body["id_token"], post_logout_redirect_uri=APP_REDIRECT)
    assert redirected(response) == APP_REDIRECT
    assert [e["type"] for e in await poll(kc)] == ["LOGOUT_ERROR"]
    assert not await session_active(kc, body["session_state"])


async def test_logout_with_post_logout_uri_without_id_token_hint_should_fail(kc: Env) -> None:
    """logoutWithPostLogoutUriWithoutIdTokenHintShouldFail: an error page, LOGOUT_ERROR ``invalid_request``
    with Keycloak's reason, the session stays."""
    body = await login_user(kc)
    response = await logout_form(kc, post_logout_redirect_uri=APP_REDIRECT)
    assert response.status_code == 400 and error_page_text(response) == "Missing parameters: id_token_hint"
    event = await expect_logout_error(kc, "invalid_request")
    assert event["details"]["reason"].startswith("Either the parameter 'client_id' or the parameter 'id_token_hint'")
    assert await session_active(kc, body["session_state"])


async def test_logout_with_invalid_post_logout_redirect_uri(kc: Env) -> None:
    """logoutWithInvalidPostLogoutRedirectUri: a URI nowhere registered, and root-url-client's ``/foo/bar``, are
    refused for test-app (whose redirect URIs, as in testrealm.json, are its ``/app/*`` ones); the session stays."""
    body = await login_user(kc)
    await update_client(kc, APP, redirectUris=["http://127.0.0.1:9999/app/*"])
    await poll(kc)
    for uri in ("https://invalid", "http://127.0.0.1:9999/foo/bar"):
        response = await logout_form(kc, post_logout_redirect_uri=uri, id_token_hint=body["id_token"])
        assert response.status_code == 400 and error_page_text(response) == INVALID_REDIRECT
        assert "location" not in response.headers
        await expect_logout_error(kc, "invalid_redirect_uri", APP, redirect_uri=uri)
    assert await session_active(kc, body["session_state"])


@pytest.mark.parametrize("broken", ["no signature", "bad signature"])
async def test_logout_with_invalid_id_token_hint(kc: Env, broken: str) -> None:
    """logoutWithInvalidIdTokenHint: the signature removed or replaced: LOGOUT_ERROR ``invalid_token`` without
    a redirect_uri detail, and the session stays."""
    body = await login_user(kc)
    hint = body["id_token"].rsplit(".", 1)[0] + (".something" if broken == "bad signature" else "")
    response = await logout_form(kc, post_logout_redirect_uri=APP_REDIRECT, id_token_hint=hint)
    assert response.status_code == 400 and error_page_text(response) == BAD_HINT
    event = await expect_logout_error(kc, "invalid_token")
    assert "redirect_uri" not in event.get("details", {})
    assert await session_active(kc, body["session_state"])


async def test_logout_without_id_token_hint_without_post_logout_redirect_uri(kc: Env) -> None:
    """logoutWithoutIdTokenHintWithoutPostLogoutRedirectUri: the confirmation first (no event yet), then "You
    are logged out" without a link; LOGOUT names the ``account`` client."""
    body = await login_user(kc)
    page = await logout_form(kc)
    assert is_confirm_page(page) and await session_active(kc, body["session_state"])
    assert await poll(kc) == []
    done = await submit(kc.http, page)
    assert info(done) == LOGGED_OUT and back_link(done) is None
    await expect_logout(kc, body, client="account")
    assert not await session_active(kc, body["session_state"])


async def test_logout_with_id_token_hint_without_post_logout_redirect_uri(kc: Env) -> None:
    """logoutWithIdTokenHintWithoutPostLogoutRedirectUri: "You are logged out" with the link back to test-app's
    base URL."""
    body = await login_user(kc)
    page = await logout_form(kc, id_token_hint=body["id_token"])
    assert info(page) == LOGGED_OUT and back_link(page) == APP_BASE
    await expect_logout(kc, body)
    assert not await session_active(kc, body["session_state"])


async def test_logout_expired_confirmation_action(kc: Env) -> None:
    """logoutExpiredConfirmationAction: confirmed 310 s later (past accessCodeLifespanUserAction): "Logout
    failed", LOGOUT_ERROR ``expired_code``, no link, the session stays."""
    body = await login_user(kc)
    page = await logout_form(kc)
    assert is_confirm_page(page)
    set_time_offset(kc, 310)
    failed = await submit(kc.http, page)
    assert failed.status_code == 400 and error_page_text(failed) == FAILED_LOGOUT and back_link(failed) is None
    await expect_logout_error(kc, "expired_code")
    assert await session_active(kc, body["session_state"])


async def test_logout_expired_confirmation_auth_session(kc: Env) -> None:
    """logoutExpiredConfirmationAuthSession: confirmed 1810 s later (past the login lifespan): LOGOUT_ERROR
    ``session_expired``, no link."""
    await login_user(kc)
    page = await logout_form(kc)
    set_time_offset(kc, 1810)
    failed = await submit(kc.http, page)
    assert failed.status_code == 400 and error_page_text(failed) == FAILED_LOGOUT and back_link(failed) is None
    await expect_logout_error(kc, "session_expired")


async def test_logout_expired_confirmation_auth_session_with_client(kc: Env) -> None:
    """logoutExpiredConfirmationAuthSessionWithClient: with ``client_id`` the error page links back to it."""
    await login_user(kc)
    page = await logout_form(kc, client_id=APP)
    assert is_confirm_page(page)
    set_time_offset(kc, 1810)
    failed = await submit(kc.http, page)
    assert error_page_text(failed) == FAILED_LOGOUT and back_link(failed) == APP_BASE
    await expect_logout_error(kc, "session_expired", APP)


async def test_logout_with_ui_locales_and_client_id_parameter(kc: Env) -> None:
    """logoutWithUiLocalesAndClientIdParameter: ``ui_locales`` picks the confirmation's and the info page's
    language; the info page links back to the client."""
    body = await login_user(kc)
    page = await logout_form(kc, client_id=APP, ui_locales="de")
    assert is_confirm_page(page) and "<title>Abmelden</title>" in page.text and '<html lang="de"' in page.text
    assert await session_active(kc, body["session_state"]) and await poll(kc) == []
    done = await submit(kc.http, page)
    await expect_logout(kc, body)
    assert info(done) == "Sie sind abgemeldet." and back_link(done) == APP_BASE


async def test_logout_with_client_id_and_expired_code(kc: Env) -> None:
    """logoutWithClientIdAndExpiredCode: ``expired_code``, and the link back to the client."""
    body = await login_user(kc)
    page = await logout_form(kc, client_id=APP)
    set_time_offset(kc, 310)
    failed = await submit(kc.http, page)
    assert error_page_text(failed) == FAILED_LOGOUT and back_link(failed) == APP_BASE
    await expect_logout_error(kc, "expired_code", APP)
    assert await session_active(kc, body["session_state"])


async def test_logout_with_client_id_and_without_id_token_hint(kc: Env) -> None:
    """logoutWithClientIdAndWithoutIdTokenHint: ``client_id`` with a redirect still asks (English by default);
    once confirmed, the redirect with ``state``."""
    body = await login_user(kc)
    assert is_confirm_page(await logout_form(kc))
    params = {"post_logout_redirect_uri": APP_REDIRECT, "state": "somethingg", "client_id": APP}
    page = await logout_form(kc, **params)
    assert is_confirm_page(page) and '<html lang="en"' in page.text and "<title>Logging out</title>" in page.text
    assert await session_active(kc, body["session_state"]) and await poll(kc) == []
    assert redirected(await submit(kc.http, page)) == APP_REDIRECT + "?state=somethingg"
    await expect_logout(kc, body, redirect_uri=APP_REDIRECT)
    assert not await session_active(kc, body["session_state"])


async def test_logout_with_client_id_id_token_hint_and_post_logout_redirect_uri(kc: Env) -> None:
    """logoutWithClientIdIdTokenHintAndPostLogoutRedirectUri: all three log out without asking; then, with no
    browser session, ``client_id`` and the redirect go straight back, no event."""
    body = await login_user(kc)
    params = {"post_logout_redirect_uri": APP_REDIRECT, "id_token_hint": body["id_token"], "client_id": APP}
    assert redirected(await logout_form(kc, **params, state="somethingg")) == APP_REDIRECT + "?state=somethingg"
    await expect_logout(kc, body, redirect_uri=APP_REDIRECT)
    params = {"post_logout_redirect_uri": APP_REDIRECT, "client_id": APP, "state": "something2"}
    assert redirected(await logout_form(kc, **params)) == APP_REDIRECT + "?state=something2"
    assert await poll(kc) == []


@pytest.mark.parametrize(
    ("attribute", "uri"),
    [
        ("+##" + DUMMY_POST_LOGOUT_URI, DUMMY_POST_LOGOUT_URI),  # ...AndPlusFirst
        (DUMMY_POST_LOGOUT_URI + "##+", DUMMY_POST_LOGOUT_URI),  # ...AndPlusLast
        ("+##" + DUMMY_POST_LOGOUT_URI + "##+", APP_REDIRECT),  # ...AppRedirectUriAndAdditional...PlusFirstAndLast
        (DUMMY_POST_LOGOUT_URI + "##+", APP_REDIRECT),  # ...AppRedirectUriAndAdditionalPostLogoutUriAndPlusLast
        ("+", APP_REDIRECT),  # ...WhenWhenUsingAppRedirectUriAndPlus
    ],
)
async def test_logout_with_client_id_and_post_logout_redirect_uri_when_using_post_logout_redirect_uri(
    kc: Env, attribute: str, uri: str
) -> None:
    """The five logoutWithClientIdAndPostLogoutRedirectUriWhen... methods (doLogoutTestWith...): ``+`` anywhere
    in the ``##``-joined list stands for the redirect URIs; the URI is accepted (the confirmation, in English),
    and after confirming it is where the browser goes."""
    await update_client(kc, APP, attributes={POST_LOGOUT: attribute})
    body = await login_user(kc)
    page = await logout_form(kc, post_logout_redirect_uri=uri, client_id=APP)
    assert is_confirm_page(page) and '<html lang="en"' in page.text
    assert await session_active(kc, body["session_state"]) and await poll(kc) == []
    assert redirected(await submit(kc.http, page)) == uri


async def test_logout_with_bad_client_id(kc: Env) -> None:
    """logoutWithBadClientId: a hint for test-app with ``client_id=third-party`` is refused (LOGOUT_ERROR
    ``invalid_token`` for third-party); an unknown client_id with a redirect is "Invalid redirect uri"; an
    unknown client_id alone asks, then logs out for ``account``, without a link."""
    body = await login_user(kc)
    params = {"post_logout_redirect_uri": APP_REDIRECT, "client_id": "third-party", "id_token_hint": body["id_token"]}
    response = await logout_form(kc, **params)
    assert response.status_code == 400 and error_page_text(response) == BAD_HINT
    await expect_logout_error(kc, "invalid_token", "third-party")
    assert await session_active(kc, body["session_state"])
    response = await logout_form(kc, post_logout_redirect_uri=APP_REDIRECT, client_id="non-existing")
    assert response.status_code == 400 and error_page_text(response) == INVALID_REDIRECT
    await expect_logout_error(kc, "invalid_redirect_uri", redirect_uri=APP_REDIRECT)
    assert await session_active(kc, body["session_state"])
    page = await logout_form(kc, client_id="non-existing")
    assert is_confirm_page(page)
    done = await submit(kc.http, page)
    assert info(done) == LOGGED_OUT and back_link(done) is None
    await expect_logout(kc, body, client="account")
    assert not await session_active(kc, body["session_state"])


async def test_logout_with_post_request(kc: Env) -> None:
    """logoutWithPostRequest: RP-initiated logout by POST, straight through with the hint, and through the
    (German) confirmation with ``client_id`` and ``ui_locales``; ``state`` after the redirect's own query."""
    body = await login_user(kc)
    redirect_uri = APP_REDIRECT + "?logout"
    form = {"post_logout_redirect_uri": redirect_uri, "id_token_hint": body["id_token"], "state": "my-state"}
    assert redirected(await logout_form(kc, "POST", **form)) == redirect_uri + "&state=my-state"
    await expect_logout(kc, body, redirect_uri=redirect_uri)
    again = await login_user(kc)
    form = {"post_logout_redirect_uri": redirect_uri, "client_id": APP, "state": "my-state-2", "ui_locales": "de"}
    page = await logout_form(kc, "POST", **form)
    assert is_confirm_page(page) and "<title>Abmelden</title>" in page.text
    assert form_fields(page.text)["ui_locales"] == "de"
    assert redirected(await submit(kc.http, page)) == redirect_uri + "&state=my-state-2"
    await expect_logout(kc, again, redirect_uri=redirect_uri)
    assert not await session_active(kc, again["session_state"])


async def test_localization_preference_during_logout(kc: Env) -> None:
    """testLocalizationPreferenceDuringLogout: the user's ``locale`` attribute beats ``ui_locales``; without it
    ``ui_locales`` decides; without both, English."""
    body = await login_user(kc)
    await update_user(kc, USER, attributes={"locale": ["de"]})
    assert '<html lang="de"' in (await logout_form(kc)).text
    await update_user(kc, USER, attributes={"locale": ["en"]})
    assert '<html lang="en"' in (await logout_form(kc, ui_locales="de")).text
    await update_user(kc, USER, attributes={})
    page = await logout_form(kc, ui_locales="de")
    assert "<title>Abmelden</title>" in page.text
    await submit(kc.http, page)
    await expect_logout(kc, body, client="account")
    await login_user(kc)
    assert "<title>Logging out</title>" in (await logout_form(kc)).text


async def test_logout_with_id_token_and_disabled_client_must_work(kc: Env) -> None:
    """logoutWithIdTokenAndDisabledClientMustWork: a disabled client's ``client_id`` and redirect still ask,
    and the confirmed logout ends the session."""
    body = await login_user(kc)
    await update_client(kc, APP, enabled=False)
    await poll(kc)
    page = await logout_form(kc, post_logout_redirect_uri=APP_REDIRECT, client_id=APP)
    assert is_confirm_page(page) and await session_active(kc, body["session_state"])
    assert await poll(kc) == []
    await submit(kc.http, page)
    await expect_logout(kc, body, redirect_uri=APP_REDIRECT)
    assert not await session_active(kc, body["session_state"])


async def test_logout_with_id_token_and_removed_client(kc: Env) -> None:
    """logoutWithIdTokenAndRemovedClient: the hint's client was deleted, so its redirect cannot be verified:
    "Invalid redirect uri", LOGOUT_ERROR with the redirect_uri detail."""
    rep = {
        "clientId": "my-foo-client",
        "enabled": True,
        "baseUrl": "https://foo/bar",
        "redirectUris": ["http://127.0.0.1:9999/*"],
        "secret": "password",
    }
    response = await kc.http.post("/admin/realms/test/clients", json=rep, headers=await kc.admin_headers())
    assert response.status_code == 201, response.text
    body = await login_user(kc, "my-foo-client")
    uuid = response.headers["location"].rsplit("/", 1)[1]
    assert (await kc.http.delete(f"/admin/realms/test/clients/{uuid}", headers=await kc.admin_headers())).is_success
    await poll(kc)
    response = await logout_form(kc, post_logout_redirect_uri=APP_REDIRECT, id_token_hint=body["id_token"])
    assert response.status_code == 400 and error_page_text(response) == INVALID_REDIRECT
    await expect_logout_error(kc, "invalid_redirect_uri", redirect_uri=APP_REDIRECT)


# --- Doorkeep's additions: the confirmation's session code, offline sessions ------------------------------


@pytest.mark.parametrize("code", ["missing", "forged", "replayed"])
async def test_a_confirmation_without_the_pages_session_code_fails(kc: Env, code: str) -> None:
    """The confirmation's ``session_code`` must be the one of the latest page in this browser: a missing or
    forged one, or one from an older page, is "Logout failed" (LOGOUT_ERROR ``session_expired``)."""
    body = await login_user(kc)
    page = await logout_form(kc, client_id=APP)
    fields = form_fields(page.text)
    if code == "missing":
        fields.pop("session_code")
    elif code == "forged":
        fields["session_code"] = f"{kc.clock.now()}.forged"
    else:
        await logout_form(kc, client_id=APP)  # a newer page replaces the cookie
    failed = await kc.http.post(LOGOUT + "/logout-confirm", data=fields)
    assert failed.status_code == 400 and error_page_text(failed) == FAILED_LOGOUT
    await expect_logout_error(kc, "session_expired", APP)
    assert await session_active(kc, body["session_state"])


async def test_a_used_confirmation_cannot_log_out_the_next_session(kc: Env) -> None:
    """After a confirmed logout the form replayed in the same browser, now logged in again, fails."""
    await login_user(kc)
    page = await logout_form(kc)
    await submit(kc.http, page)
    await poll(kc)
    again = await login_user(kc)
    failed = await submit(kc.http, page)
    assert failed.status_code == 400 and error_page_text(failed) == FAILED_LOGOUT
    await expect_logout_error(kc, "session_expired")
    assert await session_active(kc, again["session_state"])


async def test_the_offline_session_survives_the_browser_logout(kc: Env) -> None:
    """RP-initiated logout ends the SSO session only: the offline token from the same login still refreshes
    (KEYCLOAK.md 4.4), while the online refresh token is refused with "Session not active"."""
    body = await login_user(kc, scope="openid offline_access")
    assert claims(body["refresh_token"])["typ"] == "Offline"
    online = await login_user(kc)
    response = await logout_form(kc, post_logout_redirect_uri=APP_REDIRECT, id_token_hint=online["id_token"])
    assert redirected(response) == APP_REDIRECT
    token = "/realms/test/protocol/openid-connect/token"
    form = {"grant_type": "refresh_token", "refresh_token": body["refresh_token"]}
    assert (await kc.http.post(token, data=form, auth=(APP, "password"))).status_code == 200
    form["refresh_token"] = online["refresh_token"]
    refused = await kc.http.post(token, data=form, auth=(APP, "password"))
    assert refused.status_code == 400
    assert refused.json() == {"error": "invalid_grant", "error_description": "Session not active"}


# --- Hostile variants of every redirect check: Keycloak's error page, never a redirect ----------------------

# test-app's post-logout redirects are "+", its redirect URIs http://127.0.0.1:9999/* (a prefix wildcard).
OPEN_REDIRECTS = [
    "http://127.0.0.1:9999@evil.example/",  # userinfo: the host is evil.example
    "http://127.0.0.1:9999:@evil.example/",
    "http://user:pw@127.0.0.1:9999/callback",  # userinfo turns the wildcard off (areWildcardsAllowed)
    "http://evil.example\\@127.0.0.1:9999/",  # backslash: browsers read evil.example
    "http://evil.example\\.127.0.0.1:9999/",
    "http://127.0.0.1:9999\\@evil.example/",
    "http://127.0.0.1:9999/%2e%2e/%2e%2e/evil",  # encoded dot segments
    "http://127.0.0.1:9999/app/..%2f..%2f..%2fevil",
    "http://127.0.0.1:9999/%252e%252e/evil",
    "http://127.0.0.1:9999%2f@evil.example/",  # an encoded slash in the authority
    "http:%2f%2fevil.example/",
    "//evil.example/",  # scheme-relative
    "//127.0.0.1:9999/callback",
    "/\\evil.example/",
    "javascript:alert(1)//127.0.0.1:9999/",
    "JavaScript:alert(document.cookie)",
    "java\tscript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "vbscript:msgbox(1)",
    "http://127.0.0.1:9998/callback",  # another port
    "http://127.0.0.1/callback",
    "https://127.0.0.1:9999/callback",  # another scheme
    "http://127.0.0.1:99999/callback",
    "http://127.0.0.1:9999.evil.example/",  # wildcard abuse: the prefix ends at the authority
    "http://127.0.0.1:9999evil.example/",
    "http://127.0.0.2:9999/callback",
    "http://localhost:9999/callback",
    "http://evil.example/#http://127.0.0.1:9999/",  # fragment: not where the browser goes
    "http://evil.example/?http://127.0.0.1:9999/",
    "https://invalid",
    "",
    " http://127.0.0.1:9999/callback",
    "http://127.0.0.1:9999/callback\r\nSet-Cookie: x=1",
]


async def refused_redirect(env: Env, method: str, uri: str, **params: str) -> None:
    """A refused ``post_logout_redirect_uri``: 400, "Invalid redirect uri", no Location, LOGOUT_ERROR
    ``invalid_redirect_uri`` with the URI as given."""
    response = await logout_form(env, method, post_logout_redirect_uri=uri, **params)
    assert response.status_code == 400, (uri, response.status_code, response.headers.get("location"))
    assert error_page_text(response) == INVALID_REDIRECT and "location" not in response.headers, uri
    await expect_logout_error(env, "invalid_redirect_uri", APP, redirect_uri=uri)


@pytest.mark.parametrize("method", ["GET", "POST"])
async def test_open_redirects_with_id_token_hint_get_the_error_page(kc: Env, method: str) -> None:
    """Every open-redirect attempt, with test-app's own hint: refused, and the session stays."""
    body = await login_user(kc)
    for uri in OPEN_REDIRECTS:
        await refused_redirect(kc, method, uri, id_token_hint=body["id_token"], state="s")
    assert await session_active(kc, body["session_state"])


@pytest.mark.parametrize("method", ["GET", "POST"])
async def test_open_redirects_with_client_id_get_the_error_page(kc: Env, method: str) -> None:
    """The same with ``client_id`` alone, with and without a browser session (where a valid URI would be
    followed at once): refused before any confirmation."""
    body = await login_user(kc)
    for uri in OPEN_REDIRECTS:
        await refused_redirect(kc, method, uri, client_id=APP)
    kc.http.cookies.clear()
    for uri in OPEN_REDIRECTS:
        await refused_redirect(kc, method, uri, client_id=APP)
    assert await session_active(kc, body["session_state"])


@pytest.mark.parametrize(
    "uri",
    [
        DUMMY_POST_LOGOUT_URI + "x",  # an exact entry is no prefix
        DUMMY_POST_LOGOUT_URI + "/",
        DUMMY_POST_LOGOUT_URI + "/../../evil",
        DUMMY_POST_LOGOUT_URI + "@evil.example",
        "http://127.0.0.1:4321@evil.example/thisisatest",
        "HTTP://127.0.0.1:4321/THISISATEST",  # paths compare exactly
        DUMMY_POST_LOGOUT_URI.replace("http:", "https:"),
        APP_REDIRECT,  # "+" is not listed: the redirect URIs do not count
    ],
)
async def test_an_exact_post_logout_redirect_uri_allows_only_itself(kc: Env, uri: str) -> None:
    """With ``post.logout.redirect.uris`` one exact URI (no ``+``), near misses are refused; the URI itself
    (with ``state``) is followed."""
    await update_client(kc, APP, attributes={POST_LOGOUT: DUMMY_POST_LOGOUT_URI})
    body = await login_user(kc)
    await refused_redirect(kc, "GET", uri, id_token_hint=body["id_token"])
    params = {"post_logout_redirect_uri": DUMMY_POST_LOGOUT_URI, "id_token_hint": body["id_token"], "state": "a b"}
    assert redirected(await logout_form(kc, **params)) == DUMMY_POST_LOGOUT_URI + "?state=a+b"


@pytest.mark.parametrize("pattern", ["http://127.0.0.1:4321/*", "http://127.0.0.1:4321/app*"])
async def test_a_post_logout_wildcard_cannot_be_escaped(kc: Env, pattern: str) -> None:
    """A wildcard entry of ``post.logout.redirect.uris`` itself: dot segments, userinfo, a longer port or host
    and a lookalike host are refused."""
    await update_client(kc, APP, attributes={POST_LOGOUT: pattern})
    body = await login_user(kc)
    for uri in (
        "http://127.0.0.1:4321/app/../../evil",
        "http://127.0.0.1:4321/app/%2e%2e/evil",
        "http://127.0.0.1:4321@evil.example/app",
        "http://127.0.0.1:43210/app",
        "http://127.0.0.1:4321.evil.example/app",
        "http://127.0.0.1:4321\\@evil.example/app",
    ):
        await refused_redirect(kc, "GET", uri, id_token_hint=body["id_token"])
    assert await session_active(kc, body["session_state"])


async def test_a_hostile_redirect_stays_refused_through_the_confirmation(kc: Env) -> None:
    """The confirmation form re-posts its parameters: a redirect changed in the confirming POST is checked
    again and refused, the session stays."""
    body = await login_user(kc)
    page = await logout_form(kc, client_id=APP, post_logout_redirect_uri=APP_REDIRECT)
    assert is_confirm_page(page)
    fields = {**form_fields(page.text), "post_logout_redirect_uri": "http://evil.example/"}
    response = await kc.http.post(LOGOUT + "/logout-confirm", data=fields)
    assert response.status_code == 400 and "location" not in response.headers
    assert error_page_text(response) == INVALID_REDIRECT
    await expect_logout_error(kc, "invalid_redirect_uri", APP, redirect_uri="http://evil.example/")
    assert await session_active(kc, body["session_state"])


async def test_an_id_token_hint_from_another_realm_is_refused(kc: Env) -> None:
    """A hint signed by another realm's key fails verification: "Invalid parameter: id_token_hint",
    LOGOUT_ERROR ``invalid_token``, no redirect."""
    await import_realm(kc, {**realm_rep(), "realm": "other"})
    page = await kc.http.get(
        "/realms/other/protocol/openid-connect/auth",
        params={
            "client_id": APP,
            "redirect_uri": "http://127.0.0.1:9999/callback",
            "response_type": "code",
            "scope": "openid",
        },
    )
    code = dict(httpx.URL((await login(kc, page, USER)).headers["location"]).params)["code"]
    other = (await exchange(kc.http, "other", APP, code, secret="password")).json()
    body = await login_user(kc)
    response = await logout_form(kc, id_token_hint=other["id_token"], post_logout_redirect_uri=APP_REDIRECT)
    assert response.status_code == 400 and error_page_text(response) == BAD_HINT
    assert "location" not in response.headers
    await expect_logout_error(kc, "invalid_token")
    assert await session_active(kc, body["session_state"])


async def test_an_id_token_hint_of_an_unknown_session_still_redirects(kc: Env) -> None:
    """A valid hint whose session is no longer in the store, from a client without the browser's cookies:
    Keycloak's LOGOUT_ERROR ``session_expired``, then the redirect (no 500, no LOGOUT)."""
    body = await login_user(kc)
    async with kc.db.transaction() as tx:
        await service.end(tx, body["session_state"], False)
    kc.http.cookies.clear()
    response = await logout_form(kc, id_token_hint=body["id_token"], post_logout_redirect_uri=APP_REDIRECT)
    assert redirected(response) == APP_REDIRECT
    await expect_logout_error(kc, "session_expired", APP)


async def test_logout_with_the_system_client_id_has_no_back_link(kc: Env) -> None:
    """LogoutUtil.sendResponseAfterLogoutFinished calls SystemClientUtil.checkSkipLink: with ``client_id=account``
    (the system client) "You are logged out" has no link, though the client has a base URL; a confirmation that
    failed likewise (LogoutEndpoint's logoutConfirmAction)."""
    body = await login_user(kc)
    page = await logout_form(kc, client_id="account")
    assert is_confirm_page(page)
    done = await submit(kc.http, page)
    assert info(done) == LOGGED_OUT and back_link(done) is None, done.text[:800]
    await expect_logout(kc, body, client="account")
    await login_user(kc)
    page = await logout_form(kc, client_id="account")
    set_time_offset(kc, 310)
    failed = await submit(kc.http, page)
    assert error_page_text(failed) == FAILED_LOGOUT and back_link(failed) is None, failed.text[:800]
