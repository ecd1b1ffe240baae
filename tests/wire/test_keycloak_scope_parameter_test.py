"""Wire port of Keycloak's ``org.keycloak.testsuite.oidc.ScopeParameterTest``
(testsuite/integration-arquillian/tests/base/src/test/java/org/keycloak/testsuite/oidc/).

Without ``openid`` in the ``scope`` parameter the request is plain OAuth 2.0: no ID token, at the code exchange,
at the refresh or from the password grant, while the access and refresh tokens come as usual
(TokenManager.AccessTokenResponseBuilder generates the ID token only when ``TokenUtil.isOIDCRequest``). The
realm is ``oidc_port_realm``'s slice of ``testrealm.json``. ``test_keycloak_redirect_state_oauth2_only_test.py``
ports OAuth2OnlyTest, which checks the same rule for a client whose scope is not ``openid`` at all.
"""

from __future__ import annotations

import pytest

from access_token_realm import REDIRECT, SECRET, USER, code_to_token, token_url, user_id
from browser_flow import code_from, submit
from oidc_port_realm import expect_login, import_realm
from support import claims
from wire_env import Env

pytestmark = pytest.mark.anyio


@pytest.fixture
async def kc(env: Env) -> Env:
    return await import_realm(env)


async def test_missing_scope_openid(kc: Env) -> None:
    """testMissingScopeOpenid: the login URL without ``scope``; no ID token at the exchange nor the refresh."""
    query = {"client_id": "test-app", "redirect_uri": REDIRECT, "response_type": "code", "state": "st4te"}
    page = await kc.http.get("/realms/test/protocol/openid-connect/auth", params=query)
    assert page.status_code == 200, page.text[:300]
    code = code_from(await submit(kc.http, page, username=USER, password="password"))["code"]
    login = await expect_login(kc)

    response = await code_to_token(kc, code)
    assert response.status_code == 200, response.text
    body = response.json()
    assert "id_token" not in body
    assert body["refresh_token"]
    assert claims(body["access_token"])["sub"] == login["userId"]

    form = {"grant_type": "refresh_token", "refresh_token": body["refresh_token"]}
    refreshed = await kc.http.post(token_url(), data=form, auth=("test-app", SECRET))
    assert refreshed.status_code == 200, refreshed.text
    assert "id_token" not in refreshed.json()
    assert claims(refreshed.json()["access_token"])["sub"] == login["userId"]


async def test_missing_scope_openid_in_resource_owner_password_credential_request(kc: Env) -> None:
    """testMissingScopeOpenidInResourceOwnerPasswordCredentialRequest: the password grant without ``scope``."""
    form = {"grant_type": "password", "username": USER, "password": "password"}
    response = await kc.http.post(token_url(), data=form, auth=("test-app", SECRET))
    assert response.status_code == 200, response.text
    body = response.json()
    assert "id_token" not in body
    assert body["refresh_token"]
    access = claims(body["access_token"])
    assert access["preferred_username"] == USER
    assert access["sub"] == await user_id(kc)
