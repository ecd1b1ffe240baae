"""Realm signing keys (the revoked-access-token store is store/revoked_tokens.py)."""

from __future__ import annotations

import builtins

from sqlalchemy import delete, insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from doorkeep.model import RealmKey
from doorkeep.store import advisory
from doorkeep.store.realms import bump
from doorkeep.store.tables import realm_keys


class KeyRepo:
    def __init__(self, conn: AsyncConnection, is_sqlite: bool) -> None:
        self._c = conn
        self._sqlite = is_sqlite

    async def list(self, realm_id: str) -> builtins.list[RealmKey]:
        rows = await self._c.execute(
            select(realm_keys)
            .where(realm_keys.c.realm_id == realm_id)
            .order_by(realm_keys.c.created, realm_keys.c.component_id)
        )
        return [RealmKey(**dict(r._mapping)) for r in rows]

    async def add(self, key: RealmKey) -> None:
        """A key Doorkeep made itself (a new or imported realm's): every process re-reads the realm's keys
        (keys/ring.py reads them again for an unknown kid only when the version moved)."""
        await self._c.execute(insert(realm_keys), key.__dict__)
        await bump(self._c, key.realm_id)

    async def serialize_fallback(self, realm_id: str) -> None:
        """Queue this transaction behind any other making a fallback key of the realm until it ends, so that the
        realm's keys it then reads hold what they committed: two processes asking at once make one key. SQLite's
        writers are serial already; on PostgreSQL a transaction-scoped advisory lock (login_failures.serialize)."""
        if self._sqlite:
            return
        await advisory.hold(self._c, f"doorkeep.fallback_key:{realm_id}")

    async def add_fallback(self, key: RealmKey) -> None:
        """A fallback key made on first need (DefaultKeyManager.createFallbackKeys): like a component, every process
        re-reads the realm's keys, so that all of them publish it (keys/ring.py)."""
        await self.add(key)

    async def kid_clashes(self, key: RealmKey) -> bool:
        """Whether a key of any realm has ``key``'s kid but other material: another public key, or for a secret key
        (HMAC, AES: no public key) any key at all. One key given to two providers shares its kid, as in Keycloak."""
        rows = await self._c.execute(
            select(realm_keys.c.public_pem, realm_keys.c.private).where(realm_keys.c.kid == key.kid)
        )
        if key.public_pem is None:
            return rows.first() is not None
        return any(public != key.public_pem for public, _ in rows)

    async def component(self, realm_id: str, component_id: str) -> RealmKey | None:
        """The key of one key-provider component of the realm."""
        rows = await self._c.execute(
            select(realm_keys).where(realm_keys.c.realm_id == realm_id, realm_keys.c.component_id == component_id)
        )
        row = rows.first()
        return None if row is None else RealmKey(**dict(row._mapping))

    async def add_component(self, key: RealmKey) -> None:
        """A key-provider component created through the admin API: every process re-reads the realm's keys."""
        await self._c.execute(insert(realm_keys), key.__dict__)
        await bump(self._c, key.realm_id)

    async def replace_component(self, key: RealmKey) -> None:
        """A component updated: its row takes the new config (and the new key, when it was generated again)."""
        await self._c.execute(
            update(realm_keys)
            .where(realm_keys.c.realm_id == key.realm_id, realm_keys.c.component_id == key.component_id)
            .values(**key.__dict__)
        )
        await bump(self._c, key.realm_id)

    async def remove_component(self, realm_id: str, component_id: str) -> None:
        await self._c.execute(
            delete(realm_keys).where(realm_keys.c.realm_id == realm_id, realm_keys.c.component_id == component_id)
        )
        await bump(self._c, realm_id)

    async def remove_realm_keys(self, realm_id: str) -> None:
        """Forget every key of a realm (a migration replaces them with the keys it brings)."""
        await self._c.execute(delete(realm_keys).where(realm_keys.c.realm_id == realm_id))
