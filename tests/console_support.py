"""Drive a console over HTTP (no browser): sign in through the login page, read CSRF tokens, post actions."""

from __future__ import annotations

import re
from urllib.parse import urlencode

import httpx

from browser_flow import form_action, form_fields

HTML = {"Accept": "text/html,application/xhtml+xml"}
ORIGIN = {"Origin": "http://localhost"}
FORM = {**ORIGIN, "Content-Type": "application/x-www-form-urlencoded"}


def csrf(page: httpx.Response) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert match, page.text[:500]
    return match.group(1)


async def sign_in(
    http: httpx.AsyncClient,
    path: str,
    username: str = "user1",
    password: str = "password",
    extra: dict[str, str] | None = None,
) -> httpx.Response:
    """Open ``path`` signed out, go through the login page (``extra`` fields posted with it, ``rememberMe``
    say), and return the page finally shown."""
    start = await http.get(path, headers=HTML)
    assert start.status_code == 302, start.text
    login = await http.get(start.headers["location"])
    if login.status_code == 200:  # no SSO session yet: the login form
        fields = {**form_fields(login.text), "username": username, "password": password, **(extra or {})}
        login = await http.post(form_action(login.text), data=fields)
    if login.status_code == 200 and 'name="password"' in login.text:  # identity-first (organizations): then this
        fields = {**form_fields(login.text), "username": username, "password": password}  # a filled-in name is sent
        login = await http.post(form_action(login.text), data=fields)
    assert login.status_code == 302, login.text[:300]
    callback = await http.get(login.headers["location"])
    assert callback.status_code == 302, callback.text[:300]
    return await http.get(callback.headers["location"], headers=HTML)


async def act(http: httpx.AsyncClient, page: httpx.Response, path: str, **fields: str) -> httpx.Response:
    """POST a console action with the CSRF token of ``page``, from this origin."""
    return await http.post(path, data={"csrf_token": csrf(page), **fields}, headers=ORIGIN)


async def post_pairs(
    http: httpx.AsyncClient, path: str, pairs: list[tuple[str, str]], *, token_from: str, token: str | None = None
) -> httpx.Response:
    """POST ``pairs`` (a field may repeat) to a console action with the CSRF token of the page at ``token_from``,
    or with ``token`` (a forged or empty one)."""
    if token is None:
        token = csrf(await http.get(token_from, headers=HTML))
    return await http.post(path, content=urlencode([("csrf_token", token), *pairs]), headers=FORM)
