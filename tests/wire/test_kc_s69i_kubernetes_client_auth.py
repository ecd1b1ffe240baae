"""Kubernetes service-account tokens as client assertions (the ``kubernetes`` identity provider, supported since
Keycloak 26.6), ported from Keycloak's tests/base KubernetesClientAuthTest with the methods it inherits from
AbstractBaseClientAuthTest, and the provider's admin representation (KubernetesIdentityProviderConfig).

The cluster is a stand-in on 127.0.0.1 serving, under its issuer ``{base}/idp``, the discovery document and the JWK
set it names (OAuthIdentityProviderConfigBuilder.kubernetes), counting the key requests. Keycloak's rules
(KubernetesIdentityProvider.verifyClientAssertion): the provider's issuer, reuse permitted, a lifetime of at most an
hour; the rest as for an OpenID Connect provider (oauth/client_federated.py)."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from admin_support import make_admin
from console_support import HTML, sign_in
from fake_idp import ATTACKER_KEY, hs256, jwk, public_pem, unsigned
from federated_client_support import (
    ISSUER,
    assert_failure,
    assert_no_client,
    assert_success,
    bound_client,
    create_provider,
    default_token,
    disable_provider,
    federated_realm,
    grant,
    signed,
    update_provider,
)
from keycloak_port import ADMIN, admin_headers, forget, get
from served_app import serving
from wire_env import Env, client_at

pytestmark = pytest.mark.anyio
IDP_ALIAS = "kubernetes-idp"
INTERNAL, EXTERNAL = "internal-myclient", "system:serviceaccount:mynamespace:myserviceaccount"


@dataclass
class Cluster:
    base: str = ""
    key_requests: list[str] = field(default_factory=list)

    @property
    def issuer(self) -> str:
        return f"{self.base}/idp"


@contextlib.asynccontextmanager
async def cluster() -> AsyncIterator[Cluster]:
    """The cluster's issuer discovery and JWK set (the service-account-issuer-discovery endpoints)."""
    found = Cluster()

    async def discovery(request: Request) -> Response:
        found.key_requests.append(request.url.path)
        return JSONResponse({"issuer": found.issuer, "jwks_uri": f"{found.issuer}/openid/v1/jwks"})

    async def jwks(request: Request) -> Response:
        found.key_requests.append(request.url.path)
        return JSONResponse({"keys": [jwk()]})

    routes = [Route("/idp/.well-known/openid-configuration", discovery), Route("/idp/openid/v1/jwks", jwks)]
    async with serving(Starlette(routes=routes)) as base:
        found.base = base
        yield found


@pytest.fixture
async def k8s(realm: Env) -> AsyncIterator[tuple[Env, Cluster]]:
    """KubernetesClientAuthTest.ExernalClientAuthRealmConfig."""
    async with cluster() as found:
        rep = {"alias": IDP_ALIAS, "providerId": "kubernetes", "config": {"issuer": found.issuer}}
        await federated_realm(realm, rep, ((INTERNAL, EXTERNAL),), IDP_ALIAS)
        yield realm, found
        forget(realm)


def token_of(env: Env, found: Cluster, **changes: Any) -> dict[str, Any]:
    """KubernetesClientAuthTest.createDefaultToken: issued 300 s ago, valid 300 s more."""
    now = env.clock.now()
    return default_token(env, found, **{"nbf": now, "iat": now - 300, "sub": EXTERNAL, **changes})


async def _success(env: Env, response: httpx.Response, token: dict[str, Any]) -> None:
    await assert_success(env, response, token, INTERNAL, EXTERNAL)


async def _failure(env: Env, response: httpx.Response, token: dict[str, Any], description: str) -> None:
    await assert_failure(env, response, token, description, client_id=INTERNAL)


# --- AbstractBaseClientAuthTest, for the Kubernetes provider ---------------------------------------------------


async def test_valid_token(k8s: tuple[Env, Cluster]) -> None:
    env, found = k8s
    token = token_of(env, found)
    await _success(env, await grant(env, signed(token)), token)


async def test_invalid_signature(k8s: tuple[Env, Cluster]) -> None:
    env, found = k8s
    token = token_of(env, found)
    response = await grant(env, signed(token, ATTACKER_KEY))
    assert response.status_code == 401
    await _failure(env, response, token, "Invalid client or Invalid client credentials")


async def test_invalid_sub(k8s: tuple[Env, Cluster]) -> None:
    env, found = k8s
    token = token_of(env, found, sub="invalid")
    await assert_no_client(env, token)


@pytest.mark.parametrize(
    ("changes", "description"),
    [
        ({"exp": -30}, "Token is not active"),
        ({"exp": None}, "Token exp claim is required"),
        ({"nbf": 60}, "Token is not active"),
        ({"aud": "invalid"}, "Invalid token audience"),
        ({"aud": None}, "Invalid token audience"),
        ({"aud": [ISSUER, "invalid"]}, "Multiple audiences not allowed"),
    ],
)
async def test_refused_claims(k8s: tuple[Env, Cluster], changes: dict[str, Any], description: str) -> None:
    """testExpired, testMissingExp, testInvalidNbf, testInvalidAud, testMissingAud, testMultipleAud."""
    env, found = k8s
    now = env.clock.now()
    relative = {k: (now + v if k in ("exp", "nbf") and isinstance(v, int) else v) for k, v in changes.items()}
    token = token_of(env, found, **relative)
    await _failure(env, await grant(env, signed(token)), token, description)


async def test_valid_invalid_assertion_type(k8s: tuple[Env, Cluster]) -> None:
    env, found = k8s
    token = token_of(env, found)
    await assert_no_client(env, token, "urn:ietf:params:oauth:client-assertion-type:invalid")


async def test_client_assertion_max_expiration(k8s: tuple[Env, Cluster]) -> None:
    env, found = k8s
    await update_provider(env, IDP_ALIAS, federatedClientAssertionMaxExpiration="60")
    now = env.clock.now()
    token = token_of(env, found, iat=now, exp=now + 30)
    await _success(env, await grant(env, signed(token)), token)
    token = token_of(env, found, iat=now - 120, exp=now + 30)
    await _failure(env, await grant(env, signed(token)), token, "Token was issued too far in the past to be used now")


async def test_client_assertion_max_expiration_without_iat(k8s: tuple[Env, Cluster]) -> None:
    env, found = k8s
    await update_provider(env, IDP_ALIAS, federatedClientAssertionMaxExpiration="60")
    now = env.clock.now()
    token = token_of(env, found, iat=None, exp=now + 120)
    description = "Token expiration is too far in the future and iat claim not present in token"
    await _failure(env, await grant(env, signed(token)), token, description)
    token = token_of(env, found, iat=None, exp=now + 30)
    await _success(env, await grant(env, signed(token)), token)


# --- KubernetesClientAuthTest ------------------------------------------------------------------------------------


async def test_keys_cached(k8s: tuple[Env, Cluster]) -> None:
    env, found = k8s
    assert (await grant(env, signed(token_of(env, found)))).status_code == 200
    asked = len(found.key_requests)
    assert (await grant(env, signed(token_of(env, found)))).status_code == 200
    assert len(found.key_requests) == asked == 2  # the discovery document and the JWK set, once


async def test_invalid_issuer(k8s: tuple[Env, Cluster]) -> None:
    env, found = k8s
    token = token_of(env, found, iss="https://invalid")
    await assert_no_client(env, token)


async def test_old_iat(k8s: tuple[Env, Cluster]) -> None:
    """An hour's lifetime: issued 3550 s ago is still good."""
    env, found = k8s
    token = token_of(env, found, iat=env.clock.now() - 3550)
    await _success(env, await grant(env, signed(token)), token)


async def test_older_than_an_hour_is_refused(k8s: tuple[Env, Cluster]) -> None:
    env, found = k8s
    token = token_of(env, found, iat=env.clock.now() - 3601)
    await _failure(env, await grant(env, signed(token)), token, "Token was issued too far in the past to be used now")


async def test_reuse(k8s: tuple[Env, Cluster]) -> None:
    env, found = k8s
    token = token_of(env, found)
    await _success(env, await grant(env, signed(token)), token)
    await _success(env, await grant(env, signed(token)), token)


# --- the provider's representation (KubernetesIdentityProviderConfig, its factory) -------------------------------


async def test_provider_representation_and_type(k8s: tuple[Env, Cluster]) -> None:
    """Hidden on the login page always; listed as a CLIENT_ASSERTION provider only."""
    env, found = k8s
    rep = await get(env, f"/identity-provider/instances/{IDP_ALIAS}")
    assert (rep["providerId"], rep["hideOnLogin"], rep["config"]["issuer"]) == ("kubernetes", True, found.issuer)
    assertion = await get(env, "/identity-provider/instances", type="CLIENT_ASSERTION")
    login = await get(env, "/identity-provider/instances", type="USER_AUTHENTICATION")
    assert IDP_ALIAS in [p["alias"] for p in assertion]
    assert IDP_ALIAS not in [p["alias"] for p in login]


@pytest.mark.parametrize(
    ("config", "message"),
    [
        ({}, "issuer is required"),
        ({"issuer": "not a url"}, "The url [issuer] is malformed"),
    ],
)
async def test_provider_needs_an_issuer_url(realm: Env, config: dict[str, str], message: str) -> None:
    rep = {"alias": "k8s", "providerId": "kubernetes", "config": config}
    made = await realm.http.post(f"{ADMIN}/identity-provider/instances", json=rep, headers=await admin_headers(realm))
    assert (made.status_code, made.json()) == (400, {"errorMessage": message})
    forget(realm)


async def test_provider_issuer_is_unique(k8s: tuple[Env, Cluster]) -> None:
    """validateIssuer(realm, CLIENT_ASSERTION): a second provider of the same issuer is refused."""
    env, found = k8s
    rep = {"alias": "k8s-2", "providerId": "kubernetes", "config": {"issuer": found.issuer}}
    made = await env.http.post(f"{ADMIN}/identity-provider/instances", json=rep, headers=await admin_headers(env))
    assert made.status_code == 400, made.text
    assert made.json()["errorMessage"].startswith(f"Issuer URL already used for IDP '{IDP_ALIAS}'")


TAKEN = (
    "Issuer URL already used for IDP '{}', Issuer must be unique if the idp supports JWT Authorization Grant or "
    "Federated Client Authentication"
)


async def test_issuer_duplicates_kubernetes_kubernetes_and_kubernetes_oidc(realm: Env) -> None:
    """IdentityProviderIssuerTest#testCreateUpdateDuplicateIdentityProvider's Kubernetes–Kubernetes pair and its
    Kubernetes–OIDC pair (the OpenID Connect provider taking client assertions): both refused, naming ``idp1``; a
    second Kubernetes provider of another issuer is created, and its update back to the issuer refused."""
    h = await admin_headers(realm)
    issuer = "http://localhost:8080"

    async def create(rep: dict[str, Any]) -> httpx.Response:
        return await realm.http.post(f"{ADMIN}/identity-provider/instances", json=rep, headers=h)

    def k8s_rep(alias: str, at: str) -> dict[str, Any]:
        return {"alias": alias, "displayName": alias, "providerId": "kubernetes", "config": {"issuer": at}}

    assert (await create(k8s_rep("idp1", issuer))).status_code == 201
    refused = await create(k8s_rep("idp2", issuer))
    assert (refused.status_code, refused.json()["errorMessage"]) == (400, TAKEN.format("idp1"))
    assert (await create(k8s_rep("idp2", "https://localhost2"))).status_code == 201
    rep = await get(realm, "/identity-provider/instances/idp2")
    rep["config"]["issuer"] = issuer
    updated = await realm.http.put(f"{ADMIN}/identity-provider/instances/idp2", json=rep, headers=h)
    assert (updated.status_code, updated.json()["errorMessage"]) == (400, TAKEN.format("idp1"))
    oidc = {
        "alias": "idp3",
        "providerId": "oidc",
        "config": {"issuer": issuer, "jwksUrl": issuer, "useJwksUrl": "true", "supportsClientAssertions": "true"},
    }
    refused = await create(oidc)
    assert (refused.status_code, refused.json()["errorMessage"]) == (400, TAKEN.format("idp1"))
    forget(realm)


# --- attacks on the Kubernetes provider ------------------------------------------------------------------------


async def test_a_disabled_kubernetes_provider_authenticates_nobody(k8s: tuple[Env, Cluster]) -> None:
    env, found = k8s
    await disable_provider(env, IDP_ALIAS)
    token = token_of(env, found)
    await assert_no_client(env, token)


@pytest.mark.parametrize("forge", ["none", "hs256-public-key", "hs256-empty"])
async def test_kubernetes_algorithm_confusion_is_refused(k8s: tuple[Env, Cluster], forge: str) -> None:
    env, found = k8s
    token = token_of(env, found)
    if forge == "none":
        assertion, description = unsigned(token), "Invalid signature algorithm"
    else:
        secret = public_pem() if forge == "hs256-public-key" else b""
        assertion, description = hs256(token, secret), "Invalid client or Invalid client credentials"
    await _failure(env, await grant(env, assertion), token, description)


async def test_a_kubernetes_provider_is_no_login_provider(k8s: tuple[Env, Cluster]) -> None:
    """No login runs it: its broker login endpoint answers no redirect to the cluster."""
    env, _ = k8s
    answer = await env.http.get(f"/realms/test/broker/{IDP_ALIAS}/login", params={"client_id": "app"})
    assert answer.status_code in (400, 404), answer.text
    assert "location" not in answer.headers


@pytest.mark.parametrize("document", [b"not json", b"[]", b'{"jwks_uri": 5}', b'{"issuer": "x"}'])
async def test_a_broken_discovery_document_refuses_the_assertion(realm: Env, document: bytes) -> None:
    """A cluster whose discovery document names no key set: the assertion's signature checks nothing, a 401."""

    async def discovery(request: Request) -> Response:
        return Response(document, media_type="application/json")

    app = Starlette(routes=[Route("/idp/.well-known/openid-configuration", discovery)])
    async with serving(app) as base:
        await create_provider(
            realm, {"alias": IDP_ALIAS, "providerId": "kubernetes", "config": {"issuer": f"{base}/idp"}}
        )
        await bound_client(realm, INTERNAL, EXTERNAL, IDP_ALIAS)
        token = token_of(realm, Cluster(base))
        response = await grant(realm, signed(token))
        assert (response.status_code, response.json()["error"]) == (401, "invalid_client")
        forget(realm)


async def test_a_realm_file_with_a_kubernetes_provider_imports_and_exports_it(realm: Env) -> None:
    rep = {
        "realm": "k8s-file",
        "enabled": True,
        "identityProviders": [
            {"alias": "cluster", "providerId": "kubernetes", "config": {"issuer": "https://k8s.example"}}
        ],
    }
    h = await admin_headers(realm)
    made = await realm.http.post("/admin/realms", json=rep, headers=h)
    assert made.status_code == 201, made.text
    answer = await realm.http.get("/admin/realms/k8s-file/identity-provider/instances/cluster", headers=h)
    assert answer.status_code == 200, answer.text
    assert (answer.json()["providerId"], answer.json()["hideOnLogin"]) == ("kubernetes", True)
    exported = await realm.http.post("/admin/realms/k8s-file/partial-export", headers=h)
    assert exported.status_code == 200, exported.text
    assert [p["providerId"] for p in exported.json()["identityProviders"]] == ["kubernetes"]
    forget(realm)


async def test_the_admin_console_shows_a_kubernetes_provider(realm: Env) -> None:
    """The Admin Console's provider list and the provider's page render a Kubernetes provider (no 500)."""
    rep = {"alias": IDP_ALIAS, "providerId": "kubernetes", "config": {"issuer": "https://k8s.example"}}
    made = await realm.http.post(f"{ADMIN}/identity-provider/instances", json=rep, headers=await admin_headers(realm))
    assert made.status_code == 201, made.text
    await make_admin(realm, "test", "boss", "realm-admin")
    async with client_at(realm, "127.0.0.2") as http:
        await sign_in(http, "/admin/test/console/", "boss")
        listed = await http.get("/admin/test/console/test/identity-providers", headers=HTML)
        assert listed.status_code == 200 and IDP_ALIAS in listed.text
        page = await http.get(f"/admin/test/console/test/identity-providers/instances/{IDP_ALIAS}", headers=HTML)
        assert page.status_code == 200, page.text
    forget(realm)
