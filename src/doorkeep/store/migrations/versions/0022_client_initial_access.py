"""client initial access: the records behind the client registration service's initial access tokens

One row per initial access token created through ``/admin/realms/{realm}/clients-initial-access`` (Keycloak's
CLIENT_INITIAL_ACCESS): when, for how long, how many registrations and how many are left. The token is a JWT
naming the row; it is never stored. Self-contained: it only creates its own table, so it can be renumbered
after another branch's 0021. (A client's registration access token id lives in the client's JSON config.)

Revision ID: 0022_client_initial_access
Revises: 0021_pushed_auth_requests
Create Date: 2026-12-10 10:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0022_client_initial_access"
down_revision = "0021_pushed_auth_requests"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "client_initial_access",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("realm_id", sa.String(36), nullable=False),
        sa.Column("timestamp", sa.BigInteger, nullable=False),
        sa.Column("expiration", sa.Integer, nullable=False),
        sa.Column("count", sa.Integer, nullable=False),
        sa.Column("remaining_count", sa.Integer, nullable=False),
        sa.ForeignKeyConstraint(
            ["realm_id"], ["realms.id"], name="fk_client_initial_access_realm_id_realms", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_client_initial_access"),
    )
    op.create_index("ix_client_initial_access_realm_id", "client_initial_access", ["realm_id"])


def downgrade() -> None:
    op.drop_index("ix_client_initial_access_realm_id", table_name="client_initial_access")
    op.drop_table("client_initial_access")
