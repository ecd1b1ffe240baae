"""The schema the migrations build is the schema ``store/tables.py`` declares (the aesthetics review's
"compare_metadata test"): Alembic's autogenerate comparison of a database migrated to head against the
metadata finds nothing to add, drop or change, on SQLite and on PostgreSQL. A column, index or table added to
one side only (a migration forgotten, or a table edited without one) fails here, not in production."""

from __future__ import annotations

import warnings
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Connection, create_engine

from doorkeep.store.database import Database
from doorkeep.store.tables import metadata

# Alembic's bookkeeping table is not part of the model.
_IGNORED_TABLES = {"alembic_version"}


def _include(obj: Any, name: str | None, type_: str, reflected: bool, compare_to: Any) -> bool:
    return not (type_ == "table" and name in _IGNORED_TABLES)


def _differences(connection: Connection) -> list[Any]:
    context = MigrationContext.configure(
        connection,
        opts={"compare_type": True, "compare_server_default": False, "include_object": _include},
    )
    with warnings.catch_warnings():  # expression indexes (lower(email)) cannot be reflected: not compared
        warnings.filterwarnings("ignore", message=".*expression-based index")
        return list(compare_metadata(context, metadata))


@pytest.mark.anyio
async def test_a_database_migrated_to_head_matches_the_declared_tables(db: Database) -> None:
    async with db.engine.connect() as conn:
        differences = await conn.run_sync(_differences)
    assert differences == []


def test_the_comparison_sees_a_difference() -> None:
    """The check can fail: a table the metadata declares but the database lacks is reported."""
    engine = create_engine("sqlite://")
    with engine.connect() as conn:
        differences = _differences(conn)
    assert any(diff[0] == "add_table" for diff in differences if isinstance(diff, tuple))
