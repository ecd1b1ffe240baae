"""Used client assertion ids: Keycloak's ``singleUseObjects().putIfAbsent`` for JWT client authentication.

One row per assertion id spent, keyed by the SHA-256 of the key Keycloak builds (so an attacker-chosen ``jti``
of any length is stored in 64 characters), kept until its lifespan ends. The first of two requests spending
the same id wins in any number of processes: an insert that does nothing on a conflict, and its row count.
"""

from __future__ import annotations

import hashlib

from sqlalchemy import Table, delete, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncConnection

from doorkeep.store.tables import used_client_assertions as table


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()


class ClientAssertionRepo:
    """A single-use store: ``used_client_assertions``, or another table of the same shape (action tokens)."""

    def __init__(self, conn: AsyncConnection, is_sqlite: bool, store: Table = table) -> None:
        self._c = conn
        self._sqlite = is_sqlite
        self._t = store

    async def put_if_absent(self, key: str, expires: int, now: int) -> bool:
        """Record ``key`` until ``expires``; False when it is already recorded and not yet expired."""
        key_hash = _hash(key)
        await self._c.execute(delete(self._t).where(self._t.c.key_hash == key_hash, self._t.c.expires < now))
        dialect_insert = sqlite.insert if self._sqlite else postgresql.insert
        stmt = dialect_insert(self._t).values(key_hash=key_hash, expires=expires).on_conflict_do_nothing()
        result = await self._c.execute(stmt)
        return bool(result.rowcount)

    async def put(self, key: str, expires: int) -> None:
        """Record ``key`` until ``expires``, replacing what it held (``SingleUseObjectProvider.put``)."""
        key_hash = _hash(key)
        dialect_insert = sqlite.insert if self._sqlite else postgresql.insert
        stmt = dialect_insert(self._t).values(key_hash=key_hash, expires=expires)
        await self._c.execute(stmt.on_conflict_do_update(index_elements=["key_hash"], set_={"expires": expires}))

    async def expiry(self, key: str) -> int | None:
        """When ``key`` stops being recorded (None: not recorded)."""
        found = await self._c.scalar(select(self._t.c.expires).where(self._t.c.key_hash == _hash(key)))
        return None if found is None else int(found)

    async def remove(self, key: str) -> None:
        await self._c.execute(delete(self._t).where(self._t.c.key_hash == _hash(key)))

    async def is_used(self, key: str, now: int) -> bool:
        """Whether ``key`` is recorded and not yet expired (a check that spends nothing)."""
        found = await self._c.scalar(select(self._t.c.expires).where(self._t.c.key_hash == _hash(key)))
        return found is not None and found >= now

    async def purge(self, now: int) -> int:
        result = await self._c.execute(delete(self._t).where(self._t.c.expires < now))
        return int(result.rowcount or 0)
