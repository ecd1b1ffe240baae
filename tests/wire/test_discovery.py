"""Realm info, discovery and JWKS (KEYCLOAK.md §1)."""

from __future__ import annotations

import jwt
import pytest

from support import password_grant, seed_client, seed_realm, seed_user
from wire_env import Env

pytestmark = pytest.mark.anyio


async def test_discovery_names_keycloak_urls(env: Env) -> None:
    await seed_realm(env.db, env.clock)
    response = await env.http.get("/realms/test/.well-known/openid-configuration")
    assert response.status_code == 200
    doc = response.json()
    oidc = "http://localhost/realms/test/protocol/openid-connect"
    assert doc["issuer"] == "http://localhost/realms/test"
    assert doc["token_endpoint"] == f"{oidc}/token"
    assert doc["introspection_endpoint"] == f"{oidc}/token/introspect"
    assert doc["end_session_endpoint"] == f"{oidc}/logout"
    assert doc["revocation_endpoint"] == f"{oidc}/revoke"
    assert doc["jwks_uri"] == f"{oidc}/certs"
    assert doc["scopes_supported"][0] == "openid"
    assert "offline_access" in doc["scopes_supported"]
    assert doc["code_challenge_methods_supported"] == ["plain", "S256"]


async def test_issuer_follows_the_host_header(env: Env) -> None:
    await seed_realm(env.db, env.clock)
    response = await env.http.get("/realms/test/.well-known/openid-configuration",
                                  headers={"Host": "id.example.com:8443"})
    assert response.json()["issuer"] == "http://id.example.com:8443/realms/test"


async def test_realm_info_document(env: Env) -> None:
    await seed_realm(env.db, env.clock)
    info = (await env.http.get("/realms/test")).json()
    assert info["realm"] == "test"
    assert info["token-service"] == "http://localhost/realms/test/protocol/openid-connect"
    assert info["account-service"] == "http://localhost/realms/test/account"
    assert info["tokens-not-before"] == 0
    assert info["public_key"].startswith("MIIB")


async def test_unknown_realm_is_404(env: Env) -> None:
    assert (await env.http.get("/realms/nope/.well-known/openid-configuration")).status_code == 404
    assert (await env.http.get("/realms/nope/protocol/openid-connect/certs")).status_code == 404


async def test_access_token_verifies_with_the_published_jwks_and_no_private_parts_leak(env: Env) -> None:
    await seed_realm(env.db, env.clock)
    await seed_client(env.db, "test", "app")
    await seed_user(env.db, env.clock, "test", "user1")
    keys = (await env.http.get("/realms/test/protocol/openid-connect/certs")).json()["keys"]
    assert all(set(k) <= {"kid", "kty", "alg", "use", "n", "e", "crv", "x", "y"} for k in keys)
    assert all(k["kty"] != "oct" for k in keys)
    token = (await password_grant(env.http, "test", "app")).json()["access_token"]
    jwk = next(k for k in keys if k["kid"] == jwt.get_unverified_header(token)["kid"])
    key = jwt.PyJWK(jwk).key
    decoded = jwt.decode(token, key, algorithms=["RS256"], options={"verify_aud": False, "verify_exp": False})
    assert decoded["typ"] == "Bearer"


async def test_es256_access_tokens_when_the_client_asks(env: Env) -> None:
    await seed_realm(env.db, env.clock)
    await seed_client(env.db, "test", "app", attributes={"access.token.signed.response.alg": "ES256"})
    await seed_user(env.db, env.clock, "test", "user1")
    token = (await password_grant(env.http, "test", "app")).json()["access_token"]
    assert jwt.get_unverified_header(token)["alg"] == "ES256"
    keys = (await env.http.get("/realms/test/protocol/openid-connect/certs")).json()["keys"]
    assert any(k["kty"] == "EC" for k in keys)
    userinfo = await env.http.get("/realms/test/protocol/openid-connect/userinfo",
                                  headers={"Authorization": f"Bearer {token}"})
    assert userinfo.status_code == 200
