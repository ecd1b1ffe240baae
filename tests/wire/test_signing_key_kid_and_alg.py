"""A token's header names its key by ``kid`` and ``alg`` together: Keycloak's verifier contexts look the key up
with DefaultKeyManager.getKey(realm, kid, SIG, alg), whose ``matches`` compares the key's algorithm exactly, and a
miss is the VerificationException "Key not found". So the kid of the realm's RS256 key under PS256 or RS512 (even
signed by that very key), ES256 or HS256 (the public key as an HMAC secret), or the kid of its HS512 key under
HS256 or RS256, names no key: userinfo answers 401 "Token verification failed", introspection ``active: false``,
the refresh grant ``invalid_grant`` "Invalid refresh token", the Account and Admin REST APIs 401 (the admin API's
description the generic one, not "Token signature invalid", which needs a key found)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from collections.abc import Callable
from typing import Any

import httpx
import jwt
import pytest

from admin_support import make_admin
from support import add_audience, claims, password_grant, refresh, token_url, update_client
from wire_env import Env

pytestmark = pytest.mark.anyio

Signer = Callable[[dict[str, Any]], str]


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def _compact(header: dict[str, Any], payload: dict[str, Any], sign: Callable[[bytes], bytes]) -> str:
    signing_input = f"{_b64(json.dumps(header).encode())}.{_b64(json.dumps(payload).encode())}"
    return f"{signing_input}.{_b64(sign(signing_input.encode()))}"


async def _signers(env: Env, realm_name: str = "test") -> dict[str, Signer]:
    """Ways to sign a payload under the kid of the realm's active RS256 or HS512 key, with another header alg."""
    async with env.db.transaction() as tx:
        found = await tx.realms.get_by_name(realm_name)
        assert found is not None
        stored = [k for k in await tx.keys.list(found.id) if k.status == "active"]
    rsa = next(k for k in stored if k.algorithm == "RS256")
    mac = next(k for k in stored if k.algorithm == "HS512")
    assert rsa.public_pem is not None
    public_pem = rsa.public_pem.encode()
    secret = base64.urlsafe_b64decode(mac.private + "=" * (-len(mac.private) % 4))

    def by_rsa(alg: str, kid: str) -> Signer:
        return lambda payload: jwt.encode(payload, rsa.private, algorithm=alg, headers={"kid": kid})

    def by_mac(alg: str, kid: str, key: bytes, digest: Any) -> Signer:
        header = {"alg": alg, "typ": "JWT", "kid": kid}
        return lambda payload: _compact(header, payload, lambda data: hmac.new(key, data, digest).digest())

    def junk(alg: str, kid: str) -> Signer:
        return lambda payload: _compact({"alg": alg, "typ": "JWT", "kid": kid}, payload, lambda _: b"\x01" * 64)

    return {
        "RS256 key as RS256": by_rsa("RS256", rsa.kid),  # the control: the realm's own answer
        "RS256 key as PS256": by_rsa("PS256", rsa.kid),
        "RS256 key as RS512": by_rsa("RS512", rsa.kid),
        "RS256 key as ES256": junk("ES256", rsa.kid),
        "RS256 key as HS256": by_mac("HS256", rsa.kid, public_pem, hashlib.sha256),
        "RS256 key as HS512": by_mac("HS512", rsa.kid, public_pem, hashlib.sha512),
        "HS512 key as HS512": by_mac("HS512", mac.kid, secret, hashlib.sha512),  # the control of refresh tokens
        "HS512 key as HS256": by_mac("HS256", mac.kid, secret, hashlib.sha256),
        "HS512 key as RS256": by_rsa("RS256", mac.kid),
        "HS512 key as PS256": by_rsa("PS256", mac.kid),
    }


MISMATCHED = [
    "RS256 key as PS256",
    "RS256 key as RS512",
    "RS256 key as ES256",
    "RS256 key as HS256",
    "RS256 key as HS512",
    "HS512 key as HS256",
    "HS512 key as RS256",
    "HS512 key as PS256",
]
CHALLENGE = 'Bearer realm="test", error="invalid_token", error_description="Token verification failed"'


async def _tokens(env: Env, username: str = "user1", client_id: str = "app") -> dict[str, str]:
    secret = "secret" if client_id == "app" else None
    response = await password_grant(env.http, "test", client_id, username, secret=secret, scope="openid")
    assert response.status_code == 200, response.text
    return dict(response.json())


async def _userinfo(env: Env, token: str) -> httpx.Response:
    return await env.http.get(token_url("test", "userinfo"), headers={"Authorization": f"Bearer {token}"})


async def _introspect(env: Env, token: str) -> dict[str, Any]:
    form = {"client_id": "app", "client_secret": "secret", "token": token}
    response = await env.http.post(token_url("test", "token/introspect"), data=form)
    assert response.status_code == 200, response.text
    return dict(response.json())


@pytest.mark.parametrize("case", MISMATCHED)
async def test_an_access_token_whose_alg_is_not_its_keys_is_refused_by_userinfo_and_introspection(
    realm: Env, case: str
) -> None:
    await add_audience(realm.db, "test", "app")  # introspection shows a token active only to its audience
    payload = claims((await _tokens(realm))["access_token"])
    signers = await _signers(realm)
    control = signers["RS256 key as RS256"](payload)
    assert (await _userinfo(realm, control)).status_code == 200
    assert (await _introspect(realm, control))["active"] is True
    forged = signers[case](payload)
    answer = await _userinfo(realm, forged)
    assert (answer.status_code, answer.headers.get("www-authenticate"), answer.content) == (401, CHALLENGE, b"")
    assert await _introspect(realm, forged) == {"active": False}


@pytest.mark.parametrize("case", MISMATCHED)
async def test_a_refresh_token_whose_alg_is_not_its_keys_is_an_invalid_refresh_token(realm: Env, case: str) -> None:
    payload = claims((await _tokens(realm))["refresh_token"])
    signers = await _signers(realm)
    assert await _introspect(realm, signers[case](payload)) == {"active": False}
    answer = await refresh(realm.http, "test", "app", signers[case](payload))
    assert answer.status_code == 400, answer.text
    assert answer.json() == {"error": "invalid_grant", "error_description": "Invalid refresh token"}
    control = await refresh(realm.http, "test", "app", signers["HS512 key as HS512"](payload))
    assert control.status_code == 200, control.text


@pytest.mark.parametrize("case", MISMATCHED)
async def test_the_account_and_admin_apis_refuse_a_token_whose_alg_is_not_its_keys(realm: Env, case: str) -> None:
    await make_admin(realm, "test", "realm-admin", "realm-admin")
    payload = claims((await _tokens(realm, "realm-admin", "admin-cli"))["access_token"])
    signers = await _signers(realm)
    for signed, ok in ((signers["RS256 key as RS256"](payload), True), (signers[case](payload), False)):
        bearer = {"Authorization": f"Bearer {signed}", "Accept": "application/json"}
        account = await realm.http.get("/realms/test/account", headers=bearer)
        admin = await realm.http.get("/admin/realms/test/users", headers=bearer)
        if ok:
            assert (account.status_code, admin.status_code) == (200, 200), (account.text, admin.text)
            continue
        assert (account.status_code, account.json()) == (401, {"error": "HTTP 401 Unauthorized"})
        assert admin.status_code == 401, admin.text
        assert admin.headers.get("www-authenticate") == CHALLENGE
        assert admin.json() == {"error": "HTTP 401 Unauthorized", "error_description": "Token verification failed"}


EC_CASES = ["ES384", "ES512", "RS256", "PS256", "HS256", "EdDSA"]


@pytest.mark.parametrize("alg", EC_CASES)
async def test_an_ec_key_s_kid_under_another_alg_is_refused_by_userinfo_and_introspection(realm: Env, alg: str) -> None:
    """The realm's ES256 key (a fallback key made for a client that asks for ES256 access tokens): its kid under
    another ECDSA size, RS256/PS256 (signed by the realm's RSA key), HS256 (its public key as the secret) or EdDSA."""
    await update_client(realm.db, "test", "app", attributes={"access.token.signed.response.alg": "ES256"})
    await add_audience(realm.db, "test", "app")
    issued = (await _tokens(realm))["access_token"]
    header = json.loads(base64.urlsafe_b64decode(issued.split(".")[0] + "=="))
    assert header["alg"] == "ES256", header
    async with realm.db.transaction() as tx:
        found = await tx.realms.get_by_name("test")
        assert found is not None
        stored = {k.kid: k for k in await tx.keys.list(found.id)}
    ec, rsa = stored[header["kid"]], next(k for k in stored.values() if k.algorithm == "RS256")
    assert ec.public_pem is not None
    payload = claims(issued)
    if alg in ("RS256", "PS256"):
        forged = jwt.encode(payload, rsa.private, algorithm=alg, headers={"kid": ec.kid})
    elif alg == "HS256":
        secret = ec.public_pem.encode()
        forged = _compact({"alg": alg, "kid": ec.kid}, payload, lambda d: hmac.new(secret, d, hashlib.sha256).digest())
    else:
        forged = _compact({"alg": alg, "kid": ec.kid}, payload, lambda _: b"\x01" * 96)
    assert (await _userinfo(realm, issued)).status_code == 200
    assert (await _introspect(realm, issued))["active"] is True
    answer = await _userinfo(realm, forged)
    assert (answer.status_code, answer.headers.get("www-authenticate"), answer.content) == (401, CHALLENGE, b"")
    assert await _introspect(realm, forged) == {"active": False}
