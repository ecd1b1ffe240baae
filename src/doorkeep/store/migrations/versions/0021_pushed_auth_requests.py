"""pushed authorization requests: Keycloak's single-use store of PAR (RFC 9126) requests

One row per pushed request: the SHA-256 of the id in its ``request_uri``, the realm and client that pushed it,
its parameters, when it was pushed and when it may be forgotten (store/pushed_requests.py).

Revision ID: 0021_pushed_auth_requests
Revises: 0020_used_client_assertions
Create Date: 2026-12-10 10:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0021_pushed_auth_requests"
down_revision = "0020_used_client_assertions"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "pushed_authorization_requests",
        sa.Column("key_hash", sa.String(64), nullable=False),
        sa.Column("realm_id", sa.String(36), nullable=False),
        sa.Column("client_id", sa.String(36), nullable=False),
        sa.Column("params", sa.JSON, nullable=False),
        sa.Column("created", sa.BigInteger, nullable=False),
        sa.Column("expires", sa.BigInteger, nullable=False),
        sa.PrimaryKeyConstraint("key_hash", name="pk_pushed_authorization_requests"),
        sa.ForeignKeyConstraint(
            ["realm_id"], ["realms.id"], name="fk_pushed_authorization_requests_realm_id_realms", ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["client_id"], ["clients.id"], name="fk_pushed_authorization_requests_client_id_clients", ondelete="CASCADE"
        ),
    )
    op.create_index("ix_pushed_authorization_requests_expires", "pushed_authorization_requests", ["expires"])


def downgrade() -> None:
    op.drop_index("ix_pushed_authorization_requests_expires", table_name="pushed_authorization_requests")
    op.drop_table("pushed_authorization_requests")
