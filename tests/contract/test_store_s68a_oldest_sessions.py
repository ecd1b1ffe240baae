"""``SessionViewRepo.oldest_live``, the sessions the User Session Count Limiter ends (oauth/session_limits.py): the
ones refreshed longest ago, only of one client with ``client_uuid``, those of one client before the others with
``first_of`` (UserSessionLimitsAuthenticator's comparator, issue 46879), dead and offline ones and ``skip`` left
out, on both engines."""

from __future__ import annotations

import pytest

from doorkeep.model import Client, Realm, User
from doorkeep.sessions.liveness import LiveFilter, live_filter
from doorkeep.store.database import Database
from store_factories import add_client, add_client_session, add_realm, add_user, add_user_session

pytestmark = pytest.mark.anyio
NOW = 1_000_000
# (name, client, last refresh): by age a1, b1, b2, a2, b3; "gone" is past SSO idle, "off" is offline.
ROWS = [("a1", "a", NOW - 50), ("b1", "b", NOW - 40), ("b2", "b", NOW - 30), ("a2", "a", NOW - 20)]
ROWS += [("b3", "b", NOW - 10), ("gone", "b", NOW - 5000)]


async def _seed(db: Database) -> tuple[Realm, dict[str, Client], User, dict[str, str]]:
    async with db.transaction() as tx:
        realm = await add_realm(tx, "test", sso_session_idle_timeout=1800)
        clients = {"a": await add_client(tx, realm, "a"), "b": await add_client(tx, realm, "b")}
        user, other = await add_user(tx, realm), await add_user(tx, realm, "bob")
        ids: dict[str, str] = {}
        for name, client, refresh in ROWS:
            session = await add_user_session(tx, user, started=refresh, last_refresh=refresh)
            await add_client_session(tx, session, clients[client], started=refresh)
            ids[name] = session.id
        offline = await add_user_session(tx, user, offline=True, started=NOW - 90, last_refresh=NOW - 90)
        await add_client_session(tx, offline, clients["b"], started=NOW - 90)
        stranger = await add_user_session(tx, other, started=NOW - 95, last_refresh=NOW - 95)
        await add_client_session(tx, stranger, clients["b"], started=NOW - 95)
    return realm, clients, user, {v: k for k, v in ids.items()}


def _live(realm: Realm) -> LiveFilter:
    return live_filter(realm, [], False, NOW)


async def test_the_oldest_live_sessions_come_refreshed_longest_ago_first(db: Database) -> None:
    realm, clients, user, names = await _seed(db)
    async with db.transaction(write=False) as tx:
        views = tx.session_views
        assert [names[i] for i in await views.oldest_live(user.id, _live(realm), 9)] == ["a1", "b1", "b2", "a2", "b3"]
        assert [names[i] for i in await views.oldest_live(user.id, _live(realm), 2, clients["b"].id)] == ["b1", "b2"]
        assert await views.oldest_live(user.id, _live(realm), 0) == []


async def test_the_sessions_of_the_client_named_first_come_before_the_others_oldest_first(db: Database) -> None:
    realm, clients, user, names = await _seed(db)
    async with db.transaction(write=False) as tx:
        views = tx.session_views
        first_b = await views.oldest_live(user.id, _live(realm), 9, first_of=clients["b"].id)
        assert [names[i] for i in first_b] == ["b1", "b2", "b3", "a1", "a2"]
        skip = (first_b[0],)
        again = await views.oldest_live(user.id, _live(realm), 3, None, skip, first_of=clients["a"].id)
        assert [names[i] for i in again] == ["a1", "a2", "b2"]
