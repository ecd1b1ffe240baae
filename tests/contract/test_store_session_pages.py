"""Admin session reads at scale (issue #8): Keycloak's pages at every edge, and exact maintained counts.

The pages come from an index in session-id order (Keycloak's ``ORDER BY sess.userSessionId``), read from
the front or from the back; the counts from triggers on client_sessions minus the few stored sessions
that are no longer live. Each test compares with the plain answer computed here from the rows.
"""

from __future__ import annotations

import dataclasses

import anyio
import pytest

from doorkeep.model import Client, Realm, User
from doorkeep.sessions.liveness import live_filter
from doorkeep.store.database import Database
from store_factories import add_client, add_client_session, add_realm, add_user, add_user_session, new_id

pytestmark = pytest.mark.anyio
NOW = 100_000
REALM = {
    "offline_session_idle_timeout": 2000,
    "offline_session_max_lifespan_enabled": True,
    "offline_session_max_lifespan": 5000,
}


async def _seed(db: Database, count: int, **realm_settings: object) -> tuple[Realm, Client, User, list[str]]:
    async with db.transaction() as tx:
        realm = await add_realm(tx, **(realm_settings or REALM))
        app, other = await add_client(tx, realm), await add_client(tx, realm, "other")
        user = await add_user(tx, realm)
        ids = []
        for number in range(count):
            session = await add_user_session(tx, user, offline=True, started=NOW - 100 - number)
            await add_client_session(tx, session, app, started=NOW - 100 - number)
            ids.append(session.id)
        await add_client_session(tx, await add_user_session(tx, user, offline=True, started=NOW), other, started=NOW)
    return realm, app, user, sorted(ids)


async def _page(db: Database, realm: Realm, app: Client, first: int, max_results: int) -> list[str]:
    live = live_filter(realm, [app], True, NOW)
    async with db.transaction(write=False) as tx:
        return [us.id for us, _ in await tx.sessions.sessions_with_client(app.id, True, first, max_results, live)]


async def test_every_page_at_every_edge_is_the_slice_of_the_session_id_order(db: Database) -> None:
    realm, app, _, ids = await _seed(db, 9)
    for first in range(0, 12):
        for max_results in (-1, 0, 1, 2, 3, 4, 8, 9, 10, 100):
            expected = ids[first:] if max_results < 0 else ids[first : first + max_results]
            assert await _page(db, realm, app, first, max_results) == expected, (first, max_results)


async def test_a_negative_first_counts_as_zero(db: Database) -> None:
    realm, app, _, ids = await _seed(db, 3)
    assert await _page(db, realm, app, -5, 2) == ids[:2]


async def test_sessions_added_later_take_their_place_without_reordering_the_others(db: Database) -> None:
    realm, app, user, ids = await _seed(db, 6)
    before = await _page(db, realm, app, 0, -1)
    async with db.transaction() as tx:
        for session_id in ("0" * 36, "f" * 36, ids[2][:-1] + "~"):
            session = await add_user_session(tx, user, offline=True, session_id=session_id, started=NOW - 50)
            await add_client_session(tx, session, app, started=NOW - 50)
    after = await _page(db, realm, app, 0, -1)
    assert [i for i in after if i in before] == before
    assert after == sorted(after) and after[0] == "0" * 36 and after[-1] == "f" * 36
    assert await _page(db, realm, app, 1, 3) == after[1:4]
    assert await _page(db, realm, app, len(after) - 2, 5) == after[-2:]


async def test_expired_sessions_are_neither_counted_nor_paged_from_either_end(db: Database) -> None:
    realm, app, user, ids = await _seed(db, 8)
    async with db.transaction() as tx:
        idle = await add_user_session(tx, user, offline=True, started=NOW - 3000, last_refresh=NOW - 2000)
        await add_client_session(tx, idle, app, started=NOW - 3000)
        too_old = await add_user_session(tx, user, offline=True, started=NOW - 5000, last_refresh=NOW)
        await add_client_session(tx, too_old, app, started=NOW - 5000)
        stale_client = await add_user_session(tx, user, offline=True, started=NOW - 100, last_refresh=NOW)
        await add_client_session(tx, stale_client, app, started=NOW - 2500)  # its timestamp is past the idle
        remembered = await add_user_session(tx, user, offline=True, started=NOW - 10)
        await tx.sessions.delete_user_session(remembered.id, True)
    live = live_filter(realm, [app], True, NOW)
    async with db.transaction(write=False) as tx:
        assert await tx.sessions.count_with_client(app.id, True) == 11  # stored
        assert await tx.sessions.count_with_client(app.id, True, live) == 8
    for first, max_results in ((0, 3), (5, 3), (7, 1), (6, 100), (8, 1)):
        assert await _page(db, realm, app, first, max_results) == ids[first : first + max_results]


async def test_remember_me_sessions_are_dead_when_the_realm_has_no_remember_me(db: Database) -> None:
    realm, app, user, ids = await _seed(db, 4)
    async with db.transaction() as tx:
        session = await add_user_session(tx, user, offline=True, started=NOW - 10)
        await tx.sessions.delete_user_session(session.id, True)
        remembered = dataclasses.replace(session, remember_me=True)
        await tx.sessions.create_user_session(remembered)
        await add_client_session(tx, remembered, app, started=NOW - 10)
    live = live_filter(realm, [app], True, NOW)
    async with db.transaction(write=False) as tx:
        assert await tx.sessions.count_with_client(app.id, True, live) == 4
    assert await _page(db, realm, app, 0, -1) == ids


async def test_counts_stay_exact_under_concurrent_logins_and_revocations(db: Database) -> None:
    realm, app, user, ids = await _seed(db, 10)

    async def login() -> None:
        async with db.transaction() as tx:
            session = await add_user_session(tx, user, offline=True, session_id=new_id(), started=NOW - 1)
            await add_client_session(tx, session, app, started=NOW - 1)

    async def revoke(session_id: str) -> None:
        async with db.transaction() as tx:
            await tx.sessions.detach_client_session(session_id, True, app.id)
            await tx.sessions.delete_if_empty(session_id, True)

    async with anyio.create_task_group() as tg:
        for number in range(12):
            tg.start_soon(login)
            if number < len(ids):
                tg.start_soon(revoke, ids[number])
    live = live_filter(realm, [app], True, NOW)
    async with db.transaction(write=False) as tx:
        listed = [us.id for us, _ in await tx.sessions.sessions_with_client(app.id, True, 0, -1, live)]
        assert await tx.sessions.count_with_client(app.id, True, live) == len(listed) == 12
        stats = await tx.sessions.client_stats(realm.id, live_filter(realm, [app], False, NOW), live)
        assert sorted((client_id, online, offline) for _, client_id, online, offline in stats) == [
            ("app", 0, 12),
            ("other", 0, 1),
        ]


async def test_cascading_deletes_keep_the_counts_exact(db: Database) -> None:
    realm, app, user, _ = await _seed(db, 5)
    async with db.transaction() as tx:
        other_user = await add_user(tx, realm, "bob")
        session = await add_user_session(tx, other_user, offline=True, started=NOW - 5)
        await add_client_session(tx, session, app, started=NOW - 5)
        assert await tx.sessions.count_with_client(app.id, True) == 6
        await tx.users.delete(user.id)
        assert await tx.sessions.count_with_client(app.id, True) == 1
        await tx.clients.delete(app.id)
        assert await tx.sessions.count_with_client(app.id, True) == 0
