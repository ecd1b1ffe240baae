"""The admin session reads, column by column: only what a UserSessionRepresentation shows (issue #8).

A user holding a thousand sessions made these reads cost ~0.1 ms of CPU per session in building full rows
(``Row._mapping``, both tables' ``notes`` decoded) that the representation mostly does not show. These
statements select the shown columns, read them by position and fetch them at once (``all()``), and of an offline
session's ``notes`` only the few values its device label is made of (``device.LABEL_NOTES``, extracted by the
database: ``json_extract`` on SQLite, ``->>`` on PostgreSQL), never the whole document. Their filters and
order are those of ``SessionRepo.user_sessions_of``,
``sessions_with_client`` and ``client_sessions_of_many`` (store/sessions.py), whose full rows the token path and
the other callers keep using.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import and_, case, func, select
from sqlalchemy.ext.asyncio import AsyncConnection

from doorkeep.model import SessionView
from doorkeep.sessions.device import LABEL_NOTES
from doorkeep.sessions.liveness import LiveFilter
from doorkeep.store import client_session_pages as pages
from doorkeep.store.live_sql import client_live, user_live
from doorkeep.store.tables import client_sessions, user_sessions, users

US = user_sessions.c
CS = client_sessions.c
CHUNK = 500  # ids per IN list
_SHOWN = (
    US.id,
    US.user_id,
    US.offline,
    US.login_username,
    US.ip_address,
    US.remember_me,
    US.started,
    US.last_session_refresh,
)  # read by position in _view
_JOIN = and_(CS.user_session_id == US.id, CS.offline == US.offline)


_LABEL_VALUES = tuple(US.notes[name].as_string() for name in LABEL_NOTES)  # read by position after _SHOWN
_NOTES_AT = len(_SHOWN)


def _columns(offline: bool) -> tuple[Any, ...]:
    return (*_SHOWN, *_LABEL_VALUES) if offline else _SHOWN


def _view(row: Any, offline: bool) -> SessionView:
    notes: dict[str, Any] = {}
    if offline:
        values = row[_NOTES_AT : _NOTES_AT + len(LABEL_NOTES)]
        notes = {name: value for name, value in zip(LABEL_NOTES, values, strict=True) if value is not None}
    return SessionView(row[0], row[1], offline, row[3], row[4], bool(row[5]), int(row[6]), int(row[7]), notes)


class SessionViewRepo:
    def __init__(self, conn: AsyncConnection) -> None:
        self._c = conn

    async def of_user(self, user_id: str, offline: bool, live: LiveFilter | None) -> list[SessionView]:
        """The user's (live) sessions of one kind, oldest first."""
        query = select(*_columns(offline)).where(US.user_id == user_id, US.offline == offline)
        if live is not None:
            query = query.where(user_live(live))
        return [_view(r, offline) for r in (await self._c.execute(query.order_by(US.started))).all()]

    async def page_of_user(
        self, user_id: str, offline: bool, first: int, max_results: int, live: LiveFilter | None
    ) -> list[SessionView]:
        """The page ``first``/``max`` of the user's (live) sessions of one kind, oldest first as ``of_user``, ties
        by id: a new session comes last, so the pages before it stay as they were (the Admin Console's user
        Sessions tab)."""
        query = select(*_columns(offline)).where(US.user_id == user_id, US.offline == offline)
        if live is not None:
            query = query.where(user_live(live))
        query = query.order_by(US.started, US.id).offset(max(first, 0)).limit(max(max_results, 0))
        return [_view(r, offline) for r in (await self._c.execute(query)).all()]

    async def page(
        self, client_uuid: str, offline: bool, first: int, max_results: int, live: LiveFilter | None
    ) -> list[tuple[SessionView, int]]:
        """Keycloak's page ``first``/``max`` of the client's (live) sessions in session-id order, each with the
        client session's timestamp."""
        ids = await pages.page_ids(self._c, client_uuid, offline, first, max_results, live)
        if not ids:
            return []
        query = (
            select(*_columns(offline), CS.timestamp)
            .join(client_sessions, _JOIN)
            .where(CS.client_id == client_uuid, CS.offline == offline, CS.user_session_id.in_(ids))
            .order_by(US.id)
        )
        return [(_view(r, offline), int(r[-1])) for r in (await self._c.execute(query)).all()]

    async def clients_of(
        self, session_ids: list[str], offline: bool, live: LiveFilter | None
    ) -> dict[str, list[tuple[str, int]]]:
        """(client uuid, timestamp) of every (live) client session of these user sessions."""
        out: dict[str, list[tuple[str, int]]] = {sid: [] for sid in session_ids}
        for at in range(0, len(session_ids), CHUNK):
            query = select(CS.user_session_id, CS.client_id, CS.timestamp).where(
                CS.user_session_id.in_(session_ids[at : at + CHUNK]), CS.offline == offline
            )
            if live is not None:
                query = query.join(user_sessions, _JOIN).where(client_live(live))
            for sid, client_uuid, timestamp in (await self._c.execute(query)).all():
                out[sid].append((client_uuid, int(timestamp)))
        return out

    async def clients_of_user(self, user_id: str, offline: bool, live: LiveFilter) -> dict[str, list[tuple[str, int]]]:
        """``clients_of`` for every session of one kind of this user, by the user's index: no list of ids."""
        query = (
            select(CS.user_session_id, CS.client_id, CS.timestamp)
            .join(user_sessions, _JOIN)
            .where(US.user_id == user_id, US.offline == offline, client_live(live))
        )
        out: dict[str, list[tuple[str, int]]] = {}
        for sid, client_uuid, timestamp in (await self._c.execute(query)).all():
            out.setdefault(sid, []).append((client_uuid, int(timestamp)))
        return out

    async def count_live(
        self, user_id: str, live: LiveFilter, client_uuid: str | None = None, *, offline: bool = False
    ) -> int:
        """How many live sessions of one kind (online unless ``offline``) the user has (with ``client_uuid``:
        those holding a session of that client), counted by the database."""
        query = select(func.count()).select_from(user_sessions)
        if client_uuid is not None:
            query = query.join(client_sessions, _JOIN).where(CS.client_id == client_uuid)
        query = query.where(US.user_id == user_id, US.offline == offline, user_live(live))
        return int((await self._c.execute(query)).scalar_one())

    async def oldest_live(
        self,
        user_id: str,
        live: LiveFilter,
        count: int,
        client_uuid: str | None = None,
        skip: tuple[str, ...] = (),
        *,
        first_of: str | None = None,
    ) -> list[str]:
        """The ids of the user's ``count`` live online sessions refreshed longest ago (with ``client_uuid``: of
        those holding a session of that client; with ``first_of``: those holding a session of that client before
        the others), ``skip`` left out."""
        if count <= 0:
            return []
        query = select(US.id)
        if client_uuid is not None:
            query = query.join(client_sessions, _JOIN).where(CS.client_id == client_uuid)
        query = query.where(US.user_id == user_id, US.offline.is_(False), user_live(live))
        if skip:
            query = query.where(US.id.not_in(list(skip)))
        if first_of is not None:
            holds = select(CS.user_session_id).where(_JOIN, CS.client_id == first_of).exists()
            query = query.order_by(case((holds, 0), else_=1))
        query = query.order_by(US.last_session_refresh, US.started, US.id).limit(count)
        return [str(r[0]) for r in (await self._c.execute(query)).all()]

    async def usernames(self, user_ids: list[str]) -> dict[str, str]:
        """The usernames of these users (absent ones left out)."""
        found: dict[str, str] = {}
        for at in range(0, len(user_ids), CHUNK):
            query = select(users.c.id, users.c.username).where(users.c.id.in_(user_ids[at : at + CHUNK]))
            found.update((user_id, username) for user_id, username in (await self._c.execute(query)).all())
        return found
