"""One lock order on PostgreSQL: a realm row is the last lock a writing transaction takes (issue #8).

A configuration change advances ``realms.config_version`` and a user write advances ``realms.user_version``
(triggers of 0015 and 0016). When the configuration change took the realm row first and then cascaded into user
rows (a role's deletion into its mappings, a group's into its memberships) while a user write took its own row
first and then the realm row through its trigger, the two deadlocked and PostgreSQL aborted one. Both now advance
the realm row at commit, so they meet on the user row and one waits for the other.

Each test holds the deleted role's (or group's) row in a third transaction, so that the configuration change
waits in the middle of its work, lets the user write take its row meanwhile, then lets the first one go on: the
interleaving that deadlocked, every time."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable

import pytest
from sqlalchemy import text

from doorkeep.model import Group, Role
from doorkeep.store.database import Database
from doorkeep.store.tx import Tx
from store_factories import add_realm, add_user
from waiting import polling

pytestmark = [pytest.mark.anyio, pytest.mark.postgres]

WAITING = text("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'")


async def lock_waiters(db: Database) -> int:
    async with db.transaction(write=False) as tx:
        return int((await tx.realms._c.execute(WAITING)).scalar() or 0)


async def until(check: Callable[[], Awaitable[bool]], what: str) -> None:
    async for _ in polling():
        if await check():
            return
    raise AssertionError(f"gave up waiting: {what}")


async def versions(db: Database, realm_id: str) -> tuple[int, int]:
    async with db.transaction(write=False) as tx:
        row = (
            await tx.realms._c.execute(
                text("SELECT config_version, user_version FROM realms WHERE id = :id"), {"id": realm_id}
            )
        ).one()
        return int(row[0]), int(row[1])


async def interleave(
    db: Database,
    hold: str,
    config_change: Callable[[Tx], Awaitable[object]],
    user_write: Callable[[Tx], Awaitable[object]],
) -> None:
    """``hold`` (a row lock) in one transaction; ``config_change`` started and left waiting on it; ``user_write``
    started; then the hold released. Both must commit."""
    held = asyncio.Event()
    release = asyncio.Event()

    async def holder() -> None:
        async with db.transaction() as tx:
            await tx.realms._c.execute(text(hold))
            held.set()
            await release.wait()

    async def run(work: Callable[[Tx], Awaitable[object]]) -> None:
        async with db.transaction() as tx:
            await work(tx)

    holding = asyncio.create_task(holder())
    await held.wait()
    changing = asyncio.create_task(run(config_change))
    await until(lambda: _at_least(db, 1), "the configuration change to wait on the held row")
    writing = asyncio.create_task(run(user_write))

    async def user_write_took_its_row() -> bool:  # it finished, or it waits too (on the realm row, before the fix)
        return writing.done() or await lock_waiters(db) >= 2

    await until(user_write_took_its_row, "the user write to take its row")
    release.set()
    outcomes = await asyncio.wait_for(asyncio.gather(holding, changing, writing, return_exceptions=True), 30)
    failed = [o for o in outcomes if isinstance(o, BaseException)]
    assert not failed, failed


async def _at_least(db: Database, waiters: int) -> bool:
    return await lock_waiters(db) >= waiters


@pytest.fixture
async def db(postgres_url: str) -> AsyncIterator[Database]:
    database = Database(postgres_url)
    try:
        await database.migrate()
        yield database
    finally:
        await database.dispose()


async def test_deleting_a_role_while_another_admin_unmaps_it_does_not_deadlock(db: Database) -> None:
    async with db.transaction() as tx:
        realm = await add_realm(tx, "lock-order-roles")
        role = Role(id=str(uuid.uuid4()), realm_id=realm.id, name="auditor")
        await tx.roles.create(role)
        alice = await add_user(tx, realm, "alice")
        await tx.users.grant_roles(alice.id, [role.id])
    before = await versions(db, realm.id)
    await interleave(
        db,
        f"SELECT 1 FROM roles WHERE id = '{role.id}' FOR UPDATE",
        lambda tx: tx.roles.delete(role.id),
        lambda tx: tx.users.revoke_roles(alice.id, [role.id]),
    )
    after = await versions(db, realm.id)
    assert after[0] > before[0] and after[1] > before[1]  # both versions advanced, at their commits
    async with db.transaction(write=False) as tx:
        assert await tx.roles.get(role.id) is None
        assert await tx.users.role_ids(alice.id) == set()


async def test_deleting_a_group_while_another_admin_removes_a_member_does_not_deadlock(db: Database) -> None:
    async with db.transaction() as tx:
        realm = await add_realm(tx, "lock-order-groups")
        group = Group(id=str(uuid.uuid4()), realm_id=realm.id, name="ops", path="/ops")
        await tx.groups.create(group)
        alice = await add_user(tx, realm, "alice")
        await tx.groups.join(alice.id, group.id)
    before = await versions(db, realm.id)
    await interleave(
        db,
        f"SELECT 1 FROM groups WHERE id = '{group.id}' FOR UPDATE",
        lambda tx: tx.groups.delete(group),
        lambda tx: tx.groups.leave(alice.id, group.id),
    )
    after = await versions(db, realm.id)
    assert after[0] > before[0] and after[1] > before[1]


async def test_a_user_write_of_several_statements_and_a_role_deletion_do_not_deadlock(db: Database) -> None:
    """The user write's first statement used to take the realm row at once (its trigger); the role's deletion then
    took the second mapping (cascade) and waited for the realm row at its commit, while the user write waited for
    that mapping. The triggers run at commit now."""
    async with db.transaction() as tx:
        realm = await add_realm(tx, "lock-order-statements")
        first, second = (Role(id=str(uuid.uuid4()), realm_id=realm.id, name=n) for n in ("reader", "writer"))
        await tx.roles.create(first)
        await tx.roles.create(second)
        alice = await add_user(tx, realm, "alice")
        await tx.users.grant_roles(alice.id, [first.id, second.id])
    between = asyncio.Event()
    go_on = asyncio.Event()

    async def user_write() -> None:
        async with db.transaction() as tx:
            await tx.users.revoke_roles(alice.id, [first.id])
            between.set()
            await go_on.wait()
            await tx.users.revoke_roles(alice.id, [second.id])

    async def config_change() -> None:
        async with db.transaction() as tx:
            await tx.roles.delete(second.id)

    writing = asyncio.create_task(user_write())
    await between.wait()
    changing = asyncio.create_task(config_change())

    async def config_change_finished_or_waits() -> bool:
        return changing.done() or await lock_waiters(db) >= 1

    await until(config_change_finished_or_waits, "the role's deletion to finish or to wait")
    go_on.set()
    outcomes = await asyncio.wait_for(asyncio.gather(writing, changing, return_exceptions=True), 30)
    failed = [o for o in outcomes if isinstance(o, BaseException)]
    assert not failed, failed
    async with db.transaction(write=False) as tx:
        assert await tx.users.role_ids(alice.id) == set()
