"""organization groups: Keycloak 26.6's groups of an organization and their members

Two new tables. ``organization_groups`` (Keycloak keeps them as KEYCLOAK_GROUP rows of type ORGANIZATION under the
organization's internal group; here a tree per organization, apart from the realm's groups): the parent, a name
unique among siblings through ``sibling_key`` (the parent's id, or the organization's at the top level), the
description and the attributes. ``organization_group_members``: the users in each. Rows go with their
organization, parent group or user. Self-contained: nothing existing is touched.

Revision ID: 0037_organization_groups
Revises: 0036_organization_invitations
Create Date: 2026-12-04 05:30:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0037_organization_groups"
down_revision = "0036_organization_invitations"
branch_labels = None
depends_on = None


def _fk(table: str, column: str, target: str) -> sa.ForeignKey:
    return sa.ForeignKey(f"{target}.id", ondelete="CASCADE", name=f"fk_{table}_{column}_{target}")


def upgrade() -> None:
    op.create_table(
        "organization_groups",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column(
            "organization_id",
            sa.String(36),
            _fk("organization_groups", "organization_id", "organizations"),
            nullable=False,
        ),
        sa.Column(
            "parent_id",
            sa.String(36),
            _fk("organization_groups", "parent_id", "organization_groups"),
            nullable=True,
        ),
        sa.Column("sibling_key", sa.String(36), nullable=False),
        sa.Column("name", sa.String(255), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("attributes", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_organization_groups"),
        sa.UniqueConstraint("sibling_key", "name", name="uq_organization_groups_sibling_name"),
    )
    op.create_index("ix_organization_groups_organization", "organization_groups", ["organization_id"])
    op.create_table(
        "organization_group_members",
        sa.Column(
            "group_id",
            sa.String(36),
            _fk("organization_group_members", "group_id", "organization_groups"),
            nullable=False,
        ),
        sa.Column("user_id", sa.String(36), _fk("organization_group_members", "user_id", "users"), nullable=False),
        sa.PrimaryKeyConstraint("group_id", "user_id", name="pk_organization_group_members"),
    )
    op.create_index("ix_organization_group_members_user", "organization_group_members", ["user_id"])


def downgrade() -> None:
    op.drop_index("ix_organization_group_members_user", table_name="organization_group_members")
    op.drop_table("organization_group_members")
    op.drop_index("ix_organization_groups_organization", table_name="organization_groups")
    op.drop_table("organization_groups")
