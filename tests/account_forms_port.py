"""The page objects of Keycloak's old account-management tests (testsuite/.../account/, AbstractAccountManagementTest)
over HTTP: ``testRealmAccountManagementPage.navigateTo()`` is the Account Console opened with the redirects a
browser follows, ``testRealmLoginPage.form().login(...)`` the login form posted, ``signOut()`` the console's
Sign out. The realm is the wire fixture ``realm`` (``test``, ``user1`` / ``password``, e-mail
``user1@example.com``)."""

from __future__ import annotations

import httpx

from browser_flow import form_action, form_fields
from console_support import HTML, act

ACCOUNT = "/realms/test/account"


async def follow(http: httpx.AsyncClient, response: httpx.Response) -> httpx.Response:
    """The redirects a browser follows from ``response``, and the page they end at."""
    while response.status_code in (302, 303):
        response = await http.get(response.headers["location"], headers=HTML)
    return response


async def open_console(http: httpx.AsyncClient) -> httpx.Response:
    """``testRealmAccountManagementPage.navigateTo()``: the console, or the page its sign-in stops at."""
    return await follow(http, await http.get(ACCOUNT, headers=HTML))


def is_login_form(page: httpx.Response) -> bool:
    return page.status_code == 200 and 'id="kc-form-login"' in page.text


def is_console(page: httpx.Response) -> bool:
    """``assertCurrentUrlStartsWith(testRealmAccountManagementPage)``: a console page, signed in."""
    return page.status_code == 200 and str(page.url.path).startswith(ACCOUNT) and 'action="' + ACCOUNT in page.text


async def log_in(
    http: httpx.AsyncClient, page: httpx.Response, password: str = "password", *, remember_me: bool = False
) -> httpx.Response:
    """``testRealmLoginPage.form().login(user1, password)``, then the redirects that follow."""
    form = {**form_fields(page.text), "username": "user1", "password": password}
    if remember_me:
        form["rememberMe"] = "on"
    return await follow(http, await http.post(form_action(page.text), data=form))


async def sign_out(http: httpx.AsyncClient, page: httpx.Response) -> httpx.Response:
    """``testRealmAccountManagementPage.signOut()``: the console's Sign out, and where it lands."""
    return await follow(http, await act(http, page, f"{ACCOUNT}/sign-out"))
