"""Migration 0050 (Keycloak 26.8's JpaUpdate26_8_0_AllowAdminRoleMappingDefault): every identity provider stored
before the ``allowAdminRoleMapping`` switch existed gets ``"true"``, so its admin-role mappers keep working after
the upgrade; a provider that already states the switch keeps its value; a realm without providers is left as it
was; every process reads the realms again (config_version). Both engines."""

from __future__ import annotations

import json
from typing import Any

import pytest
import sqlalchemy as sa

from doorkeep.store.database import Database
from migration_steps import migrate
from store_factories import add_realm

pytestmark = pytest.mark.anyio

BEFORE = "0049_key_rows_by_component"


def provider(alias: str, **config: str) -> dict[str, Any]:
    return {"alias": alias, "providerId": "oidc", "enabled": True, "config": {"clientId": "c", **config}}


def _switches(conn: sa.Connection) -> dict[str, tuple[dict[str, str | None], int]]:
    out: dict[str, tuple[dict[str, str | None], int]] = {}
    for name, config, version in conn.execute(sa.text("SELECT name, config, config_version FROM realms")).all():
        config = config if isinstance(config, dict) else json.loads(config)
        providers = config.get("identity_providers") or []
        out[name] = ({p["alias"]: p["config"].get("allowAdminRoleMapping") for p in providers}, int(version))
    return out


async def test_providers_stored_before_the_switch_keep_mapping_admin_roles(db: Database) -> None:
    async with db.transaction() as tx:
        await add_realm(
            tx,
            "brokered",
            identity_providers=(provider("old"), provider("off", allowAdminRoleMapping="false")),
        )
        await add_realm(tx, "plain")

    async with db.engine.connect() as conn:
        await conn.run_sync(lambda sync: migrate(sync, BEFORE, down=True))
        before = await conn.run_sync(_switches)
        await conn.run_sync(lambda sync: migrate(sync, "head"))
        after = await conn.run_sync(_switches)
        await conn.commit()

    assert after["brokered"][0] == {"old": "true", "off": "false"}
    assert after["brokered"][0]["old"] != before["brokered"][0]["old"]
    assert after["plain"][0] == {}
    assert after["brokered"][1] == before["brokered"][1] + 1

    async with db.transaction(write=False) as tx:
        realm = await tx.realms.get_by_name("brokered")
    assert realm is not None
    assert [p["config"]["clientId"] for p in realm.identity_providers] == ["c", "c"]
