"""Keycloak's new-framework OIDCSigningKeySelectionTest (@26460482): a client may name the key (``kid``) its access
and ID tokens are signed with. Ported here: the access and ID token methods (testAccessTokenSigningKey, the ID token
half of testIdTokenAndLogoutTokenSigningKey, testDifferentKeysForIdAndAccessToken,
testMultipleClientsWithDifferentKeys, testKeycloakVerifiesAccessTokenSignedWithClientKey,
testFallbackToDefaultKeyWhenConfiguredKeyNotFound, testFallbackWhenKeyAlgorithmMismatch), testUserInfoSigningKey
and testAuthorizationResponseSigningKey; testIdTokenAndLogoutTokenSigningKey's logout token, through a refresh-token
logout rather than the browser logout.

The test keys are ``rsa-generated`` / ``ecdsa-generated`` components of priority 50, below the realm's 100, so
they never become the realm's active key."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs

import httpx
import pytest

import keycloak_port as port
from browser_flow import REDIRECT, start, submit
from receiver import receiver
from support import add_audience, claims, header, password_grant, token_url
from wire_env import Env

pytestmark = pytest.mark.anyio

APP, SECRET, USER = "test-app", "test-secret", "test-user@localhost"
OTHER = "test-app-multiple-keys"
ACCESS_KID, ID_KID = "access.token.signed.response.kid", "id.token.signed.response.kid"


@pytest.fixture
async def kc(env: Env) -> Env:
    user = {
        "username": USER,
        "enabled": True,
        "email": USER,
        "firstName": "Tom",
        "lastName": "Brady",
        "credentials": [{"type": "password", "value": "password", "temporary": False}],
    }
    clients = [
        {"clientId": APP, "secret": SECRET, "directAccessGrantsEnabled": True, "redirectUris": [REDIRECT]},
        {"clientId": OTHER, "secret": "password", "directAccessGrantsEnabled": True},
    ]
    await port.import_realm(env, {"realm": "test", "enabled": True, "clients": clients, "users": [user]})
    return env


async def add_key(env: Env, name: str, provider: str = "rsa-generated") -> str:
    """createRs256KeyProvider / createEs256KeyProvider: the new key's kid."""
    config = {"priority": ["50"], "enabled": ["true"], "active": ["true"]}
    config |= {"keySize": ["2048"], "algorithm": ["RS256"]} if provider == "rsa-generated" else {}
    config |= {"ecdsaEllipticCurveKey": ["P-256"]} if provider == "ecdsa-generated" else {}
    realm_id = (await port.get(env, ""))["id"]
    rep = {"name": name, "parentId": realm_id, "providerId": provider, "providerType": "org.keycloak.keys.KeyProvider"}
    await port.post(env, "/components", {**rep, "config": config}, 201)
    (component,) = [
        c for c in await port.get(env, "/components", type="org.keycloak.keys.KeyProvider") if c["name"] == name
    ]
    keys: list[dict[str, Any]] = (await port.get(env, "/keys"))["keys"]
    (key,) = [k for k in keys if k.get("providerId") == component["id"]]
    return str(key["kid"])


async def active_rs256(env: Env) -> str:
    return str((await port.get(env, "/keys"))["active"]["RS256"])


async def configure(env: Env, client_id: str = APP, **attributes: str) -> None:
    await port.update_client(env, client_id, attributes={k.replace("_", "."): v for k, v in attributes.items()})


async def tokens(env: Env, client_id: str = APP, secret: str = SECRET) -> dict[str, Any]:
    response = await password_grant(env.http, "test", client_id, USER, secret=secret, scope="openid")
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def test_access_token_signing_key(kc: Env) -> None:
    """OIDCSigningKeySelectionTest.testAccessTokenSigningKey: the realm's active key, then the client's."""
    new_kid, realm_kid = await add_key(kc, "test-signing-key"), await active_rs256(kc)
    assert new_kid != realm_kid
    assert header((await tokens(kc))["access_token"])["kid"] == realm_kid
    await configure(kc, **{ACCESS_KID.replace(".", "_"): new_kid})
    assert header((await tokens(kc))["access_token"])["kid"] == new_kid


async def test_id_token_signing_key(kc: Env) -> None:
    """OIDCSigningKeySelectionTest.testIdTokenAndLogoutTokenSigningKey, its ID token half."""
    new_kid, realm_kid = await add_key(kc, "test-signing-key"), await active_rs256(kc)
    assert header((await tokens(kc))["id_token"])["kid"] == realm_kid
    await configure(kc, **{ID_KID.replace(".", "_"): new_kid})
    body = await tokens(kc)
    assert header(body["id_token"])["kid"] == new_kid and header(body["access_token"])["kid"] == realm_kid


async def test_different_keys_for_id_and_access_token(kc: Env) -> None:
    """OIDCSigningKeySelectionTest.testDifferentKeysForIdAndAccessToken."""
    kid1, kid2 = await add_key(kc, "test-signing-key"), await add_key(kc, "test-key-2")
    await configure(kc, **{ID_KID.replace(".", "_"): kid1, ACCESS_KID.replace(".", "_"): kid2})
    body = await tokens(kc)
    assert (header(body["id_token"])["kid"], header(body["access_token"])["kid"]) == (kid1, kid2)


async def test_multiple_clients_with_different_keys(kc: Env) -> None:
    """OIDCSigningKeySelectionTest.testMultipleClientsWithDifferentKeys."""
    kid1, kid2 = await add_key(kc, "test-signing-key"), await add_key(kc, "test-key-oidc-2")
    await configure(kc, **{ACCESS_KID.replace(".", "_"): kid1})
    await configure(kc, OTHER, **{ACCESS_KID.replace(".", "_"): kid2})
    assert header((await tokens(kc))["access_token"])["kid"] == kid1
    assert header((await tokens(kc, OTHER, "password"))["access_token"])["kid"] == kid2


async def test_keycloak_verifies_access_token_signed_with_client_key(kc: Env) -> None:
    """OIDCSigningKeySelectionTest.testKeycloakVerifiesAccessTokenSignedWithClientKey: userinfo and introspection
    verify it. test-app names itself in its tokens' audience, so that its introspection answers (Keycloak
    26.6.2's audience check; the upgrading note's "add audience protocol mapper")."""
    new_kid = await add_key(kc, "test-signing-key")
    await configure(kc, **{ACCESS_KID.replace(".", "_"): new_kid})
    await add_audience(kc.db, "test", APP)
    access = (await tokens(kc))["access_token"]
    assert header(access)["kid"] == new_kid
    info = await kc.http.get(token_url("test", "userinfo"), headers={"Authorization": f"Bearer {access}"})
    assert info.status_code == 200, info.text
    form = {"token": access, "client_id": APP, "client_secret": SECRET}
    answer = (await kc.http.post(token_url("test", "token/introspect"), data=form)).json()
    assert answer["active"] is True and answer["username"] == USER, answer


async def test_fallback_to_default_key_when_configured_key_not_found(kc: Env) -> None:
    """OIDCSigningKeySelectionTest.testFallbackToDefaultKeyWhenConfiguredKeyNotFound."""
    await add_key(kc, "test-signing-key")
    await configure(kc, **{ACCESS_KID.replace(".", "_"): "non-existent-key-id"})
    assert header((await tokens(kc))["access_token"])["kid"] == await active_rs256(kc)


async def test_fallback_when_key_algorithm_mismatch(kc: Env) -> None:
    """OIDCSigningKeySelectionTest.testFallbackWhenKeyAlgorithmMismatch: an ES256 key named for RS256 tokens is not
    used."""
    await add_key(kc, "test-signing-key")
    ec_kid = await add_key(kc, "test-ec-key", "ecdsa-generated")
    await configure(kc, **{ACCESS_KID.replace(".", "_"): ec_kid})
    assert header((await tokens(kc))["access_token"])["kid"] == await active_rs256(kc)


async def userinfo_kid(env: Env) -> str:
    access = (await tokens(env))["access_token"]
    response = await env.http.get(token_url("test", "userinfo"), headers={"Authorization": f"Bearer {access}"})
    assert response.status_code == 200 and response.headers["content-type"].startswith("application/jwt")
    return str(header(response.text)["kid"])


async def test_user_info_signing_key(kc: Env) -> None:
    """OIDCSigningKeySelectionTest.testUserInfoSigningKey: the signed userinfo answer, realm key then the client's."""
    new_kid, realm_kid = await add_key(kc, "test-signing-key"), await active_rs256(kc)
    await configure(kc, **{"user_info_response_signature_alg": "RS256"})
    assert await userinfo_kid(kc) == realm_kid
    await configure(kc, **{"user_info_response_signature_kid": new_kid})
    assert await userinfo_kid(kc) == new_kid


async def jarm_kid(env: Env) -> str:
    """The ``response`` JWT of a ``query.jwt`` login (an SSO login once the browser has a session)."""
    page = await start(env.http, "test", APP, response_mode="query.jwt")
    done = page if page.status_code == 302 else await submit(env.http, page, username=USER, password="password")
    assert done.status_code == 302, done.text[:300]
    response = httpx.URL(done.headers["location"]).params["response"]
    assert claims(response)["code"]
    return str(header(response)["kid"])


async def test_authorization_response_signing_key(kc: Env) -> None:
    """OIDCSigningKeySelectionTest.testAuthorizationResponseSigningKey: the JARM response, realm key then (with the
    SSO session) the client's."""
    new_kid, realm_kid = await add_key(kc, "test-signing-key"), await active_rs256(kc)
    await configure(kc, **{"authorization_signed_response_alg": "RS256"})
    assert await jarm_kid(kc) == realm_kid
    await configure(kc, **{"authorization_signed_response_kid": new_kid})
    assert await jarm_kid(kc) == new_kid


async def test_logout_token_signing_key(kc: Env) -> None:
    """OIDCSigningKeySelectionTest.testIdTokenAndLogoutTokenSigningKey, its logout-token half: the logout token is
    signed with the realm's key, then with the key the client names for its ID tokens (TokenCategory.LOGOUT)."""
    new_kid, realm_kid = await add_key(kc, "test-signing-key"), await active_rs256(kc)
    with receiver() as got:
        await configure(kc, **{"backchannel_logout_url": f"{got.url}/backchannel-logout"})
        for expected in (realm_kid, new_kid):
            if expected == new_kid:
                await configure(kc, **{ID_KID.replace(".", "_"): new_kid})
            form = {"client_id": APP, "client_secret": SECRET, "refresh_token": (await tokens(kc))["refresh_token"]}
            assert (await kc.http.post(token_url("test", "logout"), data=form)).status_code == 204
            count = 1 if expected == realm_kid else 2
            request = (await got.wait_for(count))[count - 1]
            assert header(parse_qs(request.body)["logout_token"][0])["kid"] == expected
