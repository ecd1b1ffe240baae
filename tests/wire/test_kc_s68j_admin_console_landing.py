"""Keycloak's AdminConsoleLandingPageTest (tests/base/.../tests/admin/ and testsuite/.../admin/, one method each,
``landingPage``) over HTTP, with what AdminConsole.getMainPage decides.

Keycloak serves the console's landing page to anyone: an HTML shell whose ``environment`` JSON names ``authUrl``
(the server's base URL), ``consoleBaseUrl`` (``/admin/master/console/``) and ``resourceUrl`` (under
``/resources/``), whose stylesheets and scripts are all under ``/resources/`` (keycloak.js under ``/js/``); the
script then signs in. Doorkeep's console is server-rendered (docs/consoles.md): signed out, the same URL is a 302
to the realm's authorization endpoint at that base URL, for the console's callback under ``consoleBaseUrl``;
signed in, the page's stylesheets and scripts are all under ``/resources/`` and it has no inline script.
Ported as that: the URLs the answer names, and the trailing-slash redirect (a 302, as getMainPage's).
"""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest

from console_support import sign_in
from wire_env import Env

pytestmark = pytest.mark.anyio

CONSOLE = "/admin/master/console/"
HTML = {"Accept": "text/html"}


async def test_the_console_url_without_its_slash_is_a_302_to_it(env: Env) -> None:
    """getMainPage: a request URI not ending in ``/`` is a 302 to the same URI with it, the query kept."""
    response = await env.http.get("/admin/master/console?x=1", follow_redirects=False)
    assert response.status_code == 302
    assert response.headers["location"] == "http://localhost/admin/master/console/?x=1"


async def test_an_unknown_realms_console_is_404_without_a_redirect(env: Env) -> None:
    """AdminRoot.getAdminConsole: the realm is looked up before the console answers."""
    for path in ("/admin/nowhere/console", "/admin/nowhere/console/"):
        response = await env.http.get(path, headers=HTML, follow_redirects=False)
        assert response.status_code == 404, path
        assert "location" not in response.headers


async def test_signed_out_the_console_names_the_auth_url_and_its_base(env: Env) -> None:
    """AdminConsoleLandingPageTest#landingPage: ``authUrl`` is the server's base URL and ``consoleBaseUrl``
    ``/admin/master/console/``; here the sign-in redirect carries them."""
    response = await env.http.get(CONSOLE, headers=HTML, follow_redirects=False)
    assert response.status_code == 302
    location = urlsplit(response.headers["location"])
    assert f"{location.scheme}://{location.netloc}" == "http://localhost"
    assert location.path == "/realms/master/protocol/openid-connect/auth"
    query = parse_qs(location.query)
    assert query["client_id"] == ["security-admin-console"]
    assert query["redirect_uri"] == [f"http://localhost{CONSOLE}callback"]


async def test_signed_in_every_stylesheet_and_script_is_under_resources(env: Env) -> None:
    """AdminConsoleLandingPageTest#landingPage: each ``<link href>`` and ``<script src>`` starts with
    ``/resources/``; the page carries no inline script."""
    page = await sign_in(env.http, CONSOLE, "admin", "admin")
    while page.status_code in (302, 303):  # the console's start page sends on to its first tab
        page = await env.http.get(page.headers["location"], headers=HTML)
    assert page.status_code == 200, page.text[:300]
    links = re.findall(r'<link[^>]*href="([^"]*)"', page.text)
    scripts = re.findall(r'<script[^>]*src="([^"]*)"', page.text)
    assert links, page.text[:500]
    for url in links + scripts:
        assert url.startswith("/resources/") or url.startswith("data:"), url
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", page.text)
