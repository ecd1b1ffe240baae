"""Keycloak 26's BrowserButtonsTest (testsuite/integration-arquillian/tests/base/.../forms/BrowserButtonsTest.java) over
HTTP: the browser's back, forward and refresh buttons on the login pages. Keycloak puts a GET URL of each
login-actions page in the browser's history (BrowserHistoryHelper: the flow's path with ``execution``,
``client_id`` and ``tab_id``), so a button is a GET of the URL of the page it goes to; an authorization page's URL
is the authorization request. A page of a step the login has left is "Page has expired" (SessionCodeChecks), with
links to restart and to continue the login. The realm is LoginTest's (``tests/sso_port.py``), imported anew for
each test, ``login-test`` with UPDATE_PROFILE and UPDATE_PASSWORD as the Java ``setup``, ``third-party`` asking
for consent as in Keycloak's testrealm.json.

Left out, with the reason:

- backButtonInResetPasswordFlow: Keycloak forks the login when the e-mailed reset link is opened (the tab that
  asked stays on its login form, so the back button shows that form); Doorkeep goes on with the reset in the
  tab that asked (ResetCredentialsActionTokenHandler's own-session case), so its login form has moved on to
  the update-password step and the back button gets "Page has expired".
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import httpx
import pytest

import tabs_port
from browser_flow import REDIRECT, form_action, start, submit
from login_test_realm import APP, is_login_page
from tabs_port import (
    PASSWORD,
    PROFILE,
    USER,
    is_register_page,
    is_update_password_page,
    is_update_profile_page,
    link,
    registration_link,
)
from wire_env import Env

pytestmark = pytest.mark.anyio
anyio_backend, shared_env, env, kc = tabs_port.anyio_backend, tabs_port.shared_env, tabs_port.env, tabs_port.kc
ACTIONS = "http://localhost/realms/test/login-actions"


@pytest.fixture
def tabs_realm() -> dict[str, Any]:
    """``third-party`` asks for consent, as in Keycloak's testrealm.json."""
    rep = tabs_port.required_actions_realm()
    for client in rep["clients"]:
        if client["clientId"] == "third-party":
            client["consentRequired"] = True
    return rep


class Browser:
    """One tab's history: the URL of each page it showed (``back``/``forward``/``refresh`` GET them)."""

    def __init__(self, kc: Env) -> None:
        self.http, self.urls, self.at = kc.http, list[str](), -1

    def shown(self, url: str) -> None:
        self.urls[self.at + 1 :] = [url]
        self.at += 1

    async def open(self, url: str, **params: str) -> httpx.Response:
        response = await self.http.get(url, params=params or None, follow_redirects=True)  # the address bar's URL
        self.shown(str(response.request.url))
        return response

    async def authorize(self, client_id: str = APP, **params: str) -> httpx.Response:
        response = await start(self.http, "test", client_id, **params)
        self.shown(str(response.request.url))
        return response

    async def submit(self, page: httpx.Response, **fields: str) -> httpx.Response:
        """A form posted; the page it answers with is in the history by its GET URL."""
        response = await submit(self.http, page, **fields)
        if response.status_code == 200 and "<form" in response.text:
            self.shown(history_url(response, page))
        return response

    def rewrite(self, url: str) -> None:
        """BrowserHistoryHelper's SHOULD_UPDATE_BROWSER_HISTORY (history.replaceState): the page's URL replaced."""
        self.urls[self.at] = url

    async def back(self) -> httpx.Response:
        self.at -= 1
        return await self.http.get(self.urls[self.at])

    async def forward(self) -> httpx.Response:
        self.at += 1
        return await self.http.get(self.urls[self.at])

    async def refresh(self) -> httpx.Response:
        return await self.http.get(self.urls[self.at])


def query_of(url: str) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}


def history_url(page: httpx.Response, before: httpx.Response) -> str:
    """BrowserHistoryHelper's URL for ``page``: its form's target with ``execution``, ``client_id`` and the tab
    (a form that names no tab is of the tab ``before`` was in; the update-profile form names no execution)."""
    target = form_action(page.text)
    query = query_of(target)
    tab = query.get("tab_id") or query_of(form_action(before.text)).get("tab_id") or query_of(str(before.url))["tab_id"]
    execution = query.get("execution") or ("UPDATE_PROFILE" if 'id="kc-update-profile-form"' in page.text else "")
    params = {"execution": execution, "client_id": query.get("client_id", APP), "tab_id": tab}
    return f"{target.split('?')[0]}?{urlencode(params)}"


def back_to_login_link(page: httpx.Response) -> str:
    """register.ftl's "« Back to Login"."""
    return page.text.split('<div id="kc-form-options"><a href="', 1)[1].split('"', 1)[0].replace("&amp;", "&")


def is_grant_page(page: httpx.Response) -> bool:
    return page.status_code == 200 and 'name="accept"' in page.text


def is_login_expired_page(page: httpx.Response) -> bool:
    return page.status_code == 200 and "Page has expired" in page.text and 'id="loginRestartLink"' in page.text


def app_page(response: httpx.Response) -> None:
    assert response.status_code == 302, (response.status_code, response.text[:1500])
    location = response.headers["location"]
    assert location.startswith(REDIRECT) and "code=" in location, location


async def test_invalid_login_and_back_button(kc: Env) -> None:
    tab = Browser(kc)
    page = await tab.authorize()
    page = await tab.submit(page, username="login-test2", password="invalid")
    assert is_login_page(page)
    page = await tab.submit(page, username="login-test3", password="invalid")
    assert is_login_page(page)
    assert is_login_page(await tab.back())
    assert is_login_page(await tab.refresh())


async def test_required_actions_back_forward_test(kc: Env) -> None:
    tab = Browser(kc)
    update = await tab.submit(await tab.authorize(), username=USER, password="password")
    assert is_update_password_page(update)
    profile = await tab.submit(update, **PASSWORD)
    assert is_update_profile_page(profile)
    assert is_login_expired_page(await tab.back())
    profile = await tab.forward()
    assert is_update_profile_page(profile)
    app_page(await submit(kc.http, profile, **PROFILE))


async def test_required_actions_back_and_refresh_test(kc: Env) -> None:
    tab = Browser(kc)
    update = await tab.submit(await tab.authorize(), username=USER, password="password")
    assert is_update_password_page(update)
    update = await tab.refresh()
    assert is_update_password_page(update)
    profile = await tab.submit(update, **PASSWORD)
    assert is_update_profile_page(profile)
    expired = await tab.back()
    assert is_login_expired_page(expired)
    assert is_login_expired_page(await tab.refresh())
    login = await tab.open(link(expired, "loginRestartLink"))  # "login restart"
    assert is_login_page(login)  # by restartSession's redirect to the tab's login-actions/authenticate
    profile = await tab.submit(login, username=USER, password="password")
    assert is_update_profile_page(profile)
    expired = await tab.back()
    assert is_login_expired_page(expired)
    profile = await tab.open(link(expired, "loginContinueLink"))  # "login continue"
    assert is_update_profile_page(profile)
    app_page(await submit(kc.http, profile, **PROFILE))


async def test_consent_refresh(kc: Env) -> None:
    tab = Browser(kc)
    update = await tab.submit(await tab.authorize("third-party"), username=USER, password="password")
    profile = await tab.submit(update, **PASSWORD)
    grant = await tab.submit(profile, **PROFILE)
    assert is_grant_page(grant)
    expired = await tab.back()
    assert is_login_expired_page(expired)
    grant = await tab.open(link(expired, "loginContinueLink"))
    assert is_grant_page(grant)
    grant = await tab.refresh()
    assert is_grant_page(grant)
    app_page(await submit(kc.http, grant, accept="yes"))


async def test_click_back_button_after_return_from_register(kc: Env) -> None:
    tab = Browser(kc)
    register = await tab.open(registration_link(await tab.authorize()))
    assert is_register_page(register)
    assert is_login_page(await tab.open(back_to_login_link(register)))
    assert is_register_page(await tab.back())


async def test_click_back_button_from_register_page(kc: Env) -> None:
    tab = Browser(kc)
    assert is_register_page(await tab.open(registration_link(await tab.authorize())))
    assert is_login_page(await tab.back())


async def test_click_refresh_button_on_register_page(kc: Env) -> None:
    tab = Browser(kc)
    register = await tab.open(registration_link(await tab.authorize()))
    assert is_register_page(register)
    register = await tab.refresh()
    assert is_register_page(register)
    assert is_login_page(await tab.open(back_to_login_link(register)))
    assert is_login_page(await tab.refresh())


async def test_back_button_to_authorization_endpoint(kc: Env) -> None:
    tab = Browser(kc)
    update = await tab.submit(await tab.authorize(), username=USER, password="password")
    assert is_update_password_page(update)
    assert is_login_page(await tab.back())  # the authorization request again


async def test_app_initiated_registration_with_back_button(kc: Env) -> None:
    tab = Browser(kc)
    register = await tab.open(
        "/realms/test/protocol/openid-connect/registrations",
        client_id=APP,
        redirect_uri=REDIRECT,
        response_type="code",
        scope="openid",
    )
    assert is_register_page(register)
    login = await tab.open(back_to_login_link(register))
    assert is_login_page(login)
    tab.rewrite(history_url(login, register))  # the link names no execution: the history gets the page's
    update = await tab.submit(login, username=USER, password="password")
    assert is_update_password_page(update)
    expired = await tab.back()
    assert is_login_expired_page(expired)
    update = await tab.open(link(expired, "loginContinueLink"))
    assert is_update_password_page(update)
    expired = await tab.back()
    assert is_login_expired_page(expired)
    register = await tab.open(link(expired, "loginRestartLink"))  # begun again where the application began it
    assert is_register_page(register)
