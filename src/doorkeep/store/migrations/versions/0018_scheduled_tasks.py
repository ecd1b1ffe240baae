"""scheduled tasks: when each periodic task last ran, so that one process of all runs it per interval

Every worker process (``--workers N``) and every node ran its own session cleaner, each scanning every realm's
sessions each interval. Keycloak runs such tasks on one node per interval (its cluster-aware scheduled task
runner); Doorkeep now claims a run through this table (store/scheduled_tasks.py).

Revision ID: 0018_scheduled_tasks
Revises: 0017_realm_row_last
Create Date: 2026-11-30 14:20:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0018_scheduled_tasks"
down_revision = "0017_realm_row_last"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "scheduled_tasks",
        sa.Column("name", sa.String(64), primary_key=True),
        sa.Column("last_run", sa.BigInteger, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("scheduled_tasks")
