"""Drive the browser login over plain HTTP (no browser): the page, its form, the redirect with the code."""

from __future__ import annotations

import html
import re
from urllib.parse import parse_qs, urlencode, urlsplit

import httpx

REDIRECT = "http://127.0.0.1:9999/callback"


def form_fields(page: str) -> dict[str, str]:
    return dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', page))


def typed_fields(page: str) -> dict[str, str]:
    """What a browser submits untouched: the hidden fields and the values text inputs were prefilled with (the
    broker's re-authentication form names the matched account in its editable username field)."""
    shown = re.findall(r'<input type="text" id="[^"]*" name="([^"]+)" value="([^"]*)"', page)
    return form_fields(page) | {name: html.unescape(value) for name, value in shown}


def form_action(page: str) -> str:
    match = re.search(r'<form[^>]*action="([^"]+)"', page)
    assert match, page
    return match.group(1).replace("&amp;", "&")


def proceed_href(page: str) -> str:
    """An info page's "» Click here to proceed" link (``id="kc-proceed"``)."""
    found = re.search(r'id="kc-proceed" href="([^"]+)"', page)
    assert found, page
    return html.unescape(found[1])


def page_session_code(page: str) -> str:
    """The ``session_code`` hidden field of the page's form."""
    found = re.search(r'name="session_code" value="([^"]+)"', page)
    assert found, page
    return found[1]


def is_username_page(page: httpx.Response) -> bool:
    """The username form's page (identity first): a username input, no password input."""
    return page.status_code == 200 and 'name="username"' in page.text and 'name="password"' not in page.text


def is_password_page(page: httpx.Response) -> bool:
    """The password form's page: a password input, no username input."""
    return page.status_code == 200 and 'name="password"' in page.text and 'name="username"' not in page.text


def attempted(page: httpx.Response) -> str | None:
    """LoginPage.getAttemptedUsername: the name the page shows as attempted, or None."""
    found = re.search(r'<label id="kc-attempted-username">([^<]*)</label>', page.text)
    return html.unescape(found[1]) if found else None


async def start(http: httpx.AsyncClient, realm: str, client_id: str, **params: str | None) -> httpx.Response:
    """The authorization request; a parameter given as None is left out (``scope=None``: no scope at all, where
    ``scope=""`` sends an empty one, which Keycloak refuses)."""
    query = {
        "client_id": client_id,
        "redirect_uri": REDIRECT,
        "response_type": "code",
        "scope": "openid",
        "state": "st4te",
        **params,
    }
    sent = {name: value for name, value in query.items() if value is not None}
    return await http.get(f"/realms/{realm}/protocol/openid-connect/auth", params=sent)


async def submit(http: httpx.AsyncClient, page: httpx.Response, **fields: str) -> httpx.Response:
    data = {**form_fields(page.text), **fields}
    return await http.post(form_action(page.text), data=data)


async def submit_forged(http: httpx.AsyncClient, page: httpx.Response, code: str, **fields: str) -> httpx.Response:
    """The form posted with ``code`` as its session code, in the action's query (where Keycloak's url.loginAction
    puts it and the handler reads it first) and in the hidden field alike."""
    parts = urlsplit(form_action(page.text))
    query = {k: v[0] for k, v in parse_qs(parts.query).items()} | {"session_code": code}
    data = {**form_fields(page.text), **fields, "session_code": code}
    return await http.post(parts._replace(query=urlencode(query)).geturl(), data=data)


def code_from(response: httpx.Response) -> dict[str, str]:
    assert response.status_code == 302, (response.status_code, response.text[:500])
    location = response.headers["location"]
    parts = urlsplit(location)
    query = parts.fragment if "#" in location else parts.query
    return {k: v[0] for k, v in parse_qs(query).items()}


async def login(
    http: httpx.AsyncClient,
    realm: str,
    client_id: str,
    username: str = "user1",
    password: str = "password",
    **params: str | None,
) -> dict[str, str]:
    page = await start(http, realm, client_id, **params)
    if page.status_code == 302:  # an SSO session answered without a login page
        return code_from(page)
    assert page.status_code == 200, page.text[:500]
    return code_from(await submit(http, page, username=username, password=password))


async def exchange(
    http: httpx.AsyncClient, realm: str, client_id: str, code: str, secret: str | None = "secret", **extra: str
) -> httpx.Response:
    data = {"grant_type": "authorization_code", "code": code, "client_id": client_id, "redirect_uri": REDIRECT, **extra}
    if secret:
        data["client_secret"] = secret
    return await http.post(f"/realms/{realm}/protocol/openid-connect/token", data=data)


async def followed(http: httpx.AsyncClient, answer: httpx.Response) -> httpx.Response:
    """The page a browser lands on after a login restarted from KC_RESTART: restartAuthenticationSessionFromCookie
    answers 302 to the new tab's ``login-actions`` page, which says why (FORWARDED_ERROR_MESSAGE_NOTE)."""
    assert answer.status_code == 302, (answer.status_code, answer.text[:800])
    location = httpx.URL(answer.headers["location"])
    assert "/login-actions/" in location.path and "tab_id" in location.params, location
    return await http.get(str(location))
