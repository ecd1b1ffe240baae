"""organization invitation attributes: Keycloak 26.7's invitation requests carry attributes the invitation keeps

A nullable JSON column ``attributes`` on ``organization_invitations`` (name -> values); the invitations stored
before it have none. Self-contained: it only adds the column.

Revision ID: 0042_org_invitation_attributes
Revises: 0041_organization_admin_roles
Create Date: 2026-12-05 06:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0042_org_invitation_attributes"
down_revision = "0041_organization_admin_roles"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("organization_invitations", sa.Column("attributes", sa.JSON(), nullable=True))  # no table copy


def downgrade() -> None:
    op.execute("ALTER TABLE organization_invitations DROP COLUMN attributes")  # SQLite 3.35+ and PostgreSQL
