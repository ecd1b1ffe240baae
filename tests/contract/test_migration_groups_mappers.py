"""Migration 0008 moves the mappers client scopes kept in their config into the protocol_mappers table,
and gives built-in scopes that had none Keycloak's default mappers (so their tokens keep their claims)."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from alembic import command
from alembic.config import Config

from doorkeep.store.database import MIGRATIONS


def _config(connection: sa.Connection) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["connection"] = connection
    return cfg


def test_scope_mappers_move_to_their_table_and_builtin_scopes_get_keycloaks_defaults(tmp_path: Path) -> None:
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'old.db'}")
    try:
        with engine.begin() as conn:
            command.upgrade(_config(conn), "0007_auth_session_step")
            conn.execute(
                sa.text(
                    "INSERT INTO realms (id, name, enabled, config, config_version) VALUES ('r', 'demo', 1, '{}', 0)"
                )
            )
            conn.execute(
                sa.text(
                    "INSERT INTO client_scopes (id, realm_id, name, config) VALUES "
                    "('s1', 'r', 'profile', '{\"description\": \"p\"}'), "
                    "('s2', 'r', 'reports', :custom), ('s3', 'r', 'plain', '{}')"
                ),
                {
                    "custom": '{"protocol_mappers": [{"id": "m1", "name": "aud", "protocolMapper": '
                    '"oidc-audience-mapper", "config": {"included.client.audience": "reports"}}]}'
                },
            )
        with engine.begin() as conn:
            command.upgrade(_config(conn), "head")
            rows = conn.execute(sa.text("SELECT scope_id, name, mapper FROM protocol_mappers")).all()
            configs: dict[str, str] = dict(conn.execute(sa.text("SELECT id, config FROM client_scopes")).all())
    finally:
        engine.dispose()
    by_scope: dict[str, set[str]] = {}
    for scope_id, name, _ in rows:
        by_scope.setdefault(scope_id, set()).add(name)
    assert by_scope["s2"] == {"aud"}
    assert {"full name", "username", "given name", "family name"} <= by_scope["s1"]
    assert "s3" not in by_scope
    assert "protocol_mappers" not in configs["s2"]
