"""organization invitation roles: the realm and client roles an organization invitation grants on acceptance

Keycloak's main branch (after 26.8.0) lets an organization invitation carry roles (``roles`` of the invite
requests); the invited user gets them when joining. One row per (invitation, role); removing either removes it.
The downgrade drops the table.

Revision ID: 0056_org_invitation_roles
Revises: 0055_organization_group_roles
Create Date: 2026-12-07 22:50:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0056_org_invitation_roles"
down_revision = "0055_organization_group_roles"
branch_labels = None
depends_on = None

_ID = 36


def upgrade() -> None:
    op.create_table(
        "organization_invitation_roles",
        sa.Column(
            "invitation_id",
            sa.String(_ID),
            sa.ForeignKey("organization_invitations.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("role_id", sa.String(_ID), sa.ForeignKey("roles.id", ondelete="CASCADE"), primary_key=True),
    )
    op.create_index("ix_organization_invitation_roles_role", "organization_invitation_roles", ["role_id"])


def downgrade() -> None:
    op.drop_index("ix_organization_invitation_roles_role", "organization_invitation_roles")
    op.drop_table("organization_invitation_roles")
