"""group sibling names: the database refuses two groups of one name under the same parent, as Keycloak's
KEYCLOAK_GROUP unique key SIBLING_NAMES (realm, parent group, name) does, the top level included

Until now only the Admin REST checked the rule (admin/groups.py), so two requests creating or moving a group of
the same name at once could both pass. Two unique indexes hold it now: one on ``(parent_id, name)`` for
subgroups, and a partial one on ``(realm_id, name)`` where ``parent_id`` is NULL for the top level (NULLs are
distinct in a unique index, which is why Keycloak stores a blank parent id for top-level groups). Duplicates
already stored (only such a race could have made them) keep the name on the row of the smallest id; the
others get `` (<id>)`` appended, so that no group is lost. Self-contained: it touches nothing but ``groups``.

Revision ID: 0029_group_sibling_names
Revises: 0028_service_account_scope
Create Date: 2026-12-16 10:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0029_group_sibling_names"
down_revision = "0028_service_account_scope"
branch_labels = None
depends_on = None

_RENAME_DUPLICATES = """
UPDATE groups SET name = substr(name, 1, 200) || ' (' || id || ')'
WHERE EXISTS (
    SELECT 1 FROM groups AS first
    WHERE first.realm_id = groups.realm_id
      AND ((first.parent_id IS NULL AND groups.parent_id IS NULL) OR first.parent_id = groups.parent_id)
      AND first.name = groups.name
      AND first.id < groups.id
)
"""
TOP_LEVEL = "parent_id IS NULL"


def upgrade() -> None:
    op.execute(sa.text(_RENAME_DUPLICATES))
    op.create_index("uq_groups_sibling_name", "groups", ["parent_id", "name"], unique=True)
    op.create_index(
        "uq_groups_top_level_name",
        "groups",
        ["realm_id", "name"],
        unique=True,
        sqlite_where=sa.text(TOP_LEVEL),
        postgresql_where=sa.text(TOP_LEVEL),
    )


def downgrade() -> None:
    op.drop_index("uq_groups_top_level_name", table_name="groups")
    op.drop_index("uq_groups_sibling_name", table_name="groups")
