"""``partial-export`` for each combination of ``exportGroupsAndRoles`` and ``exportClients``, as Keycloak 26's
PartialExportTest.testExport checks it (ExportUtils.exportRealm with RealmAdminResource.partialExport's
ExportOptions): client scopes' scope mappings always, clients' only with the clients, client roles only with
both, no empty ``defaultGroups``, and service accounts without credentials."""

from __future__ import annotations

from typing import Any

import pytest

from admin_support import DEMO, client_uuid, demo_realm, role_ref
from wire_env import Env

pytestmark = pytest.mark.anyio

URL = f"{DEMO}/partial-export"
SETUP = {
    "clients": [
        {"clientId": "test-app", "secret": "s1", "fullScopeAllowed": False},
        {"clientId": "svc", "secret": "s2", "serviceAccountsEnabled": True, "publicClient": False},
    ],
    "roles": {"realm": [{"name": "user"}], "client": {"svc": [{"name": "svc-role"}]}},
    "groups": [{"name": "grp"}],
}


async def _setup(env: Env) -> dict[str, str]:
    await demo_realm(env)
    headers = await env.admin_headers()
    assert (await env.http.post(f"{DEMO}/partialImport", json=SETUP, headers=headers)).status_code == 200
    app = await client_uuid(env, "demo", "test-app")
    scope = f"{DEMO}/clients/{app}/scope-mappings"
    user_role = [await role_ref(env, "demo", "user")]
    assert (await env.http.post(f"{scope}/realm", json=user_role, headers=headers)).status_code == 204
    svc = await client_uuid(env, "demo", "svc")
    svc_role = [await role_ref(env, "demo", "svc-role", "svc")]
    assert (await env.http.post(f"{scope}/clients/{svc}", json=svc_role, headers=headers)).status_code == 204
    account = (await env.http.get(f"{DEMO}/clients/{svc}/service-account-user", headers=headers)).json()
    granted = await env.http.post(f"{DEMO}/users/{account['id']}/role-mappings/realm", json=user_role, headers=headers)
    assert granted.status_code == 204
    return headers


async def _export(env: Env, headers: dict[str, str], groups_and_roles: bool, clients: bool) -> dict[str, Any]:
    params = {"exportGroupsAndRoles": str(groups_and_roles).lower(), "exportClients": str(clients).lower()}
    response = await env.http.post(URL, params=params, headers=headers)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def _scope_owners(rep: dict[str, Any]) -> set[tuple[str, str]]:
    return {
        ("clientScope", m["clientScope"]) if "clientScope" in m else ("client", m["client"])
        for m in rep["scopeMappings"]
    }


async def test_nothing_asked_keeps_the_client_scopes_scope_mappings_only(env: Env) -> None:
    headers = await _setup(env)
    rep = await _export(env, headers, False, False)
    assert not {"users", "defaultGroups", "groups", "roles", "clients", "clientScopeMappings"} & set(rep)
    assert rep["scopeMappings"] == [{"clientScope": "offline_access", "roles": ["offline_access"]}]
    assert rep["defaultRole"]["name"] == "default-roles-demo"


async def test_groups_and_roles_alone_have_realm_roles_and_no_client_roles(env: Env) -> None:
    headers = await _setup(env)
    rep = await _export(env, headers, True, False)
    assert not {"users", "defaultGroups", "clients", "clientScopeMappings"} & set(rep)
    assert [g["name"] for g in rep["groups"]] == ["grp"]
    assert "user" in {r["name"] for r in rep["roles"]["realm"]}
    assert "client" not in rep["roles"]
    assert _scope_owners(rep) == {("clientScope", "offline_access")}


async def test_clients_alone_bring_their_scope_mappings_and_a_bare_service_account(env: Env) -> None:
    headers = await _setup(env)
    rep = await _export(env, headers, False, True)
    assert not {"defaultGroups", "groups", "roles"} & set(rep)
    assert {"test-app", "svc"} <= {c["clientId"] for c in rep["clients"]}
    assert {("clientScope", "offline_access"), ("client", "test-app")} <= _scope_owners(rep)
    assert {"client": "test-app", "roles": ["svc-role"]} in rep["clientScopeMappings"]["svc"]
    [account] = rep["users"]
    assert account["username"] == "service-account-svc"
    assert not {"credentials", "realmRoles", "clientRoles", "groups"} & set(account)


async def test_both_bring_client_roles_and_the_service_accounts_roles(env: Env) -> None:
    headers = await _setup(env)
    rep = await _export(env, headers, True, True)
    assert "defaultGroups" not in rep
    assert [r["name"] for r in rep["roles"]["client"]["svc"]] == ["svc-role"]
    assert {("clientScope", "offline_access"), ("client", "test-app")} <= _scope_owners(rep)
    [account] = rep["users"]
    assert "credentials" not in account
    assert "user" in account["realmRoles"]


async def test_a_default_group_is_listed_whatever_is_asked(env: Env) -> None:
    headers = await _setup(env)
    groups = (await env.http.get(f"{DEMO}/groups", headers=headers)).json()
    grp = next(g["id"] for g in groups if g["name"] == "grp")
    assert (await env.http.put(f"{DEMO}/default-groups/{grp}", headers=headers)).status_code == 204
    for groups_and_roles in (False, True):
        rep = await _export(env, headers, groups_and_roles, False)
        assert rep["defaultGroups"] == ["/grp"]
