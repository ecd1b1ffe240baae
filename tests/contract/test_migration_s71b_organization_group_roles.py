"""Migrations 0055 (roles mapped to organization groups) and 0056 (invitation roles): down to 0054 drops ``organization_group_roles`` and
``organization_group_role_mappings``; up again makes them, and the mappings live and die with their group and role
(foreign keys, cascading). Both engines."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from doorkeep.model import Group, Role
from doorkeep.organizations.model import Organization
from doorkeep.organizations.role_model import OrganizationRole
from doorkeep.store.database import Database
from migration_steps import migrate
from store_factories import add_realm, new_id

pytestmark = pytest.mark.anyio
BEFORE = "0054_organization_roles"
TABLES = {"organization_group_roles", "organization_group_role_mappings"}


async def test_down_and_up_again(db: Database) -> None:
    async with db.engine.connect() as conn:
        await conn.run_sync(lambda sync: migrate(sync, BEFORE, down=True))
        tables = set(await conn.run_sync(lambda sync: sa.inspect(sync).get_table_names()))
        assert not TABLES & tables
        await conn.run_sync(lambda sync: migrate(sync, "head"))
        tables = set(await conn.run_sync(lambda sync: sa.inspect(sync).get_table_names()))
        await conn.commit()
    assert tables >= TABLES


async def test_mappings_follow_their_group_and_role(db: Database) -> None:
    async with db.transaction() as tx:
        realm = await add_realm(tx, organizations_enabled=True)
        org = Organization(new_id(), realm.id, "Acme", "acme")
        await tx.organizations.save(org, new=True)
        group = Group(id=new_id(), realm_id=realm.id, name="team", path="/team")
        await tx.organization_groups.save(org.id, group, new=True)
        org_role = OrganizationRole(id=new_id(), realm_id=realm.id, organization_id=org.id, name="editor")
        await tx.organization_roles.create(org_role)
        realm_role = Role(id=new_id(), realm_id=realm.id, name="payroll")
        await tx.roles.create(realm_role)
        await tx.organization_group_roles.grant(realm.id, group.id, [org_role.id, org_role.id])
        await tx.organization_group_roles.grant_realm_roles(realm.id, group.id, [realm_role.id])
        assert await tx.organization_group_roles.of_organization(org.id) == [(group.id, org_role.id)]
        assert await tx.organization_group_roles.mapped_in_realm(realm.id) == {realm_role.id}
    async with db.transaction() as tx:
        await tx.organization_roles.delete(org_role)
        await tx.roles.delete(realm_role.id)
        assert await tx.organization_group_roles.role_ids(group.id) == set()
        assert await tx.organization_group_roles.realm_role_ids(group.id) == set()


async def test_invitation_roles_down_and_up_again(db: Database) -> None:
    """Migration 0056: ``organization_invitation_roles`` goes down to 0055 and comes back."""
    async with db.engine.connect() as conn:
        await conn.run_sync(lambda sync: migrate(sync, "0055_organization_group_roles", down=True))
        tables = set(await conn.run_sync(lambda sync: sa.inspect(sync).get_table_names()))
        assert "organization_invitation_roles" not in tables
        await conn.run_sync(lambda sync: migrate(sync, "head"))
        tables = set(await conn.run_sync(lambda sync: sa.inspect(sync).get_table_names()))
        await conn.commit()
    assert "organization_invitation_roles" in tables
