"""Ending many sessions at once ("remove all other devices", the bulk revocation, the revocation triggers, an
account's "sign out everywhere"), in a fixed number of statements whatever their count.

A set of session ids goes to the database as **one** bound parameter (a JSON array read by ``json_each`` on
SQLite, a ``text[]`` on PostgreSQL), so a statement neither grows with the set nor meets the engines' limits on
parameters (32,766 on SQLite, 32,767 on asyncpg). The rows are those of ``sessions.service.end`` of each session:
the browser's root authentication sessions of the same ids, the user sessions (held first, in id order: the lock
order of every grant, refresh and logout, ``SessionRepo.lock_user_session``), then their client sessions in one
``DELETE`` (the counter's statement trigger of 0012_scale runs once, not once per session; rotation families
go by cascade), then the user sessions. A session that loses only some of its clients (``sessions.service.detach``
of each) loses them in one ``DELETE`` too, and goes in one more if that left it empty.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from sqlalchemy import ColumnElement, String, and_, any_, bindparam, delete, exists, func, or_, select
from sqlalchemy.dialects import postgresql
from sqlalchemy.ext.asyncio import AsyncConnection

from doorkeep.model import ClientSession, UserSession
from doorkeep.store.sessions import client_session_from, user_session_from
from doorkeep.store.tables import auth_sessions, client_sessions, user_sessions

US = user_sessions.c
CS = client_sessions.c
AS = auth_sessions.c


class SessionEndRepo:
    def __init__(self, conn: AsyncConnection, is_sqlite: bool) -> None:
        self._c = conn
        self._sqlite = is_sqlite

    def _among(self, column: Any, ids: Sequence[str]) -> ColumnElement[bool]:
        """``column`` is one of ``ids``, bound as a single parameter."""
        if self._sqlite:
            listed = func.json_each(bindparam(None, json.dumps(list(ids)), type_=String)).table_valued("value")
            return column.in_(select(listed.c.value))  # type: ignore[no-any-return]
        return column == any_(bindparam(None, list(ids), type_=postgresql.ARRAY(String)))  # type: ignore[no-any-return]

    async def ids_of_user(self, user_id: str, offline: bool, besides: str | None = None) -> list[str]:
        """The ids of the user's sessions of this kind but ``besides``, oldest first (``user_sessions_of``'s order).
        ``besides`` is left out here, not in SQL: whatever the caller sent (a NUL, which PostgreSQL refuses in a
        text) is only compared."""
        query = select(US.id).where(US.user_id == user_id, US.offline == offline).order_by(US.started)
        return [str(r[0]) for r in await self._c.execute(query) if r[0] != besides]

    async def delete_roots(self, root_ids: Sequence[str]) -> None:
        """Every tab of the root authentication sessions ``root_ids`` (``FlowRepo.delete_root`` of each)."""
        if root_ids:
            # a one-tab login (no root) by its id; its "no root" written so that no index serves it, else SQLite
            # reads every one-tab login through the root index instead of the few ids through the primary key
            one_tab = and_(self._among(AS.id, root_ids), func.coalesce(AS.root_id, "") == "")
            tabs = or_(self._among(AS.root_id, root_ids), one_tab)
            await self._c.execute(delete(auth_sessions).where(tabs))

    async def hold(self, session_ids: Sequence[str], offline: bool) -> list[UserSession]:
        """Those of the sessions still there, their rows held till commit (PostgreSQL ``FOR UPDATE``, taken in id
        order so that two of these never wait on each other crosswise; SQLite: the write lock is held already)."""
        if not session_ids:
            return []
        query = select(user_sessions).where(self._among(US.id, session_ids), US.offline == offline).order_by(US.id)
        if not self._sqlite:
            query = query.with_for_update()
        return [user_session_from(r) for r in await self._c.execute(query)]

    async def with_client(
        self, user_id: str, client_uuid: str, offline: bool
    ) -> list[tuple[UserSession, ClientSession]]:
        """The user's sessions of this kind that the client is in, oldest first (``user_sessions_of``'s order, then
        the id), each with that client's session in it: two statements, whatever their number."""
        has = exists().where(CS.user_session_id == US.id, CS.offline == US.offline, CS.client_id == client_uuid)
        query = select(user_sessions).where(US.user_id == user_id, US.offline == offline, has)
        sessions = [user_session_from(r) for r in await self._c.execute(query.order_by(US.started, US.id))]
        if not sessions:
            return []
        where = (self._among(CS.user_session_id, [s.id for s in sessions]), CS.offline == offline)
        rows = await self._c.execute(select(client_sessions).where(*where, CS.client_id == client_uuid))
        found = {cs.user_session_id: cs for cs in map(client_session_from, rows)}
        return [(s, found[s.id]) for s in sessions if s.id in found]

    async def client_sessions_of(self, session_ids: Sequence[str], offline: bool) -> dict[str, list[ClientSession]]:
        """The client sessions of these user sessions, by user session, in one statement."""
        out: dict[str, list[ClientSession]] = {sid: [] for sid in session_ids}
        if session_ids:
            where = (self._among(CS.user_session_id, session_ids), CS.offline == offline)
            query = select(client_sessions).where(*where).order_by(CS.user_session_id, CS.client_id)
            for row in await self._c.execute(query):
                cs = client_session_from(row)
                out[cs.user_session_id].append(cs)
        return out

    async def remove(self, session_ids: Sequence[str], offline: bool) -> int:
        """Delete these user sessions with their client sessions (and so their rotation families); how many of the
        user sessions were there. Call ``hold`` first: the user sessions' rows are then taken before their client
        sessions' rows, as every other writer takes them."""
        if not session_ids:
            return 0
        await self._c.execute(
            delete(client_sessions).where(self._among(CS.user_session_id, session_ids), CS.offline == offline)
        )
        result = await self._c.execute(
            delete(user_sessions).where(self._among(US.id, session_ids), US.offline == offline)
        )
        return int(result.rowcount or 0)

    async def detach(self, session_ids: Sequence[str], offline: bool, client_ids: Sequence[str]) -> None:
        """Remove these clients from these user sessions (their rotation families go by cascade). Call ``hold``
        first, as for ``remove``."""
        if session_ids and client_ids:
            among = (self._among(CS.user_session_id, session_ids), self._among(CS.client_id, client_ids))
            await self._c.execute(delete(client_sessions).where(*among, CS.offline == offline))

    async def remove_empty(self, session_ids: Sequence[str], offline: bool) -> None:
        """Delete those of these user sessions that are left with no client session (``delete_if_empty`` of each)."""
        if session_ids:
            clients = select(CS.user_session_id).where(CS.user_session_id == US.id, CS.offline == offline)
            where = (self._among(US.id, session_ids), US.offline == offline, ~exists(clients))
            await self._c.execute(delete(user_sessions).where(*where))

    async def present(self, session_ids: Sequence[str]) -> set[str]:
        """Those of these ids that an online or an offline user session still has."""
        if not session_ids:
            return set()
        return {str(r[0]) for r in await self._c.execute(select(US.id).where(self._among(US.id, session_ids)))}
