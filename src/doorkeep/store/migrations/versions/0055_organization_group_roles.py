"""organization group roles: organization roles mapped to organization groups

Keycloak's main branch (after 26.8.0) maps an organization's roles to its groups (OrganizationGroupResource's
``role-mappings/organizations``); the group's members, and those of the groups below it, hold them. One row per
(group, role); removing either removes the mapping. The downgrade drops the table.

Revision ID: 0055_organization_group_roles
Revises: 0054_organization_roles
Create Date: 2026-12-07 22:40:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0055_organization_group_roles"
down_revision = "0054_organization_roles"
branch_labels = None
depends_on = None

_ID = 36


def upgrade() -> None:
    op.create_table(
        "organization_group_roles",
        sa.Column(
            "group_id", sa.String(_ID), sa.ForeignKey("organization_groups.id", ondelete="CASCADE"), primary_key=True
        ),
        sa.Column(
            "role_id", sa.String(_ID), sa.ForeignKey("organization_roles.id", ondelete="CASCADE"), primary_key=True
        ),
    )
    op.create_index("ix_organization_group_roles_role", "organization_group_roles", ["role_id"])


def downgrade() -> None:
    op.drop_index("ix_organization_group_roles_role", "organization_group_roles")
    op.drop_table("organization_group_roles")
