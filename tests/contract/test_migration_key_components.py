"""Migration 0023 puts each realm key in the Keycloak key-provider component that holds it."""

from __future__ import annotations

import json
from pathlib import Path

import sqlalchemy as sa
from alembic import command
from alembic.config import Config

from doorkeep.store.database import MIGRATIONS

KEY = (
    "INSERT INTO realm_keys (kid, realm_id, algorithm, use, status, public_pem, private, created, priority) "
    "VALUES (:kid, 'r', :alg, 'sig', :status, NULL, 'x', 1, :priority)"
)


def _config(connection: sa.Connection) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["connection"] = connection
    return cfg


def test_keys_stored_before_0023_become_keycloaks_default_components_and_the_downgrade_drops_them(
    tmp_path: Path,
) -> None:
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'old.db'}")
    try:
        with engine.begin() as conn:
            command.upgrade(_config(conn), "0023_auth_session_notes")
            conn.execute(sa.text("PRAGMA foreign_keys = OFF"))
            for kid, alg, status, priority in (
                ("rsa-old", "RS256", "passive", 100),
                ("hmac", "HS512", "active", 100),
                ("ec", "ES384", "disabled", -100),
            ):
                conn.execute(sa.text(KEY), {"kid": kid, "alg": alg, "status": status, "priority": priority})
        with engine.begin() as conn:
            command.upgrade(_config(conn), "0024_key_components")
            rows = conn.execute(sa.text("SELECT kid, component_id, name, provider_id, config FROM realm_keys"))
            found = {kid: (len(cid), name, provider, json.loads(config)) for kid, cid, name, provider, config in rows}
        assert found == {
            "rsa-old": (36, "rsa-generated", "rsa-generated", {"priority": ["100"], "active": ["false"]}),
            "hmac": (36, "hmac-generated-hs512", "hmac-generated", {"priority": ["100"], "algorithm": ["HS512"]}),
            "ec": (
                36,
                "ecdsa-generated",
                "ecdsa-generated",
                {"priority": ["-100"], "ecdsaEllipticCurveKey": ["P-384"], "enabled": ["false"]},
            ),
        }
        with engine.begin() as conn:
            command.downgrade(_config(conn), "0023_auth_session_notes")
            columns = {c["name"] for c in sa.inspect(conn).get_columns("realm_keys")}
            assert not columns & {"component_id", "name", "provider_id", "config"}
            assert conn.execute(sa.text("SELECT count(*) FROM realm_keys")).scalar() == 3
    finally:
        engine.dispose()
