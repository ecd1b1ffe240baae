"""brute force detection: per-user login failures (Keycloak's UserLoginFailure)

Revision ID: 0006_brute_force
Revises: 0005
Create Date: 2026-11-29 05:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006_brute_force"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "login_failures",
        sa.Column("realm_id", sa.String(36), nullable=False),
        sa.Column("user_id", sa.String(36), nullable=False),
        sa.Column("num_failures", sa.Integer(), nullable=False),
        sa.Column("num_temporary_lockouts", sa.Integer(), nullable=False),
        sa.Column("last_failure", sa.BigInteger(), nullable=False),
        sa.Column("last_ip_failure", sa.String(255), nullable=True),
        sa.Column("failed_login_not_before", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["realm_id"], ["realms.id"], name="fk_login_failures_realm_id_realms", ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name="fk_login_failures_user_id_users", ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("realm_id", "user_id", name="pk_login_failures"),
    )


def downgrade() -> None:
    op.drop_table("login_failures")
