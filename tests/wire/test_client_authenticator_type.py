"""The client's ``clientAuthenticatorType`` is kept, and only that authenticator authenticates it.

Keycloak's ClientAuthenticationFlow.processFlow keeps the outcome of the authenticator whose id is the
client's type: a ``client-jwt`` or ``client-secret-jwt`` client cannot authenticate with its secret
(ClientAuthSecretSignedJWTTest.testCodeToTokenRequestFailureWhenClientHasPrivateKeyJWT), and a ``client-x509``
client authenticates with its certificate only (without a certificate lookup configured, never).
"""

from __future__ import annotations

import base64

import pytest

from support import assert_error, password_grant, seed_client, seed_realm, seed_user, token_url, update_client
from wire_env import Env

pytestmark = pytest.mark.anyio

CLIENTS = "/admin/realms/test/clients"


async def _created(env: Env, **rep: object) -> dict[str, object]:
    headers = await env.admin_headers()
    response = await env.http.post(CLIENTS, headers=headers, json=rep)
    assert response.status_code == 201, response.text
    uuid = response.headers["location"].rsplit("/", 1)[-1]
    body: dict[str, object] = (await env.http.get(f"{CLIENTS}/{uuid}", headers=headers)).json()
    return body


@pytest.mark.parametrize("kind", ["client-secret", "client-jwt", "client-secret-jwt", "client-x509"])
async def test_the_admin_api_stores_and_returns_the_authenticator_type_as_given(env: Env, kind: str) -> None:
    await seed_realm(env.db, env.clock)
    body = await _created(env, clientId="svc", clientAuthenticatorType=kind)
    assert body["clientAuthenticatorType"] == kind
    assert isinstance(body["secret"], str) and body["secret"]  # Keycloak gives every confidential client one


async def test_an_absent_authenticator_type_is_client_secret(env: Env) -> None:
    await seed_realm(env.db, env.clock)
    assert (await _created(env, clientId="svc"))["clientAuthenticatorType"] == "client-secret"


@pytest.mark.parametrize("kind", ["client-jwt", "client-secret-jwt"])
async def test_a_jwt_client_presenting_its_secret_gets_the_jwt_authenticators_answer(realm: Env, kind: str) -> None:
    await update_client(realm.db, "test", "app", client_authenticator_type=kind)
    post = await password_grant(realm.http, "test", "app")  # client_secret_post, the right secret
    assert_error(post, 400, "invalid_client", "Parameter client_assertion_type is missing")
    basic = "Basic " + base64.b64encode(b"app:secret").decode()
    response = await realm.http.post(
        token_url("test"),
        data={"grant_type": "password", "username": "user1", "password": "password"},
        headers={"Authorization": basic},
    )
    assert_error(response, 400, "invalid_client", "Parameter client_assertion_type is missing")


async def test_a_wrong_assertion_type_is_named(realm: Env) -> None:
    await update_client(realm.db, "test", "app", client_authenticator_type="client-jwt")
    response = await realm.http.post(
        token_url("test"),
        data={"grant_type": "client_credentials", "client_id": "app", "client_assertion_type": "bearer"},
    )
    assert_error(
        response,
        400,
        "invalid_client",
        "Parameter client_assertion_type has value 'bearer' but expected is "
        "'urn:ietf:params:oauth:client-assertion-type:jwt-bearer'",
    )


async def test_a_missing_assertion_is_named(realm: Env) -> None:
    await update_client(realm.db, "test", "app", client_authenticator_type="client-secret-jwt")
    response = await realm.http.post(
        token_url("test"),
        data={
            "grant_type": "client_credentials",
            "client_id": "app",
            "client_assertion_type": "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
        },
    )
    assert_error(response, 400, "invalid_client", "client_assertion parameter missing")


async def test_a_client_x509_client_cannot_authenticate_with_its_secret(realm: Env) -> None:
    await update_client(realm.db, "test", "app", client_authenticator_type="client-x509")
    response = await password_grant(realm.http, "test", "app")
    assert_error(response, 401, "invalid_client", "Invalid client or Invalid client credentials")


async def test_a_public_client_ignores_its_authenticator_type(env: Env) -> None:
    await seed_realm(env.db, env.clock)
    await seed_client(env.db, "test", "spa", public=True, client_authenticator_type="client-jwt")
    await seed_user(env.db, env.clock, "test", "user1")
    response = await password_grant(env.http, "test", "spa", secret=None)
    assert response.status_code == 200, response.text


async def test_the_secret_still_authenticates_a_client_secret_client(realm: Env) -> None:
    assert (await password_grant(realm.http, "test", "app")).status_code == 200
