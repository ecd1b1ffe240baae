"""Organizations in realm files: RealmRepresentation.organizations, exported and imported as Keycloak 26 does."""

from __future__ import annotations

from typing import Any

import pytest

from doorkeep.realms.exportimport.export import realm_representation
from org_groups import group, organization
from support import seed_user
from wire_env import Env

pytestmark = pytest.mark.anyio


async def _exported(env: Env, realm: str, *, users: bool = True) -> dict[str, Any]:
    async with env.db.transaction() as tx:
        found = await tx.realms.get_by_name(realm)
        assert found is not None
        return await realm_representation(tx, found, users=users)


async def test_organizations_and_their_members_survive_an_export_and_import(realm: Env) -> None:
    env = realm
    h = await env.admin_headers()
    assert (await env.http.put("/admin/realms/test", json={"organizationsEnabled": True}, headers=h)).status_code == 204
    body = {"name": "acme", "description": "d", "attributes": {"k": ["v"]}, "domains": [{"name": "acme.org"}]}
    made = await env.http.post("/admin/realms/test/organizations", json=body, headers=h)
    org_id = made.headers["location"].rsplit("/", 1)[1]
    user = await seed_user(env.db, env.clock, "test", "grace")
    assert (
        await env.http.post(f"/admin/realms/test/organizations/{org_id}/members", content=user.id, headers=h)
    ).status_code == 201

    rep = await _exported(env, "test")
    assert rep["organizationsEnabled"] is True
    # Keycloak main after 26.8.0 writes the organization's roles too (test_kc_s71b_organization_role_export_import)
    roles = [{k: o.pop(k) for k in ("roles", "defaultRole")} for o in rep["organizations"]]
    assert [[r["name"] for r in each["roles"]] for each in roles] == [["default-roles-org-acme"]]
    assert [each["defaultRole"]["name"] for each in roles] == ["default-roles-org-acme"]
    assert rep["organizations"] == [
        {
            "id": org_id,
            "name": "acme",
            "alias": "acme",
            "enabled": True,
            "description": "d",
            "attributes": {"k": ["v"]},
            "domains": [{"name": "acme.org", "verified": False, "autoRedirect": False}],
            "members": [{"username": "grace", "membershipType": "UNMANAGED"}],
        }
    ]
    assert "members" not in (await _exported(env, "test", users=False))["organizations"][0]

    copy = {**rep, "realm": "copy", "id": None}
    copy["organizations"] = [{k: v for k, v in o.items() if k != "id"} for o in rep["organizations"]]
    for u in copy["users"]:
        u.pop("id", None)
    imported = await env.http.post("/admin/realms", json=copy, headers=h)
    assert imported.status_code == 201, imported.text
    orgs = (await env.http.get("/admin/realms/copy/organizations", headers=h)).json()
    assert [(o["name"], o["domains"]) for o in orgs] == [
        ("acme", [{"name": "acme.org", "verified": False, "autoRedirect": False}])
    ]
    members = (await env.http.get(f"/admin/realms/copy/organizations/{orgs[0]['id']}/members", headers=h)).json()
    assert [m["username"] for m in members] == ["grace"]


async def test_a_realm_without_organizations_exports_no_key(realm: Env) -> None:
    assert "organizations" not in await _exported(realm, "test")


async def test_deleting_the_realm_deletes_its_organizations(realm: Env) -> None:
    env = realm
    h = await env.admin_headers()
    assert (await env.http.put("/admin/realms/test", json={"organizationsEnabled": True}, headers=h)).status_code == 204
    assert (
        await env.http.post("/admin/realms/test/organizations", json={"name": "acme"}, headers=h)
    ).status_code == 201
    assert (await env.http.delete("/admin/realms/test", headers=h)).status_code == 204
    async with env.db.transaction() as tx:
        assert await tx.organizations.count_all() == 0


async def test_organization_groups_and_their_members_survive_an_export_and_import(realm: Env) -> None:
    """The organization's ``groups`` tree and each member's ``groups`` paths are written and read back; a file naming
    a group no organization group has is refused."""
    env = realm
    h = await env.admin_headers()
    org_id = await organization(env, "acme")
    top = await group(env, org_id, "eng", description="d", attributes={"k": ["v"]})
    child = await group(env, org_id, "backend", parent=top)
    user = await seed_user(env.db, env.clock, "test", "grace")
    assert (
        await env.http.post(f"/admin/realms/test/organizations/{org_id}/members", content=user.id, headers=h)
    ).status_code == 201
    assert (
        await env.http.put(f"/admin/realms/test/organizations/{org_id}/groups/{child}/members/{user.id}", headers=h)
    ).status_code == 204

    rep = await _exported(env, "test")
    (org,) = rep["organizations"]
    assert [
        (g["name"], g["description"], g["attributes"], [s["path"] for s in g["subGroups"]]) for g in org["groups"]
    ] == [("eng", "d", {"k": ["v"]}, ["/eng/backend"])]
    assert org["members"] == [{"username": "grace", "membershipType": "UNMANAGED", "groups": ["/eng/backend"]}]

    copy = {**rep, "realm": "copy", "id": None}
    copy["organizations"] = [{k: v for k, v in o.items() if k != "id"} for o in rep["organizations"]]
    for u in copy["users"]:
        u.pop("id", None)
    assert (await env.http.post("/admin/realms", json=copy, headers=h)).status_code == 201
    (imported,) = (await env.http.get("/admin/realms/copy/organizations", headers=h)).json()
    base = f"/admin/realms/copy/organizations/{imported['id']}/groups"
    found = (await env.http.get(f"{base}/group-by-path/eng/backend", headers=h)).json()
    members = (await env.http.get(f"{base}/{found['id']}/members", headers=h)).json()
    assert found["id"] != child and [m["username"] for m in members] == ["grace"]

    copy["realm"] = "broken"
    copy["organizations"][0]["members"][0]["groups"] = ["/nowhere"]
    refused = await env.http.post("/admin/realms", json=copy, headers=h)
    assert refused.status_code == 400 and "/nowhere" in refused.text
