"""A rotating refresh's family read with its sessions, under the locks, and written with its touch (issue #8).

ResumeRead.rotating reads the user session, the user, the client session and the token's refresh family in one
statement and locks the three session rows (user session, client session, family: the lock order). The family
is locked, not merely joined: a read that waited for a concurrent rotation's locks must see that rotation's
family, or two presentations of one token would both pass the reuse check. SessionRepo.save_family_touching
writes the family's new state and the forward-only touches (one statement on PostgreSQL), and inserts a family
whose row is missing.
"""

from __future__ import annotations

import asyncio
import dataclasses

import anyio
import pytest

from doorkeep.model import Client, RefreshFamily, Role, User, UserSession
from doorkeep.store.database import Database
from pg import some_backend_waits_for_a_lock
from store_factories import add_client, add_client_session, add_family, add_realm, add_user, add_user_session, new_id

pytestmark = pytest.mark.anyio

TASKS = 5


async def _session(db: Database) -> tuple[UserSession, User, Client, RefreshFamily]:
    async with db.transaction() as tx:
        realm = await add_realm(tx)
        client, user = await add_client(tx, realm), await add_user(tx, realm)
        role = Role(new_id(), realm.id, "reader")
        await tx.roles.create(role)
        await tx.users.grant_roles(user.id, [role.id])
        session = await add_user_session(tx, user, offline=True, started=1000, last_refresh=1000)
        cs = await add_client_session(tx, session, client, started=1000)
        family = await add_family(tx, cs)
    return session, user, client, family


async def test_the_rotating_read_gives_what_the_one_by_one_reads_give(db: Database) -> None:
    session, user, client, family = await _session(db)
    async with db.transaction() as tx:
        found = await tx.resume.rotating(session.id, True, user.id, client.id, family.reuse_key)
        assert found == (
            await tx.sessions.get_user_session(session.id, True),
            await tx.users.get(user.id),
            await tx.sessions.get_client_session(session.id, True, client.id),
            family,
        )
        assert len(await tx.users.role_ids(user.id)) == 1


async def test_a_missing_row_of_the_four_finds_nothing(db: Database) -> None:
    session, user, client, family = await _session(db)
    async with db.transaction() as tx:
        assert await tx.resume.rotating(session.id, True, user.id, client.id, "another-family") is None
        assert await tx.resume.rotating(session.id, False, user.id, client.id, family.reuse_key) is None
        assert await tx.resume.rotating(session.id, True, new_id(), client.id, family.reuse_key) is None
        assert await tx.resume.rotating(session.id, True, user.id, new_id(), family.reuse_key) is None
        # the sessions are still there: the caller reads them as before, then the family (none: a fresh one)
        assert await tx.resume.session_user_client(session.id, True, user.id, client.id, lock=True) is not None


async def test_concurrent_rotations_through_the_read_never_lose_a_use(db: Database) -> None:
    session, user, client, family = await _session(db)

    async def rotate(at: int) -> None:
        async with db.transaction() as tx:
            found = await tx.resume.rotating(session.id, True, user.id, client.id, family.reuse_key)
            assert found is not None
            fam = found[3]
            await anyio.sleep(0.01)  # widen the window a lost update would need
            new = dataclasses.replace(fam, use_count=fam.use_count + 1)
            await tx.sessions.save_family_touching(session.id, True, client.id, new, at, client=True, user=True)

    async with anyio.create_task_group() as tg:
        for at in range(2000, 2000 + TASKS):
            tg.start_soon(rotate, at)
    async with db.transaction(write=False) as tx:
        final = await tx.sessions.get_family(session.id, True, client.id, family.reuse_key)
        us = await tx.sessions.get_user_session(session.id, True)
        cs = await tx.sessions.get_client_session(session.id, True, client.id)
    assert final is not None and final.use_count == TASKS
    assert us is not None and cs is not None
    assert (us.last_session_refresh, cs.timestamp) == (2000 + TASKS - 1,) * 2  # the newest, never rewound


@pytest.mark.parametrize(("client", "user"), [(True, True), (True, False), (False, True), (False, False)])
async def test_the_family_is_written_with_forward_only_touches(db: Database, client: bool, user: bool) -> None:
    session, _, app, family = await _session(db)
    rotated = dataclasses.replace(family, current_jti="jti-1", use_count=1, last_refresh=2000, latest_jti="jti-2")
    async with db.transaction() as tx:
        await tx.sessions.save_family_touching(session.id, True, app.id, rotated, 2000, client=client, user=user)
    async with db.transaction() as tx:  # an older touch moves only what the first left behind, never back
        await tx.sessions.save_family_touching(session.id, True, app.id, rotated, 1500, client=True, user=True)
    async with db.transaction(write=False) as tx:
        us = await tx.sessions.get_user_session(session.id, True)
        cs = await tx.sessions.get_client_session(session.id, True, app.id)
        assert await tx.sessions.get_family(session.id, True, app.id, family.reuse_key) == rotated
    assert us is not None and cs is not None
    assert (us.last_session_refresh, cs.timestamp) == (2000 if user else 1500, 2000 if client else 1500)


@pytest.mark.parametrize("touch", [True, False])
async def test_a_missing_family_is_inserted(db: Database, touch: bool) -> None:
    session, _, app, _ = await _session(db)
    fresh = RefreshFamily("", "jti-1", 1, 2000, "jti-2", latest_iat=2000, latest_exp=None)
    async with db.transaction() as tx:
        await tx.sessions.save_family_touching(session.id, True, app.id, fresh, 2000, client=touch, user=touch)
    async with db.transaction(write=False) as tx:
        assert await tx.sessions.get_family(session.id, True, app.id, "") == fresh
        us = await tx.sessions.get_user_session(session.id, True)
    assert us is not None and us.last_session_refresh == (2000 if touch else 1000)


@pytest.mark.postgres
@pytest.mark.parametrize("new_second", [True, False])
async def test_a_read_that_waited_for_a_rotation_sees_its_family(postgres_url: str, new_second: bool) -> None:
    """PostgreSQL: a row lock's waiter re-reads the rows it locks, and only those, at their newest version; the
    family joined but not locked would be the one before the rotation that held the locks (both would pass)."""
    db = Database(postgres_url, pool_size=3)
    try:
        await db.migrate()
        session, user, app, family = await _session(db)
        rotated = dataclasses.replace(family, current_jti="jti-1", use_count=1, latest_jti="jti-2")
        at = 2000 if new_second else 1000  # in the same second the sessions' rows are not written at all
        async with db.transaction() as first:
            assert await first.resume.rotating(session.id, True, user.id, app.id, family.reuse_key) is not None

            async def second() -> RefreshFamily | None:
                async with db.transaction() as tx:
                    found = await tx.resume.rotating(session.id, True, user.id, app.id, family.reuse_key)
                return None if found is None else found[3]

            waiting = asyncio.create_task(second())
            await some_backend_waits_for_a_lock(postgres_url)
            touch = new_second
            await first.sessions.save_family_touching(session.id, True, app.id, rotated, at, client=touch, user=touch)
        assert await asyncio.wait_for(waiting, 30) == rotated
    finally:
        await db.dispose()
