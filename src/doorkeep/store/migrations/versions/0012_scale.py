"""scale: the PostgreSQL session counter maintained once per statement, not once per row

Migration 0010_perf counts client sessions with a row trigger: every deleted row runs one UPDATE of its
``session_counts`` slot. At 10,000,000 sessions the cleaner's batches of 500 spent ~80% of their time in that
trigger (EXPLAIN ANALYZE: 1228 of 1560 ms; see bench/HISTORY.md). Statement triggers with transition tables
apply a whole statement's rows as one grouped change per slot; a login (one row) costs the same as before.
SQLite keeps its row triggers (it has no statement triggers).

Revision ID: 0012_scale
Revises: 0010_perf (the lead chains it)
Create Date: 2026-11-29 12:40:00.000000
"""

from __future__ import annotations

from alembic import op

revision = "0012_scale"
down_revision = "0011_refresh_grace"
branch_labels = None
depends_on = None

_SLOT = "hashtext(user_session_id) & 15"
UPGRADE = (
    "DROP TRIGGER tr_client_sessions_count ON client_sessions",
    f"""CREATE FUNCTION doorkeep_count_inserted_client_sessions() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO session_counts (client_id, offline, slot, n)
    SELECT client_id, offline, {_SLOT}, count(*) FROM added GROUP BY 1, 2, 3
    ON CONFLICT (client_id, offline, slot) DO UPDATE SET n = session_counts.n + EXCLUDED.n;
    RETURN NULL;
END $$""",
    f"""CREATE FUNCTION doorkeep_count_deleted_client_sessions() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE session_counts SET n = session_counts.n - gone.n
    FROM (SELECT client_id, offline, {_SLOT} AS slot, count(*) AS n FROM removed GROUP BY 1, 2, 3) AS gone
    WHERE session_counts.client_id = gone.client_id AND session_counts.offline = gone.offline
      AND session_counts.slot = gone.slot;
    RETURN NULL;
END $$""",
    "CREATE TRIGGER tr_client_sessions_count_insert AFTER INSERT ON client_sessions REFERENCING NEW TABLE AS added "
    "FOR EACH STATEMENT EXECUTE FUNCTION doorkeep_count_inserted_client_sessions()",
    "CREATE TRIGGER tr_client_sessions_count_delete AFTER DELETE ON client_sessions REFERENCING OLD TABLE AS removed "
    "FOR EACH STATEMENT EXECUTE FUNCTION doorkeep_count_deleted_client_sessions()",
)
DOWNGRADE = (
    "DROP TRIGGER tr_client_sessions_count_insert ON client_sessions",
    "DROP TRIGGER tr_client_sessions_count_delete ON client_sessions",
    "DROP FUNCTION doorkeep_count_inserted_client_sessions()",
    "DROP FUNCTION doorkeep_count_deleted_client_sessions()",
    "CREATE TRIGGER tr_client_sessions_count AFTER INSERT OR DELETE ON client_sessions "
    "FOR EACH ROW EXECUTE FUNCTION doorkeep_count_client_sessions()",
)


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for statement in UPGRADE:
            op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for statement in DOWNGRADE:
            op.execute(statement)
