"""Migration 0046: every realm that existed before it gets master's ``<realm>-realm`` client (bearer-only,
``<realm> Realm``, linked to master's default scopes) with the realm's admin roles, their composites, and master's
``admin`` holding them; a client of that clientId already in master is kept and completed. Master's own client,
``master-realm``, is 0047's (test_migration_master_realm_management.py): after both, master has it and no
``realm-management``. Both engines."""

from __future__ import annotations

import importlib

import pytest

from doorkeep.model import Client
from doorkeep.realms import provisioning
from doorkeep.store.database import Database
from migration_steps import migrate

pytestmark = pytest.mark.anyio

BEFORE = str(importlib.import_module("doorkeep.store.migrations.versions.0046_master_realm_clients").down_revision)


async def test_realms_made_before_the_migration_get_their_master_clients(db: Database) -> None:
    async with db.transaction() as tx:  # provisioning alone: the realms as an older Doorkeep made them
        master = await provisioning.create_realm(tx, "master", 0)
        await provisioning.create_realm(tx, "shop", 0)
        await provisioning.create_realm(tx, "half", 0)
        half = await provisioning.create_client(
            tx, master, Client(id=provisioning.new_id(), realm_id=master.id, client_id="half-realm"), now=0
        )
        await provisioning.add_roles(tx, master.id, {"view-users": "kept"}, half.id)

    async with db.engine.connect() as conn:
        await conn.run_sync(lambda sync: migrate(sync, BEFORE, down=True))
        await conn.run_sync(lambda sync: migrate(sync, "head"))
        await conn.commit()

    async with db.transaction(write=False) as tx:
        clients = {c.client_id: c for c in await tx.clients.list(master.id)}
        assert "master-realm" in clients and "realm-management" not in clients
        shop = clients["shop-realm"]
        assert (shop.name, shop.bearer_only, shop.full_scope_allowed, shop.enabled) == ("shop Realm", True, False, True)
        linked = {scope.name for scope, default in await tx.clients.scopes(shop.id) if default}
        assert {"profile", "email", "roles"} <= linked
        admin = await tx.roles.get_realm_role(master.id, "admin")
        assert admin is not None
        held = {role.id for role in await tx.roles.composites(admin.id)}
        for client in (shop, clients["half-realm"]):
            roles = {role.name: role for role in await tx.roles.list_client_roles(client.id)}
            assert set(roles) == set(provisioning.MANAGEMENT_ROLES)
            assert {r.id for r in roles.values()} - held == ({roles["view-users"].id} if client is not shop else set())
            view_users = {r.name for r in await tx.roles.composites(roles["view-users"].id)}
            assert view_users == {"query-users", "query-groups"}
        assert clients["half-realm"].name is None  # the client already there is kept as it was
        kept = await tx.roles.get_client_role(clients["half-realm"].id, "view-users")
        assert kept is not None and kept.description == "kept"
