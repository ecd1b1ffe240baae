"""The admin session reads' narrow statements (store/session_views.py) answer exactly what the full-row reads
of store/sessions.py answer, field for field and in the same order, on both engines (issue #8)."""

from __future__ import annotations

import pytest

from doorkeep.model import Client, Realm, SessionView, User, UserSession
from doorkeep.sessions.device import LABEL_NOTES, label_of
from doorkeep.sessions.liveness import LiveFilter, live_filter
from doorkeep.store.database import Database
from store_factories import add_client, add_client_session, add_realm, add_user, add_user_session

pytestmark = pytest.mark.anyio
NOW = 100_000
REALM = {
    "sso_session_idle_timeout": 1800,
    "offline_session_idle_timeout": 2000,
    "offline_session_max_lifespan_enabled": True,
    "offline_session_max_lifespan": 5000,
}


async def _seed(db: Database) -> tuple[Realm, list[Client], User]:
    """Sessions of both kinds, several sharing a start second, some with two clients, some expired."""
    async with db.transaction() as tx:
        realm = await add_realm(tx, "test", **REALM)
        app, other = await add_client(tx, realm), await add_client(tx, realm, "other")
        user = await add_user(tx, realm)
        for number in range(12):
            offline = number % 3 != 0
            started = NOW - 100 - (number // 4) * 10 - (3000 if number == 5 else 0)
            last = NOW - 2500 if number == 7 else started
            session = await add_user_session(tx, user, offline=offline, started=started, last_refresh=last)
            await tx.sessions.update_user_session_notes(
                session.id,
                offline,
                {"device.label": f"device {number}", "ip.note": "x"}
                if number % 2
                else {"browser": "Firefox/1", "os": "Linux", "other": {"nested": True}},
            )
            await add_client_session(tx, session, app, started=started)
            if number % 4 == 1:
                await add_client_session(tx, session, other, started=started + 5)
    return realm, [app, other], user


def _same(view: SessionView, full: UserSession) -> None:
    assert (view.id, view.user_id, view.offline, view.login_username, view.ip_address) == (
        full.id,
        full.user_id,
        full.offline,
        full.login_username,
        full.ip_address,
    )
    assert (view.remember_me, view.started, view.last_session_refresh) == (
        full.remember_me,
        full.started,
        full.last_session_refresh,
    )
    # of an offline session's notes, exactly the values its device label is made of; nothing of an online one
    expected = {name: full.notes[name] for name in LABEL_NOTES if name in full.notes} if full.offline else {}
    assert view.notes == expected
    if full.offline:
        assert label_of(view.notes) == label_of(full.notes)


def _filters(realm: Realm, clients: list[Client]) -> dict[bool, LiveFilter]:
    return {offline: live_filter(realm, clients, offline, NOW) for offline in (False, True)}


@pytest.mark.parametrize("offline", [False, True])
async def test_a_users_sessions_and_their_clients_read_narrowly_are_the_full_reads(db: Database, offline: bool) -> None:
    realm, clients, user = await _seed(db)
    for live in (_filters(realm, clients)[offline], None):
        async with db.transaction(write=False) as tx:
            full = await tx.sessions.user_sessions_of(user.id, offline, live)
            views = await tx.session_views.of_user(user.id, offline, live)
            assert [v.id for v in views] == [s.id for s in full] and full
            for view, session in zip(views, full, strict=True):
                _same(view, session)
            ids = [s.id for s in full]
            rows = await tx.sessions.client_sessions_of_many(ids, offline, live)
            expected = {sid: [(cs.client_id, cs.timestamp) for cs in listed] for sid, listed in rows.items()}
            assert await tx.session_views.clients_of(ids, offline, live) == expected
            if live is not None:
                by_user = await tx.session_views.clients_of_user(user.id, offline, live)
                assert {sid: by_user.get(sid, []) for sid in ids} == expected
            assert await tx.session_views.usernames([user.id, "absent"]) == {user.id: user.username}


@pytest.mark.parametrize("offline", [False, True])
async def test_a_clients_pages_read_narrowly_are_the_full_pages(db: Database, offline: bool) -> None:
    realm, clients, _ = await _seed(db)
    live = _filters(realm, clients)[offline]
    for first, max_results in ((0, 100), (0, 2), (1, 3), (3, -1), (50, 10)):
        async with db.transaction(write=False) as tx:
            pairs = await tx.sessions.sessions_with_client(clients[0].id, offline, first, max_results, live)
            page = await tx.session_views.page(clients[0].id, offline, first, max_results, live)
        assert [(v.id, at) for v, at in page] == [(us.id, cs.timestamp) for us, cs in pairs], (first, max_results)
        for (view, _), (session, _) in zip(page, pairs, strict=True):
            _same(view, session)
