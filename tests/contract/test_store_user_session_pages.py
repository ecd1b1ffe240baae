"""One user's sessions paged in SQL (``SessionViewRepo.page_of_user`` and ``count_live``), the Admin Console's user
Sessions tab: live sessions only, oldest first with ties by id, a page past the end empty, on both engines."""

from __future__ import annotations

import pytest

from doorkeep.model import Client, Realm, User, UserSession
from doorkeep.sessions.liveness import LiveFilter, live_filter
from doorkeep.store.database import Database
from store_factories import add_client, add_realm, add_sessions_in_bulk, add_user

pytestmark = pytest.mark.anyio
NOW = 1_000_000
REALM = {"sso_session_idle_timeout": 1800, "offline_session_idle_timeout": 5000}
# Three sessions a second (ties broken by id); the first fifteen offline ones are past the offline idle timeout.
OFFLINE_STARTS = [NOW - 6000 + i // 3 for i in range(15)] + [NOW - 4000 + i // 3 for i in range(60)]
ONLINE_STARTS = [NOW - 3000, NOW - 60, NOW - 60, NOW - 10]  # the first past SSO idle


async def _seed(db: Database) -> tuple[Realm, list[Client], User, dict[bool, list[UserSession]]]:
    async with db.transaction() as tx:
        realm = await add_realm(tx, "test", **REALM)
        clients = [await add_client(tx, realm), await add_client(tx, realm, "other")]
        user, bystander = await add_user(tx, realm), await add_user(tx, realm, "bob")
        seeded = {
            offline: await add_sessions_in_bulk(tx, user, clients, starts, offline=offline)
            for offline, starts in ((True, OFFLINE_STARTS), (False, ONLINE_STARTS))
        }
        await add_sessions_in_bulk(tx, bystander, clients, OFFLINE_STARTS[-5:], offline=True)
    return realm, clients, user, seeded


def _live(realm: Realm, clients: list[Client], offline: bool) -> LiveFilter:
    return live_filter(realm, clients, offline, NOW)


def _expected(sessions: list[UserSession], idle: int) -> list[str]:
    """The live ones (refreshed within ``idle``), oldest first, ties by id."""
    live = [us for us in sessions if us.last_session_refresh > NOW - idle]
    return [us.id for us in sorted(live, key=lambda us: (us.started, us.id))]


@pytest.mark.parametrize("size", [7, 10])
async def test_the_pages_of_a_users_offline_sessions_cover_the_live_ones_oldest_first_ties_by_id(
    db: Database, size: int
) -> None:
    realm, clients, user, seeded = await _seed(db)
    expected = _expected(seeded[True], 5000)
    assert len(expected) == 60
    live = _live(realm, clients, True)
    async with db.transaction(write=False) as tx:
        assert await tx.session_views.count_live(user.id, live, offline=True) == len(expected)
        paged: list[str] = []
        for first in range(0, len(expected) + size, size):
            page = await tx.session_views.page_of_user(user.id, True, first, size, live)
            assert len(page) == min(size, max(len(expected) - first, 0)), first
            assert all(view.offline and view.user_id == user.id for view in page)
            paged += [view.id for view in page]
    assert paged == expected


async def test_a_page_of_sessions_reads_each_ones_label_and_online_ones_apart(db: Database) -> None:
    realm, clients, user, seeded = await _seed(db)
    async with db.transaction(write=False) as tx:
        offline = await tx.session_views.page_of_user(user.id, True, 0, 3, _live(realm, clients, True))
        online = await tx.session_views.page_of_user(user.id, False, 0, 10, _live(realm, clients, False))
        assert await tx.session_views.count_live(user.id, _live(realm, clients, False)) == 3  # online by default
        every = await tx.session_views.page_of_user(user.id, True, 0, 1000, None)  # no filter: the stored rows
    by_id = {us.id: us for us in seeded[True]}
    assert [view.notes for view in offline] == [by_id[view.id].notes for view in offline]
    assert [view.id for view in online] == _expected(seeded[False], 1800)
    assert len(every) == len(OFFLINE_STARTS)


async def test_a_page_past_the_end_or_with_bad_bounds_is_empty_or_starts_at_the_front(db: Database) -> None:
    realm, clients, user, seeded = await _seed(db)
    live = _live(realm, clients, True)
    expected = _expected(seeded[True], 5000)
    async with db.transaction(write=False) as tx:
        assert await tx.session_views.page_of_user(user.id, True, len(expected), 10, live) == []
        assert await tx.session_views.page_of_user(user.id, True, 0, 0, live) == []
        assert await tx.session_views.page_of_user(user.id, True, 0, -1, live) == []
        front = await tx.session_views.page_of_user(user.id, True, -5, 2, live)
        assert await tx.session_views.page_of_user("nobody", True, 0, 10, live) == []
    assert [view.id for view in front] == expected[:2]


async def test_a_session_started_later_leaves_the_earlier_pages_as_they_were(db: Database) -> None:
    realm, clients, user, _ = await _seed(db)
    live = _live(realm, clients, True)
    async with db.transaction(write=False) as tx:
        before = [view.id for view in await tx.session_views.page_of_user(user.id, True, 10, 10, live)]
    async with db.transaction() as tx:
        await add_sessions_in_bulk(tx, user, clients, [NOW - 50], offline=True)
    async with db.transaction(write=False) as tx:
        after = [view.id for view in await tx.session_views.page_of_user(user.id, True, 10, 10, live)]
        assert await tx.session_views.count_live(user.id, live, offline=True) == 61
    assert after == before
