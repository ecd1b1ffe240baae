"""The client registration service's OpenID Connect provider (RFC 7591, OIDC Dynamic Client Registration), as
Keycloak's OIDCClientRegistrationProvider and DescriptionConverter answer (after OIDCClientRegistrationTest)."""

from __future__ import annotations

from typing import Any

import pytest

from support import assert_error, claims
from wire_env import Env

pytestmark = pytest.mark.anyio

REG = "/realms/test/clients-registrations/openid-connect"


async def initial_token(env: Env) -> dict[str, str]:
    response = await env.http.post(
        "/admin/realms/test/clients-initial-access", json={}, headers=await env.admin_headers()
    )
    assert response.status_code == 201, response.text
    return {"Authorization": f"Bearer {response.json()['token']}"}


async def register(env: Env, **metadata: Any) -> dict[str, Any]:
    response = await env.http.post(REG, json=metadata, headers=await initial_token(env))
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    assert response.headers["location"] == body["registration_client_uri"]
    return body


async def test_registration_answers_the_clients_metadata(realm: Env) -> None:
    body = await register(
        realm, client_name="RP", redirect_uris=["https://rp.example/cb"], grant_types=["authorization_code", "password"]
    )
    client_id = body["client_id"]
    assert body["registration_client_uri"] == f"http://localhost{REG}/{client_id}"
    assert body["client_name"] == "RP" and body["redirect_uris"] == ["https://rp.example/cb"]
    assert body["token_endpoint_auth_method"] == "client_secret_basic"
    assert body["client_secret"] and body["client_secret_expires_at"] == 0
    assert body["client_id_issued_at"] == realm.clock.now()
    assert body["response_types"] == ["code", "none"]
    # Keycloak 26: the grants asked for, no refresh_token since the list leaves it out; the read answers the same
    assert body["grant_types"] == ["authorization_code", "password"]
    assert body["subject_type"] == "public" and body["tls_client_certificate_bound_access_tokens"] is False
    assert claims(body["registration_access_token"])["typ"] == "RegistrationAccessToken"
    got = await realm.http.get(
        f"{REG}/{client_id}", headers={"Authorization": f"Bearer {body['registration_access_token']}"}
    )
    assert got.status_code == 200, got.text
    assert got.json()["grant_types"] == ["authorization_code", "password"]
    assert got.json()["registration_access_token"] == body["registration_access_token"]
    assert "client_id_issued_at" not in got.json()


async def test_a_public_client_has_no_secret(realm: Env) -> None:
    body = await register(realm, redirect_uris=["https://rp.example/cb"], token_endpoint_auth_method="none")
    assert body["token_endpoint_auth_method"] == "none" and "client_secret" not in body
    assert "client_secret_expires_at" not in body


async def test_a_client_id_in_the_request_is_refused(realm: Env) -> None:
    response = await realm.http.post(REG, json={"client_id": "mine"}, headers=await initial_token(realm))
    assert_error(response, 400, "invalid_client_metadata", "Client Identifier included")


@pytest.mark.parametrize(
    "metadata",
    [
        {"token_endpoint_auth_method": "self_signed_tls_client_auth"},  # no authenticator takes it
        {"token_endpoint_auth_method": "private_key_jwt"},
        {"jwks_uri": "https://rp.example/jwks", "jwks": {"keys": []}},
        {"response_types": ["code bogus"]},
        {"subject_type": "bogus"},  # SubjectType.parse has no such value
    ],
)
async def test_metadata_keycloak_cannot_honour_is_invalid(realm: Env, metadata: dict[str, Any]) -> None:
    response = await realm.http.post(REG, json=metadata, headers=await initial_token(realm))
    assert_error(response, 400, "invalid_client_metadata", "Client metadata invalid")


async def test_a_redirect_uri_with_a_fragment_is_invalid_redirect_uri(realm: Env) -> None:
    response = await realm.http.post(
        REG, json={"redirect_uris": ["https://rp.example/cb#x"]}, headers=await initial_token(realm)
    )
    assert_error(response, 400, "invalid_redirect_uri", "Redirect URIs must not contain an URI fragment")


async def test_metadata_of_the_wrong_json_type_is_a_400(realm: Env) -> None:
    response = await realm.http.post(
        REG, json={"redirect_uris": "https://rp.example/cb"}, headers=await initial_token(realm)
    )
    assert_error(response, 400, "unknown_error", "Cannot parse the JSON")


async def test_an_update_rotates_the_registration_access_token_and_keeps_the_client_id(realm: Env) -> None:
    body = await register(realm, redirect_uris=["https://rp.example/cb"])
    headers = {"Authorization": f"Bearer {body['registration_access_token']}"}
    url = f"{REG}/{body['client_id']}"
    change = {"client_id": body["client_id"], "client_name": "Renamed", "redirect_uris": ["https://rp.example/2"]}
    updated = await realm.http.put(url, json=change, headers=headers)
    assert updated.status_code == 200, updated.text
    assert updated.json()["client_name"] == "Renamed" and updated.json()["redirect_uris"] == ["https://rp.example/2"]
    assert updated.json()["registration_access_token"] != body["registration_access_token"]
    assert (await realm.http.get(url, headers=headers)).status_code == 401
    new = {"Authorization": f"Bearer {updated.json()['registration_access_token']}"}
    assert (await realm.http.delete(url, headers=new)).status_code == 204
    assert (await realm.http.get(url, headers=new)).status_code == 401


async def test_discovery_lists_the_registration_endpoint(realm: Env) -> None:
    doc = (await realm.http.get("/realms/test/.well-known/openid-configuration")).json()
    assert doc["registration_endpoint"] == f"http://localhost{REG}"
    keys = list(doc)
    assert keys.index("registration_endpoint") == keys.index("response_modes_supported") + 1
