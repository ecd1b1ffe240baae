"""Keycloak's IdentityProviderOidcTlsClientAuthTest (tests/base/.../tests/admin/identityprovider/
IdentityProviderOidcTlsClientAuthTest.java, stored at ebebee48), ported one method to one test over HTTP on realm
``test``: an OpenID Connect provider whose ``clientAuthMethod`` is ``tls_client_auth`` (RFC 8705, keycloak#38310)
needs ``clientCertKeyProviderId``, a key provider of the realm (OAuth2IdentityProviderConfig.validate).

Doorkeep stores such a provider as Keycloak does but does not log in through it (broker/oidc.py refuses any client
authentication but ``client_secret_post`` and ``client_secret_basic``), as the Java class drives no handshake
either. Keycloak's create also resolves the key provider's key and certificate; Doorkeep checks only that the key
provider exists (broker/admin_writes.check_tls_client_auth).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

import group_port
from keycloak_port import ADMIN, admin_headers
from wire_env import Env

pytestmark = [pytest.mark.anyio, pytest.mark.usefixtures("realm")]
# One app for the module (group_port.shared_env), each test on a realm ``test`` imported anew.
anyio_backend, shared_env, env = group_port.anyio_backend, group_port.shared_env, group_port.env

URL = f"{ADMIN}/identity-provider/instances"
TLS_IDP_ALIAS = "kc-oidc-tls-idp"


@pytest.fixture
async def realm(env: Env) -> AsyncIterator[None]:
    await group_port.fresh_realm(env, {"realm": "test", "enabled": True})
    yield


async def resolve_cert_key_provider_id(env: Env) -> str:
    """``resolveCertKeyProviderId``: the realm's ``rsa-generated`` key provider, else its first one."""
    response = await env.http.get(
        f"{ADMIN}/components", params={"type": "org.keycloak.keys.KeyProvider"}, headers=await admin_headers(env)
    )
    assert response.status_code == 200, response.text
    providers = response.json()
    assert providers, "No key provider components found in realm"
    rsa = [c["id"] for c in providers if c["providerId"] == "rsa-generated"]
    return str(rsa[0] if rsa else providers[0]["id"])


def tls_rep(alias: str, **config: str) -> dict[str, Any]:
    """``createRep(alias, "oidc")`` with the Java method's config: IMPORT sync, a client, the two endpoints and
    ``tls_client_auth``."""
    return {
        "alias": alias,
        "displayName": alias,
        "providerId": "oidc",
        "enabled": True,
        "config": {
            "syncMode": "IMPORT",
            "clientId": "clientId",
            "authorizationUrl": "https://idp.example.com/auth",
            "tokenUrl": "https://idp.example.com/token",
            "clientAuthMethod": "tls_client_auth",
            **config,
        },
    }


async def aliases(env: Env) -> set[str]:
    response = await env.http.get(URL, headers=await admin_headers(env))
    assert response.status_code == 200, response.text
    return {p["alias"] for p in response.json()}


async def test_tls_client_auth_idp_with_key_provider_is_accepted(env: Env) -> None:
    """IdentityProviderOidcTlsClientAuthTest#tlsClientAuthIdpWithKeyProviderIsAccepted."""
    key_provider_id = await resolve_cert_key_provider_id(env)
    rep = tls_rep(TLS_IDP_ALIAS, clientCertKeyProviderId=key_provider_id)
    response = await env.http.post(URL, json=rep, headers=await admin_headers(env))
    assert response.status_code == 201, response.text

    response = await env.http.get(f"{URL}/{TLS_IDP_ALIAS}", headers=await admin_headers(env))
    assert response.status_code == 200, response.text
    persisted = response.json()["config"]
    assert persisted["clientAuthMethod"] == "tls_client_auth"
    assert persisted["clientCertKeyProviderId"] == key_provider_id


async def test_tls_client_auth_idp_without_key_provider_is_rejected(env: Env) -> None:
    """IdentityProviderOidcTlsClientAuthTest#tlsClientAuthIdpWithoutKeyProviderIsRejected: 400, a message about
    the certificate, nothing stored."""
    alias = TLS_IDP_ALIAS + "-invalid"
    response = await env.http.post(URL, json=tls_rep(alias), headers=await admin_headers(env))
    assert response.status_code == 400, response.text
    message = response.json()["errorMessage"]
    assert message == "A client certificate key provider is required when using tls_client_auth."
    assert "certificate" in message.lower()
    assert alias not in await aliases(env)


async def test_tls_client_auth_idp_with_unknown_key_provider_is_rejected(env: Env) -> None:
    """Not a Java method: a ``clientCertKeyProviderId`` that names no key provider of the realm is refused with
    OAuth2IdentityProviderConfig.validate's message, on create and on update."""
    missing = "no-such-key-provider"
    message = f"The client certificate key provider referenced for tls_client_auth does not exist: {missing}"
    rep = tls_rep(TLS_IDP_ALIAS, clientCertKeyProviderId=missing)
    response = await env.http.post(URL, json=rep, headers=await admin_headers(env))
    assert response.status_code == 400, response.text
    assert response.json()["errorMessage"] == message
    assert TLS_IDP_ALIAS not in await aliases(env)

    rep["config"]["clientCertKeyProviderId"] = await resolve_cert_key_provider_id(env)
    response = await env.http.post(URL, json=rep, headers=await admin_headers(env))
    assert response.status_code == 201, response.text
    rep["config"]["clientCertKeyProviderId"] = missing
    response = await env.http.put(f"{URL}/{TLS_IDP_ALIAS}", json=rep, headers=await admin_headers(env))
    assert response.status_code == 400, response.text
    assert response.json()["errorMessage"] == message
