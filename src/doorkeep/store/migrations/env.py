"""Alembic environment: runs on the connection Doorkeep hands it (see store/database.py)."""

from __future__ import annotations

from alembic import context

from doorkeep.store.tables import metadata

connection = context.config.attributes.get("connection")
if connection is None:  # pragma: no cover - only used when generating migrations by hand
    from sqlalchemy import create_engine

    connection = create_engine(context.config.get_main_option("sqlalchemy.url") or "sqlite://").connect()

context.configure(connection=connection, target_metadata=metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
