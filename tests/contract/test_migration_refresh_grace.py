"""Migration 0011 gives each rotation family the newest token's iat/exp and a revoked flag (issue #13 item 1).

Families stored before it keep working: they read as not revoked and with no known iat, so a retry of
their tokens is reuse (Keycloak's behaviour) until the family's next refresh records one.
"""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from alembic import command
from alembic.config import Config

from doorkeep.store.database import MIGRATIONS

FAMILY = (
    "INSERT INTO refresh_families (user_session_id, offline, client_id, reuse_key, current_jti, use_count, "
    "last_refresh, latest_jti) VALUES ('s', 1, 'c', 'r', 'j0', 1, 100, 'j1')"
)


def _config(connection: sa.Connection) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["connection"] = connection
    return cfg


def test_families_stored_before_0011_read_as_live_with_no_known_iat_and_the_downgrade_drops_the_columns(
    tmp_path: Path,
) -> None:
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'old.db'}")
    try:
        with engine.begin() as conn:
            command.upgrade(_config(conn), "0010_perf")
            conn.execute(sa.text("PRAGMA foreign_keys = OFF"))
            conn.execute(sa.text(FAMILY))
        with engine.begin() as conn:
            command.upgrade(_config(conn), "0011_refresh_grace")
            row = conn.execute(sa.text("SELECT latest_jti, latest_iat, latest_exp, revoked FROM refresh_families"))
            assert row.one() == ("j1", None, None, 0)
        with engine.begin() as conn:
            command.downgrade(_config(conn), "0010_perf")
            columns = {c["name"] for c in sa.inspect(conn).get_columns("refresh_families")}
            assert "revoked" not in columns and "latest_iat" not in columns and "latest_jti" in columns
            assert conn.execute(sa.text("SELECT count(*) FROM refresh_families")).scalar() == 1
    finally:
        engine.dispose()
