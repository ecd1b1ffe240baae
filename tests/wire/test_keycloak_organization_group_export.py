"""The organization-group parts of Keycloak's OrganizationExportTest (testsuite organization/exportimport):
testExport's groups (two top-level groups, two subgroups, a member in three of them) written to the realm file and
read back with their ids, hierarchy and memberships. Its brokered members and flow checks are other classes'
ground (test_organizations_export_import.py); testExportImportEmptyOrg has no group part."""

from __future__ import annotations

import pytest

from doorkeep.realms.exportimport.export import realm_representation
from org_groups import get, group, member, organization, status
from wire_env import Env

pytestmark = pytest.mark.anyio


async def test_export(realm: Env) -> None:
    expected: dict[str, str] = {}
    for i in range(2):
        org = await organization(realm, f"org-{i}", attributes={"key": ["value1", "value2"]})
        dept = await group(realm, org, f"Department-{i}")
        expected |= {
            f"Department-{i}": dept,
            f"Team-{i}": await group(realm, org, f"Team-{i}"),
            f"Development-{i}": await group(realm, org, f"Development-{i}", parent=dept),
            f"QA-{i}": await group(realm, org, f"QA-{i}", parent=dept),
        }
        users = [await member(realm, org, f"realmuser-{j}-{i}", f"realmuser-{j}@org-{i}.org") for j in range(3)]
        for user, name in zip(users, (f"Department-{i}", f"Team-{i}", f"Development-{i}"), strict=True):
            assert await status(realm, "PUT", f"{org}/groups/{expected[name]}/members/{user}") == 204
    async with realm.db.transaction() as tx:
        found = await tx.realms.get_by_name("test")
        assert found is not None
        rep = await realm_representation(tx, found, users=True)
    h = await realm.admin_headers()
    assert (await realm.http.delete("/admin/realms/test", headers=h)).status_code == 204
    assert (await realm.http.post("/admin/realms", json=rep, headers=h)).status_code == 201
    orgs = await get(realm, "", first=-1, max=-1)
    assert len(orgs) == 2
    for org in orgs:
        top = await get(realm, f"{org['id']}/groups", briefRepresentation="true")
        assert sorted(g["name"].split("-")[0] for g in top) == ["Department", "Team"]
        [dept] = [g for g in top if g["name"].startswith("Department-")]
        subs = await get(realm, f"{org['id']}/groups/{dept['id']}/children")
        assert sorted(g["name"].split("-")[0] for g in subs) == ["Development", "QA"]
        for g in [*top, *subs]:
            assert g["id"] == expected[g["name"]]  # validateGroupIds
        for g in [*top, *subs]:
            members = await get(realm, f"{org['id']}/groups/{g['id']}/members")
            assert len(members) == (0 if g["name"].startswith("QA-") else 1)
