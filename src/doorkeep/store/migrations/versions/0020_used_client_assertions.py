"""used client assertions: the single-use store of JWT client authentication

One row per client assertion id spent (private_key_jwt, client_secret_jwt): the SHA-256 of Keycloak's key
"<validator>:<jti>" and when it may be forgotten (store/client_assertions.py). Self-contained: it only
creates its own table, so it can be renumbered after another branch's 0020.

Revision ID: 0020_used_client_assertions
Revises: 0019_device_codes
Create Date: 2026-12-03 10:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0020_used_client_assertions"
down_revision = "0019_device_codes"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "used_client_assertions",
        sa.Column("key_hash", sa.String(64), nullable=False),
        sa.Column("expires", sa.BigInteger, nullable=False),
        sa.PrimaryKeyConstraint("key_hash", name="pk_used_client_assertions"),
    )
    op.create_index("ix_used_client_assertions_expires", "used_client_assertions", ["expires"])


def downgrade() -> None:
    op.drop_index("ix_used_client_assertions_expires", table_name="used_client_assertions")
    op.drop_table("used_client_assertions")
