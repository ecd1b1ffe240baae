"""Two organization writes of one realm at once are serialized (OrganizationRepo.serialize_writes): the second
checks names and domains against what the first committed, so a domain both claim gives the second Keycloak's 400
"Domain … is already linked to another organization", never the unique constraint's generic 409 (PostgreSQL; a
SQLite writer holds the database's lock already)."""

from __future__ import annotations

import asyncio

import pytest

from doorkeep.errors import AdminError
from doorkeep.organizations import writes
from doorkeep.store.database import Database
from pg import some_backend_waits_for_a_lock
from store_factories import add_realm

pytestmark = pytest.mark.anyio


@pytest.mark.postgres
async def test_a_domain_claimed_by_two_updates_at_once_is_the_first_ones(postgres_url: str) -> None:
    db = Database(postgres_url, pool_size=3)
    try:
        await db.migrate()
        async with db.transaction() as tx:
            realm = await add_realm(tx)
            acme = await writes.create(tx, realm, {"name": "acme", "domains": [{"name": "acme.org"}]})
            beta = await writes.create(tx, realm, {"name": "beta", "domains": [{"name": "beta.org"}]})
        claim = [{"name": "*.race.example"}]

        async def second() -> AdminError | None:
            try:
                async with db.transaction() as tx:
                    await writes.update(tx, realm, beta, {"name": "beta", "domains": [*claim, {"name": "beta.org"}]})
            except AdminError as refused:
                return refused
            return None

        async with db.transaction() as tx:
            await writes.update(tx, realm, acme, {"name": "acme", "domains": [*claim, {"name": "acme.org"}]})
            waiting = asyncio.create_task(second())
            await some_backend_waits_for_a_lock(postgres_url)  # the second waits for this one to end
        refused = await asyncio.wait_for(waiting, 20)
        assert refused is not None and refused.status == 400
        assert refused.message.startswith("Domain *.race.example is already linked to another organization")
        async with db.transaction(write=False) as tx:
            assert await tx.organizations.domain_owners(realm.id, ["*.race.example"]) == {"*.race.example": [acme.id]}
    finally:
        await db.dispose()
