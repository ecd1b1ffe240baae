"""organization invitation client: the client an invitation's link was for, so that a resend keeps it

Keycloak 27.0 (keycloak#48535) sends an invitation for the client the admin names by ``client_id``, and its resend
invites for that client again (it reads the client back from the stored link's action token). Doorkeep never stores
the link (it carries the signed token), so the client's ``client_id`` gets a nullable column of its own on
``organization_invitations``; the invitations stored before it have none and are resent for ``account``, as they
were sent. Self-contained: it only adds the column.

Revision ID: 0045_org_invitation_client
Revises: 0044_auth_session_steps
Create Date: 2026-12-06 06:10:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0045_org_invitation_client"
down_revision = "0044_auth_session_steps"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("organization_invitations", sa.Column("client_id", sa.String(255), nullable=True))  # no table copy


def downgrade() -> None:
    op.execute("ALTER TABLE organization_invitations DROP COLUMN client_id")  # SQLite 3.35+ and PostgreSQL
