"""brute force lockout by user property: failure counters keyed by a property value's digest

Keycloak's BruteForceUserProperty keeps a counter per protected property value (``bf-property:`` and the
base64url SHA-256 of the property and value), shared by every user holding that value, in the same
UserLoginFailure store as the per-user counters. Doorkeep's ``login_failures`` rows belong to one user (a
foreign key with cascade), so the property counters get a table of their own with the same counters.
Self-contained: it only creates ``property_login_failures``.

Revision ID: 0039_property_login_failures
Revises: 0038_org_internal_groups
Create Date: 2026-12-05 02:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0039_property_login_failures"
down_revision = "0038_org_internal_groups"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "property_login_failures",
        sa.Column("realm_id", sa.String(36), nullable=False),
        sa.Column("failure_key", sa.String(64), nullable=False),
        sa.Column("num_failures", sa.Integer(), nullable=False),
        sa.Column("num_temporary_lockouts", sa.Integer(), nullable=False),
        sa.Column("last_failure", sa.BigInteger(), nullable=False),
        sa.Column("last_ip_failure", sa.String(255), nullable=True),
        sa.Column("failed_login_not_before", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["realm_id"], ["realms.id"], name="fk_property_login_failures_realm_id_realms", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("realm_id", "failure_key", name="pk_property_login_failures"),
    )


def downgrade() -> None:
    op.drop_table("property_login_failures")
