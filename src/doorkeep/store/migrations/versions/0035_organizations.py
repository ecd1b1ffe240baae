"""organizations: Keycloak 26's organizations, their internet domains and their members

Three new tables. ``organizations`` (Keycloak's ORG: name and alias unique in the realm, description, redirect URL
and attributes in ``config``); ``organization_domains`` (ORG_DOMAIN: a domain belongs to at most one organization
of the realm, hence the unique ``(realm_id, name)``); ``organization_members`` (Keycloak keeps them in the
organization's internal group, with the membership type). Rows go with their realm, organization or user.
Self-contained: nothing existing is touched.

Revision ID: 0035_organizations
Revises: 0034_federated_identities
Create Date: 2026-12-03 07:45:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0035_organizations"
down_revision = "0034_federated_identities"
branch_labels = None
depends_on = None


def _fk(table: str, column: str, target: str) -> sa.ForeignKey:
    return sa.ForeignKey(f"{target}.id", ondelete="CASCADE", name=f"fk_{table}_{column}_{target}")


def upgrade() -> None:
    op.create_table(
        "organizations",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("realm_id", sa.String(36), _fk("organizations", "realm_id", "realms"), nullable=False),
        sa.Column("name", sa.String(255), nullable=False),
        sa.Column("alias", sa.String(255), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("config", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_organizations"),
        sa.UniqueConstraint("realm_id", "name", name="uq_organizations_realm_name"),
        sa.UniqueConstraint("realm_id", "alias", name="uq_organizations_realm_alias"),
    )
    op.create_table(
        "organization_domains",
        sa.Column(
            "organization_id",
            sa.String(36),
            _fk("organization_domains", "organization_id", "organizations"),
            nullable=False,
        ),
        sa.Column("name", sa.String(255), nullable=False),
        sa.Column("realm_id", sa.String(36), _fk("organization_domains", "realm_id", "realms"), nullable=False),
        sa.Column("verified", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("organization_id", "name", name="pk_organization_domains"),
        sa.UniqueConstraint("realm_id", "name", name="uq_organization_domains_realm_name"),
    )
    op.create_table(
        "organization_members",
        sa.Column(
            "organization_id",
            sa.String(36),
            _fk("organization_members", "organization_id", "organizations"),
            nullable=False,
        ),
        sa.Column("user_id", sa.String(36), _fk("organization_members", "user_id", "users"), nullable=False),
        sa.Column("membership_type", sa.String(16), nullable=False),
        sa.PrimaryKeyConstraint("organization_id", "user_id", name="pk_organization_members"),
    )
    op.create_index("ix_organization_members_user", "organization_members", ["user_id"])


def downgrade() -> None:
    op.drop_index("ix_organization_members_user", table_name="organization_members")
    op.drop_table("organization_members")
    op.drop_table("organization_domains")
    op.drop_table("organizations")
