"""Mutual TLS behind a proxy beyond Keycloak's two test classes: each ``x509cert-lookup`` provider reads the headers its
proxy sets; the default provider reads none; a malformed or unverified header, or one from a peer outside
``--proxy-trusted-addresses``, is no certificate (never a 500); ``tls_client_auth`` at the introspection,
revocation and PAR endpoints; offline tokens bound like the others; revocation, which Keycloak's
TokenRevocationEndpoint does without a binding check, works without the certificate; discovery and the clients
flow as Keycloak 26 shows them."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any
from urllib.parse import quote, quote_plus

import httpx
import jwt
import pytest

import mtls_port
from group_port import fresh_realm
from keycloak_port import admin_headers, import_realm
from mtls_port import DEFAULT, DEFAULT_DN, INTERMEDIATE, OTHER, presenting, proxied_env, with_default_certificate
from support import audience_rep
from wire_env import Env

pytestmark = pytest.mark.anyio
anyio_backend, shared_env, env = mtls_port.anyio_backend, mtls_port.shared_env, mtls_port.env

OIDC = "/realms/test/protocol/openid-connect"
X509_APP = "x509-app"  # client-x509, exact subject DN, certificate-bound tokens
HOK_APP = "hok-app"  # client-secret, certificate-bound tokens
MISSING = "Client Certification missing for MTLS HoK Token Binding"
MISMATCH = "Client certificate missing, or its thumbprint and one in the refresh token did NOT match"


def realm_rep() -> dict[str, Any]:
    hok = {"tls.client.certificate.bound.access.tokens": "true"}
    return {
        "realm": "test",
        "enabled": True,
        "clients": [
            {
                "clientId": X509_APP,
                "clientAuthenticatorType": "client-x509",
                "serviceAccountsEnabled": True,
                "redirectUris": ["http://127.0.0.1:9999/*"],
                "attributes": {"x509.subjectdn": DEFAULT_DN, "x509.allow.regex.pattern.comparison": "false", **hok},
                # it introspects its own tokens: Keycloak 26.6.2 answers only a client in the token's audience
                "protocolMappers": [audience_rep(X509_APP)],
            },
            {
                "clientId": HOK_APP,
                "secret": "secret1",
                "directAccessGrantsEnabled": True,
                "attributes": hok,
            },
        ],
        "users": [
            {
                "username": "alice",
                "enabled": True,
                "email": "alice@localhost",
                "firstName": "Alice",
                "lastName": "Liddell",
                "credentials": [{"type": "password", "value": "password"}],
                "realmRoles": ["offline_access"],
            }
        ],
    }


def cnf(token: str) -> Any:
    return jwt.decode(token, options={"verify_signature": False}).get("cnf")


async def service_token(env: Env, headers: dict[str, str]) -> httpx.Response:
    data = {"grant_type": "client_credentials", "client_id": X509_APP}
    return await env.http.post(f"{OIDC}/token", data=data, headers=headers)


async def password_grant(env: Env, headers: dict[str, str], **extra: str) -> httpx.Response:
    data = {"grant_type": "password", "username": "alice", "password": "password", **extra}
    return await env.http.post(f"{OIDC}/token", data=data, auth=(HOK_APP, "secret1"), headers=headers)


def _pem(cert: mtls_port.Issued) -> str:
    return cert.pem


# What each proxy forwards for a client presenting DEFAULT (and its intermediate CA), and the options it needs.
PROVIDERS: dict[str, tuple[dict[str, str], dict[str, str]]] = {
    "apache": (
        {"apache-ssl-client-cert": "SSL_CLIENT_CERT", "apache-ssl-cert-chain-prefix": "CERT_CHAIN"},
        {"SSL_CLIENT_CERT": _pem(DEFAULT).replace("\n", " "), "CERT_CHAIN_0": _pem(INTERMEDIATE).replace("\n", " ")},
    ),
    "haproxy": (
        {"haproxy-ssl-client-cert": "x-ssl-client-der"},
        {"x-ssl-client-der": "".join(_pem(DEFAULT).splitlines()[1:-1])},
    ),
    "nginx": (
        {"nginx-ssl-client-cert": "ssl-client-cert"},
        {"ssl-client-cert": quote(_pem(DEFAULT))},
    ),
    "traefik": (
        {},
        {"X-Forwarded-Tls-Client-Cert": f"{quote_plus(_pem(DEFAULT))},{quote_plus(_pem(INTERMEDIATE))}"},
    ),
    "envoy": (
        {},
        {
            "x-forwarded-client-cert": f'By=spiffe://doorkeep;Hash=abc;Cert="{quote(_pem(DEFAULT))}";'
            f'Chain="{quote(_pem(DEFAULT) + _pem(INTERMEDIATE))}"'
        },
    ),
}


@pytest.fixture
async def kc(env: Env) -> Env:
    await fresh_realm(env, realm_rep())
    return env


@pytest.mark.parametrize("provider", sorted(PROVIDERS))
async def test_each_provider_reads_the_certificate_its_proxy_forwards(
    provider: str, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    options, headers = PROVIDERS[provider]
    async with proxied_env(request, tmp_path, provider, options) as app:
        await import_realm(app, realm_rep())
        response = await service_token(app, headers)
        assert response.status_code == 200, response.text
        assert cnf(response.json()["access_token"]) == {"x5t#S256": DEFAULT.thumbprint}
        assert (await service_token(app, {})).status_code == 401


@pytest.fixture
async def default_lookup(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Env]:
    async with proxied_env(request, tmp_path, "default", {}) as app:
        await import_realm(app, realm_rep())
        yield app


async def test_the_default_provider_never_has_a_certificate(default_lookup: Env) -> None:
    """Whatever headers a request carries, the default lookup reads none: no tls_client_auth, no bound token."""
    every = {**with_default_certificate(), **{k: v for _, (_, h) in PROVIDERS.items() for k, v in h.items()}}
    refused = await service_token(default_lookup, every)
    assert refused.status_code == 401 and refused.json()["error"] == "invalid_client"
    missing = await password_grant(default_lookup, every)
    assert missing.status_code == 400 and missing.json()["error_description"] == MISSING


async def test_headers_from_an_untrusted_peer_are_ignored(request: pytest.FixtureRequest, tmp_path: Path) -> None:
    """With --proxy-trusted-addresses, a peer outside them (the tests' 127.0.0.1) has no certificate."""
    options = dict(mtls_port.LOOKUP_OPTIONS)
    async with proxied_env(request, tmp_path, "nginx", options, proxy_trusted_addresses=("10.9.9.9",)) as app:
        await import_realm(app, realm_rep())
        assert (await service_token(app, with_default_certificate())).status_code == 401


@pytest.mark.parametrize(
    "headers",
    [
        {"ssl-client-cert": "not%20a%20certificate", "ssl-client-verify": "SUCCESS"},
        {
            "ssl-client-cert": quote("-----BEGIN CERTIFICATE-----AAAA-----END CERTIFICATE-----"),
            "ssl-client-verify": "SUCCESS",
        },
        {"ssl-client-cert": "%ZZ%", "ssl-client-verify": "SUCCESS"},
        {"ssl-client-cert": '"', "ssl-client-verify": "SUCCESS"},
        {**with_default_certificate(), "ssl-client-verify": "FAILED:unable to verify"},
        {"ssl-client-verify": "SUCCESS"},
    ],
    ids=["not-base64", "not-der", "bad-escape", "a-quote", "nginx-did-not-verify", "no-certificate"],
)
async def test_a_malformed_or_unverified_header_is_no_certificate(kc: Env, headers: dict[str, str]) -> None:
    refused = await service_token(kc, headers)
    assert refused.status_code == 401, refused.text
    assert refused.json() == {
        "error": "invalid_client",
        "error_description": "Invalid client or Invalid client credentials",
    }
    missing = await password_grant(kc, headers)
    assert missing.status_code == 400 and missing.json()["error_description"] == MISSING


async def test_a_malformed_chain_header_leaves_the_client_certificate(kc: Env) -> None:
    headers = {**presenting(DEFAULT), "cert-chain_0": "garbage", "cert-chain_1": quote(INTERMEDIATE.pem)}
    assert (await service_token(kc, headers)).status_code == 200


async def test_tls_client_auth_at_introspection_revocation_and_par(kc: Env) -> None:
    """The client-x509 client authenticates with its certificate wherever clients authenticate."""
    token = (await service_token(kc, with_default_certificate())).json()["access_token"]
    base = {"client_id": X509_APP}
    introspected = await kc.http.post(
        f"{OIDC}/token/introspect", data={**base, "token": token}, headers=with_default_certificate()
    )
    assert introspected.status_code == 200 and introspected.json()["active"] is True
    assert introspected.json()["cnf"] == {"x5t#S256": DEFAULT.thumbprint}
    refused = await kc.http.post(f"{OIDC}/token/introspect", data={**base, "token": token}, headers=presenting(OTHER))
    assert refused.status_code == 401  # the introspection endpoint's refusal: invalid_request "Authentication failed."
    assert refused.json() == {"error": "invalid_request", "error_description": "Authentication failed."}
    par = {**base, "response_type": "code", "redirect_uri": "http://127.0.0.1:9999/cb", "scope": "openid"}
    pushed = await kc.http.post(f"{OIDC}/ext/par/request", data=par, headers=with_default_certificate())
    assert pushed.status_code == 201, pushed.text
    assert (await kc.http.post(f"{OIDC}/ext/par/request", data=par)).status_code == 401
    revoked = await kc.http.post(f"{OIDC}/revoke", data={**base, "token": token}, headers=with_default_certificate())
    assert revoked.status_code == 200, revoked.text
    again = await kc.http.post(
        f"{OIDC}/token/introspect", data={**base, "token": token}, headers=with_default_certificate()
    )
    assert again.json() == {"active": False}


async def test_an_offline_token_is_bound_and_refreshed_only_with_its_certificate(kc: Env) -> None:
    granted = await password_grant(kc, with_default_certificate(), scope="offline_access")
    assert granted.status_code == 200, granted.text
    offline = granted.json()["refresh_token"]
    assert jwt.decode(offline, options={"verify_signature": False})["typ"] == "Offline"
    assert cnf(offline) == {"x5t#S256": DEFAULT.thumbprint}
    data = {"grant_type": "refresh_token", "refresh_token": offline}
    for headers in ({}, presenting(OTHER, INTERMEDIATE)):
        refused = await kc.http.post(f"{OIDC}/token", data=data, auth=(HOK_APP, "secret1"), headers=headers)
        assert refused.status_code == 401, refused.text
        assert refused.json() == {"error": "unauthorized_client", "error_description": MISMATCH}
    refreshed = await kc.http.post(
        f"{OIDC}/token", data=data, auth=(HOK_APP, "secret1"), headers=with_default_certificate()
    )
    assert refreshed.status_code == 200, refreshed.text
    assert cnf(refreshed.json()["access_token"]) == cnf(refreshed.json()["refresh_token"]) == cnf(offline)


async def test_a_bound_refresh_token_is_revoked_without_the_certificate(kc: Env) -> None:
    """TokenRevocationEndpoint checks no binding (only the holder-of-key client policy executor would)."""
    refresh = (await password_grant(kc, with_default_certificate())).json()["refresh_token"]
    revoked = await kc.http.post(f"{OIDC}/revoke", data={"token": refresh}, auth=(HOK_APP, "secret1"))
    assert revoked.status_code == 200, revoked.text
    data = {"grant_type": "refresh_token", "refresh_token": refresh}
    gone = await kc.http.post(f"{OIDC}/token", data=data, auth=(HOK_APP, "secret1"), headers=with_default_certificate())
    assert gone.status_code == 400 and gone.json()["error"] == "invalid_grant"


async def test_discovery_lists_mutual_tls(kc: Env) -> None:
    doc = (await kc.http.get("/realms/test/.well-known/openid-configuration")).json()
    methods = ["private_key_jwt", "client_secret_basic", "client_secret_post", "tls_client_auth", "client_secret_jwt"]
    for field in ("token_endpoint", "introspection_endpoint", "revocation_endpoint"):
        assert doc[f"{field}_auth_methods_supported"] == methods
    assert doc["tls_client_certificate_bound_access_tokens"] is True
    assert doc["mtls_endpoint_aliases"] == {
        "token_endpoint": doc["token_endpoint"],
        "revocation_endpoint": doc["revocation_endpoint"],
        "introspection_endpoint": doc["introspection_endpoint"],
        "device_authorization_endpoint": doc["device_authorization_endpoint"],
        "registration_endpoint": doc["registration_endpoint"],
        "userinfo_endpoint": doc["userinfo_endpoint"],
        "pushed_authorization_request_endpoint": doc["pushed_authorization_request_endpoint"],
        "backchannel_authentication_endpoint": doc["backchannel_authentication_endpoint"],
    }
    keys = list(doc)
    assert keys.index("mtls_endpoint_aliases") == keys.index("pushed_authorization_request_endpoint") + 1


async def test_the_clients_flow_runs_client_x509_as_an_alternative(kc: Env) -> None:
    headers = await admin_headers(kc)
    flows = await kc.http.get("/admin/realms/test/authentication/flows/clients/executions", headers=headers)
    x509 = next(e for e in flows.json() if e.get("providerId") == "client-x509")
    assert x509["requirement"] == "ALTERNATIVE" and x509["displayName"] == "X509 Certificate"
    providers = await kc.http.get("/admin/realms/test/authentication/client-authenticator-providers", headers=headers)
    assert {
        "supportsSecret": False,
        "displayName": "X509 Certificate",
        "description": "Validates client based on a X509 Certificate",
        "id": "client-x509",
    } in providers.json()
