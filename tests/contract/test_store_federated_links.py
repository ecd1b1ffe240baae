"""FederatedIdentityRepo.users_linked: the users an admin search by ``idpAlias`` / ``idpUserId`` keeps."""

from __future__ import annotations

import pytest

from doorkeep.model import FederatedIdentity
from doorkeep.store.database import Database
from store_factories import add_realm, add_user

pytestmark = pytest.mark.anyio


async def test_users_linked_matches_alias_and_provider_user_id_on_one_link_of_the_realm(db: Database) -> None:
    async with db.transaction() as tx:
        realm = await add_realm(tx)
        other_realm = await add_realm(tx, "other")
        a, b, c = [await add_user(tx, realm, name) for name in ("a", "b", "c")]
        stranger = await add_user(tx, other_realm, "a")
        await tx.federated.add(realm.id, FederatedIdentity(a.id, "idp1", "id-a"))
        await tx.federated.add(realm.id, FederatedIdentity(b.id, "idp1", "common"))
        await tx.federated.add(realm.id, FederatedIdentity(c.id, "idp2", "common"))
        await tx.federated.add(realm.id, FederatedIdentity(c.id, "idp1", "id-c"))
        await tx.federated.add(other_realm.id, FederatedIdentity(stranger.id, "idp1", "common"))
    async with db.transaction() as tx:
        linked = tx.federated.users_linked
        assert await linked(realm.id, "idp1", None) == {a.id, b.id, c.id}
        assert await linked(realm.id, None, "common") == {b.id, c.id}
        assert await linked(realm.id, "idp1", "common") == {b.id}
        assert await linked(realm.id, "idp2", "id-c") == set()  # both on the same link, not on two
        assert await linked(realm.id, "IDP1", None) == set()  # compared exactly
        assert await linked(realm.id, None, None) == {a.id, b.id, c.id}
