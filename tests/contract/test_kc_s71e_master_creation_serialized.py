"""A server's first start and ``bootstrap-admin`` on the same empty PostgreSQL database at the same moment: each
creation of master waits for the other's transaction (RealmRepo.serialize_creation), so the second finds the master
the first committed instead of failing at the realms' unique index with a duplicate key.

Keycloak's boot runs its master creation (ApplianceBootstrap) under the global lock GlobalLockProvider's
KEYCLOAK_BOOT names, for the server and the command alike. The outcomes are those of the two run one after the other: the server first, its
bootstrap admin and the command's temporary admin; the command first, its temporary admin only (master exists when
the server looks, so the server creates no admin). SQLite's writers are serial already.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from doorkeep.realms import bootstrap, temporary_admin
from doorkeep.store.database import Database
from pg import some_backend_waits_for_a_lock

pytestmark = [pytest.mark.anyio, pytest.mark.postgres]
NOW = 1_800_000_000


@pytest.fixture
async def empty(postgres_url: str) -> AsyncIterator[Database]:
    db = Database(postgres_url, pool_size=3)
    try:
        await db.migrate()
        yield db
    finally:
        await db.dispose()


async def _server_start(db: Database) -> bool:
    async with db.transaction() as tx:
        return await bootstrap.ensure_master(tx, NOW, "admin", "Admin-pw-1")


async def _command(db: Database) -> str:
    async with db.transaction() as tx:
        return await temporary_admin.create_user(tx, NOW, "rescuer", "Rescue-pw-1")


async def _master_state(db: Database) -> tuple[int, list[str]]:
    async with db.transaction(write=False) as tx:
        realms = [r for r in await tx.realms.list() if r.name == "master"]
        users = await tx.users.search(realms[0].id) if realms else []
        return len(realms), sorted(u.username for u in users)


async def test_bootstrap_admin_while_the_first_start_creates_master_adds_its_admin_to_that_master(
    empty: Database, postgres_url: str
) -> None:
    async with empty.transaction() as tx:
        assert await bootstrap.ensure_master(tx, NOW, "admin", "Admin-pw-1")
        command = asyncio.create_task(_command(empty))
        await some_backend_waits_for_a_lock(postgres_url)  # the command waits for the first start to end
    assert await asyncio.wait_for(command, 20) == "rescuer"
    assert await _master_state(empty) == (1, ["admin", "rescuer"])


async def test_a_first_start_while_bootstrap_admin_creates_master_finds_it_and_adds_no_admin(
    empty: Database, postgres_url: str
) -> None:
    async with empty.transaction() as tx:
        assert await temporary_admin.create_user(tx, NOW, "rescuer", "Rescue-pw-1") == "rescuer"
        start = asyncio.create_task(_server_start(empty))
        await some_backend_waits_for_a_lock(postgres_url)
    assert await asyncio.wait_for(start, 20) is False
    assert await _master_state(empty) == (1, ["rescuer"])


async def test_two_first_starts_at_once_create_master_once(empty: Database, postgres_url: str) -> None:
    """Two nodes started on one empty database: the second finds the first's master."""
    async with empty.transaction() as tx:
        assert await bootstrap.ensure_master(tx, NOW, "admin", "Admin-pw-1")
        second = asyncio.create_task(_server_start(empty))
        await some_backend_waits_for_a_lock(postgres_url)
    assert await asyncio.wait_for(second, 20) is False
    assert await _master_state(empty) == (1, ["admin"])
