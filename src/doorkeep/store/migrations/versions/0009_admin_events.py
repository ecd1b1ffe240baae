"""admin events (Keycloak's ADMIN_EVENT_ENTITY)

Revision ID: 0009_admin_events
Revises: 0010_perf (chained after main's 0010_perf when main was merged in)
Create Date: 2026-11-29 08:30:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009_admin_events"
down_revision = "0008_groups_mappers"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "admin_events",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("realm_id", sa.String(length=36), nullable=False),
        sa.Column("time", sa.BigInteger(), nullable=False),
        sa.Column("operation_type", sa.String(length=32), nullable=False),
        sa.Column("resource_type", sa.String(length=64), nullable=False),
        sa.Column("resource_path", sa.String(length=2550), nullable=True),
        sa.Column("auth_realm_id", sa.String(length=36), nullable=False),
        sa.Column("auth_client_id", sa.String(length=36), nullable=False),
        sa.Column("auth_user_id", sa.String(length=36), nullable=False),
        sa.Column("auth_ip_address", sa.String(length=255), nullable=False),
        sa.Column("representation", sa.Text(), nullable=True),
        sa.Column("error", sa.String(length=255), nullable=True),
        sa.ForeignKeyConstraint(
            ["realm_id"], ["realms.id"], name=op.f("fk_admin_events_realm_id_realms"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_admin_events")),
    )
    op.create_index("ix_admin_events_realm_time", "admin_events", ["realm_id", "time"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_admin_events_realm_time", table_name="admin_events")
    op.drop_table("admin_events")
