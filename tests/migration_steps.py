"""Run Doorkeep's Alembic migrations up or down to a revision on an open connection (migration tests)."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import command
from alembic.config import Config

from doorkeep.store.database import MIGRATIONS


def migrate(conn: sa.Connection, target: str, *, down: bool = False) -> None:
    """Upgrade (or with ``down`` downgrade) the database behind ``conn`` to ``target``."""
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["connection"] = conn
    (command.downgrade if down else command.upgrade)(cfg, target)
