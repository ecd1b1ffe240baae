"""Counting and paging one client's sessions without reading every row (issue #8).

Three facts make these reads independent of how many sessions are stored:

* **A maintained counter.** ``session_counts`` holds, per (client, kind), the number of stored client
  sessions; triggers on ``client_sessions`` keep it exact in the writing transaction itself (migration
  0010_perf), on PostgreSQL spread over 16 slots so that concurrent logins do not queue on one row.
* **The dead set is small and indexed.** Admin reads show only live sessions (doorkeep.sessions.liveness). A
  stored session that is not live has its last activity or its start at or below one of the window
  bounds, so the rows below the largest bound (plus every remember-me row when the realm has no
  remember-me window) are a superset of the dead ones, found through range scans of indexes; the
  exact liveness condition is then applied to those few rows only. The periodic cleaner keeps the set
  small. live count = counter - dead.
* **Keycloak's order is the session id** (JpaUserSessionPersisterProvider ``findUserSessionsByClientId``:
  ``ORDER BY sess.userSessionId``), which the index ``(client_id, offline, user_session_id)`` holds, so
  a page is read from the index alone, from the front or, for a page past the middle, from the back.
"""

from __future__ import annotations

from sqlalchemy import Select, and_, false, func, not_, select, union
from sqlalchemy.ext.asyncio import AsyncConnection

from doorkeep.sessions.liveness import LiveFilter, Window
from doorkeep.store.live_sql import client_live
from doorkeep.store.tables import client_sessions, clients, session_counts, user_sessions

US = user_sessions.c
CS = client_sessions.c
SC = session_counts.c


def _bounds(windows: list[Window | None]) -> tuple[int | None, int | None]:
    """The largest idle and max bounds of the windows (None: no row is dead by that column)."""
    present = [w for w in windows if w is not None]
    idle = max((w.idle_after for w in present), default=None)
    caps = [w.max_after for w in present if w.max_after is not None]
    return idle, max(caps, default=None)


def dead_ids(client_uuid: str, offline: bool, live: LiveFilter) -> Select[tuple[str]]:
    """Ids of this client's stored sessions of this kind that are not live (exactly those)."""
    liveness = live.for_client(client_uuid)
    mine = and_(CS.client_id == client_uuid, CS.offline == offline)
    realm = select(clients.c.realm_id).where(clients.c.id == client_uuid).scalar_subquery()
    users = and_(US.realm_id == realm, US.offline == offline)
    branches: list[Select[tuple[str]]] = []
    c_idle, c_max = _bounds([*liveness.client])
    if c_idle is not None:
        branches.append(select(CS.user_session_id).where(mine, CS.timestamp <= c_idle))
    if c_max is not None:
        branches.append(select(CS.user_session_id).where(mine, CS.started <= c_max))
    u_idle, u_max = _bounds([*liveness.user])
    if u_idle is not None:
        branches.append(select(US.id).where(users, US.last_session_refresh <= u_idle))
    if u_max is not None:
        branches.append(select(US.id).where(users, US.started <= u_max))
    for remember_me, window in enumerate(liveness.user):
        if window is None:  # no window for this kind of session: every such row is dead
            branches.append(select(US.id).where(users, US.remember_me == bool(remember_me)))
    if not branches:
        return select(CS.user_session_id).where(false())
    candidates = union(*branches).subquery()
    return (
        select(CS.user_session_id)
        .join(user_sessions, and_(CS.user_session_id == US.id, CS.offline == US.offline))
        .where(mine, CS.user_session_id.in_(select(candidates.c[0])), not_(client_live(live)))
    )


async def stored_count(conn: AsyncConnection, client_uuid: str, offline: bool) -> int:
    query = select(func.coalesce(func.sum(SC.n), 0)).where(SC.client_id == client_uuid, SC.offline == offline)
    return int((await conn.execute(query)).scalar_one())


async def live_count(
    conn: AsyncConnection,
    client_uuid: str,
    offline: bool,
    live: LiveFilter | None,
    dead: Select[tuple[str]] | None = None,
) -> int:
    """The live sessions; ``dead`` is ``dead_ids`` of the same arguments when the caller has built it already."""
    stored = await stored_count(conn, client_uuid, offline)
    if live is None or stored == 0:
        return stored
    dead = dead_ids(client_uuid, offline, live) if dead is None else dead
    counted = select(func.count()).select_from(dead.subquery())
    return stored - int((await conn.execute(counted)).scalar_one())


async def page_ids(
    conn: AsyncConnection,
    client_uuid: str,
    offline: bool,
    first: int,
    max_results: int,
    live: LiveFilter | None,
) -> list[str]:
    """Session ids of Keycloak's page ``first``/``max`` (max < 0: all from ``first``), in id order."""
    first = max(first, 0)
    dead = dead_ids(client_uuid, offline, live) if live is not None else None  # built once, used twice
    total = await live_count(conn, client_uuid, offline, live, dead)
    size = total - first if max_results < 0 else min(max_results, total - first)
    if size <= 0:
        return []
    query = select(CS.user_session_id).where(CS.client_id == client_uuid, CS.offline == offline)
    if dead is not None:
        query = query.where(CS.user_session_id.not_in(dead))
    from_back = total - first - size
    if from_back < first:  # nearer the end: walk the index backwards
        query = query.order_by(CS.user_session_id.desc()).offset(from_back).limit(size)
        return [row[0] for row in await conn.execute(query)][::-1]
    query = query.order_by(CS.user_session_id).offset(first).limit(size)
    return [row[0] for row in await conn.execute(query)]
