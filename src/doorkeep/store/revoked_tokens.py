"""Revoked access tokens (the revocation endpoint's record, by ``jti``, kept until the token expires)."""

from __future__ import annotations

from sqlalchemy import bindparam, delete, insert, select
from sqlalchemy.ext.asyncio import AsyncConnection

from doorkeep.store.prepared import Prepared
from doorkeep.store.tables import revoked_tokens

# Asked on every introspection, userinfo and admin call (store/prepared.py).
_IS_REVOKED = Prepared(select(revoked_tokens.c.jti).where(revoked_tokens.c.jti == bindparam("jti")))


class RevokedTokenRepo:
    def __init__(self, conn: AsyncConnection) -> None:
        self._c = conn

    async def add(self, jti: str, expires: int) -> None:
        if not await self.is_revoked(jti):
            await self._c.execute(insert(revoked_tokens), {"jti": jti, "expires": expires})

    async def is_revoked(self, jti: str) -> bool:
        return (await _IS_REVOKED.execute(self._c, {"jti": jti})).first() is not None

    async def purge(self, now: int) -> int:
        result = await self._c.execute(delete(revoked_tokens).where(revoked_tokens.c.expires < now))
        return int(result.rowcount or 0)
