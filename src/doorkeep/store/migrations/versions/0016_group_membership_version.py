"""group memberships advance the user version too

A user's groups give it roles and feed protocol mappers, so what client_credentials keeps per service account
(its roles, its mapper input and its mapped claims: store/config_cache.py) is stale as soon as a membership
changes. Triggers on ``user_groups`` (insert, update, delete, cascades included) advance the realm's
``user_version`` in the writing transaction, as 0015's do for users and their role mappings; on PostgreSQL
through 0015's functions, so a realm still advances at most once per transaction.

Revision ID: 0016_group_membership_version
Revises: 0015_user_version
Create Date: 2026-11-30 13:30:00.000000
"""

from __future__ import annotations

from alembic import op

revision = "0016_group_membership_version"
down_revision = "0015_user_version"
branch_labels = None
depends_on = None

PG_TRIGGER = (
    "CREATE TRIGGER tr_user_groups_version AFTER INSERT OR UPDATE OR DELETE ON user_groups "
    "FOR EACH ROW EXECUTE FUNCTION doorkeep_user_mapping_version()"  # 0015's: the realm of row.user_id
)
BUMP = (
    "UPDATE realms SET user_version = user_version + 1 WHERE id = (SELECT realm_id FROM users WHERE id = {row}.user_id)"
)
SQLITE_TRIGGERS = {
    "tr_user_groups_version_insert": f"AFTER INSERT ON user_groups BEGIN {BUMP.format(row='NEW')}; END",
    "tr_user_groups_version_update": (
        f"AFTER UPDATE ON user_groups BEGIN {BUMP.format(row='OLD')}; {BUMP.format(row='NEW')}; END"
    ),
    "tr_user_groups_version_delete": f"AFTER DELETE ON user_groups BEGIN {BUMP.format(row='OLD')}; END",
}


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(PG_TRIGGER)
    else:
        for name, body in SQLITE_TRIGGERS.items():
            op.execute(f"CREATE TRIGGER {name} {body}")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER tr_user_groups_version ON user_groups")
    else:
        for name in SQLITE_TRIGGERS:
            op.execute(f"DROP TRIGGER {name}")
