"""Keycloak's LightWeightAccessTokenTest, the version that ``extends AbstractKeycloakTest``
(testsuite/integration-arquillian/tests/base/.../LightWeightAccessTokenTest.java): one test per Java method,
named after it.

Each method switches ``access.token.claim`` and ``introspection.token.claim`` on the built-in scopes' mappers
and on the mappers it adds to ``test-app``, then checks which claims the access token carries and which the
introspection answer (asked by ``resource-server``) fills back in. Introspection rebuilds a token from its
basic claims and the mappers marked for introspection (AccessTokenIntrospectionProvider), so a token without
its mapped claims still introspects with them.

Where Keycloak 26's source answers differently from this (older) test, the test follows the source: no
``nonce`` in the access token or its introspection ([VERSION 25+], TokenManager no longer copies it; the
newer LightWeightAccessTokenTest asserts it is null). The pairwise ``sub`` mapper ``setProtocolMappers`` adds
is left out: no assertion reads ``sub``'s value (the pairwise mapper's own tests are in
test_keycloak_oidc_pairwise_client_registration_test.py). Each test has a
realm of its own, so the ``finally`` clean-up (deleteProtocolMappers) has nothing to do. The
``client.use.lightweight.access.token.enabled`` path is in ``test_lightweight_access_token.py``.
"""

from __future__ import annotations

import pytest

from lightweight_realm import (
    ADMIN,
    APP,
    SECRET,
    TOKEN_URL,
    assert_init_claims,
    assert_introspect_claims,
    assert_mapper_claims,
    browser_login,
    client_credentials,
    client_uuid,
    get,
    import_realm,
    introspect,
    set_protocol_mappers,
)
from support import claims
from wire_env import Env

pytestmark = pytest.mark.anyio


@pytest.fixture
async def kc(env: Env) -> Env:
    return await import_realm(env)


def assert_access_token(token: dict[str, object], auth_code: bool, added: bool) -> None:
    """assertAccessToken (the nonce: Keycloak 26 puts none in the access token)."""
    assert "nonce" not in token, token
    assert_mapper_claims(token, added, auth_code)
    assert_init_claims(token, auth_code)
    assert (token.get("auth_time") is not None) is auth_code, token


def assert_introspection(token: dict[str, object], auth_code: bool, added: bool) -> None:
    """assertTokenIntrospectionResponse."""
    assert "nonce" not in token, token
    assert_mapper_claims(token, added, auth_code)
    assert_init_claims(token, auth_code)
    assert (token.get("auth_time") is not None) is auth_code, token
    assert_introspect_claims(token)


async def test_access_token_false_introspection_true_test(kc: Env) -> None:
    """accessTokenFalseIntrospectionTrueTest: a token without the mapped claims introspects with all of them."""
    await set_protocol_mappers(kc, access=False, introspection=True)
    _, body = await browser_login(kc, nonce="123456")
    token = body["access_token"]
    assert_access_token(claims(token), auth_code=True, added=False)
    assert_introspection(await introspect(kc, token), auth_code=True, added=True)


async def test_access_token_true_introspection_false_test(kc: Env) -> None:
    """accessTokenTrueIntrospectionFalseTest: the token has the mapped claims, introspection shows none of them."""
    await set_protocol_mappers(kc, access=True, introspection=False)
    _, body = await browser_login(kc, nonce="123456")
    token = body["access_token"]
    assert_access_token(claims(token), auth_code=True, added=True)
    assert_introspection(await introspect(kc, token), auth_code=True, added=False)


async def test_access_token_true_introspection_true_test(kc: Env) -> None:
    """accessTokenTrueIntrospectionTrueTest: the mapped claims in both."""
    await set_protocol_mappers(kc, access=True, introspection=True)
    _, body = await browser_login(kc, nonce="123456")
    token = body["access_token"]
    assert_access_token(claims(token), auth_code=True, added=True)
    assert_introspection(await introspect(kc, token), auth_code=True, added=True)


async def remove_session(env: Env, session_id: str) -> None:
    """removeSession: the online user session removed, a 404 ignored (the Java catches NotFoundException);
    either way no online session of test-app is left."""
    response = await env.http.delete(f"{ADMIN}/sessions/{session_id}", headers=await env.admin_headers())
    assert response.status_code in (204, 404), response.text
    assert await get(env, f"/clients/{await client_uuid(env)}/user-sessions") == []


async def test_offline_token_test(kc: Env) -> None:
    """offlineTokenTest: with ``offline_access``, the token still introspects, with every mapped claim, once the
    online user session is gone (``removeUserSession``: the admin API's online-session delete)."""
    await set_protocol_mappers(kc, access=False, introspection=True)
    session_id, body = await browser_login(kc, scope="openid address offline_access", nonce="123456")
    token = body["access_token"]
    assert_access_token(claims(token), auth_code=True, added=False)
    await remove_session(kc, session_id)
    assert_introspection(await introspect(kc, token), auth_code=True, added=True)


async def test_client_credential_test(kc: Env) -> None:
    """clientCredentialTest: a service account's token (no session, no ``auth_time``) without the mapped
    claims, introspected with them."""
    await set_protocol_mappers(kc, access=False, introspection=True)
    token = (await client_credentials(kc))["access_token"]
    assert_access_token(claims(token), auth_code=False, added=False)
    assert_introspection(await introspect(kc, token), auth_code=False, added=True)


async def test_exchange_test(kc: Env) -> None:
    """exchangeTest: test-app exchanges its own token (standard token exchange); the new token introspects with
    every mapped claim, and without a ``nonce``."""
    await set_protocol_mappers(kc, access=False, introspection=True)
    _, body = await browser_login(kc, nonce="123456")
    token = body["access_token"]
    assert_access_token(claims(token), auth_code=True, added=False)
    form = {
        "grant_type": "urn:ietf:params:oauth:grant-type:token-exchange",
        "subject_token": token,
        "subject_token_type": "urn:ietf:params:oauth:token-type:access_token",
        "scope": "address",  # OAuthClient sends the scope it holds (oauth.scope("address"))
    }
    response = await kc.http.post(TOKEN_URL, data=form, auth=(APP, SECRET))
    assert response.status_code == 200, response.text
    exchanged = response.json()["access_token"]
    assert_introspection(await introspect(kc, exchanged), auth_code=True, added=True)
