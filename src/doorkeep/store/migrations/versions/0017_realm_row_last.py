"""the user version advances at commit on PostgreSQL: a realm row is the last lock a transaction takes

0015's and 0016's triggers advanced ``realms.user_version`` in the middle of the writing transaction: a user write
took its own row, then the realm row. A configuration change takes the realm row (``config_version``) and may then
cascade into user rows (a role's deletion into its mappings, a group's into its memberships): the opposite order,
and the two deadlocked. On PostgreSQL the triggers become deferred constraint triggers, which run at commit, and the
configuration's own advance is made at commit too (store/realms.py ``bump``, store/pg_connections.py), so every
writing transaction takes its realm rows last. SQLite has one writer at a time and keeps its triggers.

Revision ID: 0017_realm_row_last
Revises: 0016_group_membership_version
Create Date: 2026-11-30 13:40:00.000000
"""

from __future__ import annotations

from alembic import op

revision = "0017_realm_row_last"
down_revision = "0016_group_membership_version"
branch_labels = None
depends_on = None

# (trigger, table, function): the functions are 0015's (a realm advanced at most once per transaction).
TRIGGERS = (
    ("tr_users_version", "users", "doorkeep_user_version"),
    ("tr_user_role_mappings_version", "user_role_mappings", "doorkeep_user_mapping_version"),
    ("tr_user_groups_version", "user_groups", "doorkeep_user_mapping_version"),
)


def _replace(deferred: bool) -> None:
    kind = "CONSTRAINT TRIGGER" if deferred else "TRIGGER"
    timing = " DEFERRABLE INITIALLY DEFERRED" if deferred else ""
    for name, table, function in TRIGGERS:
        op.execute(f"DROP TRIGGER {name} ON {table}")
        op.execute(
            f"CREATE {kind} {name} AFTER INSERT OR UPDATE OR DELETE ON {table}{timing} "
            f"FOR EACH ROW EXECUTE FUNCTION {function}()"
        )


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        _replace(deferred=True)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        _replace(deferred=False)
