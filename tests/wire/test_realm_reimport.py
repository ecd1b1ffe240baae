"""A realm deleted and created again under the same id (a realm JSON imported again, as test suites and
migrations do) is served as the new realm at once: nothing a process kept of the old one survives."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import jwt
import pytest

from support import audience_rep, claims, token_url
from wire_env import Env, admin_token, another_worker

pytestmark = pytest.mark.anyio

REALM_ID = "0f8fad5b-d9cb-469f-a165-70867728950e"


def representation(secret: str, role: str) -> dict[str, Any]:
    return {
        "id": REALM_ID,
        "realm": "again",
        "enabled": True,
        "roles": {"realm": [{"name": role}]},
        "clients": [
            {
                "clientId": "svc",
                "secret": secret,
                "serviceAccountsEnabled": True,
                "standardFlowEnabled": False,
                "publicClient": False,
                "protocolMappers": [audience_rep("svc")],  # svc introspects its own token (Keycloak 26.6.2)
            }
        ],
    }


async def grant(http: httpx.AsyncClient, secret: str) -> httpx.Response:
    return await http.post(
        token_url("again"), data={"grant_type": "client_credentials", "client_id": "svc", "client_secret": secret}
    )


@pytest.fixture
async def other(env: Env) -> AsyncIterator[httpx.AsyncClient]:
    """A second app with its own Database (its own caches) on the same database, as another worker."""
    async with another_worker(env) as http:
        yield http


async def kids(http: httpx.AsyncClient) -> set[str]:
    return {key["kid"] for key in (await http.get("/realms/again/protocol/openid-connect/certs")).json()["keys"]}


async def test_a_realm_imported_again_under_its_id_is_not_served_from_what_was_kept(env: Env) -> None:
    headers = await env.admin_headers()
    created = await env.http.post("/admin/realms", json=representation("first-secret", "old"), headers=headers)
    assert created.status_code == 201, created.text
    first = await grant(env.http, "first-secret")  # the process now keeps the realm's clients, keys, scopes
    assert first.status_code == 200, first.text
    old_kid = (await env.http.get("/realms/again/protocol/openid-connect/certs")).json()

    deleted = await env.http.delete("/admin/realms/again", headers=headers)
    assert deleted.status_code == 204, deleted.text
    again = await env.http.post("/admin/realms", json=representation("second-secret", "new"), headers=headers)
    assert again.status_code == 201, again.text

    refused = await grant(env.http, "first-secret")
    assert refused.status_code == 401, refused.text
    second = await grant(env.http, "second-secret")
    assert second.status_code == 200, second.text
    token = second.json()["access_token"]
    jwks = (await env.http.get("/realms/again/protocol/openid-connect/certs")).json()
    assert jwks != old_kid
    assert claims(token)["iss"].endswith("/realms/again")
    introspected = await env.http.post(
        "/realms/again/protocol/openid-connect/token/introspect",
        data={"token": token, "client_id": "svc", "client_secret": "second-secret"},
    )
    assert introspected.json()["active"] is True, introspected.text


async def test_another_worker_serves_the_realm_created_again_with_its_new_keys_and_clients(
    env: Env, other: httpx.AsyncClient
) -> None:
    headers = await env.admin_headers()
    created = await env.http.post("/admin/realms", json=representation("first-secret", "old"), headers=headers)
    assert created.status_code == 201, created.text
    first = await grant(env.http, "first-secret")  # this worker keeps the realm's clients and keys
    assert first.status_code == 200, first.text
    old_kids = await kids(env.http)

    theirs = {
        "Authorization": f"Bearer {await admin_token(other)}"
    }  # the other worker deletes the realm and imports it again
    assert (await other.delete("/admin/realms/again", headers=theirs)).status_code == 204
    again = await other.post("/admin/realms", json=representation("second-secret", "new"), headers=theirs)
    assert again.status_code == 201, again.text
    new_kids = await kids(other)
    assert not new_kids & old_kids

    assert (await grant(env.http, "first-secret")).status_code == 401
    second = await grant(env.http, "second-secret")
    assert second.status_code == 200, second.text
    assert jwt.get_unverified_header(second.json()["access_token"])["kid"] in new_kids
    assert await kids(env.http) == new_kids
    assert "new" not in claims(second.json()["access_token"]).get("realm_access", {}).get("roles", [])
