"""The organization role store on both engines: names are unique per organization, apart from realm and client
roles of the same name; an organization's roles, their composites and mappings go with the organization, a member's
mappings with the membership."""

from __future__ import annotations

import pytest
from sqlalchemy.exc import IntegrityError

from doorkeep.model import Role
from doorkeep.organizations.model import UNMANAGED, Organization
from doorkeep.organizations.role_model import OrganizationRole
from doorkeep.store.database import Database
from store_factories import add_realm, add_user, new_id

pytestmark = pytest.mark.anyio


def _role(org: Organization, name: str) -> OrganizationRole:
    return OrganizationRole(new_id(), org.realm_id, org.id, name)


async def test_roles_of_an_organization_stay_apart_and_go_with_it(db: Database) -> None:
    async with db.transaction() as tx:
        realm = await add_realm(tx, organizations_enabled=True)
        alice = await add_user(tx, realm)
        acme, other = Organization(new_id(), realm.id, "Acme", "acme"), Organization(new_id(), realm.id, "O", "o")
        for org in (acme, other):
            await tx.organizations.save(org, new=True)
        shared, child, elsewhere = _role(acme, "shared"), _role(acme, "child"), _role(other, "shared")
        for role in (shared, child, elsewhere):
            await tx.organization_roles.create(role)
        realm_role = Role(new_id(), realm.id, "shared")
        await tx.roles.create(realm_role)
        await tx.organization_roles.add_composites(shared, [realm_role.id], [child.id])
        await tx.organizations.add_member(acme, alice.id, UNMANAGED)
        await tx.organization_roles.map_users(shared, [alice.id])
    async with db.transaction() as tx:
        assert [r.name for r in await tx.organization_roles.of_organization(acme.id)] == [
            "child",
            "default-roles-org-acme",
            "shared",
        ]
        assert await tx.organization_roles.count(acme.id, "SHA") == 1
        assert [r.id for r in await tx.roles.list_realm_roles(realm.id) if r.name == "shared"] == [realm_role.id]
        assert await tx.roles.get(shared.id) is None
        assert await tx.organization_roles.get(acme.id, elsewhere.id) is None
        nested, org_nested = await tx.organization_roles.composites(shared.id)
        assert [r.id for r in nested] == [realm_role.id] and [r.id for r in org_nested] == [child.id]
        assert await tx.organization_roles.expand([shared.id]) == ({shared.id, child.id}, {realm_role.id})
        assert await tx.organization_roles.anchoring([realm_role.id])
        assert [r.id for r in await tx.organization_roles.mapped_to(acme.id, alice.id)] == [shared.id]
        await tx.organizations.remove_member(acme, alice.id)
    async with db.transaction() as tx:
        assert await tx.organization_roles.mapped_to(acme.id, alice.id) == []
        await tx.organizations.delete(acme)
    async with db.transaction() as tx:
        assert await tx.organization_roles.count(acme.id) == 0
        assert [r.name for r in await tx.organization_roles.of_organization(other.id)] == [
            "default-roles-org-o",
            "shared",
        ]
        assert await tx.roles.get(realm_role.id) is not None
        kept = _role(other, "kept")
        await tx.organization_roles.create(kept)
        bob = await add_user(tx, realm, "bob")
        await tx.organizations.add_member(other, bob.id, UNMANAGED)
        await tx.organization_roles.map_users(kept, [bob.id])
        await tx.users.delete(bob.id)
    async with db.transaction() as tx:
        assert await tx.organization_roles.holders(kept) == []
        await tx.realms.delete(realm.id)
    async with db.transaction() as tx:
        assert await tx.organization_roles.count(other.id) == 0


async def test_a_name_is_taken_once_per_organization(db: Database) -> None:
    async with db.transaction() as tx:
        realm = await add_realm(tx, organizations_enabled=True)
        acme = Organization(new_id(), realm.id, "Acme", "acme")
        await tx.organizations.save(org := acme, new=True)
        await tx.organization_roles.create(_role(org, "one"))
    with pytest.raises(IntegrityError):
        async with db.transaction() as tx:
            await tx.organization_roles.create(_role(acme, "one"))
