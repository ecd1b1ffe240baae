"""Keycloak's ``org.keycloak.testsuite.oauth.OfflineTokenMigrationTest``: offline tokens minted by older Keycloak
versions still refresh, plus what a migrated realm brings with it.

Keycloak 14 and before named an offline token's session only in ``session_state`` (RefreshToken.getSessionId
falls back to it when ``sid`` is absent), and realms created before Keycloak 19 signed refresh tokens HS256
with an ``hmac-generated`` key that Keycloak keeps beside the HS512 one. Keycloak's test re-signs a new offline
token in the old shape on the server; here the realm is imported with HMAC keys whose secrets the test knows,
so the test can sign the old shapes itself. The hostile variants check that the fallback trusts nothing the
signature does not cover and that a key verifies only its own algorithm.
"""

from __future__ import annotations

import base64
import warnings
from typing import Any

import jwt
import pytest

import keycloak_port as port
from support import claims, header, password_grant, refresh
from wire_env import Env

pytestmark = pytest.mark.anyio

CLIENT = "direct-grant"
SECRET = "password"
USER = "test-user@localhost"
HS512_KID = "kc-hs512"
HS256_KID = "kc-legacy-hs256"
HS512_SECRET = bytes(range(64))
HS256_SECRET = bytes(range(100, 132))
KEY_PROVIDER = "org.keycloak.keys.KeyProvider"


def _b64u(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _hmac_component(name: str, kid: str, secret: bytes, alg: str, priority: int) -> dict[str, Any]:
    config = {"kid": [kid], "secret": [_b64u(secret)], "algorithm": [alg], "priority": [str(priority)]}
    return {"name": name, "providerId": "hmac-generated", "config": config}


def realm_rep() -> dict[str, Any]:
    """AbstractTestRealmKeycloakTest's ``direct-grant`` client and ``test-user@localhost``, with the HMAC keys of
    a realm Keycloak created before 19: the old HS256 key kept, an HS512 one signing."""
    return {
        "realm": "test",
        "enabled": True,
        "eventsEnabled": True,
        "clients": [
            {
                "clientId": CLIENT,
                "secret": SECRET,
                "directAccessGrantsEnabled": True,
                "publicClient": False,
            }
        ],
        "users": [
            {
                "username": USER,
                "email": USER,
                "enabled": True,
                "firstName": "Tom",
                "lastName": "Brady",
                "credentials": [{"type": "password", "value": "password", "temporary": False}],
                "realmRoles": ["offline_access"],  # testrealm.json; an imported user gets no default roles
            }
        ],
        "components": {
            KEY_PROVIDER: [
                _hmac_component("hmac-generated-hs512", HS512_KID, HS512_SECRET, "HS512", 100),
                _hmac_component("hmac-generated", HS256_KID, HS256_SECRET, "HS256", 50),
            ]
        },
    }


@pytest.fixture
async def kc(env: Env) -> Env:
    await port.import_realm(env, realm_rep())
    return env


async def offline_token(env: Env) -> str:
    response = await password_grant(env.http, "test", CLIENT, USER, secret=SECRET, scope="offline_access")
    assert response.status_code == 200, response.text
    body = response.json()
    assert "error_description" not in body
    token: str = body["refresh_token"]
    assert header(token)["kid"] == HS512_KID and claims(token)["typ"] == "Offline"
    return token


def keycloak14_shape(token: str) -> dict[str, Any]:
    """The converter of Keycloak's test: ``sid`` removed, its value under ``session_state``."""
    old = claims(token)
    old["session_state"] = old.pop("sid")
    return old


def sign(payload: dict[str, Any], kid: str, key: bytes, alg: str) -> str:
    with warnings.catch_warnings():  # a forged variant signs HS512 with the 32-byte HS256 secret on purpose
        warnings.simplefilter("ignore")
        return jwt.encode(payload, key, algorithm=alg, headers={"kid": kid, "typ": "JWT"})


async def test_offline_token_migration_from_keycloak14(kc: Env) -> None:
    """testOfflineTokenMigrationFromKeycloak14: an offline token with only ``session_state`` refreshes (200),
    and the new offline token names its session in ``sid``."""
    token = await offline_token(kc)
    session_id = claims(token)["sid"]
    modified = sign(keycloak14_shape(token), HS512_KID, HS512_SECRET, "HS512")
    assert "sid" not in claims(modified)
    response = await refresh(kc.http, "test", CLIENT, modified, secret=SECRET)
    assert response.status_code == 200, response.text
    body = response.json()
    assert claims(body["access_token"])["sid"] == session_id
    assert claims(body["refresh_token"])["sid"] == session_id
    assert header(body["refresh_token"])["kid"] == HS512_KID


async def test_offline_token_signed_hs256_by_an_older_realm_key_still_refreshes(kc: Env) -> None:
    """A realm Keycloak created before 19 signed refresh tokens HS256 with its ``hmac-generated`` key; while that
    key is in the realm, such a token verifies (DefaultTokenManager picks the verifier by kid and algorithm), and
    the refreshed one is signed HS512 by the active key."""
    token = await offline_token(kc)
    legacy = sign(keycloak14_shape(token), HS256_KID, HS256_SECRET, "HS256")
    response = await refresh(kc.http, "test", CLIENT, legacy, secret=SECRET)
    assert response.status_code == 200, response.text
    renewed = response.json()["refresh_token"]
    assert (header(renewed)["alg"], header(renewed)["kid"]) == ("HS512", HS512_KID)
    again = await refresh(kc.http, "test", CLIENT, renewed, secret=SECRET)
    assert again.status_code == 200, again.text


async def test_hostile_session_state_never_overrides_a_signed_sid(kc: Env) -> None:
    """The fallback applies only when ``sid`` is absent: a token naming its own session in ``sid`` and another
    one in ``session_state`` acts on its ``sid``; a ``session_state`` naming no session is refused."""
    token = await offline_token(kc)
    other = claims(await offline_token(kc))["sid"]
    both = claims(token) | {"session_state": other}
    response = await refresh(kc.http, "test", CLIENT, sign(both, HS512_KID, HS512_SECRET, "HS512"), secret=SECRET)
    assert response.status_code == 200, response.text
    assert claims(response.json()["access_token"])["sid"] == claims(token)["sid"]
    unknown = keycloak14_shape(token) | {"session_state": "00000000-0000-0000-0000-000000000000"}
    response = await refresh(kc.http, "test", CLIENT, sign(unknown, HS512_KID, HS512_SECRET, "HS512"), secret=SECRET)
    assert response.status_code == 400, response.text
    assert response.json() == {"error": "invalid_grant", "error_description": "Offline user session not found"}
    not_text = keycloak14_shape(token) | {"session_state": ["x"]}
    response = await refresh(kc.http, "test", CLIENT, sign(not_text, HS512_KID, HS512_SECRET, "HS512"), secret=SECRET)
    assert response.status_code == 400, response.text
    assert response.json()["error"] == "invalid_grant"


@pytest.mark.parametrize(
    ("kid", "key", "alg"),
    [
        (HS512_KID, HS512_SECRET, "HS256"),  # the HS512 key's secret, another algorithm
        (HS256_KID, HS256_SECRET, "HS512"),  # the HS256 key's secret, another algorithm
        (HS256_KID, HS512_SECRET, "HS256"),  # the wrong key's secret
        ("unknown-kid", HS512_SECRET, "HS512"),
    ],
    ids=["hs512-key-as-hs256", "hs256-key-as-hs512", "wrong-secret", "unknown-kid"],
)
async def test_hostile_a_key_verifies_only_its_own_algorithm(kc: Env, kid: str, key: bytes, alg: str) -> None:
    """Each HMAC key verifies tokens of its own algorithm only: a token whose header names another algorithm, or
    signed with another key's secret, or naming an unknown kid, is "Invalid refresh token"."""
    token = await offline_token(kc)
    forged = sign(keycloak14_shape(token), kid, key, alg)
    response = await refresh(kc.http, "test", CLIENT, forged, secret=SECRET)
    assert response.status_code == 400, response.text
    assert response.json() == {"error": "invalid_grant", "error_description": "Invalid refresh token"}


async def test_hostile_an_hs256_key_does_not_sign_new_tokens_nor_appear_in_certs(kc: Env) -> None:
    """The old HS256 key only verifies: new refresh tokens are HS512, and no HMAC key is published in the JWKS."""
    token = await offline_token(kc)
    assert header(token)["alg"] == "HS512"
    certs = await kc.http.get("/realms/test/protocol/openid-connect/certs")
    assert certs.status_code == 200
    assert {k["kid"] for k in certs.json()["keys"]}.isdisjoint({HS512_KID, HS256_KID})
