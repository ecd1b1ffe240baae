"""auth session notes: what a later step of a browser login needs

A nullable JSON column on ``auth_sessions`` (Keycloak's authentication session auth notes): the OTP step's
remember-me box and the TOTP setup page's secret, kept server-side between the page and its form's POST.
Self-contained: it only adds its own column, so it can be renumbered after another branch's 0023.

Revision ID: 0023_auth_session_notes
Revises: 0022_client_initial_access
Create Date: 2026-12-12 10:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0023_auth_session_notes"
down_revision = "0022_client_initial_access"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("auth_sessions") as batch:
        batch.add_column(sa.Column("notes", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("auth_sessions") as batch:
        batch.drop_column("notes")
