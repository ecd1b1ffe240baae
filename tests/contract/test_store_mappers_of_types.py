"""MapperRepo.of_types: a realm's protocol mappers of the given types, clients' and client scopes' alike, with
their owner's id (doorkeep.admin.mapper_targets reads the role-handing ones)."""

from __future__ import annotations

import pytest

from doorkeep.model import ClientScope, ProtocolMapper
from doorkeep.store.database import Database
from store_factories import add_client, add_realm, new_id

pytestmark = pytest.mark.anyio
HARDCODED = "oidc-hardcoded-role-mapper"


def mapper(kind: str, name: str) -> ProtocolMapper:
    return ProtocolMapper(id=new_id(), name=name, mapper=kind, config={"role": name})


async def test_only_the_realms_mappers_of_those_types_with_their_owners(db: Database) -> None:
    async with db.transaction() as tx:
        realm, other = await add_realm(tx, "one"), await add_realm(tx, "two")
        client, elsewhere = await add_client(tx, realm, "app"), await add_client(tx, other, "app")
        scope = ClientScope(id=new_id(), realm_id=realm.id, name="extra")
        await tx.scopes.create(scope)
        wanted_client, wanted_scope = mapper(HARDCODED, "a"), mapper(HARDCODED, "b")
        await tx.mappers.add_many(
            realm.id, client.id, [wanted_client, mapper("oidc-audience-mapper", "c")], client=True
        )
        await tx.mappers.add(realm.id, scope.id, wanted_scope, client=False)
        await tx.mappers.add(other.id, elsewhere.id, mapper(HARDCODED, "d"), client=True)
    async with db.transaction() as tx:
        found = await tx.mappers.of_types(realm.id, [HARDCODED])
    assert sorted((owner, m.name) for owner, m in found) == sorted([(client.id, "a"), (scope.id, "b")])
    async with db.transaction() as tx:
        assert await tx.mappers.of_types(realm.id, ["oidc-role-name-mapper"]) == []
