"""Shared set-up of the wire ports of Keycloak's OIDC client registration test classes that extend
AbstractClientRegistrationTest and register through ``/realms/test/clients-registrations/openid-connect``
(OIDCClientRegistrationDefaultSignatureTest, OIDCClientRegistrationResponseTypesAndGrantsTest,
OIDCClientRegistrationCorsTest, OIDCClientRegistrationPoliciesTest): ClientRegistrationRealmConfig's realm
``test``, an initial access token as their ``before`` makes it, and the ``reg.oidc()`` calls."""

from __future__ import annotations

from typing import Any

import httpx

from client_registration_port import REGISTRATION_REALM, body
from keycloak_port import admin_headers, import_realm
from wire_env import Env

ADMIN = "/admin/realms/test"
REG = "/realms/test/clients-registrations/openid-connect"


async def registration_realm(env: Env) -> None:
    """AbstractClientRegistrationTest's realm (ClientRegistrationRealmConfig)."""
    await import_realm(env, REGISTRATION_REALM)


async def initial_token(env: Env, count: int = 10, expiration: int = 0) -> str:
    """``clientInitialAccess().create(new ClientInitialAccessCreatePresentation(expiration, count))``."""
    made = await env.http.post(
        f"{ADMIN}/clients-initial-access",
        json={"expiration": expiration, "count": count},
        headers=await admin_headers(env),
    )
    return str(body(made, 201)["token"])


def bearer(token: str | None) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"} if token else {}


async def create(env: Env, rep: dict[str, Any], token: str | None) -> httpx.Response:
    """``reg.oidc().create(rep)`` with ``Auth.token(token)``: the raw answer."""
    return await env.http.post(REG, json=rep, headers=bearer(token))


async def created(env: Env, rep: dict[str, Any], token: str | None) -> dict[str, Any]:
    answer: dict[str, Any] = body(await create(env, rep, token), 201)
    return answer


async def get(env: Env, rep: dict[str, Any]) -> dict[str, Any]:
    """``reg.auth(Auth.token(rep)); reg.oidc().get(clientId)``."""
    url = f"{REG}/{rep['client_id']}"
    answer: dict[str, Any] = body(await env.http.get(url, headers=bearer(rep["registration_access_token"])))
    return answer


async def update(env: Env, rep: dict[str, Any]) -> dict[str, Any]:
    """``reg.auth(Auth.token(rep)); reg.oidc().update(rep)``."""
    url = f"{REG}/{rep['client_id']}"
    answer: dict[str, Any] = body(await env.http.put(url, json=rep, headers=bearer(rep["registration_access_token"])))
    return answer


async def keycloak_client(env: Env, client_id: str) -> dict[str, Any]:
    """``getClient(clientId)``: the admin API's ClientRepresentation."""
    headers = await admin_headers(env)
    (found,) = body(await env.http.get(f"{ADMIN}/clients", params={"clientId": client_id}, headers=headers))
    client: dict[str, Any] = body(await env.http.get(f"{ADMIN}/clients/{found['id']}", headers=headers))
    return client


async def set_default_signature_algorithm(env: Env, alg: str) -> None:
    """TokenSignatureUtil.changeRealmTokenSignatureProvider: the realm's ``defaultSignatureAlgorithm``."""
    response = await env.http.put(ADMIN, json={"defaultSignatureAlgorithm": alg}, headers=await admin_headers(env))
    assert response.status_code == 204, response.text
