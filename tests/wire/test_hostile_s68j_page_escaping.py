"""Hostile variants of Keycloak's EscapeErrorPageTest (testsuite/.../error/EscapeErrorPageTest.java) and
LoginTemplateJsEscapingTest (tests/base/.../tests/forms/): markup sent in every place a browser's request, a realm's
display name or a client's name can reach a page is drawn as text, never as markup, and never inside a script.

Keycloak's test drives a testing endpoint (``/realms/master/testing/display-error-message``) whose message goes
through kcSanitize; Doorkeep has no such endpoint, so the same payloads are sent where a real page could draw them:
the authorization endpoint's parameters and error pages, the login form, the logout endpoints, the realm's name in
the path, the locale choices, the realm's display name and the client's name. The Java class's expectations
(``innerScript``: only the text survives; ``ampersandEscape``/``hexEscape``: an escaped payload is never decoded
into markup; ``plainText``/``textWithPlus``/``URL``: ordinary text survives as it is) hold for each: no page
carries the payload's ``<script>``, ``<img>`` or ``<svg>`` element, nor a ``javascript:`` link.
"""

from __future__ import annotations

from urllib.parse import quote

import httpx
import pytest
from markupsafe import escape

from browser_flow import start, submit
from support import seed_login_realm, update_client, update_realm
from wire_env import Env

pytestmark = pytest.mark.anyio

PAYLOADS = [
    '"<img src=<script>alert(1)</script>/>"',  # innerScript
    "&lt;img src=&quot;something&quot;&gt;",  # ampersandEscape
    "&#x3C;img src&#61;something&#x2F;&#x3E;",  # hexEscape
    "'><svg onload=alert(1)>",
    "</script><script>alert(1)</script>",
    "javascript:alert(1)",
]
BROWSER = {"Accept": "text/html,application/xhtml+xml"}
PARAMETERS = [
    "client_id",
    "redirect_uri",
    "response_type",
    "scope",
    "prompt",
    "ui_locales",
    "kc_locale",
    "login_hint",
    "state",
    "nonce",
    "kc_idp_hint",
    "acr_values",
    "claims",
    "max_age",
    "response_mode",
    "code_challenge",
    "code_challenge_method",
    "request",
    "request_uri",
    "kc_action",
]


@pytest.fixture
async def kc(env: Env) -> Env:
    await seed_login_realm(env.db, env.clock)
    return env


def assert_inert(response: httpx.Response, where: str) -> None:
    """No element or link of a payload made it into the page: every ``<`` of it arrived escaped."""
    assert response.status_code < 500, (where, response.status_code)
    body = response.text.lower()
    for element in ("<script>alert", "<img", "<svg", "</script><script>"):
        assert element not in body, (where, element)
    assert 'href="javascript:' not in body and "href='javascript:" not in body, where
    assert 'src="javascript:' not in body, where


@pytest.mark.parametrize("payload", PAYLOADS)
@pytest.mark.parametrize("name", PARAMETERS)
async def test_authorization_parameters_never_reach_a_page_as_markup(kc: Env, name: str, payload: str) -> None:
    """EscapeErrorPageTest's payloads in each parameter of the authorization request: the login page or the error
    page draws them as text."""
    params = {name: payload} if name != "client_id" else {}
    response = await start(kc.http, "test", payload if name == "client_id" else "app", **params)
    assert_inert(response, name)
    if response.status_code == 302 and response.headers["location"].startswith("/"):
        assert_inert(await kc.http.get(response.headers["location"], headers=BROWSER), name)


@pytest.mark.parametrize("payload", PAYLOADS)
async def test_the_realm_name_in_the_path_is_text_on_the_not_found_page(kc: Env, payload: str) -> None:
    """A realm that does not exist, named by markup: the error page says so without drawing the name."""
    for path in (
        f"/realms/{quote(payload, safe='')}/protocol/openid-connect/auth",
        f"/realms/{quote(payload, safe='')}/account",
        f"/realms/test/{quote(payload, safe='')}",
    ):
        assert_inert(await kc.http.get(path, headers=BROWSER), path)


@pytest.mark.parametrize("payload", PAYLOADS)
async def test_a_typed_username_comes_back_as_text(kc: Env, payload: str) -> None:
    """The login form drawn again after a failed attempt keeps the typed username, escaped in its value."""
    page = await start(kc.http, "test", "app")
    failed = await submit(kc.http, page, username=payload, password="wrong")
    assert failed.status_code == 200
    assert_inert(failed, "username")
    assert f'value="{escape(payload)}"' in failed.text


@pytest.mark.parametrize("payload", PAYLOADS)
async def test_logout_parameters_never_reach_a_page_as_markup(kc: Env, payload: str) -> None:
    """The logout endpoint's parameters: the confirmation page or its error page draws them as text."""
    logout = "/realms/test/protocol/openid-connect/logout"
    for name in ("post_logout_redirect_uri", "id_token_hint", "client_id", "ui_locales", "state"):
        assert_inert(await kc.http.get(logout, params={name: payload}, headers=BROWSER), name)
        assert_inert(await kc.http.post(logout, data={name: payload}, headers=BROWSER), name)


@pytest.mark.parametrize("payload", PAYLOADS)
async def test_the_realms_display_name_and_the_clients_name_are_text(kc: Env, payload: str) -> None:
    """A realm's display name and a client's name set to markup (an admin's typo or a compromised admin): the login
    page, a failed login, the error page of a bad redirect and the logout confirmation draw them as text."""
    await update_realm(kc.db, "test", display_name=payload)
    await update_client(kc.db, "test", "app", name=payload)
    page = await start(kc.http, "test", "app")
    assert_inert(page, "login page")
    assert_inert(await submit(kc.http, page, username="user1", password="wrong"), "failed login")
    assert_inert(await start(kc.http, "test", "app", redirect_uri="https://elsewhere.example/"), "bad redirect")
    assert_inert(await kc.http.get("/realms/test/protocol/openid-connect/logout", headers=BROWSER), "logout")


@pytest.mark.parametrize("payload", PAYLOADS)
async def test_the_locale_choices_are_text(kc: Env, payload: str) -> None:
    """With internationalization on: ``kc_locale``, ``ui_locales`` and the KEYCLOAK_LOCALE cookie naming markup
    choose no language and reach no page as markup (the ``<html lang>`` and the dropdown's links included)."""
    await update_realm(kc.db, "test", internationalization_enabled=True, supported_locales=("en", "de"))
    kc.http.cookies.set("KEYCLOAK_LOCALE", quote(payload, safe=""), path="/realms/test/")
    for params in ({"kc_locale": payload}, {"ui_locales": payload}, {}):
        page = await start(kc.http, "test", "app", **params)
        assert_inert(page, str(params))
        assert '<html lang="en"' in page.text or "<html lang='en'" in page.text or 'lang="en"' in page.text


@pytest.mark.parametrize("text", ["It doesn't work", "Fact: 1+1=2", "See https://www.keycloak.org/docs"])
async def test_plain_text_survives(kc: Env, text: str) -> None:
    """EscapeErrorPageTest.plainText, textWithPlus and URL: ordinary text comes back as the same text."""
    await update_realm(kc.db, "test", display_name=text)
    page = await start(kc.http, "test", "app")
    assert str(escape(text)) in page.text


@pytest.mark.parametrize("payload", PAYLOADS)
async def test_the_login_page_has_no_script_a_value_could_enter(kc: Env, payload: str) -> None:
    """LoginTemplateJsEscapingTest.loginPageImportPathsUseDoubleQuotedStrings: Keycloak's login template quotes
    the paths and names its inline module script carries (``?c``). Doorkeep's login page carries no script at all
    (its session polling is not ported: test_kc_new_login_nonce.py), so there is no JavaScript string for a value
    to end, whatever the request sends."""
    page = await start(kc.http, "test", "app", login_hint=payload, kc_locale=payload, state=payload)
    assert page.status_code == 200
    assert "<script" not in page.text.lower()
