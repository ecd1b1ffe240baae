"""SessionRepo: user sessions and client sessions, online and offline, as rows."""

from __future__ import annotations

import dataclasses

import pytest
from sqlalchemy.exc import IntegrityError

from doorkeep.model import ClientSession, UserSession
from doorkeep.store.database import Database
from store_factories import add_client, add_client_session, add_family, add_realm, add_user, add_user_session, new_id

pytestmark = pytest.mark.anyio


async def test_a_user_session_round_trips_every_field(db: Database) -> None:
    async with db.transaction() as tx:
        realm = await add_realm(tx)
        user = await add_user(tx, realm)
        session = UserSession(
            id=new_id(),
            realm_id=realm.id,
            user_id=user.id,
            offline=True,
            login_username="Alice",
            ip_address="2001:db8::1",
            auth_method="openid-connect",
            remember_me=True,
            started=1700000000,
            last_session_refresh=1700000500,
            broker_session_id="broker-1",
            notes={"KC_DEVICE_NOTE": "x", "nested": {"list": [1, 2], "ok": True}},
        )
        await tx.sessions.create_user_session(session)
    async with db.transaction() as tx:
        assert await tx.sessions.get_user_session(session.id, True) == session
        assert await tx.sessions.get_user_session(session.id, False) is None
        assert await tx.sessions.get_user_session(new_id(), True) is None


async def test_an_offline_session_shares_the_id_of_its_online_session_and_lives_apart(db: Database) -> None:
    async with db.transaction() as tx:
        realm = await add_realm(tx)
        user = await add_user(tx, realm)
        online = await add_user_session(tx, user)
        offline = await add_user_session(tx, user, offline=True, session_id=online.id)
    async with db.transaction() as tx:
        assert await tx.sessions.delete_user_session(online.id, False) is True
        assert await tx.sessions.delete_user_session(online.id, False) is False
    async with db.transaction() as tx:
        assert await tx.sessions.get_user_session(online.id, False) is None
        assert await tx.sessions.get_user_session(online.id, True) == offline


async def test_a_duplicate_user_session_raises_and_writes_nothing(db: Database) -> None:
    async with db.transaction() as tx:
        realm = await add_realm(tx)
        user = await add_user(tx, realm)
        session = await add_user_session(tx, user)
    innocent = new_id()
    with pytest.raises(IntegrityError):
        async with db.transaction() as tx:
            await add_user_session(tx, user, session_id=innocent)
            await add_user_session(tx, user, session_id=session.id)
    async with db.transaction() as tx:
        assert await tx.sessions.get_user_session(innocent, False) is None


async def test_a_session_for_an_unknown_user_violates_the_foreign_key(db: Database) -> None:
    async with db.transaction() as tx:
        realm = await add_realm(tx)
        user = await add_user(tx, realm)
    ghost = dataclasses.replace(user, id=new_id(), username="ghost")  # never stored
    with pytest.raises(IntegrityError):
        async with db.transaction() as tx:
            await add_user_session(tx, ghost)


async def test_touching_a_user_session_moves_only_its_last_refresh(db: Database) -> None:
    async with db.transaction() as tx:
        realm = await add_realm(tx)
        user = await add_user(tx, realm)
        session = await add_user_session(tx, user, started=100)
        twin = await add_user_session(tx, user, offline=True, session_id=session.id, started=100)
    async with db.transaction() as tx:
        await tx.sessions.touch_user_session(session.id, False, 500)
    async with db.transaction() as tx:
        touched = await tx.sessions.get_user_session(session.id, False)
        assert touched is not None and (touched.started, touched.last_session_refresh) == (100, 500)
        assert await tx.sessions.get_user_session(session.id, True) == twin


async def test_a_users_sessions_are_listed_oldest_first_and_deleted_per_kind(db: Database) -> None:
    async with db.transaction() as tx:
        realm = await add_realm(tx)
        user = await add_user(tx, realm)
        other = await add_user(tx, realm, "other")
        late = await add_user_session(tx, user, started=300)
        early = await add_user_session(tx, user, started=100)
        offline = await add_user_session(tx, user, offline=True, started=200)
        theirs = await add_user_session(tx, other)
    async with db.transaction() as tx:
        assert await tx.sessions.user_sessions_of(user.id, False) == [early, late]
        assert await tx.sessions.user_sessions_of(user.id, True) == [offline]
        assert sorted(await tx.sessions.delete_user_sessions_of(user.id, False)) == sorted([early.id, late.id])
    async with db.transaction() as tx:
        assert await tx.sessions.user_sessions_of(user.id, False) == []
        assert await tx.sessions.user_sessions_of(user.id, True) == [offline]
        assert await tx.sessions.get_user_session(theirs.id, False) == theirs
        assert await tx.sessions.delete_user_sessions_of(user.id, False) == []


async def test_deleting_a_realms_sessions_counts_them_and_spares_the_other_kind_and_realm(db: Database) -> None:
    async with db.transaction() as tx:
        realm = await add_realm(tx)
        elsewhere = await add_realm(tx, "elsewhere")
        user = await add_user(tx, realm)
        stranger = await add_user(tx, elsewhere)
        for _ in range(3):
            await add_user_session(tx, user)
        offline = await add_user_session(tx, user, offline=True)
        foreign = await add_user_session(tx, stranger)
    async with db.transaction() as tx:
        assert await tx.sessions.delete_realm_sessions(realm.id, False) == 3
        assert await tx.sessions.delete_realm_sessions(realm.id, False) == 0
    async with db.transaction() as tx:
        assert await tx.sessions.user_sessions_of(user.id, False) == []
        assert await tx.sessions.get_user_session(offline.id, True) == offline
        assert await tx.sessions.get_user_session(foreign.id, False) == foreign


async def test_a_client_session_round_trips_and_is_read_plain_or_locked(db: Database) -> None:
    async with db.transaction() as tx:
        realm = await add_realm(tx)
        client = await add_client(tx, realm)
        user = await add_user(tx, realm)
        session = await add_user_session(tx, user, offline=True)
        cs = ClientSession(
            user_session_id=session.id,
            offline=True,
            client_id=client.id,
            started=10,
            timestamp=20,
            redirect_uri=None,
            notes={"scope": "openid offline_access", "n": {"x": [1]}},
        )
        await tx.sessions.create_client_session(cs)
    async with db.transaction() as tx:
        assert await tx.sessions.get_client_session(session.id, True, client.id) == cs
        assert await tx.sessions.lock_client_session(session.id, True, client.id) == cs
        assert await tx.sessions.client_sessions(session.id, True) == [cs]
        assert await tx.sessions.get_client_session(session.id, False, client.id) is None
        assert await tx.sessions.lock_client_session(session.id, True, new_id()) is None
        assert cs.scope_param == "openid offline_access"


async def test_a_client_session_needs_its_user_session_and_is_unique_per_client(db: Database) -> None:
    async with db.transaction() as tx:
        realm = await add_realm(tx)
        client = await add_client(tx, realm)
        user = await add_user(tx, realm)
        online = await add_user_session(tx, user)
        await add_client_session(tx, online, client)
    with pytest.raises(IntegrityError):
        async with db.transaction() as tx:
            await add_client_session(tx, online, client)
    offline_twin = dataclasses.replace(online, offline=True)
    with pytest.raises(IntegrityError):
        async with db.transaction() as tx:  # the offline user session does not exist yet
            await add_client_session(tx, offline_twin, client)
    async with db.transaction() as tx:
        assert len(await tx.sessions.client_sessions(online.id, False)) == 1
        assert await tx.sessions.client_sessions(online.id, True) == []


async def test_touching_and_renoting_a_client_session_changes_only_that_row(db: Database) -> None:
    async with db.transaction() as tx:
        realm = await add_realm(tx)
        app, other = await add_client(tx, realm), await add_client(tx, realm, "other")
        user = await add_user(tx, realm)
        session = await add_user_session(tx, user)
        await add_client_session(tx, session, app)
        untouched = await add_client_session(tx, session, other)
    async with db.transaction() as tx:
        await tx.sessions.touch_client_session(session.id, False, app.id, 999)
        await tx.sessions.update_client_session_notes(session.id, False, app.id, {"scope": "openid email"})
    async with db.transaction() as tx:
        cs = await tx.sessions.get_client_session(session.id, False, app.id)
        assert cs is not None and (cs.timestamp, cs.started, cs.notes) == (999, 1000, {"scope": "openid email"})
        assert await tx.sessions.get_client_session(session.id, False, other.id) == untouched


async def test_detaching_a_client_removes_its_client_session_and_families_only(db: Database) -> None:
    async with db.transaction() as tx:
        realm = await add_realm(tx)
        app, other = await add_client(tx, realm), await add_client(tx, realm, "other")
        user = await add_user(tx, realm)
        session = await add_user_session(tx, user, offline=True)
        family = await add_family(tx, await add_client_session(tx, session, app))
        kept = await add_family(tx, await add_client_session(tx, session, other))
    async with db.transaction() as tx:
        assert await tx.sessions.detach_client_session(session.id, True, app.id) is True
        assert await tx.sessions.detach_client_session(session.id, True, app.id) is False
    async with db.transaction() as tx:
        assert await tx.sessions.get_client_session(session.id, True, app.id) is None
        assert await tx.sessions.get_family(session.id, True, app.id, family.reuse_key) is None
        assert await tx.sessions.get_family(session.id, True, other.id, kept.reuse_key) == kept
        assert await tx.sessions.get_user_session(session.id, True) is not None


async def test_delete_if_empty_removes_a_user_session_only_once_its_last_client_is_gone(db: Database) -> None:
    async with db.transaction() as tx:
        realm = await add_realm(tx)
        client = await add_client(tx, realm)
        user = await add_user(tx, realm)
        session = await add_user_session(tx, user)
        await add_client_session(tx, session, client)
        offline_twin = await add_user_session(tx, user, offline=True, session_id=session.id)
    async with db.transaction() as tx:
        assert await tx.sessions.delete_if_empty(session.id, False) is False
        assert await tx.sessions.get_user_session(session.id, False) is not None
        await tx.sessions.detach_client_session(session.id, False, client.id)
        assert await tx.sessions.delete_if_empty(session.id, False) is True
        assert await tx.sessions.delete_if_empty(session.id, False) is False
    async with db.transaction() as tx:
        assert await tx.sessions.get_user_session(session.id, False) is None
        assert await tx.sessions.get_user_session(session.id, True) == offline_twin
