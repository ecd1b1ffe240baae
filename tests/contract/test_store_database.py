"""Database: migrations are idempotent, and a transaction commits or writes nothing."""

from __future__ import annotations

import pytest

from doorkeep.store.database import Database, async_url
from store_factories import add_realm

pytestmark = pytest.mark.anyio


async def test_migrating_twice_is_harmless_and_keeps_the_data(db: Database) -> None:
    async with db.transaction() as tx:
        realm = await add_realm(tx)
    await db.migrate()
    await db.migrate()
    async with db.transaction() as tx:
        assert await tx.realms.get(realm.id) == realm


async def test_a_transaction_commits_when_its_block_succeeds(db: Database) -> None:
    async with db.transaction() as tx:
        realm = await add_realm(tx)
    async with db.transaction(write=False) as tx:
        assert await tx.realms.get(realm.id) == realm


async def test_a_transaction_writes_nothing_when_its_block_raises(db: Database) -> None:
    with pytest.raises(RuntimeError, match="boom"):
        async with db.transaction() as tx:
            await add_realm(tx, "ghost")
            raise RuntimeError("boom")
    async with db.transaction() as tx:
        assert await tx.realms.get_by_name("ghost") is None


async def test_a_read_only_transaction_sees_committed_rows_while_a_writer_is_open(db: Database) -> None:
    async with db.transaction() as tx:
        await add_realm(tx, "committed")
    async with db.transaction() as writer:
        await add_realm(writer, "pending")
        async with db.transaction(write=False) as reader:
            assert [r.name for r in await reader.realms.list()] == ["committed"]


def test_async_url_picks_the_async_driver_for_keycloak_style_and_plain_urls() -> None:
    assert async_url("jdbc:postgresql://db:5432/kc") == "postgresql+asyncpg://db:5432/kc"
    assert async_url("postgres://u:p@db/kc") == "postgresql+asyncpg://u:p@db/kc"
    assert async_url("sqlite:///data/doorkeep.db") == "sqlite+doorkeep:///data/doorkeep.db"
    assert async_url("sqlite+aiosqlite:///x.db") == "sqlite+aiosqlite:///x.db"
