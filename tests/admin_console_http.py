"""Drive the Admin Console over HTTP (no browser): sign in through the login page, post a tab's form."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator

import httpx

from admin_support import make_admin
from browser_flow import form_action, form_fields
from console_support import csrf
from wire_env import Env, client_at

HTML = {"Accept": "text/html"}
ORIGIN = {"Origin": "http://localhost"}


async def sign_in(http: httpx.AsyncClient, username: str, realm: str = "test") -> httpx.Response:
    """Through the login page, as a browser would; the console's start page."""
    start = await http.get(f"/admin/{realm}/console/", headers=HTML)
    assert start.status_code == 302, start.text
    login = await http.get(start.headers["location"])
    done = await http.post(
        form_action(login.text), data={**form_fields(login.text), "username": username, "password": "password"}
    )
    assert done.status_code == 302, done.text[:300]
    callback = await http.get(done.headers["location"])
    assert callback.status_code == 302, callback.text[:300]
    page = await http.get(callback.headers["location"], headers=HTML)
    while page.status_code in (302, 303):
        page = await http.get(page.headers["location"], headers=HTML)
    return page


@contextlib.asynccontextmanager
async def realm_admin_console(env: Env) -> AsyncIterator[httpx.AsyncClient]:
    """A realm administrator of ``test`` (``boss``, realm-admin) signed in to its console, from another address."""
    await make_admin(env, "test", "boss", "realm-admin")
    async with client_at(env, "127.0.0.2") as http:
        await sign_in(http, "boss")
        yield http


async def post(http: httpx.AsyncClient, path: str, page: httpx.Response, **fields: str) -> httpx.Response:
    """POST a console form with the CSRF token of ``page``, from this origin."""
    return await http.post(path, data={"csrf_token": csrf(page), **fields}, headers=ORIGIN)
