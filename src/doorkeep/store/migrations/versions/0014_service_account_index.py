"""service account index: a client's service-account user found by index, not by reading every user

Every client_credentials grant (and the admin ``service-account-user`` read) looks up the user whose
``service_account_client_id`` is the client. Without an index both engines read the whole users table: at
1,000,000 users that was 38 ms per grant on SQLite, against 5 µs with this index (bench/README.md, issue
#8). Not unique, so that a database holding a duplicate from an older bug still migrates.

Revision ID: 0014_service_account_index
Revises: 0013_vacuum
Create Date: 2026-11-30 05:10:00.000000
"""

from __future__ import annotations

from alembic import op

revision = "0014_service_account_index"
down_revision = "0013_vacuum"
branch_labels = None
depends_on = None

INDEX = "ix_users_service_account"


def upgrade() -> None:
    op.create_index(INDEX, "users", ["service_account_client_id"])


def downgrade() -> None:
    op.drop_index(INDEX, table_name="users")
