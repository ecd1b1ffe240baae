"""The periodic well-known sync: every OpenID Connect provider with ``reloadEnabled`` re-read from its discovery
document (Keycloak PR #47899's scheduled task, which walks the realms' providers and calls reloadConfig).

One process of the cluster runs each interval (store/scheduled_tasks.py, as the session cleaner does). The
providers due are read in one short transaction, each document fetched with no transaction open, then each
provider's result stored under its realm's row lock, only if the provider is still there with the same
``metadataDescriptorUrl`` and ``reloadEnabled``, over the provider as it is then (an administrator's edit of
another field meanwhile is kept). Errors are logged, never fatal.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from doorkeep.broker import providers as idp
from doorkeep.broker import well_known_sync as sync
from doorkeep.clock import Clock
from doorkeep.oauth import client_keys

if TYPE_CHECKING:
    from doorkeep.store.database import Database

log = logging.getLogger("doorkeep.idp_well_known_sync")
TASK = "idp-well-known-sync"


@dataclass(frozen=True)
class Due:
    realm_id: str
    internal_id: str
    config: dict[str, Any]


def due(provider: dict[str, Any]) -> bool:
    """Synced by the periodic task: a provider of a type that reloads, ``reloadEnabled`` and a URL."""
    config = provider.get("config") or {}
    return (
        sync.syncable(provider)
        and config.get(sync.RELOAD_ENABLED) == "true"
        and bool(config.get(sync.METADATA_URL))
        and bool(provider.get("internalId"))
    )


async def _due(db: Database) -> list[Due]:
    async with db.transaction() as tx:
        realms = await tx.realms.list()
    return [
        Due(realm.id, str(p["internalId"]), dict(p["config"]))
        for realm in realms
        for p in realm.identity_providers
        if due(dict(p))
    ]


async def _store(db: Database, item: Due, config: dict[str, Any]) -> bool:
    async with db.transaction() as tx:
        realm = await tx.realms.lock(item.realm_id)
        if realm is None:
            return False
        providers = idp.all_of(realm)
        found = next((p for p in providers if p.get("internalId") == item.internal_id), None)
        if found is None or not due(found):  # deleted, or its reloadEnabled switched off meanwhile
            return False
        if found["config"].get(sync.METADATA_URL) != item.config[sync.METADATA_URL]:
            return False
        # The synced fields and the stamps over the provider as it is now (an edit of other fields is kept).
        stamps = (sync.LAST_ATTEMPT, sync.LAST_DURATION, sync.LAST_ERROR)
        changed = {k: config[k] for k in (*sync.included(item.config), *stamps) if k in config}
        changed |= {k: config[k] for k in ("validateSignature", "useJwksUrl") if config.get(k) != item.config.get(k)}
        merged = {k: v for k, v in found["config"].items() if k != sync.LAST_ERROR} | changed
        await idp.save(tx, item.realm_id, [p | {"config": merged} if p is found else p for p in providers])
        return True


async def sync_all(db: Database, clock: Clock, fetch: sync.Fetch = client_keys.fetch_json) -> int:
    """Sync every provider due, each fetch outside any transaction; how many were stored."""
    stored = 0
    for item in await _due(db):
        timed = sync.TimedFetch(fetch, clock.now_ms)
        config = await sync.synced(item.config, timed, timed, clock.now_ms())
        if await _store(db, item, config):
            stored += 1
    return stored


async def sync_if_due(
    db: Database, clock: Clock, interval: int, fetch: sync.Fetch = client_keys.fetch_json
) -> int | None:
    """``sync_all`` if no other process ran it in this interval; None when another did."""
    async with db.transaction() as tx:
        claimed = await tx.scheduled_tasks.claim(TASK, clock.now(), interval)
    return await sync_all(db, clock, fetch) if claimed else None


async def run_forever(db: Database, clock: Clock, interval: int) -> None:
    """The background loop the app starts: one run per ``interval`` seconds across the cluster."""
    while True:
        await asyncio.sleep(interval)
        try:
            synced = await sync_if_due(db, clock, interval)
            if synced:
                log.info("synced %d identity providers from their discovery documents", synced)
        except Exception:  # keep serving; the next run tries again
            log.exception("identity provider well-known sync failed")
