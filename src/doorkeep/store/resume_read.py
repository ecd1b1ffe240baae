"""The rows a refresh resumes from, in one statement (issue #8).

A refresh needs the token's user session, its user and the client's session in that user session
(sessions/resume.py), then the user's role mappings (oauth/roles.py). Read one by one that is four
statements, each paying SQLAlchemy's execution and result costs; here one SELECT joins them, the role
ids as a JSON array handed to ``UserRepo`` for the transaction's next ``role_ids`` of that user.
When the user session, the user or the client session is missing the join finds nothing and the
caller reads them one by one, so each missing row still gets Keycloak's own error.

Under ``lock`` the user-session row and then the client-session row are locked (``FOR NO KEY UPDATE`` on
PostgreSQL); on SQLite the writing transaction's ``BEGIN IMMEDIATE`` already holds
the database's write lock.

A rotating refresh (``rotating``) reads its refresh family in the same statement and locks its row too, after
the two sessions' (issue #8). Locked, not merely joined: under READ COMMITTED a statement that waited for a row
lock re-reads the rows it locks at their newest version but returns the other rows as its snapshot saw them
before the wait, so a family joined without its lock could be the one a concurrent rotation has just replaced,
and both presentations of one token would pass the reuse check. A row cannot be locked on the nullable side of
an outer join: the family is inner-joined, and a session without the family's row (rotation turned on after the
login) reads nothing here; the caller then reads as before (``session_user_client``, then the family).
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import Select, Text, bindparam, cast, func, select
from sqlalchemy.ext.asyncio import AsyncConnection

from doorkeep.model import ClientSession, RefreshFamily, User, UserSession
from doorkeep.store.prepared import Prepared
from doorkeep.store.sessions import FAMILY_COLUMNS, client_session_from, family_from, user_session_from
from doorkeep.store.tables import client_sessions, refresh_families, user_role_mappings, user_sessions, users
from doorkeep.store.users import READ_ONLY, UserRepo, user_from

US, CS, U, M, RF = user_sessions.c, client_sessions.c, users.c, user_role_mappings.c, refresh_families.c
# The user's columns are followed by READ_ONLY (store/users.py: a read-only organization member reads disabled).
_N_US, _N_U, _N_CS = len(user_sessions.c), len(users.c) + 1, len(client_sessions.c)
_US_NAMES = tuple(c.name for c in user_sessions.c)
_U_NAMES = (*(c.name for c in users.c), "read_only")
_CS_NAMES = tuple(c.name for c in client_sessions.c)
_RF_NAMES = FAMILY_COLUMNS

_JOINED = user_sessions.join(
    client_sessions,
    (CS.user_session_id == US.id) & (CS.offline == US.offline) & (CS.client_id == bindparam("cid")),
).join(users, U.id == bindparam("uid"))
# Built once: SQLAlchemy reuses the cache key and compiled form.
_READ = (
    select(*user_sessions.c, *users.c, READ_ONLY, *client_sessions.c)
    .select_from(_JOINED)
    .where(US.id == bindparam("sid"), US.offline == bindparam("off"))
)
# FOR NO KEY UPDATE of both rows, the user session's first (PostgreSQL locks them in the order ``of`` names
# them): the lock order of every grant, login and logout (SessionRepo.lock_user_session), so a refresh racing a
# logout or an SSO login of its session does not deadlock with it.
_LOCKED = _READ.with_for_update(of=(user_sessions, client_sessions), key_share=True)
# A rotating refresh: the family ``key`` of that client session too, its row locked third (the order of a
# rotation's writes before, and of a revocation: user session, client session, then its families).
_ROTATING = (
    select(*user_sessions.c, *users.c, READ_ONLY, *client_sessions.c, *(RF[name] for name in FAMILY_COLUMNS))
    .select_from(
        _JOINED.join(
            refresh_families,
            (RF.user_session_id == CS.user_session_id)
            & (RF.offline == CS.offline)
            & (RF.client_id == CS.client_id)
            & (RF.reuse_key == bindparam("key")),
        )
    )
    .where(US.id == bindparam("sid"), US.offline == bindparam("off"))
    .with_for_update(of=(user_sessions, client_sessions, refresh_families), key_share=True)
)


def _with_role_ids(query: Select[Any], aggregate: Any) -> Select[Any]:
    """The user's role ids too, as a JSON array (the same rows ``UserRepo.role_ids`` reads)."""
    ids = select(cast(aggregate(M.role_id), Text)).where(M.user_id == U.id).scalar_subquery()
    return query.add_columns(ids)


# SQLite: json_group_array; PostgreSQL: json_agg (NULL when the user has no role mapping).
_SQLITE = Prepared(_with_role_ids(_READ, func.json_group_array))
_PG = Prepared(_with_role_ids(_READ, func.json_agg))
_PG_LOCKED = Prepared(_with_role_ids(_LOCKED, func.json_agg))
_SQLITE_ROTATING = Prepared(_with_role_ids(_ROTATING, func.json_group_array))  # SQLite renders no FOR UPDATE
_PG_ROTATING = Prepared(_with_role_ids(_ROTATING, func.json_agg))


class _Part:
    """A slice of the joined row, read by name as the repositories read their own rows."""

    __slots__ = ("_mapping",)

    def __init__(self, names: tuple[str, ...], values: tuple[Any, ...]) -> None:
        self._mapping = dict(zip(names, values, strict=True))


class ResumeRead:
    def __init__(self, conn: AsyncConnection, is_sqlite: bool, users: UserRepo) -> None:
        self._c = conn
        self._sqlite = is_sqlite
        self._users = users  # handed the user's role ids read here

    async def session_user_client(
        self, session_id: str, offline: bool, user_id: str, client_uuid: str, *, lock: bool
    ) -> tuple[UserSession, User, ClientSession] | None:
        """The user session, the user ``user_id`` and the client's session in it, or None if any is
        missing. ``lock`` locks the client-session row (PostgreSQL ``FOR UPDATE``)."""
        params = {"sid": session_id, "off": offline, "uid": user_id, "cid": client_uuid}
        statement = _SQLITE if self._sqlite else _PG_LOCKED if lock else _PG
        row = (await statement.execute(self._c, params)).first()
        return None if row is None else self._sessions_of(tuple(row))

    async def rotating(
        self, session_id: str, offline: bool, user_id: str, client_uuid: str, reuse_key: str
    ) -> tuple[UserSession, User, ClientSession, RefreshFamily] | None:
        """``session_user_client`` under the locks, with the client session's refresh family ``reuse_key``, its
        row locked after the sessions'; None if any of the four rows is missing (see the module's docstring)."""
        params = {"sid": session_id, "off": offline, "uid": user_id, "cid": client_uuid, "key": reuse_key}
        statement = _SQLITE_ROTATING if self._sqlite else _PG_ROTATING
        row = (await statement.execute(self._c, params)).first()
        if row is None:
            return None
        values = tuple(row)
        us, user, cs = self._sessions_of(values)
        return us, user, cs, family_from(_Part(_RF_NAMES, values[_N_US + _N_U + _N_CS : -1]))

    def _sessions_of(self, values: tuple[Any, ...]) -> tuple[UserSession, User, ClientSession]:
        """The user session, user and client session at the front of a joined row; the role ids, last, handed
        to ``UserRepo``."""
        us = user_session_from(_Part(_US_NAMES, values[:_N_US]))
        user = user_from(_Part(_U_NAMES, values[_N_US : _N_US + _N_U]))
        cs = client_session_from(_Part(_CS_NAMES, values[_N_US + _N_U : _N_US + _N_U + _N_CS]))
        self._users.prefetched_role_ids(user.id, set(json.loads(values[-1] or "[]")))
        return us, user, cs
