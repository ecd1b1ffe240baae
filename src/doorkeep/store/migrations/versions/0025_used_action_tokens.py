"""used action tokens: the single-use store of e-mailed action tokens

One row per action token spent (DefaultActionTokenKey.serializeKey, hashed) until it expires
(email/action_tokens.py). Self-contained: it only creates its own table, so it can be re-chained after
another branch's 0023.

Revision ID: 0025_used_action_tokens
Revises: 0024_key_components
Create Date: 2026-12-10 10:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0025_used_action_tokens"
down_revision = "0024_key_components"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "used_action_tokens",
        sa.Column("key_hash", sa.String(64), nullable=False),
        sa.Column("expires", sa.BigInteger, nullable=False),
        sa.PrimaryKeyConstraint("key_hash", name="pk_used_action_tokens"),
    )
    op.create_index("ix_used_action_tokens_expires", "used_action_tokens", ["expires"])


def downgrade() -> None:
    op.drop_index("ix_used_action_tokens_expires", table_name="used_action_tokens")
    op.drop_table("used_action_tokens")
