"""Migration 0052 (Keycloak 26.8's ORG_IDENTITY_PROVIDER): a provider stored with an ``organizationId`` gets that one
link, auto-membership on and MANAGED (what its first broker login made members before); a provider of no
organization is left as it was; every process reads the realms again (config_version); the downgrade keeps the
first link's organization in ``organizationId``. Both engines."""

from __future__ import annotations

import json
from typing import Any

import pytest
import sqlalchemy as sa

from doorkeep.store.database import Database
from migration_steps import migrate
from store_factories import add_realm

pytestmark = pytest.mark.anyio

BEFORE = "0050_idp_admin_role_mapping"


def provider(alias: str, **extra: Any) -> dict[str, Any]:
    return {"alias": alias, "providerId": "oidc", "enabled": True, "config": {"clientId": "c"}, **extra}


def _providers(conn: sa.Connection) -> dict[str, tuple[dict[str, dict[str, Any]], int]]:
    out: dict[str, tuple[dict[str, dict[str, Any]], int]] = {}
    for name, config, version in conn.execute(sa.text("SELECT name, config, config_version FROM realms")).all():
        config = config if isinstance(config, dict) else json.loads(config)
        providers = config.get("identity_providers") or []
        out[name] = ({p["alias"]: p for p in providers}, int(version))
    return out


async def test_an_organizations_provider_gets_one_managed_link_and_the_downgrade_keeps_its_organization(
    db: Database,
) -> None:
    async with db.transaction() as tx:
        await add_realm(tx, "brokered", identity_providers=(provider("acme", organizationId="org-1"), provider("free")))
        await add_realm(tx, "plain")

    async with db.engine.connect() as conn:
        await conn.run_sync(lambda sync: migrate(sync, BEFORE, down=True))
        before = await conn.run_sync(_providers)
        await conn.run_sync(lambda sync: migrate(sync, "head"))
        after = await conn.run_sync(_providers)
        await conn.run_sync(lambda sync: migrate(sync, BEFORE, down=True))
        down = await conn.run_sync(_providers)
        await conn.run_sync(lambda sync: migrate(sync, "head"))
        await conn.commit()

    acme = after["brokered"][0]["acme"]
    assert acme["organizationLinks"] == [
        {"organizationId": "org-1", "autoMembership": True, "membershipType": "MANAGED"}
    ]
    assert acme["organizationId"] == "org-1"
    assert "organizationLinks" not in after["brokered"][0]["free"]
    assert after["brokered"][1] == before["brokered"][1] + 1
    assert after["plain"][0] == before["plain"][0]
    assert down["brokered"][0]["acme"] == provider("acme", organizationId="org-1")

    async with db.transaction(write=False) as tx:
        realm = await tx.realms.get_by_name("brokered")
    assert realm is not None
    assert [p.get("organizationLinks") is not None for p in realm.identity_providers] == [True, False]
