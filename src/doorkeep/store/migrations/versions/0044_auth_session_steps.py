"""auth session steps: a login tab's start and the time of its last step, apart from its expiry

Keycloak's RootAuthenticationSessionEntity keeps a ``timestamp`` that every step of the login moves (a page's code
generated, AuthenticationProcessor.checkClientSession, ClientSessionCode.setAction, resetFlow, a tab added): each
login action is judged against it (ClientSessionCode.isActionActive: accessCodeLifespanLogin for the login forms,
accessCodeLifespanUserAction for required actions and the consent screen), and the root lives the longest code
lifespan after it (SessionExpiration.getAuthSessionLifespan). Each AuthenticationSessionEntity keeps its own
creation time too (the tab limit drops the oldest). Two columns: ``started`` (the tab's creation) and
``step_time`` (the root's timestamp, written on every tab of the root). Rows from before are 30-minute logins in
progress: both are set to their expiry less the default Login timeout (1800 s). Self-contained: it touches only
``auth_sessions``.

Revision ID: 0044_auth_session_steps
Revises: 0043_required_action_ranks
Create Date: 2026-12-05 08:20:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0044_auth_session_steps"
down_revision = "0043_required_action_ranks"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Plain ALTER TABLE on both engines: no batch copy.
    op.add_column("auth_sessions", sa.Column("started", sa.BigInteger(), nullable=False, server_default="0"))
    op.add_column("auth_sessions", sa.Column("step_time", sa.BigInteger(), nullable=False, server_default="0"))
    op.execute("UPDATE auth_sessions SET started = expires - 1800, step_time = expires - 1800")


def downgrade() -> None:
    op.execute("ALTER TABLE auth_sessions DROP COLUMN step_time")  # SQLite 3.35+ and PostgreSQL, no copy
    op.execute("ALTER TABLE auth_sessions DROP COLUMN started")
