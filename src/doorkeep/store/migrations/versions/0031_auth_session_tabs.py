"""auth session tabs: one authentication session per browser tab under the browser's root session

A nullable ``root_id`` column on ``auth_sessions`` (Keycloak's RootAuthenticationSessionModel): the value of the
AUTH_SESSION_ID cookie, shared by every tab's login of one browser; each row's ``id`` is its ``tab_id``. Rows
written before it are logins of one tab, their root their own id. Self-contained: it only adds its own column
and index, so it can be renumbered after another branch's 0031.

Revision ID: 0031_auth_session_tabs
Revises: 0030_password_history
Create Date: 2026-12-18 10:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0031_auth_session_tabs"
down_revision = "0030_password_history"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("auth_sessions") as batch:
        batch.add_column(sa.Column("root_id", sa.String(64), nullable=True))
        batch.create_index(batch.f("ix_auth_sessions_root_id"), ["root_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("auth_sessions") as batch:
        batch.drop_index(batch.f("ix_auth_sessions_root_id"))
        batch.drop_column("root_id")
