"""Keycloak's OrganizationRoleExportImportTest (main after 26.8.0, organization/exportimport): a realm file carries each
organization's roles, their composites, its default role and the members' organization role mappings; an import
makes them again, and one whose organization roles do not resolve fails whole, leaving no realm behind."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from doorkeep.realms.exportimport.export import realm_representation
from org_groups import member, organization
from org_invitations import ORGS
from org_role_claims import REALM, post, realm_role
from wire_env import Env

pytestmark = pytest.mark.anyio


async def get(env: Env, path: str, realm: str = "test", **params: Any) -> Any:
    found = await env.http.get(
        path.replace("/realms/test", f"/realms/{realm}"), params=params, headers=await env.admin_headers()
    )
    assert found.status_code == 200, found.text
    return found.json()


async def _export(env: Env) -> dict[str, Any]:
    async with env.db.transaction() as tx:
        found = await tx.realms.get_by_name("test")
        assert found is not None
        return await realm_representation(tx, found, users=True)


async def test_preserve_organization_roles_across_realm_export_import(realm: Env) -> None:
    """shouldPreserveOrganizationRolesAcrossRealmExportImport: the file has the default role nesting project-admin, a
    realm and a client role, project-admin (its id, description, attributes) among the roles, the member's
    organizationRoles without the default role, and no organization role among the realm's roles, their composites
    or the users' mappings; after deleting the realm and importing the file, the same roles, composites and member."""
    env = realm
    org = await organization(env, "acme")
    user = await member(env, org, "role-member", "role-member@acme.org")
    role = await realm_role(env, "export-realm-role")
    made = await post(env, f"{REALM}/clients", {"clientId": "export-client", "enabled": True})
    client_uuid = made.headers["location"].rsplit("/", 1)[1]
    await post(env, f"{REALM}/clients/{client_uuid}/roles", {"name": "export-client-role"})
    client_role = await get(env, f"{REALM}/clients/{client_uuid}/roles/export-client-role")
    custom = {"name": "project-admin", "description": "Exported organization role", "attributes": {"tier": ["admin"]}}
    created = await post(env, f"{ORGS}/{org}/roles", custom)
    custom_id = created.headers["location"].rsplit("/", 1)[1]
    default = await get(env, f"{ORGS}/{org}/roles/default")
    await post(env, f"{ORGS}/{org}/roles/{default['id']}/composites", [{"id": custom_id}, role, client_role])
    await post(env, f"{ORGS}/{org}/roles/{custom_id}/users", [{"id": user}])

    rep = await _export(env)
    [exported] = [o for o in rep["organizations"] if o["alias"] == "acme"]
    assert exported["defaultRole"]["name"] == "default-roles-org-acme"
    by_name = {r["name"]: r for r in exported["roles"]}
    assert set(by_name) == {"default-roles-org-acme", "project-admin"}
    assert by_name["project-admin"]["id"] == custom_id
    assert by_name["default-roles-org-acme"]["composites"] == {
        "organization": ["project-admin"],
        "realm": ["export-realm-role"],
        "client": {"export-client": ["export-client-role"]},
    }
    [exported_member] = [m for m in exported["members"] if m["username"] == "role-member"]
    assert exported_member["organizationRoles"] == ["project-admin"]
    generic = list(rep["roles"]["realm"]) + [r for roles in rep["roles"].get("client", {}).values() for r in roles]
    assert all(not (r.get("composites") or {}).get("organization") for r in generic)
    for u in rep.get("users", []):
        assert not {"default-roles-org-acme", "project-admin"} & set(u.get("realmRoles", []))

    h = await env.admin_headers()
    assert (await env.http.delete("/admin/realms/test", headers=h)).status_code == 204
    assert (await env.http.post("/admin/realms", json=rep, headers=h)).status_code == 201
    [imported] = [o for o in await get(env, ORGS, first=-1, max=-1) if o["alias"] == "acme"]
    base = f"{ORGS}/{imported['id']}/roles"
    imported_default = await get(env, f"{base}/default")
    assert imported_default["name"] == "default-roles-org-acme"
    roles = await get(env, base, briefRepresentation="false")
    assert sorted(r["name"] for r in roles) == ["default-roles-org-acme", "project-admin"]
    [imported_custom] = [r for r in roles if r["name"] == "project-admin"]
    assert imported_custom["id"] == custom_id
    assert imported_custom["description"] == "Exported organization role"
    assert imported_custom["attributes"]["tier"] == ["admin"]
    composites = await get(env, f"{base}/{imported_default['id']}/composites")
    assert sorted(c["name"] for c in composites) == ["export-client-role", "export-realm-role", "project-admin"]
    holders = await get(env, f"{base}/{custom_id}/users")
    assert [u["username"] for u in holders] == ["role-member"]


def _realm(variant: str) -> dict[str, Any]:
    """importRealm: a realm with organizations on, the user import-member and the organization import-org."""
    return {
        "realm": f"organization-role-import-{variant}",
        "enabled": True,
        "organizationsEnabled": True,
        "users": [{"username": "import-member", "enabled": True}],
        "organizations": [{"id": "import-org-id", "name": "import-org", "alias": "import-org"}],
    }


async def test_valid_import_with_custom_default_roles(realm: Env) -> None:
    """shouldValidateOrganizationRoleImportsAtomically, its valid part: a defaultRole named member (a listed role,
    with attributes and an organization composite) becomes the default role, a role named like a generated default
    is an ordinary one; an organization whose defaultRole is not among its roles gets it made."""
    env = realm
    rep = _realm("valid")
    org = rep["organizations"][0]
    custom_default = {
        "id": "custom-default-id",
        "name": "member",
        "attributes": {"tier": ["base"]},
        "composites": {"organization": ["viewer"]},
    }
    org["roles"] = [{"id": "generated-default-id", "name": "default-roles-org-import-org"}, custom_default]
    org["roles"].append({"id": "viewer-id", "name": "viewer"})
    org["defaultRole"] = custom_default
    org["members"] = [{"username": "import-member", "membershipType": "UNMANAGED", "organizationRoles": ["viewer"]}]
    other: dict[str, Any] = {"id": "default-only-org-id", "name": "default-only-org", "alias": "default-only-org"}
    other["roles"] = [{"id": "default-only-viewer-id", "name": "viewer"}]
    other["defaultRole"] = {"name": "member", "composites": {"organization": ["viewer"]}}
    rep["organizations"].append(other)
    h = await env.admin_headers()
    assert (await env.http.post("/admin/realms", json=rep, headers=h)).status_code == 201
    name = rep["realm"]
    orgs = {o["alias"]: o["id"] for o in await get(env, ORGS, realm=name, first=-1, max=-1)}
    base = f"{ORGS}/{orgs['import-org']}/roles"
    default = await get(env, f"{base}/default", realm=name)
    assert default["name"] == "member" and default["attributes"]["tier"] == ["base"]
    names = sorted(r["name"] for r in await get(env, base, realm=name))
    assert names == ["default-roles-org-import-org", "member", "viewer"]
    assert [c["name"] for c in await get(env, f"{base}/{default['id']}/composites", realm=name)] == ["viewer"]
    viewer = next(r for r in await get(env, base, realm=name) if r["name"] == "viewer")
    assert [u["username"] for u in await get(env, f"{base}/{viewer['id']}/users", realm=name)] == ["import-member"]
    only = f"{ORGS}/{orgs['default-only-org']}/roles"
    only_default = await get(env, f"{only}/default", realm=name)
    assert only_default["name"] == "member"
    assert sorted(r["name"] for r in await get(env, only, realm=name)) == ["member", "viewer"]
    assert [c["name"] for c in await get(env, f"{only}/{only_default['id']}/composites", realm=name)] == ["viewer"]
    assert await get(env, f"{ORGS}/{orgs['default-only-org']}/members", realm=name) == []


def _role(role_id: str, name: str, **extra: Any) -> dict[str, Any]:
    return {"id": role_id, "name": name, **extra}


def _cross_organization(rep: dict[str, Any]) -> None:
    foreign = {"id": "foreign-org-id", "name": "foreign-org", "alias": "foreign-org", "roles": [_role("f", "foreign")]}
    rep["organizations"].append(foreign)
    rep["organizations"][0]["roles"] = [_role("role-id", "member", composites={"organization": ["foreign"]})]


def _generic_client(rep: dict[str, Any]) -> None:
    rep["clients"] = [{"id": "generic-client-id", "clientId": "generic-client", "enabled": True}]
    role = _role("client-role-id", "client-role", composites={"organization": ["organization-role"]})
    rep["roles"] = {"client": {"generic-client": [role]}}


def _first(**changes: Any) -> Callable[[dict[str, Any]], None]:
    def change(rep: dict[str, Any]) -> None:
        rep["organizations"][0].update(changes)

    return change


INVALID: dict[str, Callable[[dict[str, Any]], None]] = {
    "unnamed-role": _first(roles=[{}]),
    "missing-organization-composite": _first(roles=[_role("role-id", "member", composites={"organization": ["x"]})]),
    "cross-organization-composite": _cross_organization,
    "missing-realm-composite": _first(roles=[_role("role-id", "member", composites={"realm": ["missing"]})]),
    "missing-client-composite": _first(
        roles=[_role("role-id", "member", composites={"client": {"missing-client": ["missing-role"]}})]
    ),
    "missing-member": _first(
        members=[{"username": "missing-member", "organizationRoles": ["default-roles-org-import-org"]}]
    ),
    "missing-member-role": _first(members=[{"username": "import-member", "organizationRoles": ["missing-role"]}]),
    "generic-organization-composite": lambda rep: rep.update(
        roles={"realm": [_role("realm-role-id", "realm-role", composites={"organization": ["organization-role"]})]}
    ),
    "generic-client-organization-composite": _generic_client,
}


@pytest.mark.parametrize("variant", sorted(INVALID))
async def test_invalid_imports_fail_whole(realm: Env, variant: str) -> None:
    """shouldValidateOrganizationRoleImportsAtomically, its invalid variants: each import answers an error (>= 400)
    and leaves no realm."""
    env = realm
    rep = _realm(variant)
    INVALID[variant](rep)
    h = await env.admin_headers()
    answer = await env.http.post("/admin/realms", json=rep, headers=h)
    assert answer.status_code >= 400, answer.text
    assert (await env.http.get(f"/admin/realms/{rep['realm']}", headers=h)).status_code == 404


async def test_admin_composite_in_a_file_fails(realm: Env) -> None:
    """No organization role of a file may nest an admin role (OrganizationsValidation, as through the REST API)."""
    env = realm
    rep = _realm("admin-composite")
    rep["organizations"][0]["roles"] = [
        _role("r", "member", composites={"client": {"realm-management": ["manage-users"]}})
    ]
    h = await env.admin_headers()
    assert (await env.http.post("/admin/realms", json=rep, headers=h)).status_code >= 400
    assert (await env.http.get(f"/admin/realms/{rep['realm']}", headers=h)).status_code == 404


async def test_group_role_mappings_survive_export_and_import(realm: Env) -> None:
    """The organization groups' role mappings ride in the file with the groups (``realmRoles``, ``clientRoles``,
    and Doorkeep's ``organizationRoles``) and are mapped again on import; a group mapped to the default role or an
    admin role in a file fails the import."""
    env = realm
    org = await organization(env, "acme")
    team = (await post(env, f"{ORGS}/{org}/groups", {"name": "team"})).json()["id"]
    sub = (await post(env, f"{ORGS}/{org}/groups/{team}/children", {"name": "sub"})).json()["id"]
    role = await realm_role(env, "team-realm-role")
    editor_id = (await post(env, f"{ORGS}/{org}/roles", {"name": "editor"})).headers["location"].rsplit("/", 1)[1]
    await post(env, f"{ORGS}/{org}/groups/{team}/role-mappings/realm", [role])
    await post(env, f"{ORGS}/{org}/groups/{sub}/role-mappings/organizations", [{"id": editor_id}])
    rep = await _export(env)
    [exported] = rep["organizations"]
    [team_rep] = exported["groups"]
    assert team_rep["realmRoles"] == ["team-realm-role"]
    assert team_rep["subGroups"][0]["organizationRoles"] == ["editor"]
    h = await env.admin_headers()
    assert (await env.http.delete("/admin/realms/test", headers=h)).status_code == 204
    assert (await env.http.post("/admin/realms", json=rep, headers=h)).status_code == 201
    base = f"{ORGS}/{org}/groups"
    assert [r["name"] for r in await get(env, f"{base}/{team}/role-mappings/realm")] == ["team-realm-role"]
    assert [r["name"] for r in await get(env, f"{base}/{sub}/role-mappings/organizations")] == ["editor"]

    bad = _realm("group-default-role")
    bad["organizations"][0]["groups"] = [{"name": "g", "organizationRoles": ["default-roles-org-import-org"]}]
    assert (await env.http.post("/admin/realms", json=bad, headers=h)).status_code >= 400
    admin = _realm("group-admin-role")
    admin["organizations"][0]["groups"] = [{"name": "g", "clientRoles": {"realm-management": ["realm-admin"]}}]
    assert (await env.http.post("/admin/realms", json=admin, headers=h)).status_code >= 400
    for name in (bad["realm"], admin["realm"]):
        assert (await env.http.get(f"/admin/realms/{name}", headers=h)).status_code == 404
