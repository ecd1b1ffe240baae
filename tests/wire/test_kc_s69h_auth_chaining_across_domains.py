"""Keycloak's AuthChainingAcrossDomainsTest (tests/base/.../oauth/, @0312c39b), its one method
``authorizationChainingAcrossDomains``: a user of realm ``domaina`` exchanges a token of ``domaina`` (standard token
exchange, audience ``domainb``'s issuer) and presents it to ``domainb`` as a JWT authorization grant, where
``domaina`` is an OpenID Connect provider with the grant on; ``domainb``'s token is introspected.

Differences of setting, not of behaviour: the Java test links the two users by a browser login through the broker;
here the link is made with the admin API (the same federated identity: ``domaina``'s user id as the provider-side id).
``domainb`` reads ``domaina``'s keys as a pasted JWK set (``useJwksUrl`` off), the in-process server having no port to
fetch its own ``certs`` from; the login at ``domaina`` is a password grant instead of the login form. ``clientb``
has an audience mapper naming itself: since Keycloak 26.6.2 only a client in a token's ``aud`` sees it active at
introspection (the stored Java test, older, introspects a token whose ``aud`` is ``account``).
"""

from __future__ import annotations

from typing import Any

import pytest

from support import claims
from wire_env import Env

pytestmark = pytest.mark.anyio
A, B = "http://localhost/realms/domaina", "http://localhost/realms/domainb"
JWT_GRANT = "urn:ietf:params:oauth:grant-type:jwt-bearer"
TOKEN_EXCHANGE = "urn:ietf:params:oauth:grant-type:token-exchange"


async def _realm(env: Env, rep: dict[str, Any]) -> None:
    made = await env.http.post("/admin/realms", json=rep, headers=await env.admin_headers())
    assert made.status_code == 201, made.text


def _domaina() -> dict[str, Any]:
    audience = {
        "name": "domainb-audience",
        "protocol": "openid-connect",
        "protocolMapper": "oidc-audience-mapper",
        "config": {"access.token.claim": "true", "included.client.audience": B},
    }
    clienta = {
        "clientId": "clienta",
        "secret": "password",
        "redirectUris": ["*"],
        "directAccessGrantsEnabled": True,
        "attributes": {"standard.token.exchange.enabled": "true"},
        "protocolMappers": [audience],
    }
    user = {
        "username": "testuser",
        "enabled": True,
        "firstName": "Test",
        "lastName": "User",
        "email": "test@localhost",
        "emailVerified": True,
        "credentials": [{"type": "password", "value": "password", "temporary": False}],
    }
    broker_client = {"clientId": B, "secret": "password", "redirectUris": [f"{B}/broker/domaina/endpoint/*"]}
    return {"realm": "domaina", "enabled": True, "clients": [broker_client, clienta], "users": [user]}


def _domainb(jwks: str) -> dict[str, Any]:
    oidc = f"{A}/protocol/openid-connect"
    provider = {
        "alias": "domaina",
        "providerId": "oidc",
        "enabled": True,
        "config": {
            "issuer": A,
            "useJwksUrl": "false",
            "publicKeySignatureVerifier": jwks,
            "validateSignature": "true",
            "authorizationUrl": f"{oidc}/auth",
            "tokenUrl": f"{oidc}/token",
            "tokenIntrospectionUrl": f"{oidc}/token/introspect",
            "userInfoUrl": f"{oidc}/userinfo",
            "logoutUrl": f"{oidc}/logout",
            "backchannelSupported": "true",
            "clientId": B,
            "clientSecret": "password",
            "jwtAuthorizationGrantEnabled": "true",
        },
    }
    own_audience = {
        "name": "clientb-audience",
        "protocol": "openid-connect",
        "protocolMapper": "oidc-audience-mapper",
        "config": {"access.token.claim": "true", "included.client.audience": "clientb"},
    }
    clientb = {
        "clientId": "clientb",
        "secret": "password",
        "redirectUris": ["*"],
        "protocolMappers": [own_audience],
        "attributes": {
            "oauth2.jwt.authorization.grant.enabled": "true",
            "oauth2.jwt.authorization.grant.idp": "domaina",
        },
    }
    return {"realm": "domainb", "enabled": True, "clients": [clientb], "identityProviders": [provider]}


async def _user_id(env: Env, realm: str) -> str:
    h = await env.admin_headers()
    found = await env.http.get(f"/admin/realms/{realm}/users", params={"username": "testuser"}, headers=h)
    return str(found.json()[0]["id"])


async def test_authorization_chaining_across_domains(env: Env) -> None:
    await _realm(env, _domaina())
    jwks = (await env.http.get("/realms/domaina/protocol/openid-connect/certs")).text
    await _realm(env, _domainb(jwks))
    # the user of domainb linked to domaina's (the broker login's federated identity)
    h = await env.admin_headers()
    made = await env.http.post("/admin/realms/domainb/users", json={"username": "testuser", "enabled": True}, headers=h)
    assert made.status_code == 201, made.text
    link = {"identityProvider": "domaina", "userId": await _user_id(env, "domaina"), "userName": "testuser"}
    path = f"/admin/realms/domainb/users/{await _user_id(env, 'domainb')}/federated-identity/domaina"
    linked = await env.http.post(path, json=link, headers=h)
    assert linked.status_code == 204, linked.text

    clienta = {"client_id": "clienta", "client_secret": "password"}
    form = {"grant_type": "password", "username": "testuser", "password": "password", "scope": "openid", **clienta}
    login = await env.http.post("/realms/domaina/protocol/openid-connect/token", data=form)
    assert login.status_code == 200, login.text

    form = {"grant_type": TOKEN_EXCHANGE, "subject_token": login.json()["access_token"], "audience": B, **clienta}
    form["subject_token_type"] = "urn:ietf:params:oauth:token-type:access_token"  # the Java client's default
    exchanged = await env.http.post("/realms/domaina/protocol/openid-connect/token", data=form)
    assert exchanged.status_code == 200, exchanged.text
    assertion = exchanged.json()["access_token"]
    assert claims(assertion)["aud"] in (B, [B])

    clientb = {"client_id": "clientb", "client_secret": "password"}
    form = {"grant_type": JWT_GRANT, "assertion": assertion, **clientb}
    granted = await env.http.post("/realms/domainb/protocol/openid-connect/token", data=form)
    assert granted.status_code == 200, granted.text

    form = {"token": granted.json()["access_token"], **clientb}
    introspected = await env.http.post("/realms/domainb/protocol/openid-connect/token/introspect", data=form)
    assert introspected.status_code == 200, introspected.text
    metadata = introspected.json()
    assert metadata["active"] is True
    assert "sid" not in metadata
    assert metadata["jti"].startswith("trrtag:")
    assert metadata["azp"] == "clientb"
    assert metadata["preferred_username"] == "testuser"
