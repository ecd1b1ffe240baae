"""organization_invitations: Keycloak 26.4's stored organization invitations (ORG_INVITATION)

One new table: an invitation e-mailed by ``members/invite-user`` or ``invite-existing-user``, kept so that an
administrator can list, resend or delete it. ``created_at`` and ``expires_at`` are epoch seconds, as Keycloak's
columns are; the status (PENDING or EXPIRED) is not stored but read from ``expires_at``. Rows go with their
organization or realm. Self-contained: nothing existing is touched.

Revision ID: 0036_organization_invitations
Revises: 0035_organizations
Create Date: 2026-12-04 05:45:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0036_organization_invitations"
down_revision = "0035_organizations"
branch_labels = None
depends_on = None

TABLE = "organization_invitations"


def _fk(column: str, target: str) -> sa.ForeignKey:
    return sa.ForeignKey(f"{target}.id", ondelete="CASCADE", name=f"fk_{TABLE}_{column}_{target}")


def upgrade() -> None:
    op.create_table(
        TABLE,
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("organization_id", sa.String(36), _fk("organization_id", "organizations"), nullable=False),
        sa.Column("realm_id", sa.String(36), _fk("realm_id", "realms"), nullable=False),
        sa.Column("email", sa.String(255), nullable=False),
        sa.Column("first_name", sa.String(255), nullable=True),
        sa.Column("last_name", sa.String(255), nullable=True),
        sa.Column("created_at", sa.BigInteger(), nullable=False),
        sa.Column("expires_at", sa.BigInteger(), nullable=False),
        sa.Column("invite_link", sa.String(2048), nullable=True),
        sa.PrimaryKeyConstraint("id", name=f"pk_{TABLE}"),
    )
    op.create_index("ix_organization_invitations_org_email", TABLE, ["organization_id", "email"])


def downgrade() -> None:
    op.drop_index("ix_organization_invitations_org_email", table_name=TABLE)
    op.drop_table(TABLE)
