"""credential priority: the order of a user's credentials, as Keycloak's CREDENTIAL.PRIORITY keeps it

Adds ``credentials.priority``: a user's credentials are listed, and the first OTP device chosen, by it
(JpaUserCredentialStore: ``order by priority``; a new credential goes last at the last priority plus 10, and
a move renumbers the list 10, 20, 30 …). Rows already there get 10, 20, 30 … per user in the order they were
listed before: oldest first (``created_date``, then ``id`` for a tie). Self-contained: it only adds and fills
its own column, so it can be re-chained after another branch's 0026.

Revision ID: 0027_credential_priority
Revises: 0026_registration_policies
Create Date: 2026-12-14 10:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0027_credential_priority"
down_revision = "0026_registration_policies"
branch_labels = None
depends_on = None

# 10 × the row's place among its user's credentials, oldest first: a correlated count, which both engines run.
_NUMBER = """
UPDATE credentials SET priority = 10 * (
    SELECT count(*) FROM credentials AS earlier
    WHERE earlier.user_id = credentials.user_id
      AND (earlier.created_date < credentials.created_date
           OR (earlier.created_date = credentials.created_date AND earlier.id <= credentials.id))
)
"""


def upgrade() -> None:
    op.add_column("credentials", sa.Column("priority", sa.Integer(), nullable=False, server_default="0"))
    op.execute(sa.text(_NUMBER))


def downgrade() -> None:
    # A plain ALTER TABLE … DROP COLUMN (SQLite 3.35+): a batch copy would reflect ``users`` and its expression
    # index, which SQLAlchemy warns it cannot reflect.
    op.drop_column("credentials", "priority")
