"""Two realms imported from one file, its key material included. In Keycloak both then hold the same keys under the
same key ids, and only the realm URL check (``iss``) of its TokenVerifier keeps one twin's tokens out of the other.
Doorkeep does the same for the RSA key (one kid may serve two providers, as Keycloak's); a secret (HMAC) kid names
one secret only, so the second import gets an HMAC key of its own. Either way each twin refuses the other's tokens, an
access token at userinfo, the account API and introspection, an offline token at the token, logout, revocation and
introspection endpoints."""

from __future__ import annotations

import base64
import os
from typing import Any

import httpx
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from support import header, token_url
from wire_env import Env

pytestmark = pytest.mark.anyio

PEM = (
    rsa.generate_private_key(public_exponent=65537, key_size=2048)
    .private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    .decode()
)
HMAC_SECRET = base64.urlsafe_b64encode(os.urandom(64)).rstrip(b"=").decode()


def _file(name: str) -> dict[str, Any]:
    """One realm file, imported under two names: the keys, a client and a user are the same."""
    keys = [
        {
            "name": "rsa",
            "providerId": "rsa-generated",
            "config": {"priority": ["500"], "privateKey": [PEM], "kid": ["twin-rsa"]},
        },
        {
            "name": "hmac",
            "providerId": "hmac-generated",
            "config": {"priority": ["500"], "secret": [HMAC_SECRET], "kid": ["twin-hmac"], "algorithm": ["HS512"]},
        },
    ]
    user = {"username": "twin", "enabled": True, "email": "twin@example.org", "firstName": "T", "lastName": "W"}
    user["credentials"] = [{"type": "password", "value": "pw", "temporary": False}]
    user["realmRoles"] = ["offline_access"]
    user["clientRoles"] = {"account": ["manage-account"]}
    client = {"clientId": "app", "secret": "s", "directAccessGrantsEnabled": True, "publicClient": False}
    return {
        "realm": name,
        "enabled": True,
        "components": {"org.keycloak.keys.KeyProvider": keys},
        "clients": [client],
        "users": [user],
    }


@pytest.fixture
async def twins(env: Env) -> dict[str, str]:
    headers = await env.admin_headers()
    for name in ("twin-a", "twin-b"):
        made = await env.http.post("/admin/realms", json=_file(name), headers=headers)
        assert made.status_code == 201, made.text
    form = {"grant_type": "password", "client_id": "app", "client_secret": "s", "username": "twin", "password": "pw"}
    got = await env.http.post(token_url("twin-a"), data=form | {"scope": "openid offline_access"})
    assert got.status_code == 200, got.text
    tokens = {k: str(v) for k, v in got.json().items()}
    assert header(tokens["access_token"])["kid"] == "twin-rsa" and header(tokens["refresh_token"])["kid"] == "twin-hmac"
    meta = (await env.http.get("/admin/realms/twin-b/keys", headers=headers)).json()
    assert {k["kid"] for k in meta["keys"]} & {"twin-rsa", "twin-hmac"} == {"twin-rsa"}, meta  # the iss check decides
    return tokens


async def _b(env: Env, path: str, form: dict[str, str]) -> httpx.Response:
    return await env.http.post(token_url("twin-b", path), data={"client_id": "app", "client_secret": "s"} | form)


async def test_an_access_token_of_one_twin_is_nothing_at_the_other(env: Env, twins: dict[str, str]) -> None:
    bearer = {"Authorization": f"Bearer {twins['access_token']}"}
    assert (await env.http.get(token_url("twin-a", "userinfo"), headers=bearer)).status_code == 200  # the control
    assert (await env.http.get(token_url("twin-b", "userinfo"), headers=bearer)).status_code == 401
    assert (
        await env.http.get("/realms/twin-b/account/", headers=bearer | {"Accept": "application/json"})
    ).status_code == 401
    inactive = await _b(env, "token/introspect", {"token": twins["access_token"]})
    assert (inactive.status_code, inactive.json()) == (200, {"active": False}), inactive.text


async def test_an_offline_token_of_one_twin_is_nothing_at_the_other(env: Env, twins: dict[str, str]) -> None:
    offline = twins["refresh_token"]
    refused = await _b(env, "token", {"grant_type": "refresh_token", "refresh_token": offline})
    assert (refused.status_code, refused.json()) == (
        400,
        {"error": "invalid_grant", "error_description": "Invalid refresh token"},
    ), refused.text
    logout = await _b(env, "logout", {"refresh_token": offline})
    assert logout.status_code == 400, logout.text
    revoked = await _b(env, "revoke", {"token": offline})
    assert revoked.status_code == 200 and revoked.json()["error"] == "invalid_token", revoked.text
    inactive = await _b(env, "token/introspect", {"token": offline})
    assert inactive.json() == {"active": False}, inactive.text
    form = {"grant_type": "refresh_token", "refresh_token": offline, "client_id": "app", "client_secret": "s"}
    assert (await env.http.post(token_url("twin-a"), data=form)).status_code == 200  # still alive at home
