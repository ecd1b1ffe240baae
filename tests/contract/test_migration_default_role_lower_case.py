"""Migration 0048: a realm's default role an older Doorkeep named ``default-roles-<realm as written>`` takes
Keycloak's lower-cased name, its id and grants kept; a realm with a hand-made role of the lower-cased name keeps
both as they are; the downgrade renames them back. Both engines."""

from __future__ import annotations

import importlib

import pytest
import sqlalchemy as sa

from doorkeep.model import User
from doorkeep.realms import provisioning
from doorkeep.store.database import Database
from migration_steps import migrate

pytestmark = pytest.mark.anyio

BEFORE = str(importlib.import_module("doorkeep.store.migrations.versions.0048_default_role_lower_case").down_revision)


async def _migrate(db: Database, target: str, *, down: bool = False) -> None:
    async with db.engine.connect() as conn:
        await conn.run_sync(lambda sync: migrate(sync, target, down=down))
        await conn.commit()


async def _realm_roles(db: Database, realm_id: str) -> dict[str, str]:
    async with db.transaction() as tx:
        return {r.name: r.id for r in await tx.roles.list_realm_roles(realm_id) if r.name.startswith("default-")}


async def _config_version(db: Database, realm_id: str) -> int:
    async with db.engine.connect() as conn:
        query = sa.text("SELECT config_version FROM realms WHERE id = :id")
        return int((await conn.execute(query, {"id": realm_id})).scalar_one())


async def test_exact_case_default_roles_take_the_lower_cased_name_keeping_id_and_grants(db: Database) -> None:
    async with db.transaction() as tx:
        mixed = await provisioning.create_realm(tx, "MyRealm", 0)
        lower = await provisioning.create_realm(tx, "shop", 0)
        clash = await provisioning.create_realm(tx, "Clash", 0)
        alice = User(id=provisioning.new_id(), realm_id=mixed.id, username="alice")
        await provisioning.create_user(tx, mixed, alice)
    default_id = (await _realm_roles(db, mixed.id))["default-roles-myrealm"]
    shop = await _realm_roles(db, lower.id)

    await _migrate(db, BEFORE, down=True)  # the names an older Doorkeep gave them
    assert await _realm_roles(db, mixed.id) == {"default-roles-MyRealm": default_id}
    assert await _realm_roles(db, lower.id) == shop
    clash_default = (await _realm_roles(db, clash.id))["default-roles-Clash"]
    async with db.transaction() as tx:  # a role made by hand under Keycloak's name, beside the default role
        hand_made = await provisioning.add_role(tx, clash.id, "default-roles-clash")
    before = await _config_version(db, mixed.id)

    await _migrate(db, "head")
    assert await _realm_roles(db, mixed.id) == {"default-roles-myrealm": default_id}
    assert await _config_version(db, mixed.id) > before
    async with db.transaction() as tx:
        assert default_id in await tx.users.role_ids(alice.id)
    assert await _realm_roles(db, lower.id) == shop
    assert await _realm_roles(db, clash.id) == {
        "default-roles-Clash": clash_default,
        "default-roles-clash": hand_made.id,
    }
