"""Admin REST endpoints that client libraries (python-keycloak) call and Keycloak 26 serves: roles by id,
default roles, role members, client-role scope mappings, user field queries and user credentials."""

from __future__ import annotations

import json
from typing import Any

import pytest

from admin_support import realm_admin
from support import claims, password_grant, seed_client, seed_realm, seed_user
from wire_env import Env

pytestmark = pytest.mark.anyio

REALM = "/admin/realms/test"


async def _setup(env: Env) -> dict[str, str]:
    await seed_realm(env.db, env.clock)
    return await env.admin_headers()


async def _get(env: Env, path: str, headers: dict[str, str], **params: str) -> Any:
    response = await env.http.get(f"{REALM}{path}", headers=headers, params=params)
    assert response.status_code == 200, (path, response.status_code, response.text)
    return response.json()


async def _send(env: Env, method: str, path: str, headers: dict[str, str], body: Any = None) -> None:
    response = await env.http.request(method, f"{REALM}{path}", headers=headers, json=body)
    assert response.status_code in (201, 204), (method, path, response.status_code, response.text)


async def _role(env: Env, headers: dict[str, str], name: str, base: str = "/roles") -> dict[str, Any]:
    await _send(env, "POST", base, headers, {"name": name})
    role: dict[str, Any] = await _get(env, f"{base}/{name}", headers)
    return role


async def _client(env: Env, headers: dict[str, str], client_id: str, **rep: Any) -> str:
    response = await env.http.post(f"{REALM}/clients", headers=headers, json={"clientId": client_id, **rep})
    assert response.status_code == 201, response.text
    return str(response.headers["location"]).rsplit("/", 1)[-1]


def _names(items: list[dict[str, Any]]) -> list[str]:
    return [str(item["name"]) for item in items]


# --- roles by id and default roles -------------------------------------------------------------
async def test_a_role_is_updated_and_deleted_by_its_id(env: Env) -> None:
    headers = await _setup(env)
    role = await _role(env, headers, "member")
    await _send(env, "PUT", f"/roles-by-id/{role['id']}", headers, {"name": "member", "description": "Paying member"})
    assert (await _get(env, "/roles/member", headers))["description"] == "Paying member"
    await _send(env, "DELETE", f"/roles-by-id/{role['id']}", headers)
    missing = await env.http.get(f"{REALM}/roles-by-id/{role['id']}", headers=headers)
    assert (missing.status_code, missing.json()) == (404, {"error": "Could not find role with id"})
    gone = await env.http.delete(f"{REALM}/roles-by-id/{role['id']}", headers=headers)
    assert (gone.status_code, gone.json()) == (404, {"error": "Could not find role with id"})


async def test_the_default_role_cannot_be_deleted_by_its_id(env: Env) -> None:
    headers = await _setup(env)
    default = await _get(env, "/roles/default-roles-test", headers)
    response = await env.http.delete(f"{REALM}/roles-by-id/{default['id']}", headers=headers)
    assert response.status_code == 400
    assert response.json() == {"errorMessage": "default-roles-test is default role of the realm and cannot be removed."}


async def test_default_roles_are_read_and_changed_through_the_default_roles_composites_by_id(env: Env) -> None:
    headers = await _setup(env)
    member = await _role(env, headers, "member")
    default_id = (await _get(env, "", headers))["defaultRole"]["id"]
    assert sorted(_names(await _get(env, f"/roles-by-id/{default_id}/composites/realm", headers))) == [
        "offline_access",
        "uma_authorization",
    ]
    account = (await _get(env, "/clients", headers, clientId="account"))[0]["id"]
    client_children = await _get(env, f"/roles-by-id/{default_id}/composites/clients/{account}", headers)
    assert sorted(_names(client_children)) == ["manage-account", "view-profile"]
    assert all(
        set(r) == {"id", "name", "description", "composite", "clientRole", "containerId"} for r in client_children
    )

    await _send(env, "POST", f"/roles-by-id/{default_id}/composites", headers, [{"id": member["id"]}])
    assert "member" in _names(await _get(env, f"/roles-by-id/{default_id}/composites/realm", headers))
    newcomer = await seed_user(env.db, env.clock, "test", "newcomer")
    effective = await _get(env, f"/users/{newcomer.id}/role-mappings/realm/composite", headers)
    assert "member" in _names(effective)
    await _send(env, "DELETE", f"/roles-by-id/{default_id}/composites", headers, [{"id": member["id"]}])
    assert "member" not in _names(await _get(env, f"/roles-by-id/{default_id}/composites/realm", headers))


async def test_composites_by_id_are_searched_and_paged_as_keycloak_does(env: Env) -> None:
    headers = await _setup(env)
    parent = await _role(env, headers, "parent")
    children = [await _role(env, headers, name) for name in ("alpha", "beta", "gamma")]
    await _send(env, "POST", f"/roles-by-id/{parent['id']}/composites", headers, [{"id": c["id"]} for c in children])
    every = _names(await _get(env, f"/roles-by-id/{parent['id']}/composites", headers))
    assert sorted(every) == ["alpha", "beta", "gamma"]
    assert _names(await _get(env, f"/roles-by-id/{parent['id']}/composites", headers, search="AMM")) == ["gamma"]
    assert len(await _get(env, f"/roles-by-id/{parent['id']}/composites", headers, first="1", max="1")) == 1
    assert await _get(env, f"/roles-by-id/{parent['id']}/composites", headers, first="3", max="100") == []


async def test_client_composites_of_a_role_need_a_known_client(env: Env) -> None:
    headers = await _setup(env)
    role = await _role(env, headers, "parent")
    response = await env.http.get(f"{REALM}/roles-by-id/{role['id']}/composites/clients/nope", headers=headers)
    assert (response.status_code, response.json()) == (404, {"error": "Could not find client"})


async def test_roles_by_id_need_manage_realm_to_change_a_realm_role(env: Env) -> None:
    headers = await _setup(env)
    role = await _role(env, headers, "member")
    viewer = await realm_admin(env, "viewer", "view-realm")
    assert (await env.http.get(f"{REALM}/roles-by-id/{role['id']}/composites", headers=viewer)).status_code == 200
    refused = await env.http.put(f"{REALM}/roles-by-id/{role['id']}", headers=viewer, json={"description": "x"})
    assert (refused.status_code, refused.json()) == (403, {"error": "HTTP 403 Forbidden"})


# --- role members ------------------------------------------------------------------------------
async def test_role_members_are_the_users_holding_the_role_directly_service_accounts_included(env: Env) -> None:
    headers = await _setup(env)
    operator = await _role(env, headers, "operator")
    await seed_client(env.db, "test", "robot", service_accounts=True)
    robot_uuid = (await _get(env, "/clients", headers, clientId="robot"))[0]["id"]
    robot = await _get(env, f"/clients/{robot_uuid}/service-account-user", headers)
    zed = await seed_user(env.db, env.clock, "test", "zed")
    amy = await seed_user(env.db, env.clock, "test", "amy")
    await seed_user(env.db, env.clock, "test", "bystander")
    for user_id in (zed.id, robot["id"], amy.id):
        await _send(env, "POST", f"/users/{user_id}/role-mappings/realm", headers, [operator])

    members = await _get(env, "/roles/operator/users", headers)
    assert [m["username"] for m in members] == ["amy", "service-account-robot", "zed"]
    assert members[0]["id"] == amy.id
    assert members[0]["email"] == "amy@example.com"
    assert [m["username"] for m in await _get(env, "/roles/operator/users", headers, first="1", max="1")] == [
        "service-account-robot"
    ]
    brief = (await _get(env, "/roles/operator/users", headers, briefRepresentation="true"))[0]
    assert brief == {
        "id": amy.id,
        "username": "amy",
        "firstName": "Amy",
        "lastName": "Tester",
        "email": "amy@example.com",
        "emailVerified": False,
        "enabled": True,
        "createdTimestamp": amy.created_timestamp,
    }
    assert await _get(env, "/roles/offline_access/users", headers) == []  # held through the default role only


async def test_role_members_need_view_realm_and_query_users(env: Env) -> None:
    headers = await _setup(env)
    await _role(env, headers, "operator")
    realm_viewer = await realm_admin(env, "viewer", "view-realm")
    refused = await env.http.get(f"{REALM}/roles/operator/users", headers=realm_viewer)
    assert (refused.status_code, refused.json()) == (403, {"error": "HTTP 403 Forbidden"})
    both = await realm_admin(env, "both", "view-realm", "query-users")
    assert (await env.http.get(f"{REALM}/roles/operator/users", headers=both)).status_code == 200


async def test_client_role_members_and_unknown_roles(env: Env) -> None:
    headers = await _setup(env)
    client = await _client(env, headers, "shop")
    approver = await _role(env, headers, "approver", base=f"/clients/{client}/roles")
    amy = await seed_user(env.db, env.clock, "test", "amy")
    await _send(env, "POST", f"/users/{amy.id}/role-mappings/clients/{client}", headers, [approver])
    assert [m["id"] for m in await _get(env, f"/clients/{client}/roles/approver/users", headers)] == [amy.id]
    missing = await env.http.get(f"{REALM}/roles/nope/users", headers=headers)
    assert (missing.status_code, missing.json()) == (404, {"error": "Could not find role"})


# --- client-role scope mappings ----------------------------------------------------------------
async def test_a_clients_scope_mapping_to_another_clients_role_limits_its_tokens(env: Env) -> None:
    headers = await _setup(env)
    await seed_client(env.db, "test", "app")
    app = (await _get(env, "/clients", headers, clientId="app"))[0]["id"]
    await _send(env, "PUT", f"/clients/{app}", headers, {"fullScopeAllowed": False})
    api = await _client(env, headers, "api", bearerOnly=True)
    read = await _role(env, headers, "read", base=f"/clients/{api}/roles")
    write = await _role(env, headers, "write", base=f"/clients/{api}/roles")
    user = await seed_user(env.db, env.clock, "test", "user1")
    await _send(env, "POST", f"/users/{user.id}/role-mappings/clients/{api}", headers, [read, write])

    await _send(env, "POST", f"/clients/{app}/scope-mappings/clients/{api}", headers, [{"name": "read"}])
    assert _names(await _get(env, f"/clients/{app}/scope-mappings/clients/{api}", headers)) == ["read"]
    token = (await password_grant(env.http, "test", "app")).json()["access_token"]
    assert claims(token)["resource_access"]["api"] == {"roles": ["read"]}
    assert await _get(env, f"/clients/{app}/scope-mappings", headers) == {
        "clientMappings": {
            "api": {"id": api, "client": "api", "mappings": [{k: v for k, v in read.items() if k != "attributes"}]}
        }
    }

    await _send(env, "DELETE", f"/clients/{app}/scope-mappings/clients/{api}", headers)  # no body: all of them
    assert await _get(env, f"/clients/{app}/scope-mappings/clients/{api}", headers) == []
    token = (await password_grant(env.http, "test", "app")).json()["access_token"]
    assert "api" not in claims(token).get("resource_access", {})


async def test_a_client_scopes_mappings_cover_realm_and_client_roles(env: Env) -> None:
    headers = await _setup(env)
    scope = (await _get(env, "/client-scopes", headers))[0]["id"]
    api = await _client(env, headers, "api", bearerOnly=True)
    await _role(env, headers, "write", base=f"/clients/{api}/roles")
    auditor = await _role(env, headers, "auditor")
    await _send(env, "POST", f"/client-scopes/{scope}/scope-mappings/clients/{api}", headers, [{"name": "write"}])
    await _send(env, "POST", f"/client-scopes/{scope}/scope-mappings/realm", headers, [auditor])
    everything = await _get(env, f"/client-scopes/{scope}/scope-mappings", headers)
    assert _names(everything["realmMappings"]) == ["auditor"]
    assert _names(everything["clientMappings"]["api"]["mappings"]) == ["write"]
    await _send(env, "DELETE", f"/client-scopes/{scope}/scope-mappings/clients/{api}", headers, [{"name": "write"}])
    assert "clientMappings" not in await _get(env, f"/client-scopes/{scope}/scope-mappings", headers)


async def test_client_role_scope_mappings_refuse_unknown_clients_and_roles(env: Env) -> None:
    headers = await _setup(env)
    scope = (await _get(env, "/client-scopes", headers))[0]["id"]
    api = await _client(env, headers, "api", bearerOnly=True)
    unknown_role = await env.http.post(
        f"{REALM}/client-scopes/{scope}/scope-mappings/clients/{api}", headers=headers, json=[{"name": "nope"}]
    )
    assert (unknown_role.status_code, unknown_role.json()) == (404, {"error": "Role not found"})
    unknown_client = await env.http.get(f"{REALM}/client-scopes/{scope}/scope-mappings/clients/nope", headers=headers)
    assert (unknown_client.status_code, unknown_client.json()) == (404, {"error": "Could not find client"})


# --- user queries ------------------------------------------------------------------------------
async def test_field_queries_filter_on_enabled_email_verified_and_attributes(env: Env) -> None:
    headers = await _setup(env)
    await seed_user(env.db, env.clock, "test", "alice", email_verified=True)
    dora = await seed_user(
        env.db, env.clock, "test", "dora", enabled=False, attributes={"team": ["Blue"], "site": ["oslo"]}
    )
    assert [u["username"] for u in await _get(env, "/users", headers, enabled="false")] == ["dora"]
    assert [u["username"] for u in await _get(env, "/users", headers, emailVerified="true")] == ["alice"]
    assert [u["id"] for u in await _get(env, "/users", headers, q="team:blue")] == [dora.id]
    assert [u["id"] for u in await _get(env, "/users", headers, q='team:blue "site":"OSLO"')] == [dora.id]
    assert await _get(env, "/users", headers, q="team:blue site:bergen") == []
    assert await _get(env, "/users", headers, idpAlias="github") == []
    assert await _get(env, "/users", headers, search="dora", enabled="true") == []
    assert await _get(env, "/users/count", headers, enabled="false") == 1


async def test_a_field_query_finds_service_accounts_a_plain_listing_does_not(env: Env) -> None:
    headers = await _setup(env)
    await seed_user(env.db, env.clock, "test", "alice")
    await seed_client(env.db, "test", "robot", service_accounts=True)
    robot_uuid = (await _get(env, "/clients", headers, clientId="robot"))[0]["id"]
    robot = await _get(env, f"/clients/{robot_uuid}/service-account-user", headers)
    found = await _get(env, "/users", headers, username="service-account-robot", exact="true")
    assert [u["id"] for u in found] == [robot["id"]]
    assert [u["username"] for u in await _get(env, "/users", headers)] == ["alice"]
    assert [u["username"] for u in await _get(env, "/users", headers, search="*")] == ["alice"]
    assert await _get(env, "/users/count", headers) == 1


# --- credentials -------------------------------------------------------------------------------
async def test_a_users_credentials_are_listed_without_secret_data_and_deleted(env: Env) -> None:
    headers = await _setup(env)
    await seed_client(env.db, "test", "app")
    user = await seed_user(env.db, env.clock, "test", "user1")
    credentials = await _get(env, f"/users/{user.id}/credentials", headers)
    assert len(credentials) == 1
    password = credentials[0]
    assert password == {
        "id": password["id"],
        "type": "password",
        "createdDate": env.clock.now() * 1000,
        "credentialData": password["credentialData"],
    }
    assert json.loads(password["credentialData"])["algorithm"] == "argon2"

    await _send(env, "DELETE", f"/users/{user.id}/credentials/{password['id']}", headers)
    assert await _get(env, f"/users/{user.id}/credentials", headers) == []
    assert (await password_grant(env.http, "test", "app")).status_code == 400
    again = await env.http.delete(f"{REALM}/users/{user.id}/credentials/{password['id']}", headers=headers)
    assert (again.status_code, again.json()) == (404, {"error": "Credential not found"})


async def test_credentials_need_view_users(env: Env) -> None:
    """Keycloak 22's UserResource.credentials asks requireView (keycloak/keycloak#19587): view-users reads a user's
    credentials (this test pinned manage-users before session 59); query-users alone does not."""
    await _setup(env)
    user = await seed_user(env.db, env.clock, "test", "user1")
    viewer = await realm_admin(env, "viewer", "view-users")
    response = await env.http.get(f"{REALM}/users/{user.id}/credentials", headers=viewer)
    assert response.status_code == 200 and [c["type"] for c in response.json()] == ["password"]
    querier = await realm_admin(env, "querier", "query-users")
    refused = await env.http.get(f"{REALM}/users/{user.id}/credentials", headers=querier)
    assert (refused.status_code, refused.json()) == (403, {"error": "HTTP 403 Forbidden"})
