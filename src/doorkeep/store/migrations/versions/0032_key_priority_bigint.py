"""key priority bigint: a key provider's priority is a Java long, as Keycloak's components keep it

``realm_keys.priority`` becomes BIGINT: an admin may give a key provider any long as its priority (Keycloak's
own key-provider tests use ``System.currentTimeMillis()``), and ``GET /keys`` answers it unchanged as
``providerPriority``. Self-contained: it only changes its own column's type, so it can be renumbered after
another branch's 0032.

Revision ID: 0032_key_priority_bigint
Revises: 0031_auth_session_tabs
Create Date: 2026-12-02 14:10:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0032_key_priority_bigint"
down_revision = "0031_auth_session_tabs"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("realm_keys") as batch:
        batch.alter_column("priority", type_=sa.BigInteger(), existing_type=sa.Integer(), existing_nullable=False)


def downgrade() -> None:
    # Priorities beyond an int's range are clamped to its ends first (the order stays the same at the ends).
    op.execute("UPDATE realm_keys SET priority = 2147483647 WHERE priority > 2147483647")
    op.execute("UPDATE realm_keys SET priority = -2147483648 WHERE priority < -2147483648")
    with op.batch_alter_table("realm_keys") as batch:
        batch.alter_column("priority", type_=sa.Integer(), existing_type=sa.BigInteger(), existing_nullable=False)
