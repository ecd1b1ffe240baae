"""Wire port of Keycloak's ``org.keycloak.testsuite.oidc.NonceBackwardsCompatibleMapperTest``
(testsuite/integration-arquillian/tests/base/src/test/java/org/keycloak/testsuite/oidc/).

Since Keycloak 25 the client's ``nonce`` is in the ID token of the login only. The
``oidc-nonce-backwards-compatible-mapper`` (NonceBackwardsCompatibleMapper, an access-token mapper) brings the
old behaviour back: the nonce in the access token, in the refresh token made from it, and so (TokenManager
reading it back from the refresh token) in the access, ID and refresh tokens of every refresh, online or
offline. Introspection shows what the access token holds. The realm is ``oidc_port_realm``'s slice of
``testrealm.json``; each test starts from a fresh realm, so the ``finally`` blocks removing the mapper are left out.

``testNonceImplicit`` asks for ``response_mode=jwt`` and reads the tokens out of the signed authorization
response (JARM, oauth/jarm.py): for ``token id_token`` that is the ``response`` JWT in the fragment.
"""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from access_token_realm import APP, REDIRECT, SECRET, USER, client_uuid, code_to_token, do_login, send, token_url
from browser_flow import code_from, start, submit
from oidc_port_realm import expect_code_to_token, expect_login, expect_refresh, import_realm
from support import add_audience, claims
from wire_env import Env

pytestmark = pytest.mark.anyio


@pytest.fixture
async def kc(env: Env) -> Env:
    """The realm, test-app naming itself in its tokens' audience so that its introspection (``testIntrospection``)
    answers: Keycloak 26.6.2 answers only a client in the token's ``aud``."""
    await import_realm(env)
    await add_audience(env.db, "test", APP)
    return env


async def create_nonce_mapper(env: Env) -> None:
    """``createNonceMapper``: NonceBackwardsCompatibleMapper.create("nonce") on test-app, 201."""
    mapper = {
        "name": "nonce",
        "protocol": "openid-connect",
        "protocolMapper": "oidc-nonce-backwards-compatible-mapper",
        "config": {},
    }
    await send(env, "POST", f"/clients/{await client_uuid(env)}/protocol-mappers/models", mapper, status=201)


def check_nonce(expected_nonce: str, token: dict[str, Any], expected: bool) -> None:
    if expected:
        assert token.get("nonce") == expected_nonce, token
    else:
        assert "nonce" not in token, token


async def check_introspection(env: Env, token: str, expected_nonce: str, expected: bool) -> None:
    """``testIntrospection``: test-app introspects the token; ``nonce`` there as expected."""
    form = {"token": token}
    response = await env.http.post(token_url() + "/introspect", data=form, auth=(APP, SECRET))
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["active"] is True, body
    check_nonce(expected_nonce, body, expected)


async def nonce_flow(env: Env, mapper: bool, offline_session: bool) -> None:
    """``testNonce``: a login with a nonce, the code exchanged, then a refresh, checking every token."""
    nonce = uuid.uuid4().hex
    scope = "openid offline_access" if offline_session else "openid"
    code = (await do_login(env, nonce=nonce, scope=scope))["code"]
    login = await expect_login(env)

    response = await code_to_token(env, code)
    assert response.status_code == 200, response.text
    body = response.json()
    check_nonce(nonce, claims(body["access_token"]), mapper)
    check_nonce(nonce, claims(body["id_token"]), True)
    refresh = claims(body["refresh_token"])
    check_nonce(nonce, refresh, mapper)

    refresh_type = "Offline" if offline_session else "Refresh"
    token_event = await expect_code_to_token(env, login["details"]["code_id"], login["sessionId"], refresh_type)

    form = {"grant_type": "refresh_token", "refresh_token": body["refresh_token"]}
    response = await env.http.post(token_url(), data=form, auth=(APP, SECRET))
    assert response.status_code == 200, response.text
    await expect_refresh(env, token_event["details"]["refresh_token_id"], login["sessionId"], refresh_type)

    body = response.json()
    check_nonce(nonce, claims(body["access_token"]), mapper)
    check_nonce(nonce, claims(body["id_token"]), mapper)  # the refresh knows the nonce only from the mapper
    check_nonce(nonce, claims(body["refresh_token"]), mapper)

    await check_introspection(env, body["access_token"], nonce, mapper)


async def nonce_implicit(env: Env, mapper: bool) -> None:
    """``testNonceImplicit``: ``response_type=token id_token`` with a nonce; the tokens of the redirect."""
    nonce = uuid.uuid4().hex
    page = await start(env.http, "test", APP, response_type="token id_token", response_mode="jwt", nonce=nonce)
    assert page.status_code == 200, page.text[:300]
    redirect = await submit(env.http, page, username=USER, password="password")
    assert redirect.headers["location"].startswith(REDIRECT + "#response="), redirect.headers.get("location")
    params = claims(code_from(redirect)["response"])  # oauth.verifyAuthorizationResponseToken's claims

    access_token, id_token = params["access_token"], params["id_token"]
    check_nonce(nonce, claims(access_token), mapper)
    check_nonce(nonce, claims(id_token), True)

    await check_introspection(env, access_token, nonce, mapper)
    await check_introspection(env, id_token, nonce, True)


async def test_nonce_without_mapper(kc: Env) -> None:
    await nonce_flow(kc, False, False)


async def test_nonce_with_mapper(kc: Env) -> None:
    await create_nonce_mapper(kc)
    await nonce_flow(kc, True, False)


async def test_offline_session_nonce_with_mapper(kc: Env) -> None:
    await create_nonce_mapper(kc)
    await nonce_flow(kc, True, True)


async def test_implicit_flow_without_mapper(kc: Env) -> None:
    await send(kc, "PUT", f"/clients/{await client_uuid(kc)}", {"implicitFlowEnabled": True})
    await nonce_implicit(kc, False)


async def test_implicit_flow_with_mapper(kc: Env) -> None:
    await create_nonce_mapper(kc)
    await send(kc, "PUT", f"/clients/{await client_uuid(kc)}", {"implicitFlowEnabled": True})
    await nonce_implicit(kc, True)
