"""Realm, client-scope and client repositories."""

from __future__ import annotations

import builtins
import contextlib
import dataclasses
import functools
import hashlib
import json
import time
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from sqlalchemy import Text, bindparam, cast, delete, func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from doorkeep.model import CLIENT_CREDENTIAL_SUBJECT, Client, ClientScope, Realm
from doorkeep.store import advisory
from doorkeep.store.mappers import MapperRepo
from doorkeep.store.prepared import Prepared
from doorkeep.store.rows import from_row, to_config
from doorkeep.store.tables import client_scope_links, client_scopes, clients, realm_default_scopes, realms

REALM_COLS = ("id", "name", "enabled", "config_version", "user_version")


# The realms whose config version an open PostgreSQL transaction advances at its commit, by the id() of its
# connection (store/pg_connections.py registers and removes them; one asyncio loop, no lock).
_DEFERRED: dict[int, set[str]] = {}


@contextlib.contextmanager
def deferring_bumps(conn: AsyncConnection) -> Iterator[set[str]]:
    """While open, ``bump`` on ``conn`` records the realm instead of updating it; the caller applies them."""
    pending = _DEFERRED[id(conn)] = set()
    try:
        yield pending
    finally:
        _DEFERRED.pop(id(conn), None)


async def bump(conn: AsyncConnection, realm_id: Any) -> None:
    """Advance the realm's config version (``realm_id`` may be a scalar subquery, read now).

    Inside ``Database.transaction`` the UPDATE is made as the transaction ends, once per realm however many
    writes it made (creating a realm makes about 170). On PostgreSQL the realm row is then the last lock every
    writing transaction takes, the configuration's as the users' (whose triggers run at commit, migration
    0017), and a configuration change that cascades into user rows no longer deadlocks with a user write. A
    process that cached the configuration during the transaction cached it under the version before, which
    the commit leaves behind. Outside a transaction (migrations) it is made at once."""
    pending = _DEFERRED.get(id(conn))
    if pending is None:
        await _advance(conn, realm_id)
        return
    found = realm_id if isinstance(realm_id, str) else await conn.scalar(select(realm_id))
    if found is not None:
        pending.add(found)


async def apply_bumps(conn: AsyncConnection, pending: set[str]) -> None:
    """The config version advances a transaction deferred to its commit, one realm row at a time in id order."""
    for realm_id in sorted(pending):
        await _advance(conn, realm_id)


async def _advance(conn: AsyncConnection, realm_id: Any) -> None:
    await conn.execute(update(realms).where(realms.c.id == realm_id).values(config_version=realms.c.config_version + 1))


def realm_of_client(client_uuid: str) -> Any:
    return select(clients.c.realm_id).where(clients.c.id == client_uuid).scalar_subquery()


def realm_of_scope(scope_id: str) -> Any:
    return select(client_scopes.c.realm_id).where(client_scopes.c.id == scope_id).scalar_subquery()


CLIENT_COLS = ("id", "realm_id", "client_id", "enabled")
SCOPE_COLS = ("id", "realm_id", "name")
FLOW_FIELDS = ("authentication_flows", "authenticator_configs", "flow_bindings")  # written by flow writes only
KEPT_FIELDS = ("default_role_id", "keys_cache_epoch")  # written by their own methods only
NOT_CONFIG = ("protocol_mappers",)  # in their own table (store/mappers.py)
# Every request reads its realm by name (the row carries config_version and user_version, so it is always
# read): built once, its JSON config fetched as text so that an unchanged row is turned into a Realm once per
# process.
_REALM_BY_NAME = Prepared(
    select(
        realms.c.id,
        realms.c.name,
        realms.c.enabled,
        realms.c.config_version,
        realms.c.user_version,
        cast(realms.c.config, Text),
    ).where(realms.c.name == bindparam("name"))
)


class _RealmRow:
    __slots__ = ("_mapping",)

    def __init__(self, mapping: dict[str, Any]) -> None:
        self._mapping = mapping


@functools.lru_cache(maxsize=256)  # keyed by every column's value: a changed row is a new entry, never a stale one
def _realm(realm_id: str, name: str, enabled: bool, config_version: int, user_version: int, config: str) -> Realm:
    mapping = {
        "id": realm_id,
        "name": name,
        "enabled": enabled,
        "config_version": config_version,
        "user_version": user_version,
    }
    return from_row(Realm, _RealmRow(mapping | {"config": json.loads(config)}), REALM_COLS)


async def _with_mappers(
    conn: AsyncConnection, pairs: builtins.list[tuple[ClientScope, bool]]
) -> builtins.list[tuple[ClientScope, bool]]:
    scopes = await MapperRepo(conn).attach([scope for scope, _ in pairs])
    return [(scope, default) for scope, (_, default) in zip(scopes, pairs, strict=True)]


class RealmRepo:
    def __init__(self, conn: AsyncConnection, *, hold: bool = False) -> None:
        self._c = conn
        self._hold = hold
        # The realm this transaction last read by name or id: the web layer takes its browser security headers.
        self.loaded: Realm | None = None
        # Told of every realm read by name (the web layer takes the request's realm's frontend URL).
        self.on_load: Callable[[Realm], None] | None = None

    async def serialize_creation(self, name: str) -> None:
        """Queue this transaction behind any other that may create the realm ``name`` (the master realm: a server's
        first start and ``bootstrap-admin`` on an empty database) until it ends, so that its existence check then
        reads what the other committed instead of meeting it at the unique index. SQLite writers are serial
        already; in a writing PostgreSQL transaction a transaction-scoped advisory lock."""
        if self._hold:
            await advisory.hold(self._c, f"doorkeep.realm_creation:{name}")

    async def get(self, realm_id: str) -> Realm | None:
        row = (await self._c.execute(select(realms).where(realms.c.id == realm_id))).first()
        return from_row(Realm, row, REALM_COLS) if row else None

    async def lock(self, realm_id: str) -> Realm | None:
        """The realm as committed, its row locked until the transaction ends (PostgreSQL ``FOR UPDATE``; a
        SQLite write transaction holds the whole database already): read-modify-write of its config."""
        query = select(realms).where(realms.c.id == realm_id).with_for_update()
        row = (await self._c.execute(query)).first()
        return from_row(Realm, row, REALM_COLS) if row else None

    async def get_by_name(self, name: str) -> Realm | None:
        if "\x00" in name:  # no realm has one (PostgreSQL refuses a NUL in a text): unknown on both engines
            return None
        row = (await _REALM_BY_NAME.execute(self._c, {"name": name})).first()
        if row is None:
            return None
        self.loaded = _realm(row[0], row[1], bool(row[2]), int(row[3]), int(row[4]), row[5])
        if self.on_load is not None:
            self.on_load(self.loaded)
        return self.loaded

    async def list(self) -> builtins.list[Realm]:
        rows = await self._c.execute(select(realms).order_by(realms.c.name))
        return [from_row(Realm, r, REALM_COLS) for r in rows]

    async def create(self, realm: Realm) -> None:
        """Its config and user versions start at the time of creation in microseconds, not at 0: each process
        keeps what it read of a realm under its id and versions (store/config_cache.py, keys/ring.py), and a
        realm deleted and created again under the same id (a realm JSON imported again) must not meet a version
        its predecessor had. Every version the predecessor reached is below this start, as long as its changes
        took a microsecond each and the clock did not go back."""
        start = time.time_ns() // 1000
        await self._c.execute(
            insert(realms),
            {
                "id": realm.id,
                "name": realm.name,
                "enabled": realm.enabled,
                "config": to_config(realm, REALM_COLS),
                "config_version": start,
                "user_version": start,
            },
        )

    async def update(self, realm: Realm, *, flows: bool = False) -> None:
        """Store the realm. Its authentication flows and bindings are written only by the writes that lock the
        row and read it first (``flows``: the flow writes, PUT realm); any other keeps the ones committed, so a
        realm read before a concurrent flow write never puts the old flows back."""
        config = to_config(realm, REALM_COLS)
        query = select(realms.c.config).where(realms.c.id == realm.id).with_for_update()
        row = (await self._c.execute(query)).first()
        committed = (row[0] if row is not None else None) or {}
        for key in KEPT_FIELDS + (() if flows else FLOW_FIELDS):
            if key in committed:
                config[key] = committed[key]
            else:
                config.pop(key, None)
        await self._c.execute(
            update(realms)
            .where(realms.c.id == realm.id)
            .values(
                name=realm.name,
                enabled=realm.enabled,
                config=config,
                config_version=realms.c.config_version + 1,
            )
        )

    async def set_default_role(self, realm_id: str, role_id: str) -> None:
        """Keep the realm's default role by id (``RealmModel.setDefaultRole``); nothing else of the realm changes."""
        query = select(realms.c.config).where(realms.c.id == realm_id).with_for_update()
        row = (await self._c.execute(query)).first()
        if row is None:
            return
        config = {**(row[0] or {}), "default_role_id": role_id}
        await self._c.execute(
            update(realms)
            .where(realms.c.id == realm_id)
            .values(config=config, config_version=realms.c.config_version + 1)
        )

    async def clear_config_cache(self, realm_id: str) -> None:
        """Advance the realm's config version: every process reads the realm's configuration again at its next
        request (clear-realm-cache: Keycloak's RealmCacheSession.clear notifies the whole cluster), what was written
        to the tables behind the store's back too."""
        await bump(self._c, realm_id)

    async def clear_keys_cache(self, realm_id: str) -> None:
        """Advance the realm's ``keys_cache_epoch``: every process that reads the realm from now on drops the JWK sets
        it fetched (oauth/client_keys.py), as Keycloak's clear-keys-cache notifies the whole cluster."""
        query = select(realms.c.config).where(realms.c.id == realm_id).with_for_update()
        row = (await self._c.execute(query)).first()
        if row is None:
            return
        config = row[0] or {}
        config = {**config, "keys_cache_epoch": int(config.get("keys_cache_epoch") or 0) + 1}
        await self._c.execute(update(realms).where(realms.c.id == realm_id).values(config=config))

    async def delete(self, realm_id: str) -> None:
        await self._c.execute(delete(realms).where(realms.c.id == realm_id))

    async def default_scopes(self, realm_id: str) -> builtins.list[tuple[ClientScope, bool]]:
        """The realm's default client scopes (True) and default optional ones (False)."""
        rows = await self._c.execute(
            select(client_scopes, realm_default_scopes.c.default_scope)
            .join(realm_default_scopes, realm_default_scopes.c.scope_id == client_scopes.c.id)
            .where(realm_default_scopes.c.realm_id == realm_id)
            .order_by(client_scopes.c.name)
        )
        return await _with_mappers(
            self._c, [(from_row(ClientScope, r, SCOPE_COLS), bool(r.default_scope)) for r in rows]
        )

    async def default_scope_links(self, realm_id: str) -> builtins.list[tuple[str, bool]]:
        """The ids of the realm's default client scopes (True) and default optional ones (False), by name."""
        rows = await self._c.execute(
            select(realm_default_scopes.c.scope_id, realm_default_scopes.c.default_scope)
            .join(client_scopes, realm_default_scopes.c.scope_id == client_scopes.c.id)
            .where(realm_default_scopes.c.realm_id == realm_id)
            .order_by(client_scopes.c.name)
        )
        return [(str(r.scope_id), bool(r.default_scope)) for r in rows]

    async def set_default_scope(self, realm_id: str, scope_id: str, default: bool) -> None:
        await self.set_default_scopes(realm_id, [(scope_id, default)])

    async def set_default_scopes(self, realm_id: str, links: Iterable[tuple[str, bool]]) -> None:
        """Each scope a default (True) or optional (False) scope of the realm, whatever it was; in two statements."""
        chosen = dict(links)
        if not chosen:
            return
        await self.remove_default_scopes(realm_id, chosen)
        rows = [{"realm_id": realm_id, "scope_id": sid, "default_scope": default} for sid, default in chosen.items()]
        await self._c.execute(insert(realm_default_scopes), rows)

    async def remove_default_scope(self, realm_id: str, scope_id: str) -> None:
        await self.remove_default_scopes(realm_id, [scope_id])

    async def remove_default_scopes(self, realm_id: str, scope_ids: Iterable[str]) -> None:
        ids = list(scope_ids)
        if ids:
            await self._c.execute(
                delete(realm_default_scopes).where(
                    realm_default_scopes.c.realm_id == realm_id, realm_default_scopes.c.scope_id.in_(ids)
                )
            )


class ClientScopeRepo:
    def __init__(self, conn: AsyncConnection) -> None:
        self._c = conn

    async def get(self, scope_id: str) -> ClientScope | None:
        row = (await self._c.execute(select(client_scopes).where(client_scopes.c.id == scope_id))).first()
        return (await self._mappers([from_row(ClientScope, row, SCOPE_COLS)]))[0] if row else None

    async def _mappers(self, scopes: builtins.list[ClientScope]) -> builtins.list[ClientScope]:
        return await MapperRepo(self._c).attach(scopes)

    async def get_by_name(self, realm_id: str, name: str) -> ClientScope | None:
        row = (
            await self._c.execute(
                select(client_scopes).where(client_scopes.c.realm_id == realm_id, client_scopes.c.name == name)
            )
        ).first()
        return (await self._mappers([from_row(ClientScope, row, SCOPE_COLS)]))[0] if row else None

    async def list(self, realm_id: str) -> builtins.list[ClientScope]:
        rows = await self._c.execute(
            select(client_scopes).where(client_scopes.c.realm_id == realm_id).order_by(client_scopes.c.name)
        )
        return await self._mappers([from_row(ClientScope, r, SCOPE_COLS) for r in rows])

    async def create(self, scope: ClientScope) -> None:
        await bump(self._c, scope.realm_id)
        await self._c.execute(
            insert(client_scopes),
            {
                "id": scope.id,
                "realm_id": scope.realm_id,
                "name": scope.name,
                "config": to_config(scope, SCOPE_COLS + NOT_CONFIG),
            },
        )
        await MapperRepo(self._c).add_many(scope.realm_id, scope.id, scope.protocol_mappers, client=False)

    async def update(self, scope: ClientScope) -> None:
        await bump(self._c, scope.realm_id)
        await self._c.execute(
            update(client_scopes)
            .where(client_scopes.c.id == scope.id)
            .values(name=scope.name, config=to_config(scope, SCOPE_COLS + NOT_CONFIG))
        )

    async def delete(self, scope_id: str) -> None:
        await bump(self._c, realm_of_scope(scope_id))
        await self._c.execute(delete(client_scopes).where(client_scopes.c.id == scope_id))


def credential_sub_hash(subject: str) -> str:
    """What ``clients.credential_sub_hash`` holds for a ``jwt.credential.sub`` (migration 0053 writes it the same)."""
    return hashlib.sha256(subject.encode("utf-8", "surrogatepass")).hexdigest()


def _credential_sub_hash(client: Client) -> str | None:
    subject = client.attributes.get(CLIENT_CREDENTIAL_SUBJECT)
    return credential_sub_hash(subject) if isinstance(subject, str) else None


class ClientRepo:
    def __init__(self, conn: AsyncConnection, *, hold: bool = False) -> None:
        self._c = conn
        self._hold = hold

    async def get(self, client_uuid: str) -> Client | None:
        row = (await self._c.execute(select(clients).where(clients.c.id == client_uuid))).first()
        return (await self._mappers([self._client(row)]))[0] if row else None

    async def held(self, client_uuid: str) -> Client | None:
        """``get``, its row then held till the transaction ends (FOR UPDATE in a writing PostgreSQL transaction;
        SQLite's writers take turns anyway): a read-modify-write of the client (its registered cluster nodes) by
        two requests at once keeps both changes."""
        if self._hold:
            await self._c.execute(select(clients.c.id).where(clients.c.id == client_uuid).with_for_update())
        return await self.get(client_uuid)

    async def _mappers(self, found: builtins.list[Client]) -> builtins.list[Client]:
        return await MapperRepo(self._c).attach(found)

    async def get_by_client_id(self, realm_id: str, client_id: str) -> Client | None:
        if "\x00" in client_id:  # no client has one (PostgreSQL refuses a NUL in a text): unknown on both engines
            return None
        row = (
            await self._c.execute(
                select(clients).where(clients.c.realm_id == realm_id, clients.c.client_id == client_id)
            )
        ).first()
        return (await self._mappers([self._client(row)]))[0] if row else None

    async def list(
        self,
        realm_id: str,
        *,
        client_id: str | None = None,
        search: bool = False,
        first: int = 0,
        max_results: int | None = None,
    ) -> builtins.list[Client]:
        query = select(clients).where(clients.c.realm_id == realm_id)
        if client_id is not None:
            if search:
                query = query.where(func.lower(clients.c.client_id).contains(client_id.lower(), autoescape=True))
            else:
                query = query.where(clients.c.client_id == client_id)
        query = query.order_by(clients.c.client_id).offset(max(first, 0))
        if max_results is not None and max_results >= 0:
            query = query.limit(max_results)
        return await self._mappers([self._client(r) for r in await self._c.execute(query)])

    async def with_credential_subject(self, realm_id: str, subject: str) -> builtins.list[Client]:
        """The realm's clients whose ``jwt.credential.sub`` is ``subject`` (JpaRealmProvider.searchClientsByAttributes
        for federated-jwt's lookup and the Admin API's ``q``), found by the index of its hash: only they are read;
        by clientId."""
        query = (
            select(clients)
            .where(clients.c.realm_id == realm_id, clients.c.credential_sub_hash == credential_sub_hash(subject))
            .order_by(clients.c.client_id)
        )
        found = [self._client(r) for r in await self._c.execute(query)]
        return await self._mappers([c for c in found if c.attributes.get(CLIENT_CREDENTIAL_SUBJECT) == subject])

    async def count(self, realm_id: str, *, search: str | None = None) -> int:
        """How many clients the realm has, or of them whose clientId contains ``search`` in any case (a COUNT,
        as JpaRealmProvider's getClientsCount / searchClientByClientIdCount)."""
        query = select(func.count()).select_from(clients).where(clients.c.realm_id == realm_id)
        if search is not None:
            query = query.where(func.lower(clients.c.client_id).contains(search.lower(), autoescape=True))
        return int((await self._c.execute(query)).scalar_one())

    async def create(self, client: Client) -> None:
        await bump(self._c, client.realm_id)
        row = {
            "id": client.id,
            "realm_id": client.realm_id,
            "client_id": client.client_id,
            "enabled": client.enabled,
            "config": to_config(client, CLIENT_COLS + NOT_CONFIG),
        }
        hashed = _credential_sub_hash(client)
        if hashed is not None:  # else the column's NULL: the row is as a schema before migration 0053 holds it
            row["credential_sub_hash"] = hashed
        await self._c.execute(insert(clients), row)
        await MapperRepo(self._c).add_many(client.realm_id, client.id, client.protocol_mappers, client=True)

    async def update(self, client: Client) -> None:
        await bump(self._c, client.realm_id)
        await self._c.execute(
            update(clients)
            .where(clients.c.id == client.id)
            .values(
                client_id=client.client_id,
                enabled=client.enabled,
                config=to_config(client, CLIENT_COLS + NOT_CONFIG),
                credential_sub_hash=_credential_sub_hash(client),
            )
        )

    async def delete(self, client_uuid: str) -> None:
        await bump(self._c, realm_of_client(client_uuid))
        await self._c.execute(delete(clients).where(clients.c.id == client_uuid))

    async def scopes(self, client_uuid: str) -> builtins.list[tuple[ClientScope, bool]]:
        """The client's default (True) and optional (False) client scopes."""
        rows = await self._c.execute(
            select(client_scopes, client_scope_links.c.default_scope)
            .join(client_scope_links, client_scope_links.c.scope_id == client_scopes.c.id)
            .where(client_scope_links.c.client_id == client_uuid)
            .order_by(client_scopes.c.name)
        )
        return await _with_mappers(
            self._c, [(from_row(ClientScope, r, SCOPE_COLS), bool(r.default_scope)) for r in rows]
        )

    async def link_scope(self, client_uuid: str, scope_id: str, default: bool) -> None:
        await self.unlink_scope(client_uuid, scope_id)  # bumps the version
        await self._c.execute(
            insert(client_scope_links), {"client_id": client_uuid, "scope_id": scope_id, "default_scope": default}
        )

    async def link_new_scopes(self, client_uuid: str, realm_id: str, links: builtins.list[tuple[str, bool]]) -> None:
        """Link a client that has no scope yet (a new one) to ``links`` (scope id, default) in one statement."""
        if not links:
            return
        await bump(self._c, realm_id)
        last = dict(links)  # a scope listed twice is linked once, as the last listing says (as ``link_scope``)
        rows = [
            {"client_id": client_uuid, "scope_id": scope, "default_scope": default} for scope, default in last.items()
        ]
        await self._c.execute(insert(client_scope_links), rows)

    async def unlink_scope(self, client_uuid: str, scope_id: str) -> None:
        await bump(self._c, realm_of_client(client_uuid))
        await self._c.execute(
            delete(client_scope_links).where(
                client_scope_links.c.client_id == client_uuid, client_scope_links.c.scope_id == scope_id
            )
        )

    @staticmethod
    def _client(row: object) -> Client:
        client = from_row(Client, row, CLIENT_COLS)
        return dataclasses.replace(client, attributes=dict(client.attributes), protocol_mappers=())
