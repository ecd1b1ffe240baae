"""Keycloak's AccountConsoleLandingPageTest (tests/base/.../tests/account/), over HTTP against the real app: the
Account Console's page must not be cached, and no inline script may run without the page's nonce. Keycloak serves
its React shell at ``/realms/{realm}/account/`` to anyone; Doorkeep's console is server-rendered, so an anonymous
GET is the redirect to sign in and the page itself comes after it. Each test names the Java method it ports.

Where Doorkeep differs, on purpose:
- Doorkeep's pages answer ``Cache-Control: no-store, must-revalidate, max-age=0`` (Keycloak's
  noBackButtonCacheControlHeader, the login pages' value); the Java test asserts "no-store" and no ``max-age`` at
  all, written against Keycloak's noCache value. ``max-age=0`` with ``no-store`` is not cacheable either, so the
  port asserts no-store and that any max-age is 0.
- inlineScriptsContainNonce also asserts that the page has at least one inline script and that its nonces differ
  from one response to the next: Doorkeep's console has no inline script at all and its CSP allows none
  (``script-src 'self'``), which is stricter; the port asserts exactly that.
"""

from __future__ import annotations

import re

import httpx
import pytest

from console_support import HTML, sign_in
from wire_env import Env

pytestmark = pytest.mark.anyio
ACCOUNT = "/realms/test/account/"
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)([^>]*)>", re.IGNORECASE)


def not_cacheable(response: httpx.Response) -> None:
    cache_control = response.headers.get("cache-control", "")
    assert "no-store" in cache_control, f"Account console must not be cacheable, was: {cache_control}"
    ages = re.findall(r"max-age=(\d+)", cache_control)
    assert all(age == "0" for age in ages), f"Account console must not be cacheable, was: {cache_control}"


async def test_account_console_not_cacheable(realm: Env) -> None:
    """accountConsoleNotCacheable: the console's page (after signing in) and its later loads are not cacheable."""
    page = await sign_in(realm.http, ACCOUNT)
    assert page.status_code == 200
    not_cacheable(page)
    again = await realm.http.get(ACCOUNT, headers=HTML)
    assert again.status_code == 200
    not_cacheable(again)


async def test_inline_scripts_contain_nonce(realm: Env) -> None:
    """inlineScriptsContainNonce: no inline script without a nonce (here: none at all), and a CSP that would not
    run one (no 'unsafe-inline', scripts from the server's own origin only)."""
    page = await sign_in(realm.http, ACCOUNT)
    assert page.status_code == 200
    without_nonce = [attrs for attrs in INLINE_SCRIPT.findall(page.text) if "nonce=" not in attrs]
    assert without_nonce == [], f"Page contains {len(without_nonce)} scripts without nonce: {without_nonce}"
    csp = page.headers["content-security-policy"]
    script_src = next(d for d in csp.split(";") if d.strip().startswith("script-src"))
    assert "'unsafe-inline'" not in script_src and script_src.split()[1:] == ["'self'"], csp
