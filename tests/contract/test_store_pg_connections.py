"""PostgreSQL: the database keeps its connections between transactions itself (store/database.py).

Each transaction takes the connection given back last, or a new one; a connection is kept only when
its transaction ended cleanly, at most ``pool_size`` of them; one lost connection drops every kept one;
``dispose`` closes them. Backends are told apart by ``pg_backend_pid()`` and counted in
``pg_stat_activity``, and a lost connection is a backend ended by ``pg_terminate_backend``.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator

import asyncpg
import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

from doorkeep import observe
from doorkeep.store.database import Database
from doorkeep.store.tx import Tx
from waiting import polling

pytestmark = [pytest.mark.anyio, pytest.mark.postgres]


@pytest.fixture
async def database(postgres_url: str) -> AsyncIterator[Database]:
    db = Database(postgres_url, pool_size=3)
    try:
        await db.migrate()
        yield db
    finally:
        await db.dispose()


async def backend(tx: Tx) -> int:
    return int((await tx.realms._c.execute(text("SELECT pg_backend_pid()"))).scalar_one())


async def backends_of(url: str) -> set[int]:
    """The backends connected to the test's database, other than the asking one."""
    parts = make_url(url)
    conn = await asyncpg.connect(
        host=parts.host, port=parts.port, user=parts.username, password=parts.password, database=parts.database
    )
    try:
        rows = await conn.fetch(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        return {int(row["pid"]) for row in rows}
    finally:
        await conn.close()


async def terminate(url: str, pids: set[int]) -> None:
    parts = make_url(url)
    conn = await asyncpg.connect(
        host=parts.host, port=parts.port, user=parts.username, password=parts.password, database=parts.database
    )
    try:
        for pid in pids:
            await conn.execute("SELECT pg_terminate_backend($1)", pid)
        async for _ in polling():  # the backends are gone once pg_stat_activity no longer lists them
            rows = await conn.fetch("SELECT pid FROM pg_stat_activity WHERE pid = ANY($1::int[])", list(pids))
            if not rows:
                return
        raise AssertionError("the backends did not end")
    finally:
        await conn.close()


async def all_inside(tasks: list[asyncio.Task[None]], inside: list[int], count: int) -> None:
    """Wait until ``count`` transactions have reported their backend; a task that failed first raises
    its error here, and a wait beyond the polling deadline fails instead of hanging the suite."""
    async for _ in polling():
        for task in tasks:
            error = task.exception() if task.done() else None
            if error is not None:
                raise error
        if len(inside) >= count:
            return
    raise AssertionError(f"{len(inside)} of {count} transactions began")


async def overlapping(db: Database, count: int) -> list[int]:
    """``count`` transactions open at once; their backends."""
    release = asyncio.Event()
    pids: list[int] = []

    async def one() -> None:
        async with db.transaction() as tx:
            pids.append(await backend(tx))
            await release.wait()

    tasks = [asyncio.create_task(one()) for _ in range(count)]
    await all_inside(tasks, pids, count)
    release.set()
    await asyncio.gather(*tasks)
    return pids


async def test_transactions_one_after_another_use_one_connection(database: Database, postgres_url: str) -> None:
    seen = set()
    for write in (True, False, True, False):
        async with database.transaction(write=write) as tx:
            seen.add(await backend(tx))
    assert len(seen) == 1
    assert await backends_of(postgres_url) == seen


async def test_overlapping_transactions_get_their_own_and_no_more_than_the_pool_size_stays(
    database: Database, postgres_url: str
) -> None:
    pids = await overlapping(database, 5)
    assert len(set(pids)) == 5
    kept = await backends_of(postgres_url)
    assert len(kept) == 3 and kept <= set(pids)  # pool_size 3 (2 kept by the database, 1 by its pool)
    async with database.transaction() as tx:
        assert await backend(tx) in kept


async def test_a_failed_transaction_is_rolled_back_and_its_connection_starts_the_next_cleanly(
    database: Database,
) -> None:
    async with database.transaction() as tx:
        await tx.realms._c.execute(text("CREATE TABLE probe (note TEXT)"))
        first = await backend(tx)
    with pytest.raises(RuntimeError):
        async with database.transaction() as tx:
            await tx.realms._c.execute(text("INSERT INTO probe VALUES ('never committed')"))
            raise RuntimeError("the request failed")
    with pytest.raises(DBAPIError):  # a statement error aborts the transaction: it must not leak
        async with database.transaction() as tx:
            await tx.realms._c.execute(text("INSERT INTO probe VALUES ('then an error')"))
            await tx.realms._c.execute(text("SELECT 1 / 0"))
    async with database.transaction() as tx:
        assert await backend(tx) == first
        assert (await tx.realms._c.execute(text("SELECT count(*) FROM probe"))).scalar_one() == 0
        await tx.realms._c.execute(text("INSERT INTO probe VALUES ('committed')"))
    async with database.transaction(write=False) as tx:
        assert [r[0] for r in await tx.realms._c.execute(text("SELECT note FROM probe"))] == ["committed"]


async def test_a_lost_connection_fails_one_transaction_and_drops_every_kept_one(
    database: Database, postgres_url: str
) -> None:
    """The server ended every backend (a restart, a failover): one transaction fails, not one per
    kept connection, and the next ones get new connections."""
    before = set(await overlapping(database, 3))
    assert await backends_of(postgres_url) == before
    await terminate(postgres_url, before)
    with pytest.raises(DBAPIError):
        async with database.transaction() as tx:
            await backend(tx)
    for _ in range(4):
        async with database.transaction() as tx:
            assert await backend(tx) not in before
    assert len(await backends_of(postgres_url)) == 1


async def test_dispose_closes_the_kept_connections(database: Database, postgres_url: str) -> None:
    await overlapping(database, 3)
    assert len(await backends_of(postgres_url)) == 3
    await database.dispose()
    async for _ in polling():
        if not await backends_of(postgres_url):
            return
    raise AssertionError("connections still open after dispose")


class Counting(observe.Observer):
    def __init__(self) -> None:
        self.in_use = 0
        self.seen: list[int] = []

    def connections_in_use(self, change: int) -> None:
        self.in_use += change
        self.seen.append(self.in_use)


@pytest.fixture
def counting() -> Iterator[Counting]:
    saved = observe.current()
    observer = Counting()
    observe.install(observer)
    try:
        yield observer
    finally:
        observe.install(saved)


async def test_connections_in_use_count_transactions_not_kept_connections(
    database: Database, counting: Counting
) -> None:
    await overlapping(database, 3)
    assert max(counting.seen) == 3 and counting.in_use == 0  # three kept, none in use
    with pytest.raises(RuntimeError):
        async with database.transaction():
            assert counting.in_use == 1
            raise RuntimeError("failed")
    assert counting.in_use == 0


async def test_a_connection_asyncpg_still_holds_in_a_transaction_is_closed_not_kept(
    database: Database, postgres_url: str
) -> None:
    """SQLAlchemy's transaction ended but asyncpg's did not (as a task cancelled during its COMMIT can
    leave it): the connection is not kept, and what it held open is rolled back."""
    async with database.transaction() as tx:
        await tx.realms._c.execute(text("CREATE TABLE probe (note TEXT)"))
    conn = await database.engine.connect()
    adapted = conn.sync_connection.connection.dbapi_connection  # type: ignore[union-attr]
    driver = adapted.driver_connection  # type: ignore[union-attr]
    await driver.execute("BEGIN")
    await driver.execute("INSERT INTO probe VALUES ('left open')")
    pid = driver.get_server_pid()
    assert not conn.in_transaction() and driver.is_in_transaction()
    kept_before = list(database.kept.idle)
    await database.kept.give_back(conn)
    assert database.kept.idle == kept_before and conn.closed
    async for _ in polling():  # ended: its backend goes, and its insert with it
        if pid not in await backends_of(postgres_url):
            break
    else:
        raise AssertionError("the connection's backend is still there")
    async with database.transaction(write=False) as tx:
        assert (await tx.realms._c.execute(text("SELECT count(*) FROM probe"))).scalar_one() == 0


async def test_no_more_than_twice_the_pool_size_are_open_and_a_transaction_beyond_waits(
    postgres_url: str,
) -> None:
    """The bound on open connections is what it was before connections were kept: 2 × pool_size. Kept
    connections count toward it (they are open); a transaction beyond it waits for one to be given back."""
    db = Database(postgres_url, pool_size=2)
    try:
        await db.migrate()
        release = asyncio.Event()
        inside: list[int] = []

        async def holding() -> None:
            async with db.transaction() as tx:
                inside.append(await backend(tx))
                await release.wait()

        holders = [asyncio.create_task(holding()) for _ in range(4)]
        await all_inside(holders, inside, 4)
        late = asyncio.create_task(holding())
        await asyncio.sleep(0.3)
        assert len(inside) == 4 and not late.done()  # the fifth waits for a connection
        assert len(await backends_of(postgres_url)) == 4
        release.set()
        await asyncio.gather(*holders, late)
        assert len(inside) == 5 and inside[4] in inside[:4]  # it got one of the four
        assert len(await backends_of(postgres_url)) <= 2  # one kept by the database, one by its pool
    finally:
        await db.dispose()
