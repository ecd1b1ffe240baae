"""lookup indexes: three lookups that read a whole table found by index instead

Found by tracing every SQL statement of the wire suite and asking SQLite for each plan (issue #8):

- a client's service-account user, read by every client_credentials grant: 38 ms at 1,000,000 users
  on SQLite, 5 µs with the index on (realm_id, service_account_client_id), which also answers
  ``users/count`` (the realm's users that are not service accounts) from the index alone: 94 → 31 ms;
- a user by e-mail, compared in lower case (login with e-mail, the duplicate e-mail checks): the old
  (realm_id, email) index only narrowed it to the realm, 84 ms at 1,000,000 users, 4 µs on
  (realm_id, lower(email)), which replaces it;
- the users of a role (``roles/{name}/users``, and every role deletion's cascade): the mappings table's
  key starts with the user, so the role was found by reading all of it, 34 ms at 1,000,000 mappings,
  0.2 ms with the index.

The service-account index is not unique, so that a database holding a duplicate from an older bug
still migrates.

Revision ID: 0014_lookup_indexes
Revises: 0013_vacuum
Create Date: 2026-11-30 05:10:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0014_lookup_indexes"
down_revision = "0013_vacuum"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_users_realm_service_account", "users", ["realm_id", "service_account_client_id"])
    op.create_index("ix_users_realm_lower_email", "users", ["realm_id", sa.text("lower(email)")])
    op.drop_index("ix_users_realm_email", table_name="users")
    op.create_index("ix_user_role_mappings_role", "user_role_mappings", ["role_id"])


def downgrade() -> None:
    op.drop_index("ix_user_role_mappings_role", table_name="user_role_mappings")
    op.create_index("ix_users_realm_email", "users", ["realm_id", "email"])
    op.drop_index("ix_users_realm_lower_email", table_name="users")
    op.drop_index("ix_users_realm_service_account", table_name="users")
