"""user version: a per-realm counter that every write to a user or a user's role mappings advances

``realms.user_version`` is advanced by triggers on ``users`` (insert, update, delete) and on
``user_role_mappings`` (insert, update, delete), cascades included, in the writing transaction. Requests read
the realm row anyway, so a process may keep what it read of a user under that version and knows it is stale
as soon as any process commits a change (store/config_cache.py: the service accounts of client_credentials).

Revision ID: 0015_user_version
Revises: 0014_lookup_indexes
Create Date: 2026-11-30 11:15:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0015_user_version"
down_revision = "0014_lookup_indexes"
branch_labels = None
depends_on = None

# PostgreSQL advances a realm's counter once per transaction: every UPDATE of one row in one transaction adds
# a version of it that the next one walks past, so bumping per user made an import of n users take n² steps
# (20,000 users: 20 s instead of ~2). The realms already advanced are kept in a transaction-local setting,
# which a rolled-back savepoint reverts with its UPDATE.
PG_FUNCTIONS = (
    """CREATE FUNCTION doorkeep_advance_user_version(realm text) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    done text := coalesce(current_setting('doorkeep.user_version_advanced', true), '');
    mark text := chr(31) || realm || chr(31);
BEGIN
    IF realm IS NULL OR position(mark in done) > 0 THEN
        RETURN;
    END IF;
    UPDATE realms SET user_version = user_version + 1 WHERE id = realm;
    PERFORM set_config('doorkeep.user_version_advanced', done || mark, true);
END $$""",
    """CREATE FUNCTION doorkeep_user_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN
        PERFORM doorkeep_advance_user_version(OLD.realm_id);
    END IF;
    IF TG_OP <> 'DELETE' THEN
        PERFORM doorkeep_advance_user_version(NEW.realm_id);
    END IF;
    RETURN NULL;
END $$""",
    """CREATE FUNCTION doorkeep_user_mapping_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN
        PERFORM doorkeep_advance_user_version((SELECT realm_id FROM users WHERE id = OLD.user_id));
    END IF;
    IF TG_OP <> 'DELETE' THEN
        PERFORM doorkeep_advance_user_version((SELECT realm_id FROM users WHERE id = NEW.user_id));
    END IF;
    RETURN NULL;
END $$""",
)
PG_TRIGGERS = (
    "CREATE TRIGGER tr_users_version AFTER INSERT OR UPDATE OR DELETE ON users "
    "FOR EACH ROW EXECUTE FUNCTION doorkeep_user_version()",
    "CREATE TRIGGER tr_user_role_mappings_version AFTER INSERT OR UPDATE OR DELETE ON user_role_mappings "
    "FOR EACH ROW EXECUTE FUNCTION doorkeep_user_mapping_version()",
)
BUMP = "UPDATE realms SET user_version = user_version + 1 WHERE id = {realm}"
OF_USER = "(SELECT realm_id FROM users WHERE id = {row}.user_id)"
SQLITE_TRIGGERS = (
    f"CREATE TRIGGER tr_users_version_insert AFTER INSERT ON users BEGIN {BUMP.format(realm='NEW.realm_id')}; END",
    f"CREATE TRIGGER tr_users_version_update AFTER UPDATE ON users BEGIN {BUMP.format(realm='OLD.realm_id')}; "
    f"{BUMP.format(realm='NEW.realm_id')} AND NEW.realm_id IS NOT OLD.realm_id; END",
    f"CREATE TRIGGER tr_users_version_delete AFTER DELETE ON users BEGIN {BUMP.format(realm='OLD.realm_id')}; END",
    f"CREATE TRIGGER tr_user_role_mappings_version_insert AFTER INSERT ON user_role_mappings BEGIN "
    f"{BUMP.format(realm=OF_USER.format(row='NEW'))}; END",
    f"CREATE TRIGGER tr_user_role_mappings_version_update AFTER UPDATE ON user_role_mappings BEGIN "
    f"{BUMP.format(realm=OF_USER.format(row='OLD'))}; {BUMP.format(realm=OF_USER.format(row='NEW'))}; END",
    f"CREATE TRIGGER tr_user_role_mappings_version_delete AFTER DELETE ON user_role_mappings BEGIN "
    f"{BUMP.format(realm=OF_USER.format(row='OLD'))}; END",
)
SQLITE_NAMES = (
    "tr_users_version_insert",
    "tr_users_version_update",
    "tr_users_version_delete",
    "tr_user_role_mappings_version_insert",
    "tr_user_role_mappings_version_update",
    "tr_user_role_mappings_version_delete",
)


def upgrade() -> None:
    # Plain ALTER TABLE on both engines: a batch (copy and rename) of ``realms`` on SQLite would drop the old
    # table, and with foreign keys on, its cascades would delete every user and client with it.
    op.add_column("realms", sa.Column("user_version", sa.BigInteger, nullable=False, server_default="0"))
    if op.get_bind().dialect.name == "postgresql":
        for statement in (*PG_FUNCTIONS, *PG_TRIGGERS):
            op.execute(statement)
    else:
        for statement in SQLITE_TRIGGERS:
            op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER tr_users_version ON users")
        op.execute("DROP TRIGGER tr_user_role_mappings_version ON user_role_mappings")
        op.execute("DROP FUNCTION doorkeep_user_version()")
        op.execute("DROP FUNCTION doorkeep_user_mapping_version()")
        op.execute("DROP FUNCTION doorkeep_advance_user_version(text)")
    else:
        for name in SQLITE_NAMES:
            op.execute(f"DROP TRIGGER {name}")
    op.execute("ALTER TABLE realms DROP COLUMN user_version")  # SQLite 3.35+ and PostgreSQL, no table copy
