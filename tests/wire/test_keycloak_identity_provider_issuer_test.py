"""Keycloak's IdentityProviderIssuerTest (tests/base/.../tests/admin/identityprovider/IdentityProviderIssuerTest.java,
the stored version with ``testCreateUpdateDuplicateIdentityProviderDisabled``; its base AbstractIdentityProviderTest at
29a98587), ported one method to one test over HTTP on realm ``test``: an identity provider that takes part in the JWT
authorization grant or in federated client authentication needs an issuer no other enabled provider of the realm
has (IssuerValidation.validateIssuer, run by OIDCIdentityProviderConfig.validate when ``jwtAuthorizationGrantEnabled``
or ``supportsClientAssertions`` is on and by GoogleIdentityProviderConfig.validate when the grant is on).

The Java method's OIDC–OIDC, Google–Google, JWTAuthorizationGrant–JWTAuthorizationGrant and JWTAuthorizationGrant–OIDC
pairs are here (a ``jwt-authorization-grant`` provider always takes part in the grant); Kubernetes–Kubernetes and
Kubernetes–OIDC are in test_kc_s69i_kubernetes_client_auth.py; JWTAuthorizationGrant–Kubernetes is here too (session 70),
with the reverse order the Java test does not try. The Java server enables KUBERNETES_SERVICE_ACCOUNTS and JWT_AUTHORIZATION_GRANT; the check
itself is in the providers' ``validate``, not behind either feature.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

import group_port
from keycloak_port import ADMIN, admin_headers
from wire_env import Env

pytestmark = pytest.mark.anyio
# One app for the module (group_port.shared_env), each test on a realm ``test`` imported anew.
anyio_backend, shared_env, env = group_port.anyio_backend, group_port.shared_env, group_port.env

URL = f"{ADMIN}/identity-provider/instances"
ISSUER = "http://localhost:8080"
TAKEN = (
    "Issuer URL already used for IDP '{}', Issuer must be unique if the idp supports JWT Authorization Grant or "
    "Federated Client Authentication"
)


@pytest.fixture
async def realm(env: Env) -> AsyncIterator[None]:
    await group_port.fresh_realm(env, {"realm": "test", "enabled": True})
    yield


def create_rep(alias: str, provider_id: str, issuer: str | None, grant: bool, assertions: bool) -> dict[str, Any]:
    """The Java ``createRep``: enabled, the alias as display name, the issuer (when given) and the JWKS URL both
    ``issuer``, the two switches, ``useJwksUrl`` on. A null value is one the admin client leaves out."""
    config = {
        "jwtAuthorizationGrantEnabled": str(grant).lower(),
        "supportsClientAssertions": str(assertions).lower(),
        "useJwksUrl": "true",
    }
    if issuer is not None:
        config |= {"issuer": issuer, "jwksUrl": issuer}
    return {"alias": alias, "displayName": alias, "providerId": provider_id, "enabled": True, "config": config}


async def post(env: Env, rep: dict[str, Any]) -> Any:
    return await env.http.post(URL, json=rep, headers=await admin_headers(env))


async def put(env: Env, alias: str, rep: dict[str, Any]) -> Any:
    return await env.http.put(f"{URL}/{alias}", json=rep, headers=await admin_headers(env))


async def read(env: Env, alias: str) -> dict[str, Any]:
    response = await env.http.get(f"{URL}/{alias}", headers=await admin_headers(env))
    assert response.status_code == 200, response.text
    found: dict[str, Any] = response.json()
    return found


async def cleanup(env: Env) -> None:
    """``managedRealm.runCleanup()``: the providers made removed."""
    for alias in ("idp1", "idp2"):
        response = await env.http.delete(f"{URL}/{alias}", headers=await admin_headers(env))
        assert response.status_code in (204, 404), response.text


def assert_taken(response: Any, alias: str) -> None:
    assert response.status_code == 400, response.text
    assert response.json()["errorMessage"] == TAKEN.format(alias)


async def duplicate(
    env: Env,
    provider_id: str,
    issuer: str | None,
    grant: bool,
    assertions: bool,
    *,
    allowed: bool,
    second_id: str | None = None,
) -> None:
    """``testCreateIdentityProviderDuplicateAllowedNoCleanUp``: ``idp1`` created; ``idp2`` of the same issuer
    created (``allowed``) or refused naming ``idp1``; when refused and an issuer is given, ``idp2`` created with
    another issuer, and its update back to ``issuer`` refused likewise."""
    first = await post(env, create_rep("idp1", provider_id, issuer, grant, assertions))
    assert first.status_code == 201, first.text
    second = create_rep("idp2", second_id or provider_id, issuer, grant, assertions)
    response = await post(env, second)
    if allowed:
        assert response.status_code == 201, response.text
        return
    assert_taken(response, "idp1")
    if issuer is None:
        return
    second["config"]["issuer"] = "https://localhost2"
    response = await post(env, second)
    assert response.status_code == 201, response.text
    rep = await read(env, "idp2")
    rep["config"]["issuer"] = issuer
    assert_taken(await put(env, "idp2", rep), "idp1")


@pytest.mark.usefixtures("realm")
async def test_create_update_duplicate_identity_provider(env: Env) -> None:
    """IdentityProviderIssuerTest#testCreateUpdateDuplicateIdentityProvider, its OIDC–OIDC and Google–Google
    pairs (the others: the module docstring)."""
    cases = [
        ("oidc", ISSUER, False, False, True),  # OIDC idp - OIDC idp: allowed
        ("oidc", ISSUER, True, False, False),  # OIDC idp - OIDC idp: not allowed
        ("oidc", ISSUER, False, True, False),
        ("google", None, False, False, True),  # Google idp - Google idp: allowed
        ("google", None, False, True, True),
        ("google", None, True, False, False),  # Google idp - Google idp: not allowed
    ]
    for provider_id, issuer, grant, assertions, allowed in cases:
        await duplicate(env, provider_id, issuer, grant, assertions, allowed=allowed)
        await cleanup(env)


@pytest.mark.usefixtures("realm")
async def test_create_update_duplicate_identity_provider_jwt_authorization_grant(env: Env) -> None:
    """IdentityProviderIssuerTest#testCreateUpdateDuplicateIdentityProvider, its JWTAuthorizationGrant pairs: two
    ``jwt-authorization-grant`` providers may not share an issuer, whatever the switches say; an OpenID Connect one
    may share it only with the grant off."""
    cases = [
        ("jwt-authorization-grant", "jwt-authorization-grant", False, False, False),
        ("jwt-authorization-grant", "oidc", False, False, True),
        ("jwt-authorization-grant", "oidc", True, False, False),
    ]
    for first, second, grant, assertions, allowed in cases:
        await duplicate(env, first, ISSUER, grant, assertions, allowed=allowed, second_id=second)
        await cleanup(env)


@pytest.mark.usefixtures("realm")
async def test_create_update_duplicate_identity_provider_jwt_authorization_grant_kubernetes(env: Env) -> None:
    """IdentityProviderIssuerTest#testCreateUpdateDuplicateIdentityProvider, its JWTAuthorizationGrant–Kubernetes
    pair: a ``kubernetes`` provider (which always takes client assertions, whatever its switches say) may not share
    a ``jwt-authorization-grant`` provider's issuer, both switches off; refused naming ``idp1``, created with another
    issuer, its update back refused. The reverse order is refused too (each type checks its issuer always)."""
    for first, second in (("jwt-authorization-grant", "kubernetes"), ("kubernetes", "jwt-authorization-grant")):
        await duplicate(env, first, ISSUER, False, False, allowed=False, second_id=second)
        await cleanup(env)


@pytest.mark.usefixtures("realm")
async def test_create_update_duplicate_identity_provider_disabled(env: Env) -> None:
    """IdentityProviderIssuerTest#testCreateUpdateDuplicateIdentityProviderDisabled: a disabled provider's issuer
    is free for another, and the provider cannot be enabled again while the other has it."""
    await duplicate(env, "oidc", ISSUER, True, False, allowed=False)

    idp1 = await read(env, "idp1")
    idp1["enabled"] = False
    response = await put(env, "idp1", idp1)
    assert response.status_code == 204, response.text

    idp2 = await read(env, "idp2")
    idp2["config"]["issuer"] = ISSUER
    response = await put(env, "idp2", idp2)
    assert response.status_code == 204, response.text

    idp1["enabled"] = True
    assert_taken(await put(env, "idp1", idp1), "idp2")

    idp2 = await read(env, "idp2")
    idp2["enabled"] = False
    response = await put(env, "idp2", idp2)
    assert response.status_code == 204, response.text

    idp1 = await read(env, "idp1")
    idp1["enabled"] = True
    response = await put(env, "idp1", idp1)
    assert response.status_code == 204, response.text
    assert (await read(env, "idp1"))["enabled"] is True
