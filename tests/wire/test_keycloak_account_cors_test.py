"""Keycloak's AccountCorsTest (tests/base/.../account/AccountCorsTest.java) over HTTP: a page at
``http://localtest.me:8180`` (or ``http://invalid.localtest.me:8180``) reads and updates the account with a
synchronous XMLHttpRequest carrying TokenUtil's bearer token (a password grant of ``direct-grant``, whose web
origins hold the first origin). ``account_rest_service_port.xhr`` makes the browser's preflight and request and
says whether the browser hands the answer to the page. One test per Java method.

Unlike AccountRestServiceCorsTest (same four methods, ported in test_keycloak_account_rest_service_cors_test.py)
the realm is ``testrealm.json``'s, untouched by ``configureTestRealm``: ``direct-grant`` has no audience mapper,
so the ``account`` audience comes from test-user's ``account`` roles (the ``roles`` scope's audience resolve),
and ``editUsernameAllowed`` is on. The Java class predates the Account REST API (its doXhr wants a 200 even
for the POST): the port asserts what the browser decides, and the answers as current Keycloak gives them (the
POST of a lone ``firstName`` is refused, 400, and the browser hands the refusal to the page; since Keycloak
26.6.3 an origin the token does not allow is refused, 403, before the resource runs).
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

import group_port
from account_rest_service_port import ACCOUNT, ORIGIN, xhr
from group_port import fresh_realm
from keycloak_port import get, user_id
from support import password_grant
from wire_env import Env

pytestmark = pytest.mark.anyio
anyio_backend, shared_env, env = group_port.anyio_backend, group_port.shared_env, group_port.env

VALID_CORS_URL, INVALID_CORS_URL = ORIGIN, "http://invalid.localtest.me:8180"
USER = "test-user@localhost"
REQUIRED = "error-user-attribute-required"
REALM = {
    "realm": "test",
    "enabled": True,
    "editUsernameAllowed": True,
    "users": [
        {
            "username": USER,
            "email": USER,
            "firstName": "Tom",
            "lastName": "Brady",
            "enabled": True,
            "credentials": [{"type": "password", "value": "password"}],
            "clientRoles": {"account": ["view-profile", "manage-account"]},
        }
    ],
    "clients": [
        {
            "clientId": "direct-grant",
            "enabled": True,
            "directAccessGrantsEnabled": True,
            "secret": "password",
            "webOrigins": [VALID_CORS_URL],
        }
    ],
}


@pytest.fixture
async def access(env: Env) -> AsyncIterator[str]:
    """``tokenUtil.getToken()``: test-user's access token from ``direct-grant``."""
    await fresh_realm(env, REALM)
    granted = await password_grant(env.http, "test", "direct-grant", USER, secret="password", scope="openid")
    assert granted.status_code == 200, granted.text
    yield str(granted.json()["access_token"])


async def test_get_profile(env: Env, access: str) -> None:
    allowed, response = await xhr(env, ACCOUNT, access, VALID_CORS_URL)
    assert allowed
    assert response.status_code == 200 and response.json()["username"] == USER


async def test_get_profile_invalid_origin(env: Env, access: str) -> None:
    allowed, response = await xhr(env, ACCOUNT, access, INVALID_CORS_URL)
    assert not allowed
    # Keycloak 26.6.3 (failOnInvalidOrigin, AccountEndpointCorsTest): refused before the resource runs.
    assert response.status_code == 403 and response.json() == {"error": "Invalid origin"}


async def test_update_profile(env: Env, access: str) -> None:
    allowed, response = await xhr(env, ACCOUNT, access, VALID_CORS_URL, {"firstName": "Bob"})
    assert allowed, response.text
    # The REST API validates the whole profile: the editable attributes not sent count as emptied
    # (DefaultAttributes: only read-only ones keep their values), so the required ones are refused.
    assert response.status_code == 400, response.text
    refused = {(e["field"], e["errorMessage"]) for e in response.json()["errors"]}
    assert {("email", REQUIRED), ("lastName", REQUIRED)} <= refused, refused
    assert (await get(env, f"/users/{await user_id(env, USER)}"))["firstName"] == "Tom"


async def test_update_profile_invalid_origin(env: Env, access: str) -> None:
    allowed, response = await xhr(env, ACCOUNT, access, INVALID_CORS_URL, {"firstName": "Bob"})
    assert not allowed
    assert response.status_code == 403  # refused before the update, not only hidden from the page
