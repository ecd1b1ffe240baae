"""realm config version: bumped by every write to a realm's clients, scopes and roles

Per-process caches of that configuration are keyed by it, so every process sees a change at
its next request that reads the realm.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-25 10:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("realms", schema=None) as batch_op:
        batch_op.add_column(sa.Column("config_version", sa.BigInteger(), nullable=False, server_default="0"))


def downgrade() -> None:
    with op.batch_alter_table("realms", schema=None) as batch_op:
        batch_op.drop_column("config_version")
