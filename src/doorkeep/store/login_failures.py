"""Brute Force Detection records (Keycloak's UserLoginFailure): one row per realm and counter key.

A key is a user id (``login_failures``, removed with the user) or a property value's digest
(``bf-property:…``, users/brute_force_keys.py; ``property_login_failures``, shared by the users holding the
value). ``LoginFailure.user_id`` carries the key either way.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from sqlalchemy import ColumnElement, Table, and_, delete, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncConnection

from doorkeep.model import LoginFailure
from doorkeep.store import advisory
from doorkeep.store.tables import login_failures, property_login_failures
from doorkeep.users.brute_force_keys import is_property_key

_KEY = ("realm_id", "user_id")


def _table(key: str) -> tuple[Table, str]:
    return (property_login_failures, "failure_key") if is_property_key(key) else (login_failures, "user_id")


def _failure(row: Any, column: str) -> LoginFailure:
    values = dict(row._mapping)
    values["user_id"] = values.pop(column)
    return LoginFailure(**values)


def _columns(failure: LoginFailure, column: str) -> dict[str, Any]:
    values = dataclasses.asdict(failure)
    values[column] = values.pop("user_id")
    return values


class LoginFailureRepo:
    def __init__(self, conn: AsyncConnection, is_sqlite: bool) -> None:
        self._c = conn
        self._sqlite = is_sqlite

    @staticmethod
    def _where(realm_id: str, key: str) -> ColumnElement[bool]:
        table, column = _table(key)
        return and_(table.c.realm_id == realm_id, table.c[column] == key)

    async def get(self, realm_id: str, user_id: str) -> LoginFailure | None:
        table, column = _table(user_id)
        row = (await self._c.execute(select(table).where(self._where(realm_id, user_id)))).first()
        return _failure(row, column) if row else None

    async def get_many(self, realm_id: str, keys: list[str]) -> dict[str, LoginFailure]:
        """The records of ``keys`` that exist."""
        found: dict[str, LoginFailure] = {}
        for table, column in ((login_failures, "user_id"), (property_login_failures, "failure_key")):
            wanted = [k for k in keys if _table(k)[0] is table]
            if wanted:
                query = select(table).where(table.c.realm_id == realm_id, table.c[column].in_(wanted))
                found.update((f.user_id, f) for f in (_failure(r, column) for r in await self._c.execute(query)))
        return found

    async def serialize(self, realm_id: str, user_id: str) -> None:
        """Queue this transaction behind any other login attempt on the same user until it ends.

        The lockout check and the failure it may record are then one step, so parallel guesses cannot
        all pass the check before the first failure lands. SQLite writers are serial already; on
        PostgreSQL a transaction-scoped advisory lock does it without creating a row.
        """
        if self._sqlite:
            return
        await advisory.hold(self._c, f"doorkeep.login_failures:{realm_id}:{user_id}")

    async def lock(self, realm_id: str, user_id: str) -> LoginFailure:
        """The key's record, created empty if missing and row-locked until the transaction ends.

        Concurrent failures of one key (on any worker or node) queue here, so none is lost.
        """
        table, column = _table(user_id)
        values = _columns(LoginFailure(realm_id, user_id), column)
        dialect = sqlite if self._sqlite else postgresql
        await self._c.execute(dialect.insert(table).values(**values).on_conflict_do_nothing())
        query = select(table).where(self._where(realm_id, user_id))
        row = (await self._c.execute(query if self._sqlite else query.with_for_update())).one()
        return _failure(row, column)

    async def save(self, failure: LoginFailure) -> None:
        """Store a record taken with ``lock``."""
        table, _ = _table(failure.user_id)
        changes = {k: v for k, v in dataclasses.asdict(failure).items() if k not in _KEY}
        await self._c.execute(update(table).where(self._where(failure.realm_id, failure.user_id)).values(**changes))

    async def reset(self, realm_id: str, user_id: str) -> None:
        """Keycloak's ``clearFailures`` after a successful login: an existing record is emptied."""
        table, _ = _table(user_id)
        empty = {k: v for k, v in dataclasses.asdict(LoginFailure(realm_id, user_id)).items() if k not in _KEY}
        await self._c.execute(update(table).where(self._where(realm_id, user_id)).values(**empty))

    async def remove(self, realm_id: str, user_id: str) -> bool:
        """Forget one key's failures (an administrator releasing a temporary lockout)."""
        table, _ = _table(user_id)
        result = await self._c.execute(delete(table).where(self._where(realm_id, user_id)))
        return bool(result.rowcount)

    async def remove_all(self, realm_id: str) -> int:
        """Forget every failure of the realm."""
        removed = 0
        for table in (login_failures, property_login_failures):
            result = await self._c.execute(delete(table).where(table.c.realm_id == realm_id))
            removed += int(result.rowcount or 0)
        return removed
