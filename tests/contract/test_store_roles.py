"""RoleRepo: realm and client roles, composites (expanded transitively, cycles included) and scope mappings."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest
from sqlalchemy.exc import IntegrityError

from doorkeep.model import Realm, Role
from doorkeep.store.database import Database
from doorkeep.store.tx import Tx
from store_factories import add_client, add_realm, add_user, new_id

pytestmark = pytest.mark.anyio


async def add_role(tx: Tx, realm: Realm, name: str, client_uuid: str | None = None, **kw: Any) -> Role:
    role = Role(id=new_id(), realm_id=realm.id, name=name, client_id=client_uuid, **kw)
    await tx.roles.create(role)
    return role


async def test_a_realm_role_round_trips_description_and_attributes(db: Database) -> None:
    async with db.transaction() as tx:
        realm = await add_realm(tx)
        role = await add_role(
            tx, realm, "admin", description="Administrators", attributes={"level": ["high"], "nested": {"a": 1}}
        )
    async with db.transaction() as tx:
        assert await tx.roles.get(role.id) == role
        assert await tx.roles.get_realm_role(realm.id, "admin") == role
        assert await tx.roles.get_realm_role(realm.id, "other") is None
        assert await tx.roles.get(new_id()) is None


async def test_a_client_role_is_found_through_its_client_and_not_as_a_realm_role(db: Database) -> None:
    async with db.transaction() as tx:
        realm = await add_realm(tx)
        client = await add_client(tx, realm)
        role = await add_role(tx, realm, "viewer", client.id)
    async with db.transaction() as tx:
        assert await tx.roles.get_client_role(client.id, "viewer") == role
        assert await tx.roles.get_realm_role(realm.id, "viewer") is None
        assert await tx.roles.list_client_roles(client.id) == [role]
        assert await tx.roles.list_realm_roles(realm.id) == []


async def test_roles_are_listed_by_name_per_realm_per_client_and_all_together(db: Database) -> None:
    async with db.transaction() as tx:
        realm = await add_realm(tx)
        other = await add_realm(tx, "other")
        client = await add_client(tx, realm)
        user_role = await add_role(tx, realm, "user")
        admin_role = await add_role(tx, realm, "admin")
        manage = await add_role(tx, realm, "manage", client.id)
        create = await add_role(tx, realm, "create", client.id)
        await add_role(tx, other, "elsewhere")
    async with db.transaction() as tx:
        assert await tx.roles.list_realm_roles(realm.id) == [admin_role, user_role]
        assert await tx.roles.list_client_roles(client.id) == [create, manage]
        assert sorted(r.name for r in await tx.roles.list_all(realm.id)) == ["admin", "create", "manage", "user"]
        assert await tx.roles.get_many([user_role.id, manage.id, new_id()]) == [manage, user_role]
        assert await tx.roles.get_many([]) == []


async def test_a_role_update_changes_name_description_and_attributes(db: Database) -> None:
    async with db.transaction() as tx:
        realm = await add_realm(tx)
        role = await add_role(tx, realm, "old")
    changed = dataclasses.replace(role, name="new", description="renamed", attributes={"k": ["v"]})
    async with db.transaction() as tx:
        await tx.roles.update(changed)
    async with db.transaction() as tx:
        assert await tx.roles.get(role.id) == changed
        assert await tx.roles.get_realm_role(realm.id, "old") is None


async def test_a_duplicate_realm_role_name_raises_and_writes_nothing(db: Database) -> None:
    async with db.transaction() as tx:
        realm = await add_realm(tx)
        other = await add_realm(tx, "other")
        await add_role(tx, realm, "admin")
        await add_role(tx, other, "admin")  # another realm may reuse the name
    with pytest.raises(IntegrityError):
        async with db.transaction() as tx:
            await add_role(tx, realm, "innocent")
            await add_role(tx, realm, "admin")
    async with db.transaction() as tx:
        assert [r.name for r in await tx.roles.list_realm_roles(realm.id)] == ["admin"]


async def test_a_duplicate_client_role_name_raises_but_a_realm_role_may_share_it(db: Database) -> None:
    async with db.transaction() as tx:
        realm = await add_realm(tx)
        client = await add_client(tx, realm)
        second = await add_client(tx, realm, "second")
        await add_role(tx, realm, "viewer", client.id)
        await add_role(tx, realm, "viewer", second.id)
        await add_role(tx, realm, "viewer")
    with pytest.raises(IntegrityError):
        async with db.transaction() as tx:
            await add_role(tx, realm, "viewer", client.id)
    async with db.transaction() as tx:
        assert len(await tx.roles.list_client_roles(client.id)) == 1


async def test_composites_are_added_once_never_to_themselves_and_removed(db: Database) -> None:
    async with db.transaction() as tx:
        realm = await add_realm(tx)
        parent = await add_role(tx, realm, "parent")
        a = await add_role(tx, realm, "a")
        b = await add_role(tx, realm, "b")
        await tx.roles.add_composites(parent.id, [a.id, a.id, parent.id])
        await tx.roles.add_composites(parent.id, [a.id, b.id])
    async with db.transaction() as tx:
        assert await tx.roles.composites(parent.id) == [a, b]
        stored = await tx.roles.get(parent.id)
        assert stored is not None and stored.composite is True
        assert (await tx.roles.get_realm_role(realm.id, "a")) == a  # a child is not composite
        await tx.roles.remove_composites(parent.id, [a.id, b.id])
    async with db.transaction() as tx:
        assert await tx.roles.composites(parent.id) == []
        stored = await tx.roles.get(parent.id)
        assert stored is not None and stored.composite is False


async def test_expand_follows_composites_transitively(db: Database) -> None:
    async with db.transaction() as tx:
        realm = await add_realm(tx)
        client = await add_client(tx, realm)
        top, mid, leaf, client_leaf, lonely = (
            await add_role(tx, realm, "top"),
            await add_role(tx, realm, "mid"),
            await add_role(tx, realm, "leaf"),
            await add_role(tx, realm, "cl", client.id),
            await add_role(tx, realm, "lonely"),
        )
        await tx.roles.add_composites(top.id, [mid.id])
        await tx.roles.add_composites(mid.id, [leaf.id, client_leaf.id])
    async with db.transaction() as tx:
        assert await tx.roles.expand([top.id]) == {top.id, mid.id, leaf.id, client_leaf.id}
        assert await tx.roles.expand([mid.id, lonely.id]) == {mid.id, leaf.id, client_leaf.id, lonely.id}
        assert await tx.roles.expand([]) == set()


async def test_expand_terminates_on_a_composite_cycle(db: Database) -> None:
    async with db.transaction() as tx:
        realm = await add_realm(tx)
        a = await add_role(tx, realm, "a")
        b = await add_role(tx, realm, "b")
        c = await add_role(tx, realm, "c")
        await tx.roles.add_composites(a.id, [b.id])
        await tx.roles.add_composites(b.id, [c.id])
        await tx.roles.add_composites(c.id, [a.id])
    async with db.transaction() as tx:
        assert await tx.roles.expand([b.id]) == {a.id, b.id, c.id}


async def test_scope_mappings_are_added_once_listed_removed_and_cleared(db: Database) -> None:
    async with db.transaction() as tx:
        realm = await add_realm(tx)
        client = await add_client(tx, realm)
        scope_owner = new_id()
        x = await add_role(tx, realm, "x")
        y = await add_role(tx, realm, "y", client.id)
        await tx.roles.add_scope_mappings(client.id, [x.id, x.id, y.id])
        await tx.roles.add_scope_mappings(client.id, [x.id])
        await tx.roles.add_scope_mappings(scope_owner, [y.id])
    async with db.transaction() as tx:
        assert await tx.roles.scope_mappings(client.id) == [x, y]
        assert await tx.roles.scope_mapping_ids([client.id, scope_owner]) == {x.id, y.id}
        assert await tx.roles.scope_mapping_ids([scope_owner]) == {y.id}
        assert await tx.roles.scope_mapping_ids([]) == set()
        await tx.roles.remove_scope_mappings(client.id, [x.id])
        assert await tx.roles.scope_mappings(client.id) == [y]
        await tx.roles.delete_scope_mappings_of(client.id)
    async with db.transaction() as tx:
        assert await tx.roles.scope_mappings(client.id) == []
        assert await tx.roles.scope_mappings(scope_owner) == [y]


async def test_deleting_a_role_removes_its_composite_links_scope_mappings_and_user_grants(db: Database) -> None:
    async with db.transaction() as tx:
        realm = await add_realm(tx)
        client = await add_client(tx, realm)
        user = await add_user(tx, realm)
        parent = await add_role(tx, realm, "parent")
        doomed = await add_role(tx, realm, "doomed")
        child = await add_role(tx, realm, "child")
        await tx.roles.add_composites(parent.id, [doomed.id])
        await tx.roles.add_composites(doomed.id, [child.id])
        await tx.roles.add_scope_mappings(client.id, [doomed.id])
        await tx.users.grant_roles(user.id, [doomed.id, child.id])
    async with db.transaction() as tx:
        await tx.roles.delete(doomed.id)
    async with db.transaction() as tx:
        assert await tx.roles.get(doomed.id) is None
        assert await tx.roles.get(child.id) == child
        assert await tx.roles.composites(parent.id) == []
        assert await tx.roles.scope_mappings(client.id) == []
        assert await tx.users.role_ids(user.id) == {child.id}
        assert await tx.roles.expand([parent.id]) == {parent.id}
