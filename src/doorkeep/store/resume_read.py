"""The rows a refresh resumes from, in one statement (issue #8).

A refresh needs the token's user session, its user and the client's session in that user session
(sessions/resume.py). Read one by one that is three statements, each paying SQLAlchemy's execution
and result costs; here one SELECT joins them. When any of the three is missing the join finds
nothing and the caller reads them one by one, so each missing row still gets Keycloak's own error.

Under ``lock`` the client-session row is locked as ``lock_client_session`` locks it: ``FOR UPDATE``
of that row on PostgreSQL; on SQLite the writing transaction's ``BEGIN IMMEDIATE`` already holds
the database's write lock.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import bindparam, select
from sqlalchemy.ext.asyncio import AsyncConnection

from doorkeep.model import ClientSession, User, UserSession
from doorkeep.store.rows import from_row
from doorkeep.store.sessions import client_session_from, user_session_from
from doorkeep.store.tables import client_sessions, user_sessions, users
from doorkeep.store.users import USER_COLS

US, CS, U = user_sessions.c, client_sessions.c, users.c
_N_US, _N_U = len(user_sessions.c), len(users.c)
_US_NAMES = tuple(c.name for c in user_sessions.c)
_U_NAMES = tuple(c.name for c in users.c)
_CS_NAMES = tuple(c.name for c in client_sessions.c)

_JOINED = user_sessions.join(
    client_sessions,
    (CS.user_session_id == US.id) & (CS.offline == US.offline) & (CS.client_id == bindparam("cid")),
).join(users, U.id == bindparam("uid"))
# Built once: SQLAlchemy reuses the cache key and compiled form.
_READ = (
    select(*user_sessions.c, *users.c, *client_sessions.c)
    .select_from(_JOINED)
    .where(US.id == bindparam("sid"), US.offline == bindparam("off"))
)
_LOCKED = _READ.with_for_update(of=client_sessions)


class _Part:
    """A slice of the joined row, read by name as the repositories read their own rows."""

    __slots__ = ("_mapping",)

    def __init__(self, names: tuple[str, ...], values: tuple[Any, ...]) -> None:
        self._mapping = dict(zip(names, values, strict=True))


class ResumeRead:
    def __init__(self, conn: AsyncConnection, is_sqlite: bool) -> None:
        self._c = conn
        self._sqlite = is_sqlite

    async def session_user_client(
        self, session_id: str, offline: bool, user_id: str, client_uuid: str, *, lock: bool
    ) -> tuple[UserSession, User, ClientSession] | None:
        """The user session, the user ``user_id`` and the client's session in it, or None if any is
        missing. ``lock`` locks the client-session row (PostgreSQL ``FOR UPDATE``)."""
        query = _LOCKED if lock and not self._sqlite else _READ
        params = {"sid": session_id, "off": offline, "uid": user_id, "cid": client_uuid}
        row = (await self._c.execute(query, params)).first()
        if row is None:
            return None
        values = tuple(row)
        us = user_session_from(_Part(_US_NAMES, values[:_N_US]))
        user = from_row(User, _Part(_U_NAMES, values[_N_US : _N_US + _N_U]), USER_COLS)
        cs = client_session_from(_Part(_CS_NAMES, values[_N_US + _N_U :]))
        return us, user, cs
