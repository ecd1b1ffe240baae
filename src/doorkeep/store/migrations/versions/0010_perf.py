"""perf: maintained client-session counts and the indexes of admin session reads at millions of rows

``session_counts`` is kept exact by triggers on ``client_sessions`` (insert: +1, delete: -1, cascades
included), filled here from the stored rows. The old ``ix_client_sessions_client`` (client_id, offline)
is a prefix of ``ix_client_sessions_client_session`` and goes. See store/client_session_pages.py.

Revision ID: 0010_perf
Revises: 0007_auth_session_step (the lead chains it)
Create Date: 2026-11-29 08:45:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010_perf"
down_revision = "0009_admin_events"
branch_labels = None
depends_on = None

PG_FUNCTION = """
CREATE FUNCTION doorkeep_count_client_sessions() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO session_counts (client_id, offline, slot, n)
        VALUES (NEW.client_id, NEW.offline, hashtext(NEW.user_session_id) & 15, 1)
        ON CONFLICT (client_id, offline, slot) DO UPDATE SET n = session_counts.n + 1;
    ELSE
        UPDATE session_counts SET n = n - 1
        WHERE client_id = OLD.client_id AND offline = OLD.offline AND slot = hashtext(OLD.user_session_id) & 15;
    END IF;
    RETURN NULL;
END $$
"""
PG_TRIGGER = (
    "CREATE TRIGGER tr_client_sessions_count AFTER INSERT OR DELETE ON client_sessions "
    "FOR EACH ROW EXECUTE FUNCTION doorkeep_count_client_sessions()"
)
SQLITE_TRIGGERS = (
    """CREATE TRIGGER tr_client_sessions_count_insert AFTER INSERT ON client_sessions BEGIN
        INSERT INTO session_counts (client_id, offline, slot, n) VALUES (NEW.client_id, NEW.offline, 0, 1)
        ON CONFLICT (client_id, offline, slot) DO UPDATE SET n = n + 1;
    END""",
    """CREATE TRIGGER tr_client_sessions_count_delete AFTER DELETE ON client_sessions BEGIN
        UPDATE session_counts SET n = n - 1 WHERE client_id = OLD.client_id AND offline = OLD.offline AND slot = 0;
    END""",
)


def upgrade() -> None:
    op.create_table(
        "session_counts",
        sa.Column("client_id", sa.String(36), primary_key=True),
        sa.Column("offline", sa.Boolean, primary_key=True),
        sa.Column("slot", sa.Integer, primary_key=True),
        sa.Column("n", sa.BigInteger, nullable=False),
    )
    op.create_index("ix_client_sessions_client_session", "client_sessions", ["client_id", "offline", "user_session_id"])
    op.create_index("ix_client_sessions_client_timestamp", "client_sessions", ["client_id", "offline", "timestamp"])
    op.create_index("ix_client_sessions_client_started", "client_sessions", ["client_id", "offline", "started"])
    op.drop_index("ix_client_sessions_client", table_name="client_sessions")
    op.create_index("ix_user_sessions_realm_started", "user_sessions", ["realm_id", "offline", "started"])
    op.create_index(
        "ix_user_sessions_remember_me",
        "user_sessions",
        ["realm_id", "offline"],
        sqlite_where=sa.text("remember_me = 1"),
        postgresql_where=sa.text("remember_me = true"),
    )
    if op.get_bind().dialect.name == "postgresql":
        op.execute(PG_FUNCTION)
        op.execute(PG_TRIGGER)
        slot = "hashtext(user_session_id) & 15"
    else:
        for trigger in SQLITE_TRIGGERS:
            op.execute(trigger)
        slot = "0"
    op.execute(
        f"INSERT INTO session_counts (client_id, offline, slot, n) SELECT client_id, offline, slot, count(*) "
        f"FROM (SELECT client_id, offline, {slot} AS slot FROM client_sessions) AS s "
        "GROUP BY client_id, offline, slot"
    )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER tr_client_sessions_count ON client_sessions")
        op.execute("DROP FUNCTION doorkeep_count_client_sessions()")
    else:
        op.execute("DROP TRIGGER tr_client_sessions_count_insert")
        op.execute("DROP TRIGGER tr_client_sessions_count_delete")
    op.drop_index("ix_user_sessions_remember_me", table_name="user_sessions")
    op.drop_index("ix_user_sessions_realm_started", table_name="user_sessions")
    op.create_index("ix_client_sessions_client", "client_sessions", ["client_id", "offline"])
    op.drop_index("ix_client_sessions_client_started", table_name="client_sessions")
    op.drop_index("ix_client_sessions_client_timestamp", table_name="client_sessions")
    op.drop_index("ix_client_sessions_client_session", table_name="client_sessions")
    op.drop_table("session_counts")
