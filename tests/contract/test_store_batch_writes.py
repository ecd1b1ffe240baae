"""The store's batch writes (one statement for many rows, as a new realm's ~140 rows are written): roles, protocol
mappers, role composites and scope mappings, a realm's default scopes and its registration policies. Each stores
what the one-row writes would, leaves the rest as it was, and a bad row in a batch writes none of it."""

from __future__ import annotations

import pytest
from sqlalchemy.exc import IntegrityError

from doorkeep.clientreg import policy_components
from doorkeep.model import ClientScope, ProtocolMapper, Role
from doorkeep.store.database import Database
from store_factories import add_client, add_realm, new_id

pytestmark = pytest.mark.anyio


def _mapper(name: str) -> ProtocolMapper:
    config = {"claim.name": name, "access.token.claim": "true"}
    return ProtocolMapper(id=new_id(), name=name, mapper="oidc-hardcoded-claim-mapper", config=config)


async def test_roles_made_together_read_as_made_one_by_one(db: Database) -> None:
    async with db.transaction() as tx:
        realm = await add_realm(tx)
        client = await add_client(tx, realm)
        made = [
            Role(id=new_id(), realm_id=realm.id, name="b", description="B", attributes={"k": ["v"]}),
            Role(id=new_id(), realm_id=realm.id, name="a"),
            Role(id=new_id(), realm_id=realm.id, name="c", client_id=client.id, description="${role_c}"),
        ]
        await tx.roles.create_many(made)
        await tx.roles.create_many([])
    async with db.transaction() as tx:
        assert [await tx.roles.get(role.id) for role in made] == made
        assert [r.name for r in await tx.roles.list_realm_roles(realm.id)] == ["a", "b"]
        assert await tx.roles.list_client_roles(client.id) == [made[2]]


async def test_a_batch_with_a_taken_role_name_writes_nothing(db: Database) -> None:
    async with db.transaction() as tx:
        realm = await add_realm(tx)
        await tx.roles.create(Role(id=new_id(), realm_id=realm.id, name="taken"))
    with pytest.raises(IntegrityError):
        async with db.transaction() as tx:
            fresh = Role(id=new_id(), realm_id=realm.id, name="fresh")
            await tx.roles.create_many([fresh, Role(id=new_id(), realm_id=realm.id, name="taken")])
    async with db.transaction() as tx:
        assert [r.name for r in await tx.roles.list_realm_roles(realm.id)] == ["taken"]


async def test_composites_and_scope_mappings_added_together_skip_what_is_there_and_the_role_itself(
    db: Database,
) -> None:
    async with db.transaction() as tx:
        realm = await add_realm(tx)
        client = await add_client(tx, realm)
        parent, a, b = (Role(id=new_id(), realm_id=realm.id, name=n) for n in ("parent", "a", "b"))
        await tx.roles.create_many([parent, a, b])
        await tx.roles.add_composites(parent.id, [a.id])
        await tx.roles.add_composites(parent.id, [a.id, b.id, b.id, parent.id])
        await tx.roles.add_scope_mappings(client.id, [a.id])
        await tx.roles.add_scope_mappings(client.id, [b.id, a.id, b.id])
    async with db.transaction() as tx:
        assert sorted(r.name for r in await tx.roles.composites(parent.id)) == ["a", "b"]
        assert sorted(r.name for r in await tx.roles.scope_mappings(client.id)) == ["a", "b"]


async def test_mappers_added_together_belong_to_their_scope_only(db: Database) -> None:
    async with db.transaction() as tx:
        realm = await add_realm(tx)
        mappers = (_mapper("one"), _mapper("two"), _mapper("three"))
        scope = ClientScope(id=new_id(), realm_id=realm.id, name="batch", protocol_mappers=mappers)
        other = ClientScope(id=new_id(), realm_id=realm.id, name="other")
        await tx.scopes.create(scope)
        await tx.scopes.create(other)
    async with db.transaction() as tx:
        found = await tx.scopes.get(scope.id)
        assert found is not None and sorted(found.protocol_mappers, key=lambda m: m.name) == sorted(
            mappers, key=lambda m: m.name
        )
        empty = await tx.scopes.get(other.id)
        assert empty is not None and empty.protocol_mappers == ()


async def test_default_scopes_set_together_replace_each_scope_s_kind_and_keep_the_others(db: Database) -> None:
    async with db.transaction() as tx:
        realm = await add_realm(tx)
        scopes = [ClientScope(id=new_id(), realm_id=realm.id, name=n) for n in ("s1", "s2", "s3", "s4")]
        for scope in scopes:
            await tx.scopes.create(scope)
        await tx.realms.set_default_scopes(realm.id, [(scopes[0].id, True), (scopes[1].id, False)])
        await tx.realms.set_default_scope(realm.id, scopes[2].id, True)
        # s1 turns optional, s2 default; s3 untouched; s4 added
        await tx.realms.set_default_scopes(
            realm.id, [(scopes[0].id, False), (scopes[1].id, True), (scopes[3].id, False)]
        )
        await tx.realms.set_default_scopes(realm.id, [])
    async with db.transaction() as tx:
        links = dict(await tx.realms.default_scope_links(realm.id))
        assert links == {scopes[0].id: False, scopes[1].id: True, scopes[2].id: True, scopes[3].id: False}
        await tx.realms.remove_default_scopes(realm.id, [scopes[0].id, scopes[2].id])
        await tx.realms.remove_default_scopes(realm.id, [])
    async with db.transaction() as tx:
        assert dict(await tx.realms.default_scope_links(realm.id)) == {scopes[1].id: True, scopes[3].id: False}


async def test_registration_policies_added_together_come_after_the_realm_s_others_in_order(db: Database) -> None:
    async with db.transaction() as tx:
        realm = await add_realm(tx)
        other = await add_realm(tx, "other")
        first, *rest = policy_components.defaults(realm.id)
        await tx.registration_policies.add(first)
        await tx.registration_policies.add_many(realm.id, rest)
        await tx.registration_policies.add_many(other.id, policy_components.defaults(other.id)[:2])
        await tx.registration_policies.add_many(realm.id, [])
    async with db.transaction() as tx:
        assert [p.id for p in await tx.registration_policies.list(realm.id)] == [first.id, *(p.id for p in rest)]
        assert len(await tx.registration_policies.list(other.id)) == 2
