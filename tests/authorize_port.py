"""The authorization-endpoint helpers shared by the wire ports of Keycloak's AuthorizationCodeTest,
OAuthRedirectUriTest and OAuthProofKeyForCodeExchangeTest: a request built parameter by parameter (``None``
leaves one out, a list repeats it), what its answer sends back to the client, and the page shown instead.

The realm is AccessTokenTest's (``access_token_realm``); ``oauth.openLoginForm`` is ``authorize``, the
selenium error page is ``error_page``, ``oauth.parseLoginResponse`` is ``sent_back``.
"""

from __future__ import annotations

import html
import re
from urllib.parse import parse_qs, urlsplit

import httpx

from access_token_realm import APP, REDIRECT, USER
from browser_flow import submit

AUTH = "/realms/test/protocol/openid-connect/auth"
ISSUER = "http://localhost/realms/test"
Param = str | list[str] | None


async def authorize(
    env_http: httpx.AsyncClient, client_id: Param = APP, redirect_uri: Param = REDIRECT, **params: Param
) -> httpx.Response:
    """``oauth.openLoginForm()``: ``response_type=code``, ``scope=openid`` unless given; None leaves one out."""
    wanted: dict[str, Param] = {
        "response_type": "code",
        "client_id": client_id,
        "redirect_uri": redirect_uri,
        "scope": "openid",
        **params,
    }
    query: list[tuple[str, str]] = []
    for name, value in wanted.items():
        for one in [value] if isinstance(value, str) else value or []:
            query.append((name, one))
    return await env_http.get(AUTH, params=tuple(query))


async def log_in(env_http: httpx.AsyncClient, page: httpx.Response, username: str = USER) -> httpx.Response:
    """The login form of ``page`` submitted with the user's password: the answer (a redirect or a page)."""
    assert page.status_code == 200, (page.status_code, page.headers.get("location"), page.text[:300])
    return await submit(env_http, page, username=username, password="password")


def sent_back(response: httpx.Response, where: str = "query") -> dict[str, str]:
    """The parameters a redirect sends the client in its query (or fragment); the other part holds none."""
    assert response.status_code == 302, (response.status_code, response.text[:300])
    parts = urlsplit(response.headers["location"])
    return {k: v[0] for k, v in parse_qs(parts.query if where == "query" else parts.fragment).items()}


def error_page(response: httpx.Response) -> str:
    """The message of Keycloak's error page (``errorPage.getError()``); the page is never a redirect."""
    assert response.status_code in (400, 500), (response.status_code, response.headers.get("location"))
    found = re.search(r'<p id="kc-error-message"[^>]*>(.*?)</p>', response.text, re.S)
    assert found, response.text[:500]
    return html.unescape(found.group(1)).strip()


def is_login_page(response: httpx.Response) -> bool:
    """``loginPage.isCurrent()``: the username/password form."""
    return response.status_code == 200 and 'id="kc-form-login"' in response.text


def form_post(response: httpx.Response) -> tuple[str, dict[str, str]]:
    """The form_post page: the (unescaped) action it posts to and its hidden fields, unescaped."""
    assert response.status_code == 200, (response.status_code, response.headers.get("location"))
    action = re.search(r'<form method="post" action="([^"]*)"', response.text)
    assert action, response.text[:500]
    fields = re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', response.text)
    return html.unescape(action.group(1)), {html.unescape(k): html.unescape(v) for k, v in fields}
