"""Master's ``<realm>-realm`` clients on the creation paths besides the Admin REST (tests/wire/
test_master_realm_clients.py): a realm file's import, a master made or imported after other realms (the first
start's bootstrap, an imported master), and a realm replaced by an import, whose client and its grants stay.
Both engines."""

from __future__ import annotations

from typing import Any

import pytest

from doorkeep.realms import bootstrap, provisioning
from doorkeep.realms.exportimport import files
from doorkeep.store.database import Database
from doorkeep.store.tx import Tx

pytestmark = pytest.mark.anyio

NOW = 1_800_000_000


async def client_roles(tx: Tx, realm_name: str) -> set[str] | None:
    """The role names of master's client for ``realm_name``; None when there is no such client."""
    master = await tx.realms.get_by_name("master")
    assert master is not None
    client = await tx.clients.get_by_client_id(master.id, f"{realm_name}-realm")
    return None if client is None else {role.name for role in await tx.roles.list_client_roles(client.id)}


def realm_file(name: str, **extra: Any) -> dict[str, Any]:
    return {"realm": name, "enabled": True, **extra}


async def test_a_realm_made_before_master_gets_its_client_when_the_first_start_makes_master(db: Database) -> None:
    async with db.transaction() as tx:
        assert await files.import_realm(tx, realm_file("early"), NOW, skip_existing=False) == "early"
        assert await bootstrap.ensure_master(tx, NOW, "admin", "admin")
        assert await client_roles(tx, "early") == set(provisioning.MANAGEMENT_ROLES)
        assert await client_roles(tx, "master") == set(provisioning.MANAGEMENT_ROLES)  # master's own: master-realm


async def test_an_imported_realm_gets_its_client_and_an_imported_master_those_of_the_realms_there(
    db: Database,
) -> None:
    async with db.transaction() as tx:
        await bootstrap.ensure_master(tx, NOW, "admin", "admin")
        await files.import_realm(tx, realm_file("shop"), NOW, skip_existing=False)
        assert await client_roles(tx, "shop") == set(provisioning.MANAGEMENT_ROLES)
        # a master file without the shop-realm client replaces master: the client is made again
        await files.import_realm(tx, realm_file("master"), NOW, skip_existing=False)
        assert await client_roles(tx, "shop") == set(provisioning.MANAGEMENT_ROLES)
        master = await tx.realms.get_by_name("master")
        assert master is not None
        admin = await tx.roles.get_realm_role(master.id, "admin")
        assert admin is not None
        held = {role.name for role in await tx.roles.composites(admin.id) if role.client_id is not None}
        assert held == set(provisioning.MANAGEMENT_ROLES)


async def test_a_realm_replaced_by_an_import_keeps_its_client_and_who_holds_its_roles(db: Database) -> None:
    async with db.transaction() as tx:
        await bootstrap.ensure_master(tx, NOW, "admin", "admin")
        await files.import_realm(tx, realm_file("shop"), NOW, skip_existing=False)
        master = await tx.realms.get_by_name("master")
        assert master is not None
        client = await tx.clients.get_by_client_id(master.id, "shop-realm")
        assert client is not None
        role = await tx.roles.get_client_role(client.id, "manage-users")
        user = await tx.users.get_by_username(master.id, "admin")
        assert role is not None and user is not None
        await tx.users.grant_roles(user.id, [role.id])
        await files.import_realm(tx, realm_file("shop", displayName="Shop"), NOW, skip_existing=False)
        again = await tx.clients.get_by_client_id(master.id, "shop-realm")
        assert again is not None and again.id == client.id
        assert role.id in await tx.users.role_ids(user.id)
