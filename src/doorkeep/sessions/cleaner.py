"""The periodic cleaner: deletes expired sessions in bounded batches (DESIGN §3), events older
than their realm's ``eventsExpiration`` and admin events older than its ``adminEventsExpiration`` attribute.

It only removes what can no longer be used; validity is always decided again at refresh time,
so a late or missed run never lets an expired session through. Like Keycloak's cleaner it
waits an extra window (180 s) past the idle timeout and past the max lifespan. Between batches it rests
(``REST``), so that the requests being served keep most of the database while it works through a backlog.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable
from typing import TYPE_CHECKING

from doorkeep import policy
from doorkeep.clock import Clock
from doorkeep.model import Realm
from doorkeep.numbers import parse_int

if TYPE_CHECKING:
    from doorkeep.store.database import Database

log = logging.getLogger("doorkeep.cleaner")
CLEANER_WINDOW = 180
BATCH = 500
# After each full batch the cleaner rests as long as the batch took, so it never holds the database for more
# than half of its time: deleting 1,000,000 expired among 10,000,000 sessions on PostgreSQL, back to back,
# raised a refresh's p99 to 2.45x its idle value; resting, to 1.57x, and the cleaning took 130 s, not 62
# (bench/HISTORY.md, issue #8).
REST = 1.0


async def clean_once(db: Database, now: int, batch: int = BATCH) -> int:
    """Delete expired online and offline sessions of every realm; returns how many went.

    Also drops what only lives for minutes: abandoned logins, used or expired authorization codes
    (kept an hour past expiry so a replayed code still detaches its session), device authorizations
    past their ``keep_until``, revoked-token entries whose token has expired, used client assertion
    ids and spent action tokens past their lifespan, pushed authorization requests past theirs, and the client
    registration service's initial access tokens expired or used up (Keycloak's ClearExpiredClientInitialAccessTokens).

    Each part runs on its own (Keycloak's RealmAwareExpirationTask): a failure in one realm's cleanup, or in
    one kind of entry, is logged with the realm's name and the others are still cleaned.
    """
    await _guarded("short-lived entries", None, _purge_short_lived(db, now, batch))
    async with db.transaction(write=False) as tx:
        realms = await tx.realms.list()
    removed = 0
    for realm in realms:
        removed += await _delete_expired_sessions(db, realm, now, batch)
        if realm.events_expiration > 0:  # Keycloak's ClearExpiredEvents
            cutoff = _cutoff_ms(now, realm.events_expiration)
            await _guarded("events", realm, _purge_events(db, realm, cutoff, admin=False))
        admin_expiration = admin_events_expiration(realm)
        if admin_expiration > 0:  # Keycloak's ClearExpiredAdminEvents
            cutoff = _cutoff_ms(now, admin_expiration)
            await _guarded("admin events", realm, _purge_events(db, realm, cutoff, admin=True))
    return removed


async def _guarded(what: str, realm: Realm | None, work: Awaitable[object]) -> None:
    """Run one part of the cleanup; a failure is logged (the realm's name, the error's type and the database's
    message, which carries no bound parameters: the engines hide them) and the next part goes on."""
    try:
        await work
    except Exception:
        _log_failure(what, realm)


def _log_failure(what: str, realm: Realm | None) -> None:
    log.warning("cleanup of expired %s failed for realm %s", what, "-" if realm is None else realm.name, exc_info=True)


async def _purge_short_lived(db: Database, now: int, batch: int) -> None:
    async with db.transaction() as tx:
        await tx.flows.purge(now)
        await tx.revoked.purge(now)
        await tx.client_assertions.purge(now)
        await tx.action_tokens.purge(now)
        await tx.pushed_requests.purge(now)
        await tx.initial_access.purge(now)
    while True:  # device authorizations past their keep_until (RFC 8628), a batch per transaction
        async with db.transaction() as tx:
            gone = await tx.device_codes.purge(now, batch)
        if gone < batch:
            break


def _session_plans(realm: Realm, now: int) -> list[tuple[bool, int, int | None]]:
    """(offline, idle_before, started_before) of the realm's online then offline sessions."""
    online_idle = max(policy.sso_idle(realm), policy.sso_idle(realm, True))
    online_max = max(policy.sso_max(realm), policy.sso_max(realm, True))
    # The window applies to the max lifespan as to the idle timeout (Keycloak's UserSessionExpirationLogic:
    # ``currentTime - lifespan - PERIODIC_CLEANER_IDLE_TIMEOUT_WINDOW_SECONDS``), so a session a raised
    # max lifespan brings back within the window is still stored.
    offline_max = policy.offline_max(realm) if realm.offline_session_max_lifespan_enabled else None
    return [
        (False, now - online_idle - CLEANER_WINDOW, now - online_max - CLEANER_WINDOW),
        (
            True,
            now - policy.offline_idle(realm) - CLEANER_WINDOW,
            None if offline_max is None else now - offline_max - CLEANER_WINDOW,
        ),
    ]


async def _delete_expired_sessions(db: Database, realm: Realm, now: int, batch: int) -> int:
    """The realm's expired online, then offline, sessions in batches; returns how many went. A failing batch
    ends that kind for this run (the batches before it stay deleted, Keycloak's PARTIAL outcome)."""
    removed = 0
    for offline, idle_before, started_before in _session_plans(realm, now):
        try:
            while True:
                began = time.monotonic()
                async with db.transaction() as tx:
                    n = await tx.sessions.delete_expired(realm.id, offline, idle_before, batch, started_before)
                removed += n
                if n < batch:
                    break
                await asyncio.sleep((time.monotonic() - began) * REST)
        except Exception:
            _log_failure("offline sessions" if offline else "sessions", realm)
    return removed


async def _purge_events(db: Database, realm: Realm, cutoff_ms: int, *, admin: bool) -> None:
    async with db.transaction() as tx:
        store = tx.admin_events if admin else tx.events
        await store.purge_older_than(realm.id, cutoff_ms)


ADMIN_EVENTS_EXPIRATION = "adminEventsExpiration"  # Keycloak's RealmAttributes.ADMIN_EVENTS_EXPIRATION
MAX_LONG = 2**63 - 1  # Long.parseLong's bound


def _cutoff_ms(now: int, expiration: int) -> int:
    """The time (ms) before which events expire; an expiration (a Java long, in seconds) reaching before the
    epoch expires nothing, where the product would not fit the ``time`` column (Keycloak's overflows)."""
    return max((now - expiration) * 1000, 0)


def admin_events_expiration(realm: Realm) -> int:
    """The realm attribute ``adminEventsExpiration`` in seconds; 0 (keep forever) when absent or not a number,
    which JpaEventStoreProvider.clearExpiredAdminEvents skips with a warning."""
    return parse_int(realm.attributes.get(ADMIN_EVENTS_EXPIRATION), 0, MAX_LONG) or 0


TASK = "session-cleaner"


async def clean_if_due(db: Database, now: int, interval: int) -> int | None:
    """``clean_once`` if no other process (worker or node) ran it in this interval (store/scheduled_tasks.py);
    None when another did."""
    async with db.transaction() as tx:
        claimed = await tx.scheduled_tasks.claim(TASK, now, interval)
    return await clean_once(db, now) if claimed else None


async def run_forever(db: Database, clock: Clock, interval: int) -> None:
    """The background loop started by the app: every ``interval`` seconds, one run among all the processes on
    the database, as Keycloak runs its cluster-aware scheduled tasks on one node. Errors are logged, never fatal."""
    while True:
        await asyncio.sleep(interval)
        try:
            removed = await clean_if_due(db, clock.now(), interval)
            if removed:
                log.info("removed %d expired sessions", removed)
        except Exception:  # keep serving; the next run tries again
            log.exception("session cleaner run failed")
