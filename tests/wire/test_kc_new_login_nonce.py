"""Keycloak's new-framework LoginNonceTest and BaseThemeLoginNonceTest (tests/base/.../tests/login/) over HTTP.

Ported: no inline script of the login page lacks a CSP nonce (``testTemplateContainsNoncesInScriptTags``), and the
page is never cacheable (``testLoginPageNotCacheable``).

Not ported, with the reason: ``LoginNonceTest#testMultiplePageInvocationsContainDifferentNonces`` and
``BaseThemeLoginNonceTest#testBaseThemeContainsNoncesInScriptTags`` count exactly one nonce on each login page, that
of the theme's inline ``authChecker.js`` module (``startSessionPolling``/``checkAuthSession``, the FreeMarker
template's session polling). Doorkeep's login page is its own server-rendered one and carries no script at all, so
there is no nonce to count; the ``base`` login theme is a Keycloak theme Doorkeep does not ship.
"""

from __future__ import annotations

import re

import httpx
import pytest

from browser_flow import start
from support import seed_login_realm
from wire_env import Env

pytestmark = pytest.mark.anyio

SCRIPT_TAG = re.compile(r"<script\b[^>]*>", re.IGNORECASE)


@pytest.fixture
async def kc(env: Env) -> Env:
    await seed_login_realm(env.db, env.clock)
    return env


def inline_scripts_without_nonce(page: str) -> list[str]:
    """InlineScriptNonceUtil.getInlineScriptTagsWithoutNonce: ``<script>`` tags with neither ``src`` nor ``nonce``."""
    return [tag for tag in SCRIPT_TAG.findall(page) if not re.search(r"\s(src|nonce)=", tag, re.IGNORECASE)]


def is_login_page(page: httpx.Response) -> bool:
    return page.status_code == 200 and "<title>Sign in to test</title>" in page.text and 'name="password"' in page.text


async def test_template_contains_nonces_in_script_tags(kc: Env) -> None:
    """LoginNonceTest#testTemplateContainsNoncesInScriptTags."""
    page = await start(kc.http, "test", "app")
    assert is_login_page(page), (page.status_code, page.text[:300])
    assert inline_scripts_without_nonce(page.text) == []


async def test_login_page_not_cacheable(kc: Env) -> None:
    """LoginNonceTest#testLoginPageNotCacheable: no positive max-age, and no-store."""
    page = await start(kc.http, "test", "app")
    assert page.status_code == 200, page.text
    cache_control = page.headers["cache-control"]
    assert not re.fullmatch(r".*max-age=[1-9][0-9]*.*", cache_control), cache_control
    assert "no-store" in cache_control, cache_control
