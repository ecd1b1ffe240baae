"""refresh grace: the newest token's iat/exp and a revoked flag on each rotation family (issue #13 item 1)

A retry inside the refresh grace period is answered with the family's newest refresh token again, minted
from ``latest_jti``, ``latest_iat`` and ``latest_exp`` (no token is stored). ``revoked`` marks a chain
ended by reuse detection under a grace period: only that ``reuse_id`` family dies, not the client session.

Revision ID: 0011_refresh_grace
Revises: 0010_perf
Create Date: 2026-11-29 12:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011_refresh_grace"
down_revision = "0010_perf"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("refresh_families") as batch:
        batch.add_column(sa.Column("latest_iat", sa.BigInteger, nullable=True))
        batch.add_column(sa.Column("latest_exp", sa.BigInteger, nullable=True))
        batch.add_column(sa.Column("revoked", sa.Boolean, nullable=False, server_default=sa.false()))


def downgrade() -> None:
    with op.batch_alter_table("refresh_families") as batch:
        batch.drop_column("revoked")
        batch.drop_column("latest_exp")
        batch.drop_column("latest_iat")
