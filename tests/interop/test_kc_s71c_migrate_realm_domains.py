"""migrate-from-keycloak from a Keycloak 26.8 database whose realm keeps its domains in DOMAIN (name, verified, the
routed provider's internal id, auto redirect) and the organizations' claims in ORG_DOMAIN (ORG_ID, DOMAIN_ID): each
domain comes with its flag and routing, a domain claimed by two organizations stays claimed by both, and one no
organization claims is kept. The Keycloak rows are tests/interop/keycloak_rows.py's (``acme`` owning acme.example,
the provider ``corp``); a second organization ``globex`` is added, then the domains are moved to 26.8's layout as
Keycloak's migration does."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import asyncpg
import pytest
from sqlalchemy import text

from doorkeep.store.database import Database
from interop import keycloak_rows as rows
from interop.test_migrate_from_keycloak import _doorkeep_snapshot, _migrate
from pg import ThrowawayPostgres

TO_26_8 = [
    """CREATE TABLE domain (id VARCHAR(36) PRIMARY KEY, name VARCHAR(255) NOT NULL, verified BOOLEAN NOT NULL,
       realm_id VARCHAR(36) NOT NULL, idp_id VARCHAR(36), auto_redirect BOOLEAN NOT NULL DEFAULT FALSE,
       UNIQUE (realm_id, name))""",
    """INSERT INTO domain (id, name, verified, realm_id)
       SELECT d.id, d.name, d.verified, o.realm_id FROM org_domain d JOIN org o ON o.id = d.org_id""",
    "ALTER TABLE org_domain RENAME TO org_domain_old",
    """CREATE TABLE org_domain (org_id VARCHAR(255) NOT NULL, domain_id VARCHAR(36) NOT NULL,
       PRIMARY KEY (org_id, domain_id))""",
    "INSERT INTO org_domain SELECT org_id, id FROM org_domain_old",
    "DROP TABLE org_domain_old",
]


async def _to_26_8(url: str) -> None:
    """Globex added; DOMAIN made from ORG_DOMAIN, which then claims; acme.example routed to ``corp``, auto redirect;
    shared.example claimed by both; spare.example by none."""
    conn = await asyncpg.connect(url)
    try:
        realm = await conn.fetchval("SELECT id FROM realm WHERE name = 'shop'")
        await conn.execute("INSERT INTO keycloak_group VALUES ('g-globex', 'o-globex', ' ', $1, 1)", realm)
        await conn.execute(
            "INSERT INTO org VALUES ('o-globex', TRUE, $1, 'g-globex', 'Globex', NULL, 'globex', NULL)", realm
        )
        for statement in TO_26_8:
            await conn.execute(statement)
        corp = await conn.fetchval("SELECT internal_id FROM identity_provider WHERE provider_alias = 'corp'")
        await conn.execute("UPDATE domain SET idp_id = $1, auto_redirect = TRUE WHERE name = 'acme.example'", corp)
        await conn.execute("INSERT INTO domain VALUES ('d-shared', 'shared.example', FALSE, $1, NULL, FALSE)", realm)
        await conn.execute("INSERT INTO domain VALUES ('d-spare', 'spare.example', TRUE, $1, $2, FALSE)", realm, corp)
        acme = await conn.fetchval("SELECT id FROM org WHERE alias = 'acme'")
        await conn.execute("INSERT INTO org_domain VALUES ($1, 'd-shared'), ('o-globex', 'd-shared')", acme)
    finally:
        await conn.close()


async def _domains(db_url: str) -> tuple[list[tuple[object, ...]], list[tuple[object, ...]]]:
    """Doorkeep's realm_domains rows and the claims, by organization alias."""
    db = Database(db_url)
    try:
        async with db.transaction(write=False) as tx:
            conn = tx.realms._c
            found = await conn.execute(
                text("SELECT name, verified, identity_provider_alias, auto_redirect FROM realm_domains ORDER BY name")
            )
            domains = [tuple(r) for r in found]
            claimed = await conn.execute(
                text(
                    "SELECT o.alias, d.name FROM organization_domain_claims c JOIN organizations o "
                    "ON o.id = c.organization_id JOIN realm_domains d ON d.id = c.domain_id ORDER BY o.alias, d.name"
                )
            )
            return domains, [tuple(r) for r in claimed]
    finally:
        await db.dispose()


@pytest.mark.parametrize("target", ["sqlite", "postgresql"])
def test_keycloak_26_8_realm_domains_and_their_claims_are_carried(
    postgres_server: ThrowawayPostgres, tmp_path: Path, target: str
) -> None:
    name = f"kc_domains_{target}_{int(time.time() * 1000) % 10**9}"
    postgres_server.create_database(name)
    source = postgres_server.url(name)
    asyncio.run(rows.fill(source, int(time.time())))
    asyncio.run(_to_26_8(source))
    if target == "sqlite":
        db_url = f"sqlite:///{tmp_path / 'server' / 'data' / 'doorkeep.db'}"
    else:
        postgres_server.create_database(name + "_dk")
        db_url = postgres_server.url(name + "_dk")
    assert "3 organization domains" in _migrate(tmp_path / "server", source, db_url, "--dry-run")
    _migrate(tmp_path / "server", source, db_url)
    domains, claims = asyncio.run(_domains(db_url))
    assert [(n, bool(v), a, bool(r)) for n, v, a, r in domains] == [
        ("acme.example", True, "corp", True),
        ("shared.example", False, None, False),
        ("spare.example", True, "corp", False),
    ]
    assert claims == [("acme", "acme.example"), ("acme", "shared.example"), ("globex", "shared.example")]
    _migrate(tmp_path / "server", source, db_url)  # again: the same rows
    assert asyncio.run(_domains(db_url)) == (domains, claims)
    assert len(asyncio.run(_doorkeep_snapshot(db_url))["organizations"]) == 2
