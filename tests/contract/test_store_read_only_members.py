"""Read-only organization members on both engines (Keycloak 26's UserStorageManager.validateUser): every read of a
MANAGED member of a disabled organization, or of any organization while the realm's switch is off, says
``read_only`` and ``enabled`` False; the stored ``enabled`` is left as it is and comes back with the organization."""

from __future__ import annotations

import dataclasses

import pytest

from doorkeep.model import User
from doorkeep.organizations.model import MANAGED, UNMANAGED, Organization
from doorkeep.store.database import Database
from doorkeep.store.tx import Tx
from store_factories import add_client, add_client_session, add_realm, add_user, add_user_session, new_id

pytestmark = pytest.mark.anyio


async def _reads(tx: Tx, user: User, org: Organization) -> list[User]:
    """The user as each read of users returns it."""
    found = [
        await tx.users.get(user.id),
        await tx.users.held(user.id),
        await tx.users.get_by_username(user.realm_id, user.username),
        (await tx.users.get_many([user.id]))[user.id],
        *[u for u in await tx.users.search(user.realm_id) if u.id == user.id],
        *[u for u, _ in await tx.organizations.members(org.id) if u.id == user.id],
    ]
    return [u for u in found if u is not None]


async def test_a_managed_member_of_a_disabled_organization_reads_disabled_and_read_only(db: Database) -> None:
    async with db.transaction() as tx:
        realm = await add_realm(tx, organizations_enabled=True)
        managed = await add_user(tx, realm, "managed", email="managed@acme.org")
        unmanaged = await add_user(tx, realm, "unmanaged")
        org = Organization(new_id(), realm.id, "Acme", "acme")
        await tx.organizations.save(org, new=True)
        await tx.organizations.add_member(org, managed.id, MANAGED)
        await tx.organizations.add_member(org, unmanaged.id, UNMANAGED)
    async with db.transaction() as tx:
        assert all(u.enabled and not u.read_only for u in await _reads(tx, managed, org))
        await tx.organizations.save(dataclasses.replace(org, enabled=False), new=False)
    async with db.transaction() as tx:
        reads = await _reads(tx, managed, org)
        assert len(reads) == 6 and all(not u.enabled and u.read_only for u in reads), reads
        assert all(u.enabled and not u.read_only for u in await _reads(tx, unmanaged, org))
        # a write of the read-only user (a new not-before) leaves the stored flag alone
        await tx.users.update(dataclasses.replace(reads[0], not_before=5))
    async with db.transaction() as tx:
        await tx.organizations.save(org, new=False)
    async with db.transaction() as tx:
        back = await tx.users.get(managed.id)
        assert back is not None and back.enabled and not back.read_only and back.not_before == 5


async def test_every_managed_member_reads_disabled_while_the_realm_switch_is_off(db: Database) -> None:
    async with db.transaction() as tx:
        realm = await add_realm(tx, organizations_enabled=True)
        client = await add_client(tx, realm)
        managed = await add_user(tx, realm, "managed")
        org = Organization(new_id(), realm.id, "Acme", "acme")
        await tx.organizations.save(org, new=True)
        await tx.organizations.add_member(org, managed.id, MANAGED)
        session = await add_user_session(tx, managed, offline=True)
        await add_client_session(tx, session, client)
        await tx.realms.update(dataclasses.replace(realm, organizations_enabled=False))
    async with db.transaction() as tx:
        reads = await _reads(tx, managed, org)
        found = await tx.resume.session_user_client(session.id, True, managed.id, client.id, lock=True)
        assert found is not None
        assert all(not u.enabled and u.read_only for u in [*reads, found[1]])
        await tx.realms.update(dataclasses.replace(realm, organizations_enabled=True))
    async with db.transaction() as tx:
        found = await tx.resume.session_user_client(session.id, True, managed.id, client.id, lock=False)
        assert found is not None and found[1].enabled and not found[1].read_only
