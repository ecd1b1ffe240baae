"""Keycloak's AdminHeadersTest and AdminSignatureAlgorithmTest (tests/base/.../tests/admin/), one test per
method, over HTTP as master's admin; one app for the module.

The REST set of browser security headers on other admin answers (GETs, a changed realm map, an empty value
dropping a header) is test_browser_security_headers.py's; HTML pages' are test_security_headers.py's.
"""

from __future__ import annotations

import json
from base64 import urlsafe_b64decode
from collections.abc import AsyncIterator

import pytest

import group_port
from realm_port import admin, managed_realm
from support import password_grant
from wire_env import Env

pytestmark = pytest.mark.anyio
anyio_backend, shared_env, env = group_port.anyio_backend, group_port.shared_env, group_port.env

# BrowserSecurityHeaders' default values of the headers the test reads.
DEFAULTS = {
    "strict-transport-security": "max-age=31536000; includeSubDomains",
    "x-frame-options": "SAMEORIGIN",
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "x-robots-tag": "none",
}


def _header(token: str) -> dict[str, object]:
    head = token.split(".")[0]
    decoded: dict[str, object] = json.loads(urlsafe_b64decode(head + "=" * (-len(head) % 4)))
    return decoded


async def test_headers(env: Env) -> None:
    """AdminHeadersTest.testHeaders: creating a user (201, no body) answers with the five headers at their
    default values."""
    await managed_realm(env)
    response = await admin(env, "POST", "/test/users", {"username": "headers-user"})
    assert response.status_code == 201, response.text
    assert {name: response.headers.get(name) for name in DEFAULTS} == DEFAULTS


@pytest.fixture
async def master_es256(env: Env) -> AsyncIterator[None]:
    """``masterRealm.updateWithCleanup(r -> r.defaultSignatureAlgorithm(ES256))``."""
    assert (await admin(env, "PUT", "/master", {"defaultSignatureAlgorithm": "ES256"})).status_code == 204
    try:
        yield
    finally:
        restored = await admin(env, "PUT", "/master", {"defaultSignatureAlgorithm": "RS256"})
        assert restored.status_code == 204, restored.text


async def test_change_realm_token_algorithm(env: Env, master_es256: None) -> None:
    """AdminSignatureAlgorithmTest.changeRealmTokenAlgorithm: with master's default algorithm ES256, the
    admin's next token is signed ES256."""
    login = await password_grant(env.http, "master", "admin-cli", "admin", "admin", secret=None)
    assert login.status_code == 200, login.text
    assert _header(login.json()["access_token"])["alg"] == "ES256"
