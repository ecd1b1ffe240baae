"""Seeding millions of offline sessions in SQL (no Python row per session): a recursive CTE on SQLite,
``generate_series`` on PostgreSQL. Each session is one offline ``user_sessions`` row plus one offline
``client_sessions`` row of the bench client, owned by the ballast users round-robin, started up to 7 days
ago and last refreshed up to 1 day ago (all live under the default 30-day offline idle timeout).
"""

from __future__ import annotations

from seed import Seeded
from sqlalchemy import create_engine, text

CHUNK = 200_000

_SQLITE = """
WITH RECURSIVE n(i) AS (SELECT :lo UNION ALL SELECT i + 1 FROM n WHERE i + 1 < :hi),
rows AS (SELECT i, lower(hex(randomblob(16))) AS sid, :now - abs(random() % 604800) AS started,
                abs(random() % 86400) AS idle FROM n)
INSERT INTO {table} SELECT {columns} FROM rows JOIN bench_ballast b ON b.k = rows.i % :users
"""
_PG = """
WITH rows AS (SELECT i, md5(random()::text || i::text) AS sid,
                     :now - floor(random() * 604800)::bigint AS started,
                     floor(random() * 86400)::bigint AS idle FROM generate_series(:lo, :hi - 1) AS i)
INSERT INTO {table} SELECT {columns} FROM rows JOIN bench_ballast b ON b.k = rows.i % :users
"""
_US = (
    "INSERT INTO user_sessions (id, offline, realm_id, user_id, login_username, ip_address, auth_method, "
    "remember_me, started, last_session_refresh, broker_session_id, notes) "
    "SELECT sid, true, :realm, user_id, username, '127.0.0.1', 'openid-connect', false, started, refreshed, "
    "NULL, {empty} FROM bench_rows"
)
_CS = (
    "INSERT INTO client_sessions (user_session_id, offline, client_id, started, timestamp, redirect_uri, notes) "
    "SELECT sid, true, :client, started, refreshed, NULL, {notes} FROM bench_rows"
)
NOTES = '{"scope": "offline_access", "grant_type": "password"}'


def insert_sessions(db_url: str, seeded: Seeded, count: int, now: int, first: int = 0) -> None:
    """Insert ``count`` offline sessions (user session + client session), numbered on from ``first``."""
    engine = create_engine(db_url)
    pg = engine.dialect.name == "postgresql"
    refreshed = "GREATEST(started, :now - idle)" if pg else "max(started, :now - idle)"
    json = "::json" if pg else ""
    users = len(seeded.ballast_user_ids)
    try:
        with engine.begin() as conn:
            conn.execute(text("CREATE TEMP TABLE bench_ballast (k INTEGER PRIMARY KEY, user_id TEXT, username TEXT)"))
            conn.execute(
                text("INSERT INTO bench_ballast VALUES (:k, :user_id, :username)"),
                [
                    {"k": k, "user_id": uid, "username": f"ballast-{k:05d}"}
                    for k, uid in enumerate(seeded.ballast_user_ids)
                ],
            )
            # The two rows of a session share its id: stage them once, then copy into both tables.
            conn.execute(
                text(
                    "CREATE TEMP TABLE bench_rows (sid TEXT, user_id TEXT, username TEXT, started BIGINT, "
                    "refreshed BIGINT)"
                )
            )
            staged = (_PG if pg else _SQLITE).format(
                table="bench_rows (sid, user_id, username, started, refreshed)",
                columns=f"sid, b.user_id, b.username, started, {refreshed}",
            )
            for lo in range(first, first + count, CHUNK):
                hi = min(lo + CHUNK, first + count)
                conn.execute(text(staged), {"lo": lo, "hi": hi, "now": now, "users": users})
                conn.execute(text(_US.format(empty=f"'{{}}'{json}")), {"realm": seeded.realm_id})
                conn.execute(text(_CS.format(notes=f"'{NOTES}'{json}")), {"client": seeded.client_uuid})
                conn.execute(text("DELETE FROM bench_rows"))
            conn.execute(text("DROP TABLE bench_rows"))
            conn.execute(text("DROP TABLE bench_ballast"))
        if not pg:
            with engine.connect() as conn:
                conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        engine.dispose()
