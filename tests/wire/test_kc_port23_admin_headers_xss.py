"""Keycloak's AdminHeadersXSSHeaderEnabledTest (tests/base/.../tests/admin/, @099d2f0f): AdminHeadersTest#testHeaders
on a server started with the deprecated ``x-xss-protection`` feature (keycloak#21728, PR #36881, Keycloak 26.2),
which brings back the ``X-XSS-Protection: 1; mode=block`` default the other headers sit beside.

Doorkeep has no ``x-xss-protection`` feature: ``--features`` is ignored with a warning (docs/keycloak-configuration.md)
and no answer carries X-XSS-Protection, as Keycloak 26.2+ without the feature. The Java method's assertions, the
four other headers at BrowserSecurityHeaders' defaults on the user-create answer, do not depend on the feature;
they are ported against the default server, with the header's absence (Keycloak's default since 26.2) pinned beside.

Also surveyed in this round (s64-h), with no module of their own:

* RefreshTokenTimeoutsTests (tests/base/.../oauth/, @25b0bde9) is a test class, the same eleven methods as
  RefreshTokenTimeoutsTest, which test_keycloak_refresh_token_test.py ports method by method
  (test_user_session_refresh_and_idle ... test_refresh_token_when_client_session_timeout_passed_but_realm_did_not).
* AuthChainingAcrossDomainsTest (tests/base/.../oauth/, @0312c39b, copyright 2026) chains a standard token exchange
  in one realm into the JWT Authorization Grant (RFC 7523 ``jwt-bearer`` grant) of another: ported in session 69,
  test_kc_s69h_auth_chaining_across_domains.py.
"""

from __future__ import annotations

import pytest

import group_port
from realm_port import admin, managed_realm
from wire_env import Env

pytestmark = pytest.mark.anyio
anyio_backend, shared_env, env = group_port.anyio_backend, group_port.shared_env, group_port.env

# BrowserSecurityHeaders' default values of the four headers the Java test reads.
DEFAULTS = {
    "strict-transport-security": "max-age=31536000; includeSubDomains",
    "x-frame-options": "SAMEORIGIN",
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
}


async def test_headers(env: Env) -> None:
    """AdminHeadersXSSHeaderEnabledTest#testHeaders: creating a user answers 201 with the four headers at their
    default values; no X-XSS-Protection without Keycloak's deprecated feature."""
    await managed_realm(env)
    response = await admin(env, "POST", "/test/users", {"username": "headers-user"})
    assert response.status_code == 201, response.text
    assert {name: response.headers.get(name) for name in DEFAULTS} == DEFAULTS
    assert "x-xss-protection" not in response.headers
