"""auth session step: the one login step the flow accepts next

``authenticate`` (credentials), ``UPDATE_PASSWORD`` (required action) or ``consent``; the login
actions refuse any other step (Keycloak's SessionCodeChecks).

Revision ID: 0007_auth_session_step
Revises: 0005 (the lead rebases this onto 0006_brute_force at merge)
Create Date: 2026-11-29 05:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007_auth_session_step"
down_revision = "0006_brute_force"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("auth_sessions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("step", sa.String(32), nullable=False, server_default="authenticate"))


def downgrade() -> None:
    with op.batch_alter_table("auth_sessions", schema=None) as batch_op:
        batch_op.drop_column("step")
