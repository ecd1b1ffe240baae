"""password history: the user's previous password hashes, as Keycloak's ``password-history`` credentials

Keycloak's PasswordCredentialProvider moves the old password to a ``password-history`` credential on every
password update while ``passwordHistory(N)`` is above 1, and trims them to the newest N-1;
HistoryPasswordPolicyProvider refuses the current password and those. Doorkeep keeps them in a table of their
own, ``password_history``, so that nothing listing, moving, exporting or deleting a user's credentials can see
them (Keycloak hides them from GET users/{id}/credentials too). ``id`` grows with every row and breaks the tie
between two hashes of the same ``created_date`` (Doorkeep's dates are whole seconds). Rows go with their user.
Self-contained: a new table, nothing else touched.

Revision ID: 0030_password_history
Revises: 0029_group_sibling_names
Create Date: 2026-12-17 10:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0030_password_history"
down_revision = "0029_group_sibling_names"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "password_history",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column(
            "user_id",
            sa.String(36),
            sa.ForeignKey("users.id", ondelete="CASCADE", name="fk_password_history_user_id_users"),
            nullable=False,
        ),
        sa.Column("secret_data", sa.JSON(), nullable=False),
        sa.Column("credential_data", sa.JSON(), nullable=False),
        sa.Column("created_date", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_password_history"),
    )
    op.create_index("ix_password_history_user_id", "password_history", ["user_id"])


def downgrade() -> None:
    op.drop_index("ix_password_history_user_id", table_name="password_history")
    op.drop_table("password_history")
