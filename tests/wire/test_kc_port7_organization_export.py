"""Keycloak's OrganizationExportTest (organization/exportimport/): each test names its Java method. The realm is
exported as a realm file and imported back after it is deleted (ExportUtils / RepresentationToModel through
``POST /admin/realms``)."""

from __future__ import annotations

from typing import Any

import pytest

from broker_support import served, signs_in_by_hint
from doorkeep.realms.exportimport.export import realm_representation
from flow_builder import admin
from wire_env import Env

pytestmark = pytest.mark.anyio
REALM = "/admin/realms/test"
ORGS = f"{REALM}/organizations"


async def _exported(env: Env) -> dict[str, Any]:
    async with env.db.transaction() as tx:
        found = await tx.realms.get_by_name("test")
        assert found is not None
        return await realm_representation(tx, found, users=True)


async def _export_remove_import(env: Env) -> dict[str, Any]:
    """exportRemoveImportRealm: the realm file, the realm deleted and made again from it; its representation."""
    rep = await _exported(env)
    await admin(env, "DELETE", REALM, status=204)
    env.forget_admin_token()
    await admin(env, "POST", "/admin/realms", rep, 201)
    found: dict[str, Any] = (await admin(env, "GET", REALM, status=200)).json()
    return found


async def _list(env: Env, path: str) -> Any:
    return (await admin(env, "GET", path, status=200)).json()


async def test_export(env: Env) -> None:
    """testExport: ids, names, aliases, descriptions, redirect URLs, attributes, unmanaged and managed members and
    the organization's groups with their ids and members come back; the managed member signs in through the
    organization's provider again; the browser and first broker login flows keep their organization steps."""
    async with served(env) as broker:
        await admin(env, "PUT", REALM, {"organizationsEnabled": True}, 204)
        body = {
            "name": "org-0",
            "alias": "org-0",
            "description": "org-0 is a test organization!",
            "redirectUrl": "https://0.0.0.0:8080",
            "attributes": {"key": ["value1", "value2"]},
            "domains": [{"name": "org-0.org"}, {"name": "example.org"}],  # alice's: Keycloak 26.8's domain gate
        }
        org = (await admin(env, "POST", ORGS, body, 201)).headers["location"].rsplit("/", 1)[1]
        await broker.add_provider(organizationId=org)
        dept = (await admin(env, "POST", f"{ORGS}/{org}/groups", {"name": "Department-0"}, 201)).json()["id"]
        dev = (await admin(env, "POST", f"{ORGS}/{org}/groups/{dept}/children", {"name": "Development-0"}, 201)).json()
        for j in range(2):
            made = await admin(env, "POST", f"{REALM}/users", {"username": f"realmuser-{j}@org-0.org"}, 201)
            await admin(env, "POST", f"{ORGS}/{org}/members", made.headers["location"].rsplit("/", 1)[1], 201)
        await signs_in_by_hint(broker)
        members = {m["username"]: m for m in await _list(env, f"{ORGS}/{org}/members?first=-1&max=-1")}
        assert members["alice"]["membershipType"] == "MANAGED"
        await admin(env, "PUT", f"{ORGS}/{org}/groups/{dept}/members/{members['alice']['id']}", status=204)

        imported = await _export_remove_import(env)
        assert imported["organizationsEnabled"] is True
        [brief] = await _list(env, f"{ORGS}?first=-1&max=-1")
        assert (brief["id"], brief["name"], brief["alias"]) == (org, "org-0", "org-0")
        assert (brief["description"], brief["redirectUrl"]) == (body["description"], body["redirectUrl"])
        full = await _list(env, f"{ORGS}/{org}")
        assert {k: sorted(v) for k, v in full["attributes"].items()} == {"key": ["value1", "value2"]}
        kinds = {m["username"]: m["membershipType"] for m in await _list(env, f"{ORGS}/{org}/members?first=-1&max=-1")}
        assert kinds == {"realmuser-0@org-0.org": "UNMANAGED", "realmuser-1@org-0.org": "UNMANAGED", "alice": "MANAGED"}
        [top] = await _list(env, f"{ORGS}/{org}/groups?briefRepresentation=true")
        assert (top["id"], top["name"]) == (dept, "Department-0")
        [sub] = await _list(env, f"{ORGS}/{org}/groups/{dept}/children")
        assert (sub["id"], sub["name"]) == (dev["id"], "Development-0")
        assert [m["username"] for m in await _list(env, f"{ORGS}/{org}/groups/{dept}/members")] == ["alice"]
        await signs_in_by_hint(broker)
        browser_steps = await _list(env, f"{REALM}/authentication/flows/browser/executions")
        assert [e["displayName"] for e in browser_steps].count("Organization") == 1
        first = await _list(env, f"{REALM}/authentication/flows/first%20broker%20login/executions")
        assert [e["displayName"] for e in first].count("First Broker Login - Conditional Organization") == 1


async def test_export_import_empty_org(realm: Env) -> None:
    """testExportImportEmptyOrg: an organization without members comes back."""
    await admin(realm, "PUT", REALM, {"organizationsEnabled": True}, 204)
    await admin(realm, "POST", ORGS, {"name": "acme", "alias": "acme", "domains": [{"name": "acme.com"}]}, 201)
    assert (await _export_remove_import(realm))["organizationsEnabled"] is True
    assert [o["name"] for o in await _list(realm, f"{ORGS}?first=-1&max=-1")] == ["acme"]


@pytest.mark.parametrize(("groups_and_roles", "clients"), [(False, False), (True, False), (True, True), (False, True)])
async def test_partial_export(realm: Env, groups_and_roles: bool, clients: bool) -> None:
    """testPartialExport: a partial export has no organizations and no provider names one; its parts go back through
    partialImport (409: they exist already)."""
    await admin(realm, "PUT", REALM, {"organizationsEnabled": True}, 204)
    org = (await admin(realm, "POST", ORGS, {"name": "neworg", "domains": [{"name": "neworg.org"}]}, 201)).headers
    org_id = org["location"].rsplit("/", 1)[1]
    broker = {
        "alias": "neworg-identity-provider",
        "providerId": "oidc",
        "organizationId": org_id,
        "config": {"clientId": "c", "authorizationUrl": "https://i.example/a", "tokenUrl": "https://i.example/t"},
    }
    await admin(realm, "POST", f"{REALM}/identity-provider/instances", broker, 201)
    query = f"exportGroupsAndRoles={str(groups_and_roles).lower()}&exportClients={str(clients).lower()}"
    export = (await admin(realm, "POST", f"{REALM}/partial-export?{query}", status=200)).json()
    assert not export.get("organizations")
    assert all(p.get("organizationId") is None for p in export.get("identityProviders") or [])
    parts = ("users", "clients", "roles", "identityProviders", "groups")
    body = {k: export[k] for k in parts if export.get(k) is not None}
    # the Java test closes partialImport's answer unread: the default policy (FAIL) meets the provider (and the
    # clients) that exist already
    imported = await admin(realm, "POST", f"{REALM}/partialImport", body)
    assert imported.status_code == 409 and "already exists" in imported.json()["errorMessage"], imported.text
