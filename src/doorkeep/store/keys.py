"""Realm signing keys and the revoked-access-token store."""

from __future__ import annotations

import builtins

from sqlalchemy import bindparam, delete, insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from doorkeep.model import RealmKey
from doorkeep.store.prepared import Prepared
from doorkeep.store.tables import realm_keys, revoked_tokens

# Asked on every introspection, userinfo and admin call (store/prepared.py).
_IS_REVOKED = Prepared(select(revoked_tokens.c.jti).where(revoked_tokens.c.jti == bindparam("jti")))


class KeyRepo:
    def __init__(self, conn: AsyncConnection) -> None:
        self._c = conn

    async def list(self, realm_id: str) -> builtins.list[RealmKey]:
        rows = await self._c.execute(
            select(realm_keys).where(realm_keys.c.realm_id == realm_id).order_by(realm_keys.c.created)
        )
        return [RealmKey(**dict(r._mapping)) for r in rows]

    async def add(self, key: RealmKey) -> None:
        await self._c.execute(insert(realm_keys).values(**key.__dict__))

    async def remove_realm_keys(self, realm_id: str) -> None:
        """Forget every key of a realm (a migration replaces them with the keys it brings)."""
        await self._c.execute(delete(realm_keys).where(realm_keys.c.realm_id == realm_id))

    async def set_status(self, kid: str, status: str) -> None:
        await self._c.execute(update(realm_keys).where(realm_keys.c.kid == kid).values(status=status))


class RevokedTokenRepo:
    def __init__(self, conn: AsyncConnection) -> None:
        self._c = conn

    async def add(self, jti: str, expires: int) -> None:
        if not await self.is_revoked(jti):
            await self._c.execute(insert(revoked_tokens).values(jti=jti, expires=expires))

    async def is_revoked(self, jti: str) -> bool:
        return (await _IS_REVOKED.execute(self._c, {"jti": jti})).first() is not None

    async def purge(self, now: int) -> int:
        result = await self._c.execute(delete(revoked_tokens).where(revoked_tokens.c.expires < now))
        return int(result.rowcount or 0)
