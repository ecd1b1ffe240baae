"""User sessions, client sessions, rotation families and consents (online and offline alike)."""

from __future__ import annotations

from sqlalchemy import and_, bindparam, delete, func, insert, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncConnection

from doorkeep.model import ClientSession, Consent, RefreshFamily, UserSession
from doorkeep.sessions.liveness import LiveFilter
from doorkeep.store import client_session_pages as pages
from doorkeep.store.live_sql import client_live, user_live
from doorkeep.store.prepared import Prepared
from doorkeep.store.tables import client_sessions, clients, consents, refresh_families, session_counts, user_sessions

US = user_sessions.c
CS = client_sessions.c
RF = refresh_families.c

# The statements of every refresh, built once: SQLAlchemy then reuses their cache key and compiled form
# instead of rebuilding the expression tree per request (issue #8).
_US_KEY = (US.id == bindparam("sid"), US.offline == bindparam("off"))
_CS_KEY = (CS.user_session_id == bindparam("sid"), CS.offline == bindparam("off"), CS.client_id == bindparam("cid"))
_GET_US = Prepared(select(user_sessions).where(*_US_KEY))
_LOCK_US = Prepared(select(user_sessions).where(*_US_KEY).with_for_update(key_share=True))
_TOUCH_US = Prepared(update(user_sessions).where(*_US_KEY).values(last_session_refresh=bindparam("at")))
_GET_CS = Prepared(select(client_sessions).where(*_CS_KEY))
_LOCK_CS = Prepared(select(client_sessions).where(*_CS_KEY).with_for_update())
# A rotating refresh reads and writes its family row (issue #8): prepared too.
_FAMILY_KEY = (
    RF.user_session_id == bindparam("sid"),
    RF.offline == bindparam("off"),
    RF.client_id == bindparam("cid"),
    RF.reuse_key == bindparam("key"),
)
_FAMILY_VALUES = ("current_jti", "use_count", "last_refresh", "latest_jti", "latest_iat", "latest_exp", "revoked")
FAMILY_COLUMNS = ("reuse_key", *_FAMILY_VALUES)  # what ``family_from`` reads
_GET_FAMILY = Prepared(select(refresh_families).where(*_FAMILY_KEY))
_SAVE_FAMILY = Prepared(
    update(refresh_families).where(*_FAMILY_KEY).values({n: bindparam(f"v_{n}") for n in _FAMILY_VALUES})
)
_ADD_FAMILY = Prepared(
    insert(refresh_families).values(
        user_session_id=bindparam("sid"),
        offline=bindparam("off"),
        client_id=bindparam("cid"),
        reuse_key=bindparam("key"),
        **{n: bindparam(f"v_{n}") for n in _FAMILY_VALUES},
    )
)
_TOUCH_CS = Prepared(update(client_sessions).where(*_CS_KEY).values(timestamp=bindparam("at")))
# A refresh's touch: a timestamp only moves forward (Keycloak's UserSessionAdapter.setLastSessionRefresh and
# AuthenticatedClientSessionAdapter.setTimestamp ignore an older value), and a row deleted meanwhile stays deleted
# (0 rows). A rotation-off refresh touches without having locked the rows (sessions/resume.py ``for_refresh``):
# a concurrent refresh of the same second, or one that already moved the value further, is not rewound.
_ADVANCE_US = Prepared(
    update(user_sessions)
    .where(*_US_KEY, US.last_session_refresh < bindparam("at"))
    .values(last_session_refresh=bindparam("at"))
)
_ADVANCE_CS = Prepared(
    update(client_sessions).where(*_CS_KEY, CS.timestamp < bindparam("at")).values(timestamp=bindparam("at"))
)
# PostgreSQL: both in one round trip, the user session's row first. The client-session UPDATE's condition reads the
# WITH's output, so the user-session UPDATE runs (and waits for that row's lock) before a client-session row is
# locked: the lock order of every grant, login and logout (SessionRepo.lock_user_session; a logout's delete
# cascades from the user session to its client sessions), so a touch racing a logout does not deadlock with it.
_ADVANCED_US = (
    update(user_sessions)
    .where(*_US_KEY, US.last_session_refresh < bindparam("at"))
    .values(last_session_refresh=bindparam("at"))
    .returning(US.id)
    .cte("advanced_user_session")
)
_ADVANCE_BOTH = Prepared(
    update(client_sessions)
    .where(
        *_CS_KEY, CS.timestamp < bindparam("at"), select(func.count()).select_from(_ADVANCED_US).scalar_subquery() >= 0
    )
    .values(timestamp=bindparam("at"))
)

# PostgreSQL, a rotating refresh in a new second: the touches and the family's new state in one round trip, each
# UPDATE's condition reading the previous one's output so that they run, and take their rows' locks, in the order
# of every grant, login and logout: user session, client session, family (as ``_ADVANCE_BOTH``). A refresh holds
# the three locks already (store/resume_read.py ``rotating``); a login's first family may not. Each touch keeps
# its forward-only condition, on its own value (``us_at``, ``cs_at``; -1 leaves that timestamp alone); the
# family's UPDATE counts as the statement's rows (0: its row is missing).
_TOUCHED_US = (
    update(user_sessions)
    .where(*_US_KEY, US.last_session_refresh < bindparam("us_at"))
    .values(last_session_refresh=bindparam("us_at"))
    .returning(US.id)
    .cte("touched_user_session")
)
_TOUCHED_CS = (
    update(client_sessions)
    .where(
        *_CS_KEY,
        CS.timestamp < bindparam("cs_at"),
        select(func.count()).select_from(_TOUCHED_US).scalar_subquery() >= 0,
    )
    .values(timestamp=bindparam("cs_at"))
    .returning(CS.client_id)
    .cte("touched_client_session")
)
_ROTATED = Prepared(
    update(refresh_families)
    .where(*_FAMILY_KEY, select(func.count()).select_from(_TOUCHED_CS).scalar_subquery() >= 0)
    .values({n: bindparam(f"v_{n}") for n in _FAMILY_VALUES})
)


def family_from(row: object) -> RefreshFamily:
    """A rotation family from its row (anything with a ``_mapping`` by column name)."""
    m = row._mapping  # type: ignore[attr-defined]
    return RefreshFamily(
        m["reuse_key"],
        m["current_jti"],
        int(m["use_count"]),
        int(m["last_refresh"]),
        m["latest_jti"],
        None if m["latest_iat"] is None else int(m["latest_iat"]),
        None if m["latest_exp"] is None else int(m["latest_exp"]),
        bool(m["revoked"]),
    )


def _family_params(session_id: str, offline: bool, client_uuid: str, fam: RefreshFamily) -> dict[str, object]:
    return {
        "sid": session_id,
        "off": offline,
        "cid": client_uuid,
        "key": fam.reuse_key,
        **{f"v_{name}": getattr(fam, name) for name in _FAMILY_VALUES},
    }


def user_session_from(row: object) -> UserSession:
    """A user session from its row (anything with a ``_mapping`` by column name)."""
    m = row._mapping  # type: ignore[attr-defined]
    return UserSession(
        id=m["id"],
        realm_id=m["realm_id"],
        user_id=m["user_id"],
        offline=bool(m["offline"]),
        login_username=m["login_username"],
        ip_address=m["ip_address"],
        auth_method=m["auth_method"],
        remember_me=bool(m["remember_me"]),
        started=int(m["started"]),
        last_session_refresh=int(m["last_session_refresh"]),
        broker_session_id=m["broker_session_id"],
        notes=dict(m["notes"] or {}),
    )


def client_session_from(row: object) -> ClientSession:
    """A client session from its row (anything with a ``_mapping`` by column name)."""
    m = row._mapping  # type: ignore[attr-defined]
    return ClientSession(
        user_session_id=m["user_session_id"],
        offline=bool(m["offline"]),
        client_id=m["client_id"],
        started=int(m["started"]),
        timestamp=int(m["timestamp"]),
        redirect_uri=m["redirect_uri"],
        notes=dict(m["notes"] or {}),
    )


class SessionRepo:
    """Sessions are rows: the database is the source of truth and the authority for rotation."""

    def __init__(self, conn: AsyncConnection, is_sqlite: bool) -> None:
        self._c = conn
        self._sqlite = is_sqlite

    # --- user sessions -----------------------------------------------------------------------
    async def create_user_session(self, s: UserSession) -> None:
        await self._c.execute(insert(user_sessions), s.__dict__)

    async def create_user_session_unless_taken(self, s: UserSession) -> bool:
        """Create ``s`` unless its id is taken (False); on PostgreSQL a concurrent transaction creating the same
        id is waited for, and its row, once committed, makes this one give way rather than fail."""
        dialect_insert = sqlite.insert if self._sqlite else postgresql.insert
        result = await self._c.execute(dialect_insert(user_sessions).values(**s.__dict__).on_conflict_do_nothing())
        return bool(result.rowcount)

    async def lock_user_session(self, session_id: str, offline: bool) -> UserSession | None:
        """Read the user session under a row lock (PostgreSQL ``FOR NO KEY UPDATE``; SQLite: the transaction holds
        the write lock already). Lock order: a user session's row before any of its client sessions' rows, as a
        delete's cascade takes them, so grants and logouts racing on one session do not deadlock."""
        query = _GET_US if self._sqlite else _LOCK_US
        row = (await query.execute(self._c, {"sid": session_id, "off": offline})).first()
        return user_session_from(row) if row else None

    async def hold_user_session(self, session_id: str, offline: bool) -> bool:
        """Whether the user session is still there, held so till commit (``lock_user_session``): a concurrent
        delete (a logout) waits for this transaction, or, committed first, is seen here as the session's absence."""
        return await self.lock_user_session(session_id, offline) is not None

    async def get_user_session(self, session_id: str, offline: bool) -> UserSession | None:
        row = (await _GET_US.execute(self._c, {"sid": session_id, "off": offline})).first()
        return user_session_from(row) if row else None

    async def touch_user_session(self, session_id: str, offline: bool, last_refresh: int) -> None:
        await _TOUCH_US.execute(self._c, {"sid": session_id, "off": offline, "at": last_refresh})

    async def update_user_session_notes(self, session_id: str, offline: bool, notes: dict[str, object]) -> None:
        await self._c.execute(
            update(user_sessions).where(US.id == session_id, US.offline == offline).values(notes=notes)
        )

    async def delete_user_session(self, session_id: str, offline: bool) -> bool:
        result = await self._c.execute(delete(user_sessions).where(US.id == session_id, US.offline == offline))
        return bool(result.rowcount)

    async def user_sessions_of(self, user_id: str, offline: bool, live: LiveFilter | None = None) -> list[UserSession]:
        """The user's sessions; with ``live``, only those not yet expired."""
        query = select(user_sessions).where(US.user_id == user_id, US.offline == offline)
        if live is not None:
            query = query.where(user_live(live))
        return [user_session_from(r) for r in await self._c.execute(query.order_by(US.started))]

    async def delete_user_sessions_of(self, user_id: str, offline: bool) -> list[str]:
        ids = [s.id for s in await self.user_sessions_of(user_id, offline)]
        await self._c.execute(delete(user_sessions).where(US.user_id == user_id, US.offline == offline))
        return ids

    async def delete_realm_sessions(self, realm_id: str, offline: bool) -> int:
        result = await self._c.execute(delete(user_sessions).where(US.realm_id == realm_id, US.offline == offline))
        return int(result.rowcount or 0)

    async def count_realm_sessions(self, realm_id: str, offline: bool) -> int:
        result = await self._c.execute(
            select(func.count()).select_from(user_sessions).where(US.realm_id == realm_id, US.offline == offline)
        )
        return int(result.scalar_one())

    async def realm_sessions_page(
        self, realm_id: str, offline: bool, first: int, max_results: int, live: LiveFilter | None = None
    ) -> list[UserSession]:
        """One page of the realm's (live) sessions, most recently active first (the admin console's list;
        ``ix_user_sessions_realm_refresh`` serves the order, so a page costs ``first + max`` index rows)."""
        query = select(user_sessions).where(US.realm_id == realm_id, US.offline == offline)
        if live is not None:
            query = query.where(user_live(live))
        query = query.order_by(US.last_session_refresh.desc(), US.id).offset(max(first, 0)).limit(max_results)
        return [user_session_from(r) for r in await self._c.execute(query)]

    async def count_realm_live(self, realm_id: str, offline: bool, live: LiveFilter, cap: int | None = None) -> int:
        """How many of the realm's sessions of this kind are live; with ``cap``, counting stops at
        ``cap + 1`` (the console's tabs: an exact count reads every session of the realm, ~1 s at
        10,000,000 on PostgreSQL)."""
        live_ones = select(US.id).where(US.realm_id == realm_id, US.offline == offline, user_live(live))
        if cap is not None:
            live_ones = live_ones.limit(cap + 1)
        query = select(func.count()).select_from(live_ones.subquery())
        return int((await self._c.execute(query)).scalar_one())

    async def delete_if_empty(self, session_id: str, offline: bool) -> bool:
        """Remove a user session left with no client sessions; True if it was removed."""
        remaining = await self._c.execute(
            select(func.count())
            .select_from(client_sessions)
            .where(CS.user_session_id == session_id, CS.offline == offline)
        )
        if int(remaining.scalar_one()) == 0:
            return await self.delete_user_session(session_id, offline)
        return False

    # --- client sessions ---------------------------------------------------------------------
    async def create_client_session(self, cs: ClientSession) -> None:
        await self._c.execute(insert(client_sessions), cs.__dict__)

    async def create_client_session_unless_present(self, cs: ClientSession) -> bool:
        """Create ``cs`` unless its client is in the user session already (False); on PostgreSQL a concurrent
        transaction creating the same one is waited for, and its row, once committed, makes this one give way."""
        dialect_insert = sqlite.insert if self._sqlite else postgresql.insert
        result = await self._c.execute(dialect_insert(client_sessions).values(**cs.__dict__).on_conflict_do_nothing())
        return bool(result.rowcount)

    async def rejoin_client_session(self, cs: ClientSession) -> None:
        """A new login of a client already in the user session: its redirect URI, timestamp and notes change, the
        row (its ``started``, its rotation families) stays."""
        key = {"sid": cs.user_session_id, "off": cs.offline, "cid": cs.client_id}
        values = {"timestamp": cs.timestamp, "redirect_uri": cs.redirect_uri, "notes": cs.notes}
        await self._c.execute(update(client_sessions).where(*_CS_KEY).values(**values), key)

    async def get_client_session(self, session_id: str, offline: bool, client_uuid: str) -> ClientSession | None:
        row = (await _GET_CS.execute(self._c, {"sid": session_id, "off": offline, "cid": client_uuid})).first()
        return client_session_from(row) if row else None

    async def lock_client_session(self, session_id: str, offline: bool, client_uuid: str) -> ClientSession | None:
        """Read the client session under a row lock (SQLite: the transaction already holds the write lock)."""
        query = _GET_CS if self._sqlite else _LOCK_CS
        row = (await query.execute(self._c, {"sid": session_id, "off": offline, "cid": client_uuid})).first()
        return client_session_from(row) if row else None

    async def client_sessions(
        self, session_id: str, offline: bool, live: LiveFilter | None = None
    ) -> list[ClientSession]:
        """The session's client sessions; with ``live``, only those not yet expired."""
        query = select(client_sessions).where(CS.user_session_id == session_id, CS.offline == offline)
        if live is not None:
            query = query.join(user_sessions, and_(CS.user_session_id == US.id, CS.offline == US.offline)).where(
                client_live(live)
            )
        return [client_session_from(r) for r in await self._c.execute(query)]

    async def client_sessions_of_many(
        self, session_ids: list[str], offline: bool, live: LiveFilter | None = None
    ) -> dict[str, list[ClientSession]]:
        """The (live) client sessions of many user sessions, in a few statements rather than one each."""
        out: dict[str, list[ClientSession]] = {sid: [] for sid in session_ids}
        for at in range(0, len(session_ids), 500):
            query = select(client_sessions).where(
                CS.user_session_id.in_(session_ids[at : at + 500]), CS.offline == offline
            )
            if live is not None:
                query = query.join(user_sessions, and_(CS.user_session_id == US.id, CS.offline == US.offline)).where(
                    client_live(live)
                )
            for row in await self._c.execute(query):
                cs = client_session_from(row)
                out[cs.user_session_id].append(cs)
        return out

    async def touch_client_session(self, session_id: str, offline: bool, client_uuid: str, timestamp: int) -> None:
        await _TOUCH_CS.execute(self._c, {"sid": session_id, "off": offline, "cid": client_uuid, "at": timestamp})

    async def touch_sessions(
        self, session_id: str, offline: bool, client_uuid: str, at: int, *, client: bool = True, user: bool = True
    ) -> None:
        """A refresh's two writes, each only moving its value forward: the client session's timestamp (``client``)
        and the user session's last refresh (``user``); the caller leaves out a write its read found needless.
        Safe without the rows' locks: never a timestamp rewound, never a deleted row written (``_ADVANCE_*``)."""
        params = {"sid": session_id, "off": offline, "cid": client_uuid, "at": at}
        if client and user and not self._sqlite:  # both in one round trip, the user session's row first
            await _ADVANCE_BOTH.execute(self._c, params)
            return
        if user:
            await _ADVANCE_US.execute(self._c, params)
        if client:
            await _ADVANCE_CS.execute(self._c, params)

    async def update_client_session_notes(
        self, session_id: str, offline: bool, client_uuid: str, notes: dict[str, object]
    ) -> None:
        await self._c.execute(
            update(client_sessions)
            .where(CS.user_session_id == session_id, CS.offline == offline, CS.client_id == client_uuid)
            .values(notes=notes)
        )

    async def detach_client_session(self, session_id: str, offline: bool, client_uuid: str) -> bool:
        """Remove one client from a user session (its rotation families go with it)."""
        await self._c.execute(
            delete(refresh_families).where(
                RF.user_session_id == session_id, RF.offline == offline, RF.client_id == client_uuid
            )
        )
        result = await self._c.execute(
            delete(client_sessions).where(
                CS.user_session_id == session_id, CS.offline == offline, CS.client_id == client_uuid
            )
        )
        return bool(result.rowcount)

    async def sessions_with_client(
        self, client_uuid: str, offline: bool, first: int = 0, max_results: int = 100, live: LiveFilter | None = None
    ) -> list[tuple[UserSession, ClientSession]]:
        """Keycloak's page ``first``/``max`` of the client's (live) sessions, in session-id order."""
        ids = await pages.page_ids(self._c, client_uuid, offline, first, max_results, live)
        if not ids:
            return []
        query = (
            select(
                user_sessions,
                client_sessions.c.started.label("cs_started"),
                client_sessions.c.timestamp.label("cs_timestamp"),
                client_sessions.c.redirect_uri,
                client_sessions.c.notes.label("cs_notes"),
            )
            .join(client_sessions, and_(CS.user_session_id == US.id, CS.offline == US.offline))
            .where(CS.client_id == client_uuid, CS.offline == offline, CS.user_session_id.in_(ids))
            .order_by(US.id)
        )
        out = []
        for r in await self._c.execute(query):
            m = r._mapping
            cs = ClientSession(
                m["id"],
                offline,
                client_uuid,
                int(m["cs_started"]),
                int(m["cs_timestamp"]),
                m["redirect_uri"],
                dict(m["cs_notes"] or {}),
            )
            out.append((user_session_from(r), cs))
        return out

    async def count_with_client(self, client_uuid: str, offline: bool, live: LiveFilter | None = None) -> int:
        return await pages.live_count(self._c, client_uuid, offline, live)

    async def client_stats(
        self, realm_id: str, online: LiveFilter | None = None, offline: LiveFilter | None = None
    ) -> list[tuple[str, str, int, int]]:
        """(client uuid, clientId, online count, offline count) for clients that have (live) sessions."""
        query = (
            select(clients.c.id, clients.c.client_id)
            .join(session_counts, session_counts.c.client_id == clients.c.id)
            .where(clients.c.realm_id == realm_id)
            .group_by(clients.c.id, clients.c.client_id)
            .having(func.sum(session_counts.c.n) > 0)
        )
        stats = []
        for cid, client_id in (await self._c.execute(query)).all():
            kinds = ((False, online), (True, offline))
            counts = [await pages.live_count(self._c, cid, kind, live) for kind, live in kinds]
            if any(counts):
                stats.append((cid, client_id, counts[0], counts[1]))
        return stats

    async def user_client_pairs(
        self, user_id: str, offline: bool, live: LiveFilter | None = None
    ) -> list[tuple[str, str]]:
        """(user session id, client uuid) for every (live) client session of the user."""
        query = (
            select(CS.user_session_id, CS.client_id)
            .join(user_sessions, and_(CS.user_session_id == US.id, CS.offline == US.offline))
            .where(US.user_id == user_id, US.offline == offline)
        )
        if live is not None:
            query = query.where(client_live(live))
        rows = await self._c.execute(query)
        return [(r[0], r[1]) for r in rows]

    async def delete_expired(
        self, realm_id: str, offline: bool, idle_before: int, limit: int, started_before: int | None = None
    ) -> int:
        """Delete up to ``limit`` sessions last refreshed before ``idle_before`` (or started before
        ``started_before`` when given).

        On PostgreSQL the user sessions' rows are locked first (``FOR UPDATE SKIP LOCKED``): the lock order of
        every grant, login and logout (user session, then its client sessions), so a batch never deadlocks with a
        refresh or logout of an expired session; a session whose row another transaction holds is left to the
        next pass. (SQLite: the writing transaction holds the database's lock.)"""
        expired = US.last_session_refresh < idle_before
        if started_before is not None:
            expired = or_(expired, US.started < started_before)
        query = select(US.id).where(US.realm_id == realm_id, US.offline == offline, expired).limit(limit)
        ids = [r[0] for r in await self._c.execute(query.with_for_update(skip_locked=True))]
        if ids:
            # Their client sessions first, in one statement: the counter's statement trigger (0012_scale)
            # then updates each slot once per batch instead of once per cascaded row.
            await self._c.execute(delete(client_sessions).where(CS.user_session_id.in_(ids), CS.offline == offline))
            await self._c.execute(delete(user_sessions).where(US.id.in_(ids), US.offline == offline))
        return len(ids)

    # --- rotation families -------------------------------------------------------------------
    async def get_family(self, session_id: str, offline: bool, client_uuid: str, key: str) -> RefreshFamily | None:
        params = {"sid": session_id, "off": offline, "cid": client_uuid, "key": key}
        row = (await _GET_FAMILY.execute(self._c, params)).first()
        return None if row is None else family_from(row)

    async def save_family(self, session_id: str, offline: bool, client_uuid: str, fam: RefreshFamily) -> None:
        await self._save_family(_SAVE_FAMILY, _family_params(session_id, offline, client_uuid, fam))

    async def save_family_touching(
        self, session_id: str, offline: bool, client_uuid: str, fam: RefreshFamily, at: int, *, client: bool, user: bool
    ) -> None:
        """A rotating grant's writes: ``touch_sessions`` (the same flags, the same forward-only rule), then
        ``save_family``. On PostgreSQL a touch and the family's UPDATE go in one statement (``_ROTATED``, the rows
        taken in the lock order); the family's INSERT, when its row is missing, is a statement of its own."""
        params = _family_params(session_id, offline, client_uuid, fam)
        if (client or user) and not self._sqlite:
            await self._save_family(_ROTATED, {**params, "us_at": at if user else -1, "cs_at": at if client else -1})
            return
        if client or user:
            await self.touch_sessions(session_id, offline, client_uuid, at, client=client, user=user)
        await self._save_family(_SAVE_FAMILY, params)

    async def _save_family(self, update: Prepared, params: dict[str, object]) -> None:
        result = await update.execute(self._c, params)
        if not result.rowcount:
            await _ADD_FAMILY.execute(self._c, params)

    # --- consents ----------------------------------------------------------------------------
    async def get_consent(self, user_id: str, client_uuid: str) -> Consent | None:
        row = (
            await self._c.execute(
                select(consents).where(consents.c.user_id == user_id, consents.c.client_id == client_uuid)
            )
        ).first()
        return _consent(row) if row else None

    async def consents_of(self, user_id: str) -> list[Consent]:
        rows = await self._c.execute(select(consents).where(consents.c.user_id == user_id))
        return [_consent(r) for r in rows]

    async def save_consent(self, consent: Consent) -> None:
        await self.delete_consent(consent.user_id, consent.client_id)
        await self._c.execute(
            insert(consents),
            {
                "user_id": consent.user_id,
                "client_id": consent.client_id,
                "granted_scopes": list(consent.granted_scopes),
                "created_date": consent.created_date,
                "last_updated_date": consent.last_updated_date,
            },
        )

    async def delete_consent(self, user_id: str, client_uuid: str) -> bool:
        result = await self._c.execute(
            delete(consents).where(consents.c.user_id == user_id, consents.c.client_id == client_uuid)
        )
        return bool(result.rowcount)


def _consent(row: object) -> Consent:
    m = row._mapping  # type: ignore[attr-defined]
    return Consent(
        m["user_id"],
        m["client_id"],
        tuple(m["granted_scopes"] or ()),
        int(m["created_date"]),
        int(m["last_updated_date"]),
    )
