"""organization roles: a role namespace of each organization, its default role, composites and member mappings

Keycloak's main branch (after 26.8.0) adds organization roles: KEYCLOAK_ROLE rows of TYPE ORGANIZATION owned by one
organization (ORG_ID), and a default role per organization (ORG.DEFAULT_ROLE_ID, mapped on the organization's internal
group, so every member holds it). Its upgrade (JpaUpdate26_8_0_OrganizationRoles) gives every existing organization a
default role named ``default-roles-org-`` + its lower-cased alias, described ``${role_default-roles}``. Doorkeep keeps
organization roles in tables of their own (store/tables.py explains why) and does the same for the organizations
already stored. The downgrade drops the tables.

Revision ID: 0054_organization_roles
Revises: 0053_client_credential_sub
Create Date: 2026-12-07 22:30:00.000000
"""

from __future__ import annotations

import uuid

import sqlalchemy as sa
from alembic import op

revision = "0054_organization_roles"
down_revision = "0053_client_credential_sub"
branch_labels = None
depends_on = None

_ID = 36
_ORGS = sa.table(
    "organizations", sa.column("id", sa.String), sa.column("realm_id", sa.String), sa.column("alias", sa.String)
)


def default_role_name(alias: str) -> str:
    """The default role's name for an organization's alias (Keycloak's prefix, ``-``, the alias lower-cased)."""
    return ("default-roles-org-" + alias.lower())[:255]


def upgrade() -> None:
    op.create_table(
        "organization_roles",
        sa.Column("id", sa.String(_ID), primary_key=True),
        sa.Column("realm_id", sa.String(_ID), sa.ForeignKey("realms.id", ondelete="CASCADE"), nullable=False),
        sa.Column(
            "organization_id", sa.String(_ID), sa.ForeignKey("organizations.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("name", sa.String(255), nullable=False),
        sa.Column("description", sa.Text, nullable=True),
        sa.Column("attributes", sa.JSON, nullable=False),
        sa.Column("is_default", sa.Boolean, nullable=False),
        sa.UniqueConstraint("organization_id", "name", name="uq_organization_roles_org_name"),
    )
    for name, child in (
        ("organization_role_composites", "roles"),
        ("organization_role_children", "organization_roles"),
    ):
        op.create_table(
            name,
            sa.Column(
                "parent_id",
                sa.String(_ID),
                sa.ForeignKey("organization_roles.id", ondelete="CASCADE"),
                primary_key=True,
            ),
            sa.Column("child_id", sa.String(_ID), sa.ForeignKey(f"{child}.id", ondelete="CASCADE"), primary_key=True),
        )
        op.create_index(f"ix_{name}_child", name, ["child_id"])
    op.create_table(
        "organization_role_members",
        sa.Column(
            "role_id", sa.String(_ID), sa.ForeignKey("organization_roles.id", ondelete="CASCADE"), primary_key=True
        ),
        sa.Column("user_id", sa.String(_ID), sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    )
    op.create_index("ix_organization_role_members_user", "organization_role_members", ["user_id"])
    bind = op.get_bind()
    roles = sa.table(
        "organization_roles",
        *(sa.column(c, sa.String) for c in ("id", "realm_id", "organization_id", "name", "description")),
        sa.column("attributes", sa.JSON),
        sa.column("is_default", sa.Boolean),
    )
    rows = [
        {
            "id": str(uuid.uuid4()),
            "realm_id": realm_id,
            "organization_id": org_id,
            "name": default_role_name(alias),
            "description": "${role_default-roles}",
            "attributes": {},
            "is_default": True,
        }
        for org_id, realm_id, alias in bind.execute(sa.select(_ORGS.c.id, _ORGS.c.realm_id, _ORGS.c.alias)).all()
    ]
    if rows:
        bind.execute(sa.insert(roles), rows)


def downgrade() -> None:
    op.drop_index("ix_organization_role_members_user", "organization_role_members")
    op.drop_table("organization_role_members")
    for name in ("organization_role_children", "organization_role_composites"):
        op.drop_index(f"ix_{name}_child", name)
        op.drop_table(name)
    op.drop_table("organization_roles")
