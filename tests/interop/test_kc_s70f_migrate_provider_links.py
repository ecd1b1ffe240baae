"""migrate-from-keycloak from a Keycloak 26.8 database: the provider's links live in ORG_IDENTITY_PROVIDER (one row
per organization, AUTO_MEMBERSHIP, MEMBERSHIP_TYPE; IDENTITY_PROVIDER.ORGANIZATION_ID is gone), and each one is
carried with its settings; a database before 26.8 carries ORGANIZATION_ID's organization as a MANAGED link with
auto-membership. The Keycloak rows are tests/interop/keycloak_rows.py's, the shop realm's provider ``corp`` linked to
``acme``; for 26.8 the link is moved to ORG_IDENTITY_PROVIDER as Keycloak's migration does."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import asyncpg

from interop import keycloak_rows as rows
from interop.test_migrate_from_keycloak import _doorkeep_snapshot, _migrate
from pg import ThrowawayPostgres

LINKS_TABLE = """CREATE TABLE org_identity_provider (
    organization_id VARCHAR(255) NOT NULL, identity_provider_id VARCHAR(36) NOT NULL,
    auto_membership BOOLEAN NOT NULL DEFAULT TRUE, membership_type VARCHAR(255),
    PRIMARY KEY (organization_id, identity_provider_id))"""


async def _to_26_8(url: str, auto: bool, kind: str) -> None:
    """ORG_IDENTITY_PROVIDER made and the provider's organization moved there, as Keycloak 26.8's migration."""
    conn = await asyncpg.connect(url)
    try:
        await conn.execute(LINKS_TABLE)
        await conn.execute(
            "INSERT INTO org_identity_provider SELECT organization_id, internal_id, $1, $2 FROM identity_provider "
            "WHERE organization_id IS NOT NULL",
            auto,
            kind,
        )
        await conn.execute("ALTER TABLE identity_provider DROP COLUMN organization_id")
    finally:
        await conn.close()


def _source(postgres_server: ThrowawayPostgres, tag: str) -> str:
    name = f"kc_links_{tag}_{int(time.time() * 1000) % 10**9}"
    postgres_server.create_database(name)
    source = postgres_server.url(name)
    asyncio.run(rows.fill(source, int(time.time())))
    return source


def _config(db_url: str) -> str:
    [config] = asyncio.run(_doorkeep_snapshot(db_url))["realm config"]
    return config.replace('"', "'").replace("true", "True").replace("false", "False")


def test_keycloak_26_8_link_settings_are_carried(postgres_server: ThrowawayPostgres, tmp_path: Path) -> None:
    source = _source(postgres_server, "268")
    asyncio.run(_to_26_8(source, False, "UNMANAGED"))
    db_url = f"sqlite:///{tmp_path / 'server' / 'data' / 'doorkeep.db'}"
    assert "1 identity providers" in _migrate(tmp_path / "server", source, db_url, "--dry-run")
    _migrate(tmp_path / "server", source, db_url)
    [org] = [o.replace('"', "'") for o in asyncio.run(_doorkeep_snapshot(db_url))["organizations"]]
    org_id = org.split(chr(39))[3]
    config = _config(db_url)
    link = f"{{'organizationId': '{org_id}', 'autoMembership': False, 'membershipType': 'UNMANAGED'}}"
    assert f"'organizationLinks': [{link}]" in config, config


def test_a_database_before_26_8_gives_a_managed_link(postgres_server: ThrowawayPostgres, tmp_path: Path) -> None:
    source = _source(postgres_server, "264")
    db_url = f"sqlite:///{tmp_path / 'server' / 'data' / 'doorkeep.db'}"
    _migrate(tmp_path / "server", source, db_url)
    config = _config(db_url)
    assert "'autoMembership': True, 'membershipType': 'MANAGED'}]" in config, config
