"""Keycloak's own userinfo scenarios, one test per method of its testsuite class
``org.keycloak.testsuite.oidc.UserInfoTest`` (testsuite/integration-arquillian/tests/base), over HTTP with
the realm (Keycloak's ``testrealm.json``, its parts these tests use) imported through ``POST /admin/realms``.
Every change goes through the admin API; events are polled as Keycloak's ``events.poll()`` does, and
Keycloak's time offset is the fake clock.

Beyond the class: no encryption key for the client is Keycloak's bare 500."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.hashes import SHA256

from browser_flow import REDIRECT, code_from, exchange, start, submit
from client_auth_support import jwks_server
from encryption_port import decrypt, generate_keys, verified
from encryption_port import header as jwe_header
from keycloak_port import (
    client_uuid,
    forget,
    get,
    import_realm,
    one_event,
    poll,
    post,
    put,
    update_client,
    update_realm,
    update_user,
    user_id,
)
from support import claims, header, password_grant, token_url
from wire_env import Env

pytestmark = pytest.mark.anyio

USERINFO = token_url("test", "userinfo")
TEST_USER = "test-user@localhost"
EVENT_TYPES = ["LOGIN", "LOGOUT", "CODE_TO_TOKEN", "USER_INFO_REQUEST", "USER_INFO_REQUEST_ERROR"]


def realm_rep() -> dict[str, Any]:
    """testrealm.json's test-app and test-user@localhost, with UserInfoTest's saml-client."""
    return {
        "realm": "test",
        "enabled": True,
        "eventsEnabled": True,
        "enabledEventTypes": EVENT_TYPES,
        "roles": {"realm": [{"name": "user"}, {"name": "admin"}], "client": {"test-app": [{"name": "customer-user"}]}},
        "clients": [
            {
                "clientId": "test-app",
                "secret": "password",
                "redirectUris": [REDIRECT],
                "directAccessGrantsEnabled": True,
            },
            {
                "clientId": "saml-client",
                "secret": "secret",
                "serviceAccountsEnabled": True,
                "directAccessGrantsEnabled": True,
            },
        ],
        "users": [
            {
                "username": TEST_USER,
                "enabled": True,
                "email": TEST_USER,
                "firstName": "Tom",
                "lastName": "Brady",
                "credentials": [{"type": "password", "value": "password", "temporary": False}],
                "realmRoles": ["user", "offline_access"],
                "clientRoles": {"test-app": ["customer-user"]},
            }
        ],
    }


@pytest.fixture
async def kc(env: Env) -> AsyncIterator[Env]:
    await import_realm(env, realm_rep())
    yield env
    forget(env)


async def grant(env: Env, offline: bool = False, openid: bool = True) -> dict[str, Any]:
    """UserInfoTest.executeGrantAccessTokenRequest: test-app's direct grant, then ``events.clear()``."""
    scope = " ".join([*(["openid"] if openid else []), *(["offline_access"] if offline else [])]) or None
    response = await password_grant(env.http, "test", "test-app", TEST_USER, secret="password", scope=scope)
    assert response.status_code == 200, response.text
    await poll(env)
    return dict(response.json())


async def userinfo(env: Env, token: str, accept: str | None = None) -> httpx.Response:
    headers = {"Authorization": f"bearer {token}", **({"Accept": accept} if accept else {})}
    return await env.http.get(USERINFO, headers=headers)


async def assert_userinfo_event(env: Env, client_id: str = "test-app", **details: str) -> None:
    event = await one_event(env)
    assert (event["type"], event["clientId"], event.get("error")) == ("USER_INFO_REQUEST", client_id, None), event
    assert event["sessionId"] is not None
    expected = {"auth_method": "validate_access_token", "username": TEST_USER, "signature_required": "false"}
    assert event["details"] == {**expected, **details}


async def successful(env: Env, response: httpx.Response, client_id: str = "test-app") -> dict[str, Any]:
    """UserInfoTest.testSuccessfulUserInfoResponse (and UserInfoClientUtil's)."""
    await assert_userinfo_event(env, client_id)
    assert response.status_code == 200, (response.status_code, response.headers)
    assert response.headers["content-type"] == "application/json"
    info = dict(response.json())
    assert info["sub"] and info["email"] == TEST_USER and info["preferred_username"] == TEST_USER
    return info


async def assert_refused_event(env: Env, error: str, **expected: Any) -> None:
    event = await one_event(env)
    assert (event["type"], event["error"]) == ("USER_INFO_REQUEST_ERROR", error), event
    got = {key: event.get(key) for key in ("clientId", "userId", "sessionId")}
    assert got == {"clientId": None, "userId": None, "sessionId": None, **expected}, event
    assert event["details"] == {"auth_method": "validate_access_token"}


def challenge(response: httpx.Response, status: int, error: str) -> None:
    assert response.status_code == status, (response.status_code, response.text)
    found = response.headers["www-authenticate"]
    assert "Bearer" in found and 'realm="test"' in found and f'error="{error}"' in found, found


@pytest.mark.parametrize("accept", [None, "application/json"])
async def test_success_get_method_header(kc: Env, accept: str | None) -> None:
    """UserInfoTest.testSuccess_getMethod_header and testSuccess_getMethod_header_accept_json: the roles are
    not in userinfo by default."""
    info = await successful(kc, await userinfo(kc, (await grant(kc))["access_token"], accept))
    assert "realm_access" not in info and "resource_access" not in info


async def test_success_post_method_header(kc: Env) -> None:
    """UserInfoTest.testSuccess_postMethod_header."""
    token = (await grant(kc))["access_token"]
    response = await kc.http.post(USERINFO, data={}, headers={"Authorization": f"bearer {token}"})
    await successful(kc, response)


async def test_success_post_method_body(kc: Env) -> None:
    """UserInfoTest.testSuccess_postMethod_body."""
    token = (await grant(kc))["access_token"]
    await successful(kc, await kc.http.post(USERINFO, data={"access_token": token}))


async def test_success_post_method_charset_body(kc: Env) -> None:
    """UserInfoTest.testSuccess_postMethod_charset_body."""
    token = (await grant(kc))["access_token"]
    headers = {"Content-Type": "application/x-www-form-urlencoded;charset=utf-8"}
    await successful(kc, await kc.http.post(USERINFO, content=f"access_token={token}", headers=headers))


async def test_success_dots_in_client_id(kc: Env) -> None:
    """UserInfoTest.testSuccess_dotsInClientId (KEYCLOAK-8838): a client id with dots, dollars and backslashes
    keeps its role under its own name in resource_access."""
    client_id = "my.foo.$\\client\\$"
    rep = {
        "clientId": client_id,
        "redirectUris": ["http://foo.host"],
        "secret": "password",
        "directAccessGrantsEnabled": True,
    }
    await post(kc, "/clients", rep, status=201)
    uuid = await client_uuid(kc, client_id)
    await post(kc, f"/clients/{uuid}/roles", {"name": "my.foo.role"}, status=201)
    role = await get(kc, f"/clients/{uuid}/roles/my.foo.role")
    await post(kc, f"/users/{await user_id(kc, TEST_USER)}/role-mappings/clients/{uuid}", [role])
    response = await password_grant(kc.http, "test", client_id, TEST_USER, secret="password", scope="openid")
    assert response.status_code == 200, response.text
    access = claims(response.json()["access_token"])
    assert access["resource_access"][client_id]["roles"] == ["my.foo.role"], access["resource_access"]
    await poll(kc)
    await successful(kc, await userinfo(kc, response.json()["access_token"]), client_id)


async def test_success_post_method_header_text_entity(kc: Env) -> None:
    """UserInfoTest.testSuccess_postMethod_header_textEntity."""
    token = (await grant(kc))["access_token"]
    headers = {"Authorization": f"bearer {token}", "Content-Type": "text/plain"}
    await successful(kc, await kc.http.post(USERINFO, content=b"", headers=headers))


def verify_signature(env_jwks: dict[str, Any], jws: str) -> None:
    """The JWS's signature checked with the realm's published key (KeyUtils.findActiveSigningKey)."""
    import base64

    def b64(part: str) -> bytes:
        return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))

    head, body, signature = jws.split(".")
    (jwk,) = [k for k in env_jwks["keys"] if k["kid"] == header(jws)["kid"]]
    signed = f"{head}.{body}".encode()
    if jwk["kty"] == "RSA":
        numbers = rsa.RSAPublicNumbers(int.from_bytes(b64(jwk["e"]), "big"), int.from_bytes(b64(jwk["n"]), "big"))
        pss = padding.PSS(mgf=padding.MGF1(SHA256()), salt_length=32)
        pad = pss if header(jws)["alg"].startswith("PS") else padding.PKCS1v15()
        numbers.public_key().verify(b64(signature), signed, pad, SHA256())
    else:
        from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature

        x, y = (int.from_bytes(b64(jwk[c]), "big") for c in ("x", "y"))
        key = ec.EllipticCurvePublicNumbers(x, y, ec.SECP256R1()).public_key()
        raw = b64(signature)
        der = encode_dss_signature(int.from_bytes(raw[:32], "big"), int.from_bytes(raw[32:], "big"))
        key.verify(der, signed, ec.ECDSA(SHA256()))


async def signed_response(env: Env, alg: str, accept: str | None = None) -> None:
    """UserInfoTest.testSuccessSignedResponse(alg, accept): ``application/jwt``, signed with the realm's key
    for ``alg``, the claims with the issuer and the client as audience."""
    await update_client(env, "test-app", attributes={"user.info.response.signature.alg": alg})
    token = (await grant(env))["access_token"]
    response = await userinfo(env, token, accept)
    await assert_userinfo_event(env, signature_required="true", signature_algorithm=alg)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/jwt"
    assert (header(response.text)["alg"], header(response.text)["typ"]) == (alg, "JWT")
    verify_signature((await env.http.get(token_url("test", "certs"))).json(), response.text)
    info = claims(response.text)
    assert info["sub"] and info["email"] == TEST_USER and info["preferred_username"] == TEST_USER
    assert info["aud"] == "test-app"
    assert info["iss"] == claims(token)["iss"]
    await update_client(env, "test-app", attributes={"user.info.response.signature.alg": None})


async def test_success_signed_response(kc: Env) -> None:
    """UserInfoTest.testSuccessSignedResponse."""
    await signed_response(kc, "RS256")
    await successful(kc, await userinfo(kc, (await grant(kc))["access_token"]))  # reverted: JSON again


@pytest.mark.parametrize("alg", ["ES256", "PS256"])
async def test_success_signed_response_alg(kc: Env, alg: str) -> None:
    """UserInfoTest.testSuccessSignedResponseES256 and testSuccessSignedResponsePS256."""
    await signed_response(kc, alg)


async def test_success_signed_response_rs256_accept_jwt(kc: Env) -> None:
    """UserInfoTest.testSuccessSignedResponseRS256AcceptJWT."""
    await signed_response(kc, "RS256", "application/jwt")


async def test_session_expired(kc: Env) -> None:
    """UserInfoTest.testSessionExpired: the user sessions removed (logout-all), the token's session is gone."""
    tokens = await grant(kc)
    await post(kc, "/logout-all", {}, status=200)
    await poll(kc)
    response = await userinfo(kc, tokens["access_token"])
    challenge(response, 401, "invalid_token")
    await assert_refused_event(kc, "user_session_not_found", clientId="test-app", sessionId=tokens["session_state"])
    assert await poll(kc) == []


async def test_access_token_expired(kc: Env) -> None:
    """UserInfoTest.testAccessTokenExpired."""
    tokens = await grant(kc)
    kc.clock.advance(600)
    challenge(await userinfo(kc, tokens["access_token"]), 401, "invalid_token")
    await assert_refused_event(kc, "invalid_token")


async def test_access_token_after_user_session_logout_and_login_again(kc: Env) -> None:
    """UserInfoTest.testAccessTokenAfterUserSessionLogoutAndLoginAgain: a token of a logged-out session stays
    refused after the same browser logs in again."""
    page = await start(kc.http, "test", "test-app")
    params = code_from(await submit(kc.http, page, username=TEST_USER, password="password"))
    tokens = (await exchange(kc.http, "test", "test-app", params["code"], secret="password")).json()
    kc.clock.advance(1)
    login_page = await start(kc.http, "test", "test-app", prompt="login")
    assert login_page.status_code == 200, login_page.text[:300]
    form = {"client_id": "test-app", "client_secret": "password", "refresh_token": tokens["refresh_token"]}
    assert (await kc.http.post(token_url("test", "logout"), data=form)).status_code == 204
    await poll(kc)
    kc.clock.advance(1)
    login_page = await start(kc.http, "test", "test-app")  # the refreshed page (its old one was for the session)
    code_from(await submit(kc.http, login_page, username=TEST_USER, password="password"))
    assert [e["type"] for e in await poll(kc)] == ["LOGIN"]
    challenge(await userinfo(kc, tokens["access_token"]), 401, "invalid_token")
    await assert_refused_event(kc, "user_session_not_found", clientId="test-app", sessionId=tokens["session_state"])


async def test_user_info_with_offline_access_and_hybrid_flow(kc: Env) -> None:
    """UserInfoTest.testUserInfoWithOfflineAccessAndHybridFlow (issue 39037): the front-channel access token
    serves userinfo before and after the code exchange, as does the exchanged one."""
    await update_client(kc, "test-app", implicitFlowEnabled=True)
    page = await start(
        kc.http, "test", "test-app", scope="openid offline_access", response_type="code token", nonce="n0nce"
    )
    params = code_from(await submit(kc.http, page, username=TEST_USER, password="password"))
    assert (await userinfo(kc, params["access_token"])).status_code == 200
    exchanged = await exchange(kc.http, "test", "test-app", params["code"], secret="password")
    assert exchanged.status_code == 200, exchanged.text
    assert (await userinfo(kc, params["access_token"])).status_code == 200
    assert (await userinfo(kc, exchanged.json()["access_token"])).status_code == 200


async def test_not_before_tokens(kc: Env) -> None:
    """UserInfoTest.testNotBeforeTokens: the realm's, then the client's not-before policy refuses the token."""
    tokens = await grant(kc)
    await update_realm(kc, notBefore=kc.clock.now() + 60)
    assert (await userinfo(kc, tokens["access_token"])).status_code == 401
    await assert_refused_event(kc, "invalid_token")
    await update_realm(kc, notBefore=0)
    await update_client(kc, "test-app", notBefore=kc.clock.now() + 60)
    assert (await userinfo(kc, tokens["access_token"])).status_code == 401
    await assert_refused_event(kc, "invalid_token")


async def test_session_expired_offline_access(kc: Env) -> None:
    """UserInfoTest.testSessionExpiredOfflineAccess: the offline session serves the token."""
    tokens = await grant(kc, offline=True)
    await successful(kc, await userinfo(kc, tokens["access_token"]))


async def test_unsuccessful_user_info_request(kc: Env) -> None:
    """UserInfoTest.testUnsuccessfulUserInfoRequest."""
    challenge(await userinfo(kc, "bad"), 401, "invalid_token")
    await assert_refused_event(kc, "invalid_token")


async def test_unsuccessful_user_info_request_with_empty_access_token(kc: Env) -> None:
    """UserInfoTest.testUnsuccessfulUserInfoRequestWithEmptyAccessToken."""
    response = await kc.http.get(USERINFO, headers={"Authorization": "bearer "})
    assert response.status_code == 401 and response.headers["www-authenticate"] == 'Bearer realm="test"'


async def test_unsuccessful_user_info_requestwith_duplicated_params(kc: Env) -> None:
    """UserInfoTest.testUnsuccessfulUserInfoRequestwithDuplicatedParams."""
    token = (await grant(kc))["access_token"]
    form = f"access_token={token}&access_token={token}"
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    assert (await kc.http.post(USERINFO, content=form, headers=headers)).status_code == 400


async def test_unsuccessful_user_info_request_with_multiple_tokens(kc: Env) -> None:
    """UserInfoTest.testUnsuccessfulUserInfoRequestWithMultipleTokens."""
    token = (await grant(kc))["access_token"]
    headers = {"Authorization": f"Bearer {token}"}
    assert (await kc.http.post(USERINFO, data={"access_token": token}, headers=headers)).status_code == 400


async def test_unsuccessful_user_info_request_without_open_id_scope(kc: Env) -> None:
    """UserInfoTest.testUnsuccessfulUserInfoRequestWithoutOpenIDScope."""
    token = (await grant(kc, openid=False))["access_token"]
    challenge(await userinfo(kc, token), 403, "insufficient_scope")
    await assert_refused_event(kc, "access_denied")


async def test_unsuccessful_user_info_request_with_disabled_user(kc: Env) -> None:
    """UserInfoTest.testUnsuccessfulUserInfoRequestWithDisabledUser."""
    tokens = await grant(kc)
    await update_user(kc, TEST_USER, enabled=False)
    challenge(await userinfo(kc, tokens["access_token"]), 401, "invalid_token")
    uid = await user_id(kc, TEST_USER)
    sid = tokens["session_state"]
    await assert_refused_event(kc, "user_disabled", clientId="test-app", userId=uid, sessionId=sid)


async def test_user_info_request_with_saml_client(kc: Env) -> None:
    """UserInfoTest.testUserInfoRequestWithSamlClient: a token of a client since turned SAML."""
    response = await password_grant(kc.http, "test", "saml-client", TEST_USER, secret="secret", scope="openid")
    assert response.status_code == 200, response.text
    await update_client(kc, "saml-client", protocol="saml")
    await poll(kc)
    assert (await userinfo(kc, response.json()["access_token"])).status_code == 401
    await assert_refused_event(kc, "invalid_client")


async def test_roles_are_available_get_method_header(kc: Env) -> None:
    """UserInfoTest.testRolesAreAvailable_getMethod_header: the roles scope's realm and client role mappers
    with include.in.userinfo put realm_access and resource_access in userinfo."""
    (roles,) = [s for s in await get(kc, "/client-scopes") if s["name"] == "roles"]
    for mapper in await get(kc, f"/client-scopes/{roles['id']}/protocol-mappers/models"):
        if mapper["name"] in ("realm roles", "client roles"):
            mapper["config"]["userinfo.token.claim"] = "true"
            await put(kc, f"/client-scopes/{roles['id']}/protocol-mappers/models/{mapper['id']}", mapper)
    info = await successful(kc, await userinfo(kc, (await grant(kc))["access_token"]))
    assert {"offline_access", "user"} <= set(info["realm_access"]["roles"])
    assert "customer-user" in info["resource_access"]["test-app"]["roles"]


async def test_no_content_type(kc: Env) -> None:
    """UserInfoTest.test_noContentType: a POST without a body or Content-Type."""
    token = (await grant(kc))["access_token"]
    response = await kc.http.post(USERINFO, headers={"Authorization": f"bearer {token}"})
    assert response.status_code == 200, response.text


# --- testSuccessEncryptedResponse*: the answer encrypted to test-app's key (oauth/token_encryption.py) ---------

ENCRYPTED_CASES = {
    "testSuccessEncryptedResponseSigAlgPS384AlgRSA_OAEPEncA256GCM": ("PS384", "RSA-OAEP", "A256GCM"),
    "testSuccessEncryptedResponseSigAlgRS256AlgRSA_OAEP256EncA192CBC_HS384": ("RS256", "RSA-OAEP-256", "A192CBC-HS384"),
    "testSuccessEncryptedResponseSigAlgES512AlgRSA1_5EncDefault": ("ES512", "RSA1_5", None),
    "testSuccessEncryptedResponseSigAlgES384AlgRSA_OAEPEncA128GCM": ("ES384", "RSA-OAEP", "A128GCM"),
    "testSuccessEncryptedResponseSigAlgPS256AlgRSA_OAEP256EncA256CBC_HS512": ("PS256", "RSA-OAEP-256", "A256CBC-HS512"),
    "testSuccessEncryptedResponseSigAlgNoneAlgRSA1_5EncDefault": (None, "RSA1_5", None),
    # The Java methods pass the curve to the client's (RSA) encryption key generation, which ignores it; the answer
    # is signed with the realm's EdDSA key (its fallback-EdDSA, Ed25519).
    "testSuccessEncryptedResponseSigAlgEd25519AlgRSA_OAEPEncA256GCM": ("EdDSA", "RSA-OAEP", "A256GCM"),
    "testSuccessEncryptedResponseSigAlgEd448AlgRSA_OAEP256EncA256CBC_HS512": ("EdDSA", "RSA-OAEP-256", "A256CBC-HS512"),
}


@pytest.mark.parametrize("method", sorted(ENCRYPTED_CASES))
async def test_success_encrypted_response(kc: Env, method: str) -> None:
    """UserInfoTest.testUserInfoSignatureAndEncryption, for each of its testSuccessEncryptedResponse* methods. The
    answer is an
    ``application/jwt`` JWE with the client's ``alg`` and ``enc`` (A128CBC-HS256 by default), ``cty`` JWT around a
    JWS, which verifies with the realm's key; without a signature the JSON claims are inside."""
    sig, alg, enc = ENCRYPTED_CASES[method]
    with jwks_server() as jwks:
        key = generate_keys(jwks, alg)
        attributes = {
            "use.jwks.url": "true",
            "jwks.url": jwks.url,
            "user.info.encrypted.response.alg": alg,
            "user.info.encrypted.response.enc": enc,
            **({"user.info.response.signature.alg": sig} if sig else {}),
        }
        await update_client(kc, "test-app", attributes=attributes)
        response = await userinfo(kc, (await grant(kc))["access_token"])
    assert response.status_code == 200, (response.status_code, response.headers)
    assert response.headers["content-type"] == "application/jwt"
    head = jwe_header(response.text)
    assert (head["alg"], head["enc"]) == (alg, enc or "A128CBC-HS256")
    assert head.get("cty") == ("JWT" if sig else None)
    content = decrypt(response.text, key)
    if sig:
        info = await verified(kc, content, audience="test-app")
        assert jwe_header(content)["alg"] == sig
    else:
        info = json.loads(content)
    assert info["sub"] and info["email"] == TEST_USER and info["preferred_username"] == TEST_USER
    details = {"signature_required": "true", "signature_algorithm": sig} if sig else {}
    await assert_userinfo_event(kc, **details)


async def test_encrypted_response_without_encryption_key(kc: Env) -> None:
    """UserInfoEndpoint.jweFromContent without a key of the client's (only a signature key in its set): Keycloak's
    ``error.status(500).build()``, a bare challenge naming the realm, and no event."""
    with jwks_server() as jwks:
        generate_keys(jwks, "RS256", use="sig")
        attributes = {"use.jwks.url": "true", "jwks.url": jwks.url, "user.info.encrypted.response.alg": "RSA-OAEP"}
        await update_client(kc, "test-app", attributes=attributes)
        response = await userinfo(kc, (await grant(kc))["access_token"])
    assert response.status_code == 500
    assert response.headers["www-authenticate"] == 'Bearer realm="test"'
    assert response.text == ""
    assert await poll(kc) == []
