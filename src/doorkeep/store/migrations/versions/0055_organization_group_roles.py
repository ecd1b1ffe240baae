"""organization group roles: organization, realm and client roles mapped to organization groups

Keycloak's main branch (after 26.8.0) maps an organization's roles to its groups (OrganizationGroupResource's
``role-mappings/organizations``); the group's members, and those of the groups below it, hold them. One row per
(group, role); removing either removes the mapping. Realm and client roles mapped to an organization group (as to
any Keycloak group) are kept beside, in ``organization_group_role_mappings``. The downgrade drops both tables.

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


_TABLES = (("organization_group_roles", "organization_roles"), ("organization_group_role_mappings", "roles"))


def upgrade() -> None:
    for name, roles in _TABLES:
        op.create_table(
            name,
            sa.Column(
                "group_id",
                sa.String(_ID),
                sa.ForeignKey("organization_groups.id", ondelete="CASCADE"),
                primary_key=True,
            ),
            sa.Column("role_id", sa.String(_ID), sa.ForeignKey(f"{roles}.id", ondelete="CASCADE"), primary_key=True),
        )
        op.create_index(f"ix_{name}_role", name, ["role_id"])


def downgrade() -> None:
    for name, _ in reversed(_TABLES):
        op.drop_index(f"ix_{name}_role", name)
        op.drop_table(name)
