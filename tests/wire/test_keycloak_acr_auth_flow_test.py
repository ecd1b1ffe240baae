"""Wire port of Keycloak's ``org.keycloak.tests.oidc.AcrAuthFlowTest`` (tests/base/src/test/java/org/keycloak/
tests/oidc/, the newest copy; formerly testsuite/.../oidc/AcrAuthFlowTest).

The realm is the class's ``AcrAuthFlowRealmConfig``: realm ``test`` with reusable OTP codes, the client scope
``acr-test-scope`` (one ``oidc-acr-mapper`` into the ID and access tokens, not in the token scope, not on the
consent screen) as the realm's and the client's only default scope, the client ``acr-client`` (secret
``password``, any redirect URI, service accounts and direct grants on, ``acr.loa.map`` =
``{"default":1,"acr-password":2,"acr-otp":3}``), ``test-user`` with an OTP credential (secret ``totpsecret``) and
``no-otp-user`` without. This file runs without client policies; the methods that select a flow by ACR
(``setAcrClientPolicy``: the ``auth-flow-enforcer`` executor under an ``acr-condition`` policy) are ported in
test_keycloak_acr_auth_flow_selector.py, with the ones left out there. The ACR behaviour these tests rest on
(oauth/acr.py) is tested further in test_acr_claim.py.

Ported here: ``testNoMapping``.
"""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

import group_port
from acr_realm import CLIENT, PASSWORD, SECRET, TOTP_SECRET, acr_realm
from browser_flow import REDIRECT, code_from, exchange, start, submit
from group_port import fresh_realm
from keycloak_port import add_totp, poll, user_id
from support import claims
from totp_codes import totp
from wire_env import Env

pytestmark = pytest.mark.anyio

# One app for the module (group_port.shared_env); the realm imported once, as no test here changes it.
anyio_backend, shared_env = group_port.anyio_backend, group_port.shared_env


@pytest.fixture(scope="module")
async def acr_env(shared_env: Env) -> Env:
    """The realm, and test-user's OTP credential (UserBuilder.totpSecret), once for the module."""
    await fresh_realm(shared_env, acr_realm())
    await add_totp(shared_env, "test-user", TOTP_SECRET)
    return shared_env


@pytest.fixture
async def env(acr_env: Env) -> Env:
    """Each test with a browser of its own (no SSO cookie) and no events left by the one before."""
    acr_env.http.cookies.clear()
    await poll(acr_env)
    return acr_env


def acr_claims(values: list[str], essential: bool = False) -> str:
    """``loginWithAcr``: the ``claims`` parameter asking for ``acr`` in the ID token."""
    return json.dumps({"id_token": {"acr": {"essential": essential, "values": values}}})


async def login_with_acr(env: Env, values: list[str], essential: bool = False) -> httpx.Response:
    """``loginWithAcr``: the login page of ``acr-client`` for a request with those ACRs in ``claims``."""
    page = await start(env.http, "test", CLIENT, claims=acr_claims(values, essential))
    assert page.status_code == 200 and 'name="password"' in page.text, (page.status_code, page.text[:300])
    return page


async def authenticate_password(env: Env, page: httpx.Response, username: str = "test-user") -> httpx.Response:
    return await submit(env.http, page, username=username, password=PASSWORD)


async def authenticate_totp(env: Env, page: httpx.Response) -> httpx.Response:
    assert page.status_code == 200 and 'name="otp"' in page.text, (page.status_code, page.text[:300])
    return await submit(env.http, page, otp=totp(TOTP_SECRET.encode(), now=env.clock.now()))


async def assert_login_with_acr(env: Env, done: httpx.Response, username: str, expected: str) -> dict[str, Any]:
    """``assertLoginWithAcr``: the LOGIN event, the code exchanged (``openid``), both tokens' ``acr``."""
    (login,) = [event for event in await poll(env) if event["type"] in ("LOGIN", "LOGIN_ERROR")]
    assert login["type"] == "LOGIN" and login["userId"] == await user_id(env, username), login
    response = await exchange(env.http, "test", CLIENT, code_from(done)["code"], secret=SECRET, scope="openid")
    assert response.status_code == 200, response.text
    tokens: dict[str, Any] = response.json()
    assert claims(tokens["id_token"]).get("acr") == expected, claims(tokens["id_token"])
    assert claims(tokens["access_token"]).get("acr") == expected, claims(tokens["access_token"])
    return tokens


async def logout(env: Env, username: str, tokens: dict[str, Any]) -> None:
    """``logout``: ``oauth.doLogout(refreshToken)`` and its LOGOUT event, without a redirect URI."""
    url = "/realms/test/protocol/openid-connect/logout"
    response = await env.http.post(url, data={"refresh_token": tokens["refresh_token"]}, auth=(CLIENT, SECRET))
    assert response.status_code == 204, response.text
    (event,) = [event for event in await poll(env) if event["type"] == "LOGOUT"]
    assert event["sessionId"] == claims(tokens["id_token"])["sid"], event
    assert event["clientId"] == CLIENT and event["userId"] == await user_id(env, username), event
    assert "redirect_uri" not in event.get("details", {}), event


async def test_no_mapping(env: Env) -> None:
    """testNoMapping: no client policy maps ``acr-password`` to a flow, so the default browser flow runs (password,
    then the user's OTP) and reaches level 1, short of ``acr-password``'s 2: the claim is the client's ACR for
    level 1, ``default``, in both tokens."""
    page = await login_with_acr(env, ["acr-password"])
    page = await authenticate_password(env, page)
    done = await authenticate_totp(env, page)
    assert code_from(done)["state"] == "st4te" and done.headers["location"].startswith(REDIRECT)
    tokens = await assert_login_with_acr(env, done, "test-user", "default")
    await logout(env, "test-user", tokens)
