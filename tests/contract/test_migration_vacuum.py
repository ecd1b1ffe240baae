"""Migration 0013: on PostgreSQL the session tables are vacuumed after 2% of their rows died (issue #8).

Without it, a cleaner run that deleted a tenth of 10,000,000 sessions left them all as dead tuples (the
default threshold is a fifth), and the admin reads scanning for expired sessions took seconds.
"""

from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa

from doorkeep.store.database import HEAD_REVISION, Database
from migration_steps import migrate

pytestmark = pytest.mark.anyio
TABLES = ("user_sessions", "client_sessions", "refresh_families")
WANTED = {"autovacuum_vacuum_scale_factor=0.02", "autovacuum_analyze_scale_factor=0.02"}


def _options(conn: sa.Connection) -> dict[str, set[str]]:
    rows = conn.execute(
        sa.text(
            "SELECT relname, reloptions FROM pg_class WHERE relname IN ('user_sessions', 'client_sessions', "
            "'refresh_families') AND relkind = 'r'"
        )
    )
    return {name: set(options or ()) for name, options in rows}


async def test_the_session_tables_are_vacuumed_early_and_the_downgrade_restores_the_default(db: Database) -> None:
    async with db.transaction() as tx:
        conn: Any = tx.realms._c
        version = (await conn.exec_driver_sql("SELECT version_num FROM alembic_version")).scalar()
        assert version == HEAD_REVISION
        if db.is_sqlite:  # nothing to set: SQLite deletes in place
            return
        assert await conn.run_sync(_options) == {table: WANTED for table in TABLES}
    async with db.engine.connect() as conn:
        await conn.run_sync(lambda sync: migrate(sync, "0012_scale", down=True))
        assert await conn.run_sync(_options) == {table: set() for table in TABLES}
        await conn.run_sync(lambda sync: migrate(sync, "head"))
        assert await conn.run_sync(_options) == {table: WANTED for table in TABLES}
        await conn.commit()
