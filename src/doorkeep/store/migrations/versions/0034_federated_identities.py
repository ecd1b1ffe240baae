"""federated identities: a user's links to the realm's OpenID Connect identity providers

Keycloak's FederatedIdentityEntity: the user, the provider's alias, the user's id and username at the
provider, and the provider's token when the provider stores tokens. The identity providers themselves are
part of the realm's JSON configuration. Self-contained: a new table, nothing else touched.

Revision ID: 0034_federated_identities
Revises: 0033_realm_encryption_keys
Create Date: 2026-12-03 07:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0034_federated_identities"
down_revision = "0033_realm_encryption_keys"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "federated_identities",
        sa.Column(
            "user_id",
            sa.String(36),
            sa.ForeignKey("users.id", ondelete="CASCADE", name="fk_federated_identities_user_id_users"),
            nullable=False,
        ),
        sa.Column("alias", sa.String(255), nullable=False),
        sa.Column(
            "realm_id",
            sa.String(36),
            sa.ForeignKey("realms.id", ondelete="CASCADE", name="fk_federated_identities_realm_id_realms"),
            nullable=False,
        ),
        sa.Column("federated_user_id", sa.String(255), nullable=True),
        sa.Column("linked", sa.BigInteger(), nullable=False),
        sa.Column("federated_username", sa.String(255), nullable=True),
        sa.Column("token", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("user_id", "alias", name="pk_federated_identities"),
        sa.UniqueConstraint("realm_id", "alias", "federated_user_id", name="uq_federated_identities_realm_alias_user"),
    )


def downgrade() -> None:
    op.drop_table("federated_identities")
