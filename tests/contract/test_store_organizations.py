"""The organization store on both engines: what it keeps, the one owner of a domain, and what goes with a user or
a realm."""

from __future__ import annotations

import dataclasses

import anyio
import pytest

from doorkeep.model import Group
from doorkeep.organizations.model import UNMANAGED, Domain, Organization, internal_group_id
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
        assert await tx.organizations.domain_owners(realm.id, ["acme.org"]) == {"acme.org": [org.id]}
        assert [u.username for u, _ in await tx.organizations.members(org.id)] == ["alice"]
        assert [o.id for o in await tx.organizations.of_user(alice.id)] == [org.id]
        await tx.users.delete(alice.id)
    async with db.transaction() as tx:
        assert await tx.organizations.count_members(org.id) == 0
        await tx.realms.delete(realm.id)
    async with db.transaction() as tx:
        assert await tx.organizations.count_all() == 0


async def test_a_domain_claimed_by_two_organizations_of_a_realm_is_one_domain_row(db: Database) -> None:
    """Keycloak 26.8: several organizations claim one domain of the realm (one DOMAIN row, two ORG_DOMAIN rows);
    the realm never holds two domains of one name, and each realm has its own."""
    async with db.transaction() as tx:
        realm = await add_realm(tx)
        other = await add_realm(tx, "other")
        shared = (Domain("acme.org"),)
        a = Organization(new_id(), realm.id, "a", "a", domains=shared)
        b = Organization(new_id(), realm.id, "b", "b", domains=shared)
        await tx.organizations.save(a, new=True)
        await tx.organizations.save(Organization(new_id(), other.id, "a", "a", domains=shared), new=True)  # other realm
        await tx.organizations.save(b, new=True)
    async with db.transaction() as tx:
        assert await tx.organizations.domain_owners(realm.id, ["acme.org"]) == {"acme.org": sorted([a.id, b.id])}
        assert [d.name for d in await tx.domains.list(realm.id, None, 0, None)] == ["acme.org"]
        assert not await tx.domains.create(realm.id, Domain("acme.org"))
    async with db.transaction() as tx:
        await tx.organizations.save(dataclasses.replace(a, domains=()), new=False)  # b still claims it: it stays
        assert await tx.domains.get(realm.id, "acme.org") == Domain("acme.org")
        await tx.organizations.delete(b)  # its last claimant gone, the domain goes
        assert await tx.domains.get(realm.id, "acme.org") is None
        assert await tx.domains.get(other.id, "acme.org") is not None


async def test_a_membership_added_twice_at_once_is_one_row_and_no_error(db: Database) -> None:
    """Two invitation links of one user confirmed together: the second ``add_member`` reads before the first commits
    (PostgreSQL; SQLite's one writer waits), then meets the first's row only at the key. It answers False, as
    for a member already, instead of a duplicate-key failure."""
    async with db.transaction() as tx:
        realm = await add_realm(tx, organizations_enabled=True)
        alice = await add_user(tx, realm)
        org = Organization(new_id(), realm.id, "Acme", "acme")
        await tx.organizations.save(org, new=True)
    first_added = anyio.Event()
    added: list[bool] = []

    async def first() -> None:
        async with db.transaction() as tx:
            added.append(await tx.organizations.add_member(org, alice.id, UNMANAGED))
            first_added.set()
            await anyio.sleep(0.2)  # uncommitted while the second reads and inserts

    async def second() -> None:
        await first_added.wait()
        async with db.transaction() as tx:
            added.append(await tx.organizations.add_member(org, alice.id, UNMANAGED))

    async with anyio.create_task_group() as tg:
        tg.start_soon(first)
        tg.start_soon(second)
    assert added == [True, False]
    async with db.transaction(write=False) as tx:
        assert [u.username for u, _ in await tx.organizations.members(org.id)] == ["alice"]


async def test_whether_an_id_is_an_organization_group_is_the_old_scan_of_every_organization(db: Database) -> None:
    """``is_organization_group`` (one query) answers as the scan it replaced did: an id is refused in a realm when
    one of the realm's organizations holds it as a group or as its internal group (derived from its id), among many
    organizations of two realms."""
    async with db.transaction() as tx:
        realm, other = await add_realm(tx), await add_realm(tx, "other")
        orgs = [Organization(new_id(), r.id, f"o{i}", f"o{i}") for i in range(120) for r in (realm, other)]
        groups: dict[str, str] = {}
        for org in orgs:
            await tx.organizations.save(org, new=True)
            if len(groups) < 40:
                made = Group(new_id(), org.realm_id, "team", None, "/team")
                await tx.organization_groups.save(org.id, made, new=True)
                groups[made.id] = org.id
        realm_group = Group(new_id(), realm.id, "plain", None, "/plain")
        await tx.groups.create(realm_group)
    by_id = {o.id: o for o in orgs}
    candidates = [*groups, *(internal_group_id(o.id) for o in orgs), *(o.id for o in orgs), realm_group.id, "nope"]

    def scanned(realm_id: str, group_id: str) -> bool:  # refuse_outside before: every organization's internal id
        held = group_id in groups and by_id[groups[group_id]].realm_id == realm_id
        return held or any(internal_group_id(o.id) == group_id for o in orgs if o.realm_id == realm_id)

    async with db.transaction() as tx:
        for realm_id in (realm.id, other.id):
            for group_id in candidates:
                found = await tx.organization_groups.is_organization_group(realm_id, group_id)
                assert found == scanned(realm_id, group_id), (realm_id, group_id)
    assert sum(scanned(realm.id, g) for g in candidates) == 120 + 20  # both kinds were asked about


async def test_a_members_group_ids_are_those_of_one_organization_directly(db: Database) -> None:
    """``ids_of_member``: the groups the user is directly in (not their parents), only the asked organization's."""
    async with db.transaction() as tx:
        realm = await add_realm(tx, organizations_enabled=True)
        alice, bob = await add_user(tx, realm), await add_user(tx, realm, "bob")
        org, other = Organization(new_id(), realm.id, "a", "a"), Organization(new_id(), realm.id, "b", "b")
        top = Group(new_id(), realm.id, "top", None, "/top")
        child = Group(new_id(), realm.id, "child", top.id, "/top/child")
        theirs = Group(new_id(), realm.id, "theirs", None, "/theirs")
        for o, groups in ((org, (top, child)), (other, (theirs,))):
            await tx.organizations.save(o, new=True)
            for g in groups:
                await tx.organization_groups.save(o.id, g, new=True)
        assert await tx.organization_groups.join(child, alice.id)
        assert await tx.organization_groups.join(theirs, alice.id)
        assert await tx.organization_groups.join(top, bob.id)
    async with db.transaction() as tx:
        assert await tx.organization_groups.ids_of_member(org.id, alice.id) == {child.id}
        assert await tx.organization_groups.ids_of_member(other.id, alice.id) == {theirs.id}
        assert await tx.organization_groups.ids_of_member(org.id, bob.id) == {top.id}
        assert await tx.organization_groups.ids_of_member(other.id, bob.id) == set()
