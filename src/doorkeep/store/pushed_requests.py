"""Pushed authorization requests (RFC 9126): Keycloak's ``singleUseObjects()`` entries of the PAR endpoint.

One row per pushed request, keyed by the SHA-256 of the id in its ``request_uri`` (the id is what lets a browser
start the login, so it is not stored as sent). ``take`` deletes the row and says whether this transaction was the
one that did: of two workers using one ``request_uri`` at the same instant, one gets it (``remove`` is single use).
"""

from __future__ import annotations

import hashlib
from typing import Any

from sqlalchemy import delete, insert, select
from sqlalchemy.ext.asyncio import AsyncConnection

from doorkeep.model import PushedRequest
from doorkeep.store.tables import pushed_authorization_requests as table


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()


class PushedRequestRepo:
    def __init__(self, conn: AsyncConnection) -> None:
        self._c = conn

    async def save(self, key: str, request: PushedRequest, expires: int) -> None:
        await self._c.execute(
            insert(table),
            {
                "key_hash": _hash(key),
                "realm_id": request.realm_id,
                "client_id": request.client_id,
                "params": request.params,
                "created": request.created,
                "expires": expires,
            },
        )

    async def find(self, key: str, now: int) -> PushedRequest | None:
        """The pushed request, unless used or past its store lifespan (a read that spends nothing)."""
        row = (await self._c.execute(select(table).where(table.c.key_hash == _hash(key)))).first()
        if row is None or row.expires <= now:
            return None
        params: dict[str, Any] = row.params
        return PushedRequest(row.realm_id, row.client_id, {k: str(v) for k, v in params.items()}, row.created)

    async def take(self, key: str) -> bool:
        """Delete the pushed request; False when another request already did."""
        result = await self._c.execute(delete(table).where(table.c.key_hash == _hash(key)))
        return bool(result.rowcount)

    async def purge(self, now: int) -> int:
        result = await self._c.execute(delete(table).where(table.c.expires <= now))
        return int(result.rowcount or 0)
