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
    response = await env.http.get(
        "/realms/test/.well-known/openid-configuration", headers={"Host": "id.example.com:8443"}
    )
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
    assert all(
        set(k) <= {"kid", "kty", "alg", "use", "n", "e", "crv", "x", "y", "x5c", "x5t", "x5t#S256"} for k in keys
    )
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
    token = (await password_grant(env.http, "test", "app", scope="openid")).json()["access_token"]
    assert jwt.get_unverified_header(token)["alg"] == "ES256"
    keys = (await env.http.get("/realms/test/protocol/openid-connect/certs")).json()["keys"]
    assert any(k["kty"] == "EC" for k in keys)
    userinfo = await env.http.get(
        "/realms/test/protocol/openid-connect/userinfo", headers={"Authorization": f"Bearer {token}"}
    )
    assert userinfo.status_code == 200


NOT_SERVED_FIELDS: tuple[str, ...] = ("backchannel_user_code_parameter_supported",)  # Keycloak never sets it


async def discovered(env: Env) -> dict[str, object]:
    await seed_realm(env.db, env.clock)
    response = await env.http.get("/realms/test/.well-known/openid-configuration")
    assert response.status_code == 200
    return dict(response.json())


async def test_discovery_advertises_nothing_doorkeep_does_not_serve(env: Env) -> None:
    doc = await discovered(env)
    for field in NOT_SERVED_FIELDS:
        assert field not in doc, field
    assert doc["response_types_supported"] == [
        "code",
        "none",
        "id_token",
        "token",
        "id_token token",
        "code id_token",
        "code token",
        "code id_token token",
    ]
    assert doc["grant_types_supported"] == [
        "authorization_code",
        "client_credentials",
        "implicit",  # listed by Keycloak, never a token endpoint grant_type
        "password",
        "refresh_token",
        "urn:ietf:params:oauth:grant-type:device_code",
        "urn:ietf:params:oauth:grant-type:jwt-bearer",  # jwt-authorization-grant, on by default since Keycloak 26.6
        "urn:ietf:params:oauth:grant-type:token-exchange",  # token-exchange-standard, on by default
        "urn:openid:params:grant-type:ciba",  # oauth/grants/ciba.py
    ]
    assert doc["device_authorization_endpoint"] == "http://localhost/realms/test/protocol/openid-connect/auth/device"
    assert doc["response_modes_supported"] == [  # Keycloak's list and order, JARM's modes included
        "query",
        "fragment",
        "form_post",
        "query.jwt",
        "fragment.jwt",
        "form_post.jwt",
        "jwt",
    ]
    assert doc["authorization_signing_alg_values_supported"] == doc["id_token_signing_alg_values_supported"]
    assert doc["subject_types_supported"] == ["public", "pairwise"]
    # tls_client_auth: client-x509, with the certificate a TLS-terminating proxy forwards (oauth/client_x509.py)
    methods = ["private_key_jwt", "client_secret_basic", "client_secret_post", "tls_client_auth", "client_secret_jwt"]
    for field in (
        "token_endpoint_auth_methods_supported",
        "introspection_endpoint_auth_methods_supported",
        "revocation_endpoint_auth_methods_supported",
    ):
        assert doc[field] == methods, field
    algs = doc["id_token_signing_alg_values_supported"]
    assert isinstance(algs, list) and "RS256" in algs and "none" not in algs and "EdDSA" in algs
    assert all(not str(a).startswith("HS") for a in algs)
    for field in ("request_parameter_supported", "request_uri_parameter_supported", "require_request_uri_registration"):
        assert doc[field] is True, field  # oauth/request_parser.py, as Keycloak
    assert doc["tls_client_certificate_bound_access_tokens"] is True  # oauth/mtls.py
    assert doc["claims_parameter_supported"] is True  # OIDCWellKnownProvider; acr is read from it (oauth/acr.py)
    # the logout page frames front-channel clients, with sid and iss (OIDCWellKnownProvider's values)
    assert doc["frontchannel_logout_supported"] is True
    assert doc["frontchannel_logout_session_supported"] is True
    # web/backchannel.py sends logout tokens, with sid by default (Keycloak's values)
    assert doc["backchannel_logout_supported"] is True
    assert doc["backchannel_logout_session_supported"] is True
    assert doc["authorization_response_iss_parameter_supported"] is True


async def test_no_value_none_is_advertised_anywhere_but_for_request_objects_and_userinfo(env: Env) -> None:
    doc = await discovered(env)
    unsigned_read = ("request_object_signing_alg_values_supported", "userinfo_signing_alg_values_supported")
    for field, value in doc.items():
        if field.endswith("alg_values_supported") and field not in unsigned_read:
            assert isinstance(value, list) and "none" not in value, field
    for field in unsigned_read:  # unsigned request objects are read; "none" userinfo is the plain JSON
        algs = doc[field]
        assert isinstance(algs, list) and algs[-1] == "none", field


@pytest.mark.parametrize(
    "response_type",
    ["token", "id_token", "id_token token", "code id_token", "code token", "code id_token token"],
)
async def test_listed_implicit_and_hybrid_types_need_the_implicit_flow_on_the_client(
    env: Env,
    response_type: str,
) -> None:
    doc = await discovered(env)
    supported = doc["response_types_supported"]
    assert isinstance(supported, list) and response_type in supported
    await seed_client(env.db, "test", "app", redirect_uris=("http://127.0.0.1:9999/cb",))
    response = await env.http.get(
        "/realms/test/protocol/openid-connect/auth",
        params={
            "client_id": "app",
            "redirect_uri": "http://127.0.0.1:9999/cb",
            "response_type": response_type,
            "scope": "openid",
            "state": "s",
            "nonce": "n",
        },
    )
    assert response.status_code == 302, response.text
    assert "#error=unauthorized_client&" in response.headers["location"]  # checkResponseType


async def test_the_scopes_discovery_lists_follow_every_change_at_once(env: Env) -> None:
    """The document's scope list is cached per configuration version: a scope created, hidden from the
    metadata, renamed or deleted through the admin API shows in the very next document."""
    await seed_realm(env.db, env.clock)
    headers = await env.admin_headers()
    url = "/realms/test/.well-known/openid-configuration"
    scopes = "/admin/realms/test/client-scopes"

    async def listed() -> list[str]:
        response = await env.http.get(url)
        assert response.status_code == 200
        names: list[str] = response.json()["scopes_supported"]
        return names

    before = await listed()
    assert "orders" not in before and before == await listed()  # the second answer came from the cache
    created = await env.http.post(scopes, headers=headers, json={"name": "orders", "protocol": "openid-connect"})
    assert created.status_code == 201, created.text
    scope_id = created.headers["location"].rsplit("/", 1)[-1]
    after = await listed()
    assert after[0] == "openid" and sorted(after) == sorted([*before, "orders"])
    hidden = {"name": "orders", "attributes": {"include.in.openid.provider.metadata": "false"}}
    assert (await env.http.put(f"{scopes}/{scope_id}", headers=headers, json=hidden)).status_code == 204
    assert "orders" not in await listed()
    shown = {"name": "billing", "attributes": {"include.in.openid.provider.metadata": "true"}}
    assert (await env.http.put(f"{scopes}/{scope_id}", headers=headers, json=shown)).status_code == 204
    assert "billing" in await listed() and "orders" not in await listed()
    assert (await env.http.delete(f"{scopes}/{scope_id}", headers=headers)).status_code == 204
    assert await listed() == before


async def test_encryption_lists_in_keycloaks_order(env: Env) -> None:
    """The ID token, userinfo and JARM encryption lists, in the order Keycloak 26 prints them (its provider
    factories' HashMap order; oauth/token_encryption.py), ID tokens, userinfo and JARM alike."""
    doc = await discovered(env)
    algs = ["ECDH-ES+A256KW", "ECDH-ES+A192KW", "RSA-OAEP", "ECDH-ES+A128KW", "RSA-OAEP-256", "RSA1_5", "ECDH-ES"]
    encs = ["A256GCM", "A192GCM", "A128GCM", "A128CBC-HS256", "A192CBC-HS384", "A256CBC-HS512"]
    for kind in ("id_token", "userinfo", "authorization"):
        assert doc[f"{kind}_encryption_alg_values_supported"] == algs, kind
        assert doc[f"{kind}_encryption_enc_values_supported"] == encs, kind
    keys = list(doc)  # OIDCConfigurationRepresentation's field order
    assert (
        keys.index("id_token_encryption_alg_values_supported")
        == keys.index("id_token_signing_alg_values_supported") + 1
    )
    assert (
        keys.index("authorization_encryption_enc_values_supported")
        == keys.index("authorization_signing_alg_values_supported") + 2
    )
