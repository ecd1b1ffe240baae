"""Signed userinfo for every algorithm discovery advertises (``userinfo_signing_alg_values_supported``).

Keycloak's UserInfoEndpoint: with the client attribute ``user.info.response.signature.alg`` the answer is a JWS,
``application/jwt``, holding the JSON answer's claims plus ``iss`` and the client as ``aud``. RS*/PS*/ES* are
signed with the realm's key (verified here with the published JWKS); HS* with the client's secret (OIDC Core
§10.1); ``none`` is the plain JSON answer.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from typing import Any

import httpx
import jwt
import pytest

from support import password_grant, seed_client, seed_realm, seed_user, token_url, update_client
from wire_env import Env

pytestmark = pytest.mark.anyio

ISSUER = "http://localhost/realms/test"
SECRET = "a-client-secret"
ALG = "user.info.response.signature.alg"
HMAC = {"HS256": hashlib.sha256, "HS384": hashlib.sha384, "HS512": hashlib.sha512}


@pytest.fixture
async def app(env: Env) -> Env:
    await seed_realm(env.db, env.clock, events_enabled=True, enabled_event_types=("USER_INFO_REQUEST",))
    await seed_client(env.db, "test", "app", secret=SECRET)
    await seed_client(env.db, "test", "spa", public=True)
    await seed_user(env.db, env.clock, "test", "user1")
    return env


async def userinfo(env: Env, client_id: str = "app", secret: str | None = SECRET) -> httpx.Response:
    tokens = await password_grant(env.http, "test", client_id, secret=secret, scope="openid")
    assert tokens.status_code == 200, tokens.text
    headers = {"Authorization": f"Bearer {tokens.json()['access_token']}"}
    return await env.http.get(token_url("test", "userinfo"), headers=headers)


def b64(segment: str) -> bytes:
    return base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4))


def verified(env_jwks: dict[str, Any], token: str, alg: str) -> dict[str, Any]:
    """The claims, once the signature checks out: HS* with the client secret, the others with the JWKS key."""
    head, body, signature = token.split(".")
    header = json.loads(b64(head))
    assert header["alg"] == alg and header["typ"] == "JWT", header
    if alg in HMAC:
        expected = hmac.new(SECRET.encode(), f"{head}.{body}".encode(), HMAC[alg]).digest()
        assert hmac.compare_digest(expected, b64(signature)), alg
        assert "kid" not in header  # the client's secret, not a realm key
        return dict(json.loads(b64(body)))
    (jwk,) = [k for k in env_jwks["keys"] if k["kid"] == header["kid"]]
    key = jwt.PyJWK(jwk, algorithm=alg).key
    return dict(jwt.decode(token, key, algorithms=[alg], audience="app", issuer=ISSUER))


async def test_every_advertised_algorithm_answers_the_json_claims_signed(app: Env) -> None:
    doc = (await app.http.get("/realms/test/.well-known/openid-configuration")).json()
    advertised = doc["userinfo_signing_alg_values_supported"]
    assert advertised[-1] == "none" and {"RS256", "PS256", "ES256", "HS256"} <= set(advertised), advertised
    plain = await userinfo(app)
    assert plain.headers["content-type"] == "application/json"
    expected = plain.json()
    assert expected["preferred_username"] == "user1" and "iss" not in expected and "aud" not in expected
    for alg in advertised:
        await update_client(app.db, "test", "app", attributes={ALG: alg})
        response = await userinfo(app)
        assert response.status_code == 200, (alg, response.status_code, response.headers)
        if alg == "none":
            assert response.headers["content-type"] == "application/json", alg
            assert response.json() == expected
            continue
        assert response.headers["content-type"] == "application/jwt", alg
        jwks = (await app.http.get(token_url("test", "certs"))).json()
        claims = verified(jwks, response.text, alg)
        assert claims == {**expected, "iss": ISSUER, "aud": "app"}, alg


async def test_the_event_names_the_algorithm_or_says_no_signature(app: Env) -> None:
    for alg, details in (
        ("HS384", {"signature_required": "true", "signature_algorithm": "HS384"}),
        ("none", {"signature_required": "false"}),
    ):
        await update_client(app.db, "test", "app", attributes={ALG: alg})
        assert (await userinfo(app)).status_code == 200
        events = await app.http.get(
            "/admin/realms/test/events", params={"type": "USER_INFO_REQUEST"}, headers=await app.admin_headers()
        )
        newest = events.json()[0]
        assert newest["details"] == {"auth_method": "validate_access_token", "username": "user1", **details}


@pytest.mark.parametrize(("client_id", "alg"), [("spa", "HS256"), ("app", "Ed25519"), ("app", "RS1024")])
async def test_a_signature_doorkeep_cannot_make_is_refused_never_a_500(app: Env, client_id: str, alg: str) -> None:
    """A public client has no secret to sign HS* with; a curve name (Ed25519, not a JWS algorithm) and unknown
    algorithms have no signer. Keycloak answers 500 for those: Doorkeep refuses the request."""
    await update_client(app.db, "test", client_id, attributes={ALG: alg})
    response = await userinfo(app, client_id, SECRET if client_id == "app" else None)
    assert response.status_code == 400, (response.status_code, response.text)
    challenge = response.headers["www-authenticate"]
    assert 'error="invalid_request"' in challenge and "signature algorithm" in challenge, challenge
