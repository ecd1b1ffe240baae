"""client_credentials keeps its service-account user per process (store/config_cache.py) only until a user
changes: what the Admin REST API changes applies to the very next grant, as Keycloak's does."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from support import assert_error, claims, seed_client, token_url
from wire_env import Env

pytestmark = pytest.mark.anyio

ADMIN = "/admin/realms/test"


async def grant(env: Env) -> httpx.Response:
    return await env.http.post(
        token_url("test"), data={"grant_type": "client_credentials", "client_id": "svc", "client_secret": "secret"}
    )


async def realm_roles(env: Env) -> set[str]:
    response = await grant(env)
    assert response.status_code == 200, response.text
    return set(claims(response.json()["access_token"]).get("realm_access", {}).get("roles", []))


async def send(env: Env, method: str, path: str, body: Any = None) -> None:
    response = await env.http.request(method, ADMIN + path, json=body, headers=await env.admin_headers())
    assert response.status_code in (201, 204), response.text


async def test_admin_changes_to_the_service_account_apply_to_the_next_grant(realm: Env) -> None:
    await seed_client(realm.db, "test", "svc", service_accounts=True)
    await send(realm, "POST", "/roles", {"name": "auditor"})  # configuration first: what follows is user data
    headers = await realm.admin_headers()
    role = (await realm.http.get(f"{ADMIN}/roles/auditor", headers=headers)).json()
    found = await realm.http.get(
        f"{ADMIN}/users", params={"username": "service-account-svc", "exact": "true"}, headers=headers
    )
    account = found.json()[0]
    assert "auditor" not in await realm_roles(realm)  # the grant that keeps the service account

    await send(realm, "POST", f"/users/{account['id']}/role-mappings/realm", [role])
    assert "auditor" in await realm_roles(realm)
    await send(realm, "DELETE", f"/users/{account['id']}/role-mappings/realm", [role])
    assert "auditor" not in await realm_roles(realm)

    await send(realm, "PUT", f"/users/{account['id']}", {"enabled": False})
    assert_error(await grant(realm), 401, "invalid_request", "User 'service-account-svc' disabled")
    assert_error(await grant(realm), 401, "invalid_request", "User 'service-account-svc' disabled")
    await send(realm, "PUT", f"/users/{account['id']}", {"enabled": True})
    assert (await grant(realm)).status_code == 200


async def test_an_attribute_change_reaches_a_mapper_at_the_next_grant(realm: Env) -> None:
    await seed_client(realm.db, "test", "svc", service_accounts=True)
    mapper = {
        "name": "team",
        "protocol": "openid-connect",
        "protocolMapper": "oidc-usermodel-attribute-mapper",
        "config": {
            "user.attribute": "team",
            "claim.name": "team",
            "access.token.claim": "true",
            "jsonType.label": "String",
        },
    }
    headers = await realm.admin_headers()
    uuid = (await realm.http.get(f"{ADMIN}/clients", params={"clientId": "svc"}, headers=headers)).json()[0]["id"]
    await send(realm, "POST", f"/clients/{uuid}/protocol-mappers/models", mapper)
    found = await realm.http.get(
        f"{ADMIN}/users", params={"username": "service-account-svc", "exact": "true"}, headers=headers
    )
    account = found.json()[0]
    first = await grant(realm)
    assert "team" not in claims(first.json()["access_token"])
    await send(realm, "PUT", f"/users/{account['id']}", {"attributes": {"team": ["backup"]}})
    second = await grant(realm)
    assert claims(second.json()["access_token"])["team"] == "backup"
