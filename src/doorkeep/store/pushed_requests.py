"""Pushed authorization requests (RFC 9126): Keycloak's ``singleUseObjects()`` entries of the PAR endpoint.

One row per pushed request, keyed by the SHA-256 of the id in its ``request_uri`` (the id is what lets a browser
start the login, so it is not stored as sent). ``take`` deletes the row and says whether this transaction was the
one that did: of two logins that began with one ``request_uri``, the first to end gets it, whatever workers they
run on (``removeRequestObject`` is single use).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, insert, select
from sqlalchemy.ext.asyncio import AsyncConnection

from doorkeep.model import PushedRequest, pushed_request_digest
from doorkeep.store.tables import pushed_authorization_requests as table


class PushedRequestRepo:
    def __init__(self, conn: AsyncConnection) -> None:
        self._c = conn

    async def save(self, key: str, request: PushedRequest, expires: int) -> None:
        await self._c.execute(
            insert(table),
            {
                "key_hash": pushed_request_digest(key),
                "realm_id": request.realm_id,
                "client_id": request.client_id,
                "params": request.params,
                "created": request.created,
                "expires": expires,
            },
        )

    async def find(self, key: str, now: int) -> PushedRequest | None:
        """The pushed request, unless used or past its store lifespan (a read that spends nothing)."""
        row = (await self._c.execute(select(table).where(table.c.key_hash == pushed_request_digest(key)))).first()
        if row is None or row.expires <= now:
            return None
        params: dict[str, Any] = row.params
        return PushedRequest(row.realm_id, row.client_id, {k: str(v) for k, v in params.items()}, row.created)

    async def take(self, key: str) -> bool:
        """Delete the pushed request; False when another request already did."""
        return await self.spend(pushed_request_digest(key))

    async def spend(self, digest: str) -> bool:
        """``take`` by the id's digest (``pushed_request_digest``), as a login that began with it keeps it."""
        result = await self._c.execute(delete(table).where(table.c.key_hash == digest))
        return bool(result.rowcount)

    async def purge(self, now: int) -> int:
        result = await self._c.execute(delete(table).where(table.c.expires <= now))
        return int(result.rowcount or 0)
