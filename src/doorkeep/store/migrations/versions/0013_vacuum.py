"""vacuum: PostgreSQL vacuums the session tables after 2% of their rows died, not 20%

The cleaner deletes expired sessions in batches. PostgreSQL's default autovacuum waits until a fifth of a
table is dead rows: at 10,000,000 stored sessions, cleaning 1,000,000 expired ones left every one of them
as a dead tuple in the tables and their indexes, and the admin reads that look for expired sessions
(``offline-session-count``, the session pages) went from ~15 ms to 18 s on a cold cache, until someone
ran VACUUM (bench/HISTORY.md, issue #8). With 2% the autovacuum daemon follows the cleaner on its own,
in the background, without blocking readers or writers. SQLite deletes in place and needs nothing.

Revision ID: 0013_vacuum
Revises: 0012_scale
Create Date: 2026-11-29 19:45:00.000000
"""

from __future__ import annotations

from alembic import op

revision = "0013_vacuum"
down_revision = "0012_scale"
branch_labels = None
depends_on = None

TABLES = ("user_sessions", "client_sessions", "refresh_families")
SETTINGS = ("autovacuum_vacuum_scale_factor", "autovacuum_analyze_scale_factor")
SCALE = "0.02"


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for table in TABLES:
            op.execute(f"ALTER TABLE {table} SET ({', '.join(f'{name} = {SCALE}' for name in SETTINGS)})")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for table in TABLES:
            op.execute(f"ALTER TABLE {table} RESET ({', '.join(SETTINGS)})")
