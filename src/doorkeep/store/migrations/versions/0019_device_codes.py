"""device codes: the OAuth 2.0 Device Authorization Grant (RFC 8628)

One row per device authorization: the SHA-256 of its device code (the key the device polls with) and of its
user code (what the user types at /realms/{realm}/device), its state (pending, approved, denied), the user
session once approved, and when the device may poll next (store/device_codes.py). Self-contained: it only
creates its own table, so it can be renumbered after another branch's 0019.

Revision ID: 0019_device_codes
Revises: 0018_scheduled_tasks
Create Date: 2026-12-02 10:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0019_device_codes"
down_revision = "0018_scheduled_tasks"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "device_codes",
        sa.Column("device_code_hash", sa.String(64), nullable=False),
        sa.Column("user_code_hash", sa.String(64), nullable=True),
        sa.Column("realm_id", sa.String(36), nullable=False),
        sa.Column("client_id", sa.String(36), nullable=False),
        sa.Column("scope", sa.Text, nullable=False),
        sa.Column("expires", sa.BigInteger, nullable=False),
        sa.Column("interval", sa.Integer, nullable=False),
        sa.Column("keep_until", sa.BigInteger, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("user_session_id", sa.String(36), nullable=True),
        sa.Column("next_poll", sa.BigInteger, nullable=False),
        sa.Column("data", sa.JSON, nullable=False),
        sa.ForeignKeyConstraint(
            ["realm_id"], ["realms.id"], name="fk_device_codes_realm_id_realms", ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["client_id"], ["clients.id"], name="fk_device_codes_client_id_clients", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("device_code_hash", name="pk_device_codes"),
        sa.UniqueConstraint("realm_id", "user_code_hash", name="uq_device_codes_realm_user_code"),
    )
    op.create_index("ix_device_codes_keep_until", "device_codes", ["keep_until"])


def downgrade() -> None:
    op.drop_index("ix_device_codes_keep_until", table_name="device_codes")
    op.drop_table("device_codes")
