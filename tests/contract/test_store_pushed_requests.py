"""The pushed authorization request store: kept until it expires, taken once (ParEndpoint's single-use store)."""

from __future__ import annotations

import asyncio

import pytest

from doorkeep.model import PushedRequest
from doorkeep.store.database import Database
from store_factories import add_client, add_realm

pytestmark = pytest.mark.anyio


async def test_a_pushed_request_is_found_until_it_expires_and_taken_once(db: Database) -> None:
    async with db.transaction() as tx:
        realm = await add_realm(tx)
        client = await add_client(tx, realm)
        await tx.pushed_requests.save("id-1", PushedRequest(realm.id, client.id, {"state": "s"}, 1_000), 1_060)
    async with db.transaction(write=False) as tx:
        found = await tx.pushed_requests.find("id-1", 1_059)
        assert found == PushedRequest(realm.id, client.id, {"state": "s"}, 1_000)
        assert await tx.pushed_requests.find("id-1", 1_060) is None  # past its store lifespan
        assert await tx.pushed_requests.find("id-2", 1_000) is None

    async def take() -> bool:
        async with db.transaction() as tx:
            return await tx.pushed_requests.take("id-1")

    assert sorted(await asyncio.gather(take(), take())) == [False, True]  # one of two workers gets it


async def test_expired_pushed_requests_are_purged(db: Database) -> None:
    async with db.transaction() as tx:
        realm = await add_realm(tx)
        client = await add_client(tx, realm)
        await tx.pushed_requests.save("old", PushedRequest(realm.id, client.id, {}, 0), 60)
        await tx.pushed_requests.save("new", PushedRequest(realm.id, client.id, {}, 100), 160)
    async with db.transaction() as tx:
        assert await tx.pushed_requests.purge(100) == 1
    async with db.transaction(write=False) as tx:
        assert await tx.pushed_requests.find("new", 100) is not None
