"""The stored organization invitations on both engines (migration 0036): kept per organization, found by address
without case, filtered and paged in SQL, and gone with their organization or realm; the downgrade drops them."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from doorkeep.organizations.model import Invitation, InvitationFilter, Organization
from doorkeep.store.database import Database
from migration_steps import migrate
from store_factories import add_realm, new_id

pytestmark = pytest.mark.anyio


def _invitation(org: Organization, email: str, first: str | None = None, expires: int = 200) -> Invitation:
    return Invitation(new_id(), org.id, org.realm_id, email, first, None, 100, expires, "http://x/link")


async def test_invitations_are_kept_filtered_and_removed_per_organization(db: Database) -> None:
    async with db.transaction() as tx:
        realm = await add_realm(tx, organizations_enabled=True)
        acme, other = Organization(new_id(), realm.id, "Acme", "acme"), Organization(new_id(), realm.id, "O", "o")
        for org in (acme, other):
            await tx.organizations.save(org, new=True)
        ann, old = _invitation(acme, "ann@x.org", "Ann"), _invitation(acme, "b_%@x.org", expires=50)
        theirs = _invitation(other, "ann@x.org")
        for one in (ann, old, theirs):
            await tx.org_invitations.add(one)
    async with db.transaction() as tx:
        assert await tx.org_invitations.get(acme.id, ann.id) == ann
        assert await tx.org_invitations.get(acme.id, theirs.id) is None  # another organization's
        assert await tx.org_invitations.with_email(acme.id, "ANN@x.org") == [ann]
        every = await tx.org_invitations.find(acme.id, InvitationFilter(), 150, None, None)
        assert [i.id for i in every] == sorted([ann.id, old.id])
        assert await tx.org_invitations.find(acme.id, InvitationFilter(status="EXPIRED"), 150, None, None) == [old]
        assert await tx.org_invitations.find(acme.id, InvitationFilter(status="PENDING"), 150, -1, -1) == [ann]
        assert await tx.org_invitations.find(acme.id, InvitationFilter(search="_%"), 150, 0, 10) == [old]
        assert await tx.org_invitations.find(acme.id, InvitationFilter(first_name="ANN"), 150, 0, 10) == [ann]
        assert len(await tx.org_invitations.find(acme.id, InvitationFilter(), 150, 1, 2**31 - 1)) == 1
        assert await tx.org_invitations.remove(acme.id, [theirs.id]) == 0  # not this organization's
        assert await tx.org_invitations.remove(acme.id, [old.id]) == 1
        await tx.organizations.delete(acme)
    async with db.transaction() as tx:
        assert await tx.org_invitations.count_all() == 1
        await tx.realms.delete(realm.id)
    async with db.transaction() as tx:
        assert await tx.org_invitations.count_all() == 0


async def test_the_downgrade_drops_the_table_and_the_upgrade_makes_it_again(db: Database) -> None:
    async with db.engine.connect() as conn:
        await conn.run_sync(lambda sync: migrate(sync, "0035_organizations", down=True))
        names = await conn.run_sync(lambda sync: sa.inspect(sync).get_table_names())
        assert "organization_invitations" not in names
        await conn.run_sync(lambda sync: migrate(sync, "head"))
        await conn.commit()
    async with db.transaction() as tx:
        assert await tx.org_invitations.count_all() == 0
