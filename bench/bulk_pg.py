"""Millions of offline sessions on PostgreSQL, seeded on the server side with ``generate_series``.

Session ``i`` (0 ≤ i < n) has the id ``md5('s' || i)`` and belongs to ballast user ``i mod users``, so the
benchmark can compute any session's id and owner without reading them back (``session(i)``). It started
``(i·7919) mod 7 days`` ago and was last refreshed at most ``(i·104729) mod 1 day`` ago: all live under the
default 30-day offline idle timeout. The expired ones of the cleaner benchmark (``md5('x' || i)``) were last
refreshed 40 days ago.

Bulk load the way a migration would see it: with ``session_replication_role = replica`` (no row triggers,
no foreign-key checks) and the secondary indexes dropped, rows go in 1,000,000 per transaction; then the
indexes are rebuilt from their own definitions, ``session_counts`` is recomputed exactly as migration
0010_perf fills it, and ``VACUUM ANALYZE`` sets the visibility map (index-only scans) and the statistics.
The expired sessions are inserted with triggers and indexes live, like logins would.
"""

from __future__ import annotations

import hashlib
import time

import asyncpg
from seed import Seeded

CHUNK = 1_000_000
TABLES = ("user_sessions", "client_sessions")
NOTES = '{"scope": "offline_access", "grant_type": "password"}'

_ROWS = """
WITH g AS (SELECT i, md5($4 || i) AS sid, $3::bigint - (i * 7919) % 604800 - $5::bigint AS started,
                  (i * 104729) % 86400 AS idle FROM generate_series($1::bigint, $2::bigint - 1) AS i),
rows AS (SELECT g.sid, b.user_id, b.username, g.started,
                CASE WHEN $5::bigint = 0 THEN GREATEST(g.started, $3::bigint - g.idle)
                     ELSE g.started + g.idle % 3600 END AS refreshed
         FROM g JOIN bench_ballast b ON b.k = g.i % $6)
"""
_US = (
    _ROWS
    + """
INSERT INTO user_sessions (id, offline, realm_id, user_id, login_username, ip_address, auth_method, remember_me,
                           started, last_session_refresh, broker_session_id, notes)
SELECT sid, true, $7, user_id, username, '127.0.0.1', 'openid-connect', false, started, refreshed, NULL, '{}'::json
FROM rows
"""
)
_CS = (
    _ROWS
    + f"""
INSERT INTO client_sessions (user_session_id, offline, client_id, started, timestamp, redirect_uri, notes)
SELECT sid, true, $7, started, refreshed, NULL, '{NOTES}'::json FROM rows
"""
)
_COUNTS = (
    "INSERT INTO session_counts (client_id, offline, slot, n) SELECT client_id, offline, slot, count(*) "
    "FROM (SELECT client_id, offline, hashtext(user_session_id) & 15 AS slot FROM client_sessions) AS s "
    "GROUP BY client_id, offline, slot"
)
_ADD_COUNTS = (
    "INSERT INTO session_counts (client_id, offline, slot, n) SELECT $3, true, hashtext(md5('x' || i)) & 15, "
    "count(*) FROM generate_series($1::bigint, $2::bigint - 1) AS i GROUP BY 3 "
    "ON CONFLICT (client_id, offline, slot) DO UPDATE SET n = session_counts.n + EXCLUDED.n"
)
EXPIRED_AGE = 40 * 86400  # last refreshed 40 days ago: past the 30-day offline idle timeout and the window


def session(i: int, seeded: Seeded, prefix: str = "s") -> tuple[str, str]:
    """(session id, user id) of session ``i``, as the SQL above makes them."""
    users = seeded.ballast_user_ids
    return hashlib.md5(f"{prefix}{i}".encode()).hexdigest(), users[i % len(users)]


def asyncpg_dsn(url: str) -> str:
    return "postgresql://" + url.split("://", 1)[1]


async def _ballast(conn: asyncpg.Connection, seeded: Seeded) -> None:
    await conn.execute("DROP TABLE IF EXISTS bench_ballast")
    await conn.execute("CREATE UNLOGGED TABLE bench_ballast (k INTEGER PRIMARY KEY, user_id TEXT, username TEXT)")
    await conn.copy_records_to_table(
        "bench_ballast", records=[(k, uid, f"ballast-{k:05d}") for k, uid in enumerate(seeded.ballast_user_ids)]
    )


async def _insert(conn: asyncpg.Connection, seeded: Seeded, lo: int, hi: int, prefix: str, age: int) -> None:
    users = len(seeded.ballast_user_ids)
    now = int(time.time())
    async with conn.transaction():
        await conn.execute(_US, lo, hi, now, prefix, age, users, seeded.realm_id)
        await conn.execute(_CS, lo, hi, now, prefix, age, users, seeded.client_uuid)


async def bulk_load(url: str, seeded: Seeded, count: int, progress: bool = True) -> None:
    """Insert live sessions 0 … count-1 into an empty session table (see the module's docstring)."""
    conn = await asyncpg.connect(asyncpg_dsn(url))
    try:
        await _ballast(conn, seeded)
        indexes = await conn.fetch(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = ANY($1::text[]) "
            "AND indexname NOT IN (SELECT conname FROM pg_constraint)",
            list(TABLES),
        )
        for row in indexes:
            await conn.execute(f'DROP INDEX "{row["indexname"]}"')
        await conn.execute("SET session_replication_role = replica")
        began = time.perf_counter()
        for lo in range(0, count, CHUNK):
            await _insert(conn, seeded, lo, min(lo + CHUNK, count), "s", 0)
            if progress:
                print(f"  {min(lo + CHUNK, count):>10,} sessions in {time.perf_counter() - began:6.0f} s", flush=True)
        await conn.execute("SET session_replication_role = origin")
        await conn.execute("SET maintenance_work_mem = '1GB'")
        for row in indexes:
            await conn.execute(row["indexdef"])
        if progress:
            print(f"  indexes rebuilt at {time.perf_counter() - began:6.0f} s", flush=True)
        async with conn.transaction():
            await conn.execute("DELETE FROM session_counts")
            await conn.execute(_COUNTS)
        for table in TABLES:
            await conn.execute(f"VACUUM ANALYZE {table}")
        await conn.execute("DROP TABLE bench_ballast")
    finally:
        await conn.close()


async def insert_expired(url: str, seeded: Seeded, count: int, chunk: int = 200_000) -> None:
    """``count`` sessions last refreshed 40 days ago (ids ``md5('x' || i)``), next to the live ones.

    Loaded like the live ones (no row triggers), with the indexes left in place; each chunk adds its sessions
    to ``session_counts`` per slot in the same transaction, so the counter stays exactly what the trigger
    would have made it.
    """
    conn = await asyncpg.connect(asyncpg_dsn(url))
    try:
        await _ballast(conn, seeded)
        await conn.execute("SET session_replication_role = replica")
        for lo in range(0, count, chunk):
            hi = min(lo + chunk, count)
            async with conn.transaction():
                await _insert(conn, seeded, lo, hi, "x", EXPIRED_AGE)
                await conn.execute(_ADD_COUNTS, lo, hi, seeded.client_uuid)
        await conn.execute("SET session_replication_role = origin")
        await conn.execute("DROP TABLE bench_ballast")
        for table in TABLES:
            await conn.execute(f"ANALYZE {table}")
    finally:
        await conn.close()


async def stored_offline(url: str, client_uuid: str) -> int:
    """The maintained counter of the client's offline sessions (cheap: 16 rows)."""
    conn = await asyncpg.connect(asyncpg_dsn(url))
    try:
        return int(
            await conn.fetchval(
                "SELECT coalesce(sum(n), 0) FROM session_counts WHERE client_id = $1 AND offline", client_uuid
            )
        )
    finally:
        await conn.close()
