"""The organization store on both engines: what it keeps, the one owner of a domain, and what goes with a user or
a realm."""

from __future__ import annotations

import pytest
from sqlalchemy.exc import IntegrityError

from doorkeep.organizations.model import UNMANAGED, Domain, Organization
from doorkeep.store.database import Database
from store_factories import add_realm, add_user, new_id

pytestmark = pytest.mark.anyio


async def test_an_organization_is_stored_with_its_domains_and_members(db: Database) -> None:
    async with db.transaction() as tx:
        realm = await add_realm(tx, organizations_enabled=True)
        alice = await add_user(tx, realm)
        org = Organization(
            new_id(), realm.id, "Acme", "acme", True, "d", None, {"k": ["v"]}, (Domain("acme.org", True),)
        )
        await tx.organizations.save(org, new=True)
        assert await tx.organizations.add_member(org, alice.id, UNMANAGED)
        assert not await tx.organizations.add_member(org, alice.id, UNMANAGED)
    async with db.transaction() as tx:
        assert await tx.organizations.get(realm.id, org.id) == org
        assert await tx.organizations.domain_owner(realm.id, "ACME.org") == org.id
        assert [u.username for u, _ in await tx.organizations.members(org.id)] == ["alice"]
        assert [o.id for o in await tx.organizations.of_user(alice.id)] == [org.id]
        await tx.users.delete(alice.id)
    async with db.transaction() as tx:
        assert await tx.organizations.count_members(org.id) == 0
        await tx.realms.delete(realm.id)
    async with db.transaction() as tx:
        assert await tx.organizations.count_all() == 0


async def test_the_database_refuses_a_domain_held_by_two_organizations_of_a_realm(db: Database) -> None:
    async with db.transaction() as tx:
        realm = await add_realm(tx)
        other = await add_realm(tx, "other")
        shared = (Domain("acme.org"),)
        await tx.organizations.save(Organization(new_id(), realm.id, "a", "a", domains=shared), new=True)
        await tx.organizations.save(Organization(new_id(), other.id, "a", "a", domains=shared), new=True)  # other realm
    with pytest.raises(IntegrityError):
        async with db.transaction() as tx:
            await tx.organizations.save(Organization(new_id(), realm.id, "b", "b", domains=shared), new=True)
