"""Ending many of a user's sessions at once (store/session_ends.py, ``service.end_many``) leaves the database as
ending each one (``service.end``) would, and notes the same backchannel logouts, on both engines."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, replace
from typing import Any

import pytest
from sqlalchemy import func, select

from doorkeep.model import AuthSession, Client, SessionEnded, User, UserSession
from doorkeep.sessions import service
from doorkeep.store.database import Database
from doorkeep.store.tables import auth_sessions, client_sessions, metadata, refresh_families
from doorkeep.store.tx import Tx
from store_factories import add_client, add_family, add_realm, add_sessions_in_bulk, add_user

pytestmark = pytest.mark.anyio
BC = {"backchannel.logout.url": "https://app.example/bc"}
TABLES = ("user_sessions", "client_sessions", "refresh_families", "session_counts", "auth_sessions")


class _Undone(Exception):
    """Raised to roll a transaction back once its state was read."""


@dataclass(frozen=True)
class Fleet:
    alice: User
    bob: User
    app: Client
    other: Client
    front: Client
    offline: list[UserSession]  # alice's, oldest first

    @property
    def keep(self) -> str:
        """One holding ``app`` and ``other`` (session ``i`` holds client ``i % 3``, and the next one when 3 | i)."""
        return self.offline[3].id


def _tab(tab_id: str, realm_id: str, client: Client, root: str = "") -> AuthSession:
    return AuthSession(tab_id, realm_id, client.id, "form", {}, None, 10_000, root_id=root)


@pytest.fixture
async def fleet(db: Database) -> Fleet:
    """Alice: 40 offline sessions over ``app`` (backchannel logout), ``other`` (none) and a front-channel client,
    four online ones of the same ids, rotation families, login tabs rooted at two of her sessions' ids; Bob: 6."""
    async with db.transaction() as tx:
        realm = await add_realm(tx)
        app = await add_client(tx, realm, "app", attributes=BC)
        other = await add_client(tx, realm, "other")
        front = await add_client(tx, realm, "front", frontchannel_logout=True, attributes=BC)
        alice, bob = await add_user(tx, realm), await add_user(tx, realm, "bob")
        offline = await add_sessions_in_bulk(
            tx, alice, [app, other, front], [1000 + i for i in range(40)], offline=True
        )
        await add_sessions_in_bulk(tx, bob, [app, other], [1000 + i for i in range(6)], offline=True)
        await _online_twins(tx, offline[:4])
        for session in [*offline[::7], offline[3]]:
            for cs in await tx.sessions.client_sessions(session.id, True):
                await add_family(tx, cs)
        ended_root, kept_root = offline[9].id, offline[3].id
        await tx.flows.create_auth_session(_tab(ended_root, realm.id, app))  # a one-tab login: its own root
        await tx.flows.create_auth_session(_tab("tab-2", realm.id, app, root=ended_root))
        await tx.flows.create_auth_session(_tab("tab-3", realm.id, app, root=kept_root))
    return Fleet(alice, bob, app, other, front, offline)


async def _online_twins(tx: Tx, sessions: list[UserSession]) -> None:
    """The online sessions of the same ids (an offline session is copied from one), with their client sessions."""
    for session in sessions:
        await tx.sessions.create_user_session(UserSession(**{**session.__dict__, "offline": False}))
        for cs in await tx.sessions.client_sessions(session.id, True):
            await tx.sessions.create_client_session(type(cs)(**{**cs.__dict__, "offline": False}))


async def _state(tx: Tx) -> dict[str, list[str]]:
    conn = tx._conn  # the whole tables, below the repositories
    return {name: sorted(map(repr, (await conn.execute(select(metadata.tables[name]))).all())) for name in TABLES}


async def _end(db: Database, fleet: Fleet, batched: bool) -> tuple[int, list[SessionEnded], dict[str, list[str]]]:
    """End alice's offline sessions but ``keep`` (batched or one by one), with an unknown id among them; what it
    returned, noted and left. Rolled back."""
    found: list[Any] = []
    try:
        async with db.transaction() as tx:
            ids = [*await tx.session_ends.ids_of_user(fleet.alice.id, True, besides=fleet.keep), "gone"]
            if batched:
                ended = await service.end_many(tx, ids, True)
            else:
                ended = sum([await service.end(tx, sid, True) for sid in ids])
            found.extend([ended, list(tx.ended), await _state(tx)])
            raise _Undone
    except _Undone:
        pass
    return found[0], found[1], found[2]


async def test_ending_at_once_leaves_the_rows_and_notes_the_logouts_that_ending_each_does(
    db: Database, fleet: Fleet
) -> None:
    one_by_one = await _end(db, fleet, batched=False)
    at_once = await _end(db, fleet, batched=True)
    assert at_once[0] == one_by_one[0] == 39
    assert [(e.session_id, e.client.client_id) for e in at_once[1]] == [
        (e.session_id, e.client.client_id) for e in one_by_one[1]
    ]
    assert at_once[1] == one_by_one[1] and {e.client.client_id for e in at_once[1]} == {"app"}
    for table in TABLES:
        assert at_once[2][table] == one_by_one[2][table], f"{table} differs"


async def _stored(tx: Tx, client: Client, offline: bool = True) -> int:
    query = select(func.count()).select_from(client_sessions)
    where = (client_sessions.c.client_id == client.id, client_sessions.c.offline == offline)
    return int((await tx._conn.execute(query.where(*where))).scalar_one())


async def test_the_batch_keeps_one_session_and_ends_the_others_with_their_client_sessions_and_families(
    db: Database, fleet: Fleet
) -> None:
    async with db.transaction() as tx:
        ids = await tx.session_ends.ids_of_user(fleet.alice.id, True, besides=fleet.keep)
        assert len(ids) == 39 and fleet.keep not in ids
        assert await service.end_many(tx, ids, True) == 39
        told = [us.id for number, us in enumerate(fleet.offline) if number % 3 == 0 and us.id != fleet.keep]
        assert [e.session_id for e in tx.ended] == told  # app's sessions, oldest first; not front's nor other's
    async with db.transaction(write=False) as tx:
        assert [us.id for us in await tx.sessions.user_sessions_of(fleet.alice.id, True)] == [fleet.keep]
        assert len(await tx.sessions.user_sessions_of(fleet.alice.id, False)) == 4  # the online twins stay
        assert len(await tx.sessions.user_sessions_of(fleet.bob.id, True)) == 6
        assert {cs.client_id for cs in await tx.sessions.client_sessions(fleet.keep, True)} == {
            fleet.app.id,
            fleet.other.id,
        }
        families = select(refresh_families.c.user_session_id, refresh_families.c.offline)
        assert (await tx._conn.execute(families)).all() == [(fleet.keep, True)] * 2  # only the kept session's
        tabs = {row.id for row in await tx._conn.execute(select(auth_sessions.c.id))}
        assert tabs == {"tab-3"}  # the ended session's root went with both its tabs; the kept one's stays
        # offline: alice's kept session and bob's four of each; online: the twins of alice's first four sessions
        for client, online, offline in ((fleet.app, 2, 1 + 4), (fleet.other, 3, 1 + 4), (fleet.front, 1, 0)):
            assert await tx.sessions.count_with_client(client.id, True) == await _stored(tx, client) == offline
            assert await tx.sessions.count_with_client(client.id, False) == await _stored(tx, client, False) == online


async def test_nothing_to_end_costs_nothing_and_ends_nothing(db: Database, fleet: Fleet) -> None:
    async with db.transaction() as tx:
        assert await service.end_many(tx, [], True) == 0
        assert await service.end_many(tx, ["no-such-session"], True) == 0
        assert tx.ended == []
        assert len(await tx.session_ends.ids_of_user(fleet.alice.id, True, besides="a\x00b")) == 40  # keeps none
    async with db.transaction(write=False) as tx:
        assert len(await tx.sessions.user_sessions_of(fleet.alice.id, True)) == 40


async def test_a_refresh_holding_a_session_meanwhile_finishes_first_without_a_deadlock(
    db: Database, fleet: Fleet
) -> None:
    """A rotating refresh takes the user session's row, then its client session's, then its family's; the batch
    takes the user sessions' rows before any client session's, so it waits for the refresh instead of holding
    the client session the refresh waits for (PostgreSQL would abort one of them as a deadlock)."""
    target = fleet.offline[0]  # holds app and other, with families
    async with db.transaction() as refreshing:
        assert await refreshing.sessions.lock_user_session(target.id, True) is not None
        batch = asyncio.create_task(_end_all_but_keep(db, fleet))
        await asyncio.sleep(0.3)  # the batch reads the ids, drops the roots, then waits for the row held here
        assert not batch.done()
        cs = await refreshing.sessions.lock_client_session(target.id, True, fleet.app.id)
        assert cs is not None
        family = await refreshing.sessions.get_family(target.id, True, fleet.app.id, "family-1")
        assert family is not None
        await refreshing.sessions.save_family(target.id, True, fleet.app.id, replace(family, use_count=1))
    assert await asyncio.wait_for(batch, 10) == 39
    async with db.transaction(write=False) as tx:
        assert await tx.sessions.get_user_session(target.id, True) is None


async def _end_all_but_keep(db: Database, fleet: Fleet) -> int:
    async with db.transaction() as tx:
        return await service.end_many(
            tx, await tx.session_ends.ids_of_user(fleet.alice.id, True, besides=fleet.keep), True
        )
