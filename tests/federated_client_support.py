"""What the federated client authentication tests share (tests/wire/test_kc_s69i_federated_client_auth.py and
test_hostile_s69i_federated_client_auth.py): the realm's provider and bound client, the assertions, the requests
and AbstractClientAuthTest's assertions on answers and events."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import Any, Protocol

import httpx
import jwt

from fake_idp import KEY, KID
from keycloak_port import ADMIN, admin_headers, get, one_event, poll, put
from wire_env import Env

TOKEN = "/realms/test/protocol/openid-connect/token"
ISSUER = "http://localhost/realms/test"
IDP_ALIAS = "external-idp"
INTERNAL, EXTERNAL = "internal-myclient", "external-myclient"
JWT_BEARER = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
FAILED = "Invalid client or Invalid client credentials"


class Issuing(Protocol):
    """A provider stand-in: the fake OpenID Connect provider, or the Kubernetes cluster."""

    @property
    def issuer(self) -> str: ...


async def create_provider(env: Env, rep: dict[str, Any]) -> None:
    """The identity provider ``rep`` created through the admin API."""
    made = await env.http.post(f"{ADMIN}/identity-provider/instances", json=rep, headers=await admin_headers(env))
    assert made.status_code == 201, made.text


async def bound_client(env: Env, client_id: str, subject: str, alias: str = IDP_ALIAS, **extra: Any) -> str:
    """ClientConfigBuilder with the federated-jwt authenticator bound to ``alias`` and ``subject``; its id."""
    client = {
        "clientId": client_id,
        "serviceAccountsEnabled": True,
        "clientAuthenticatorType": "federated-jwt",
        "attributes": {"jwt.credential.issuer": alias, "jwt.credential.sub": subject},
        **extra,
    }
    made = await env.http.post(f"{ADMIN}/clients", json=client, headers=await admin_headers(env))
    assert made.status_code == 201, made.text
    return str(made.headers["location"]).rsplit("/", 1)[1]


async def federated_realm(
    env: Env,
    provider: dict[str, Any],
    clients: Iterable[tuple[str, str]] = ((INTERNAL, EXTERNAL),),
    alias: str = IDP_ALIAS,
) -> None:
    """ExernalClientAuthRealmConfig: the provider, the clients bound to it by (client id, subject), events on and
    none pending."""
    await create_provider(env, provider)
    for client_id, subject in clients:
        await bound_client(env, client_id, subject, alias)
    await put(env, "", {"eventsEnabled": True})
    await poll(env)


async def disable_provider(env: Env, alias: str = IDP_ALIAS) -> None:
    rep = await get(env, f"/identity-provider/instances/{alias}")
    await put(env, f"/identity-provider/instances/{alias}", {**rep, "enabled": False})


def default_token(env: Env, provider: Issuing, **changes: Any) -> dict[str, Any]:
    """BaseClientAuthTest.createDefaultToken: a fresh jti, the provider's issuer, the realm as audience."""
    now = env.clock.now()
    token: dict[str, Any] = {
        "jti": str(uuid.uuid4()),
        "iss": provider.issuer,
        "aud": ISSUER,
        "iat": now,
        "exp": now + 300,
        "sub": EXTERNAL,
    }
    token.update(changes)
    return {k: v for k, v in token.items() if v is not None}


def signed(token: dict[str, Any], key: Any = KEY) -> str:
    return jwt.encode(token, key, algorithm="RS256", headers={"kid": KID})


async def grant(env: Env, assertion: str, kind: str = JWT_BEARER, **form: str) -> httpx.Response:
    """oAuthClient.clientCredentialsGrantRequest().clientJwt(jws, type)."""
    data = {"grant_type": "client_credentials", "client_assertion_type": kind, "client_assertion": assertion, **form}
    return await env.http.post(TOKEN, data=data)


async def assert_success(
    env: Env, response: httpx.Response, token: dict[str, Any], client_id: str = INTERNAL, subject: str = EXTERNAL
) -> None:
    """AbstractClientAuthTest.assertSuccess: the token is the internal client's; CLIENT_LOGIN with the assertion."""
    assert response.status_code == 200, response.text
    assert jwt.decode(response.json()["access_token"], options={"verify_signature": False})["azp"] == client_id
    event = await one_event(env)
    assert (event["type"], event["clientId"]) == ("CLIENT_LOGIN", client_id)
    assert event["details"].get("client_assertion_id") == token.get("jti")
    assert (
        event["details"].items()
        >= {
            "client_assertion_issuer": token["iss"],
            "client_assertion_sub": subject,
            "client_auth_method": "federated-jwt",
            "grant_type": "client_credentials",
            "username": f"service-account-{client_id}",
        }.items()
    )


async def assert_failure(
    env: Env,
    response: httpx.Response,
    token: dict[str, Any],
    description: str | None = FAILED,
    client_id: str | None = INTERNAL,
    error: str = "invalid_client_credentials",
) -> None:
    """AbstractClientAuthTest.assertFailure: invalid_client with the description; CLIENT_LOGIN_ERROR naming
    ``client_id`` (None: no client) with the assertion's id, issuer and subject."""
    assert response.status_code in (400, 401), response.text
    assert response.json()["error"] == "invalid_client"
    if description is not None:
        assert response.json()["error_description"] == description
    event = await one_event(env)
    assert (event["type"], event.get("clientId"), event["error"]) == ("CLIENT_LOGIN_ERROR", client_id, error)
    expected = {"client_assertion_id": token.get("jti"), "client_assertion_issuer": token.get("iss")}
    expected |= {"client_assertion_sub": token.get("sub"), "grant_type": "client_credentials"}
    assert {k: event["details"].get(k) for k in expected} == expected


async def assert_no_client(env: Env, token: dict[str, Any], kind: str = JWT_BEARER) -> None:
    """The signed ``token`` sent as a ``kind`` assertion authenticates no client: AbstractClientAuthTest
    .assertFailure's client_not_found, naming no client."""
    await assert_failure(env, await grant(env, signed(token), kind), token, client_id=None, error="client_not_found")


async def assert_refused(env: Env, token: dict[str, Any], description: str) -> None:
    """The signed ``token`` is refused with ``description``: AbstractClientAuthTest.assertFailure for the bound
    client."""
    await assert_failure(env, await grant(env, signed(token)), token, description)


async def update_provider(env: Env, alias: str = IDP_ALIAS, **config: str | None) -> None:
    """realm.updateIdentityProvider(IDP_ALIAS, ...): a config key set, or removed with None."""
    rep = await get(env, f"/identity-provider/instances/{alias}")
    for key, value in config.items():
        if value is None:
            rep["config"].pop(key, None)
        else:
            rep["config"][key] = value
    await put(env, f"/identity-provider/instances/{alias}", rep)
