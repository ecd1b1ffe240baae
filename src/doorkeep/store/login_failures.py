"""Brute Force Detection records (Keycloak's UserLoginFailure), one row per realm and user."""

from __future__ import annotations

import dataclasses

from sqlalchemy import ColumnElement, and_, delete, func, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncConnection

from doorkeep.model import LoginFailure
from doorkeep.store.tables import login_failures

_KEY = ("realm_id", "user_id")


def _failure(row: object) -> LoginFailure:
    return LoginFailure(**dict(row._mapping))  # type: ignore[attr-defined]


class LoginFailureRepo:
    def __init__(self, conn: AsyncConnection, is_sqlite: bool) -> None:
        self._c = conn
        self._sqlite = is_sqlite

    def _where(self, realm_id: str, user_id: str) -> ColumnElement[bool]:
        return and_(login_failures.c.realm_id == realm_id, login_failures.c.user_id == user_id)

    async def get(self, realm_id: str, user_id: str) -> LoginFailure | None:
        row = (await self._c.execute(select(login_failures).where(self._where(realm_id, user_id)))).first()
        return _failure(row) if row else None

    async def serialize(self, realm_id: str, user_id: str) -> None:
        """Queue this transaction behind any other login attempt on the same user until it ends.

        The lockout check and the failure it may record are then one step, so parallel guesses cannot
        all pass the check before the first failure lands. SQLite writers are serial already; on
        PostgreSQL a transaction-scoped advisory lock does it without creating a row.
        """
        if self._sqlite:
            return
        key = func.hashtextextended(f"doorkeep.login_failures:{realm_id}:{user_id}", 0)
        await self._c.execute(select(func.pg_advisory_xact_lock(key)))

    async def lock(self, realm_id: str, user_id: str) -> LoginFailure:
        """The user's record, created empty if missing and row-locked until the transaction ends.

        Concurrent failures of one user (on any worker or node) queue here, so none is lost.
        """
        values = dataclasses.asdict(LoginFailure(realm_id, user_id))
        dialect = sqlite if self._sqlite else postgresql
        await self._c.execute(dialect.insert(login_failures).values(**values).on_conflict_do_nothing())
        query = select(login_failures).where(self._where(realm_id, user_id))
        row = (await self._c.execute(query if self._sqlite else query.with_for_update())).one()
        return _failure(row)

    async def save(self, failure: LoginFailure) -> None:
        """Store a record taken with ``lock``."""
        changes = {k: v for k, v in dataclasses.asdict(failure).items() if k not in _KEY}
        await self._c.execute(
            update(login_failures).where(self._where(failure.realm_id, failure.user_id)).values(**changes)
        )

    async def reset(self, realm_id: str, user_id: str) -> None:
        """Keycloak's ``clearFailures`` after a successful login: an existing record is emptied."""
        empty = {k: v for k, v in dataclasses.asdict(LoginFailure(realm_id, user_id)).items() if k not in _KEY}
        await self._c.execute(update(login_failures).where(self._where(realm_id, user_id)).values(**empty))

    async def remove(self, realm_id: str, user_id: str) -> bool:
        """Forget one user's failures (an administrator releasing a temporary lockout)."""
        result = await self._c.execute(delete(login_failures).where(self._where(realm_id, user_id)))
        return bool(result.rowcount)

    async def remove_all(self, realm_id: str) -> int:
        """Forget every failure of the realm."""
        result = await self._c.execute(delete(login_failures).where(login_failures.c.realm_id == realm_id))
        return int(result.rowcount or 0)
