"""Migration 0047: master's ``realm-management`` client, as an older Doorkeep made it, becomes ``master-realm``
(clientId and name ``master Realm``), its id, roles (``realm-admin`` included) and every grant kept, and master's
``admin`` holds each admin role; where a ``master-realm`` is already there (a Keycloak import), the old client's
roles and grants are merged into it and the old client goes. Both engines."""

from __future__ import annotations

import dataclasses
import importlib

import pytest

from doorkeep.model import Client, Group, Realm, Role, User
from doorkeep.realms import provisioning
from doorkeep.store.database import Database
from doorkeep.store.tx import Tx
from migration_steps import migrate

pytestmark = pytest.mark.anyio

BEFORE = str(importlib.import_module("doorkeep.store.migrations.versions.0047_master_realm_management").down_revision)


async def as_older_doorkeep_made_it(tx: Tx, master: Realm) -> Client:
    """Master's management client in the shape Doorkeep gave it before 0047: ``realm-management`` with a
    ``realm-admin`` holding the other roles, none of them held by master's ``admin``."""
    client = await tx.clients.get_by_client_id(master.id, "master-realm")
    assert client is not None
    old = dataclasses.replace(client, client_id="realm-management", name="${client_realm-management}")
    await tx.clients.update(old)
    roles = {r.name: r.id for r in await tx.roles.list_client_roles(client.id)}
    admin = await tx.roles.get_realm_role(master.id, "admin")
    assert admin is not None
    await tx.roles.remove_composites(admin.id, roles.values())
    realm_admin = await provisioning.add_role(tx, master.id, "realm-admin", "${role_realm-admin}", client.id)
    await tx.roles.add_composites(realm_admin.id, roles.values())
    return old


async def user(tx: Tx, realm: Realm, name: str) -> User:
    return await provisioning.create_user(tx, realm, User(id=provisioning.new_id(), realm_id=realm.id, username=name))


async def migrate_over_0047(db: Database) -> None:
    async with db.engine.connect() as conn:
        await conn.run_sync(lambda sync: migrate(sync, BEFORE, down=True))
        await conn.run_sync(lambda sync: migrate(sync, "head"))
        await conn.commit()


async def test_masters_realm_management_becomes_master_realm_keeping_ids_roles_and_grants(db: Database) -> None:
    async with db.transaction() as tx:
        master = await provisioning.create_realm(tx, "master", 0)
        await provisioning.create_realm(tx, "shop", 0)  # another realm's realm-management is left alone
        old = await as_older_doorkeep_made_it(tx, master)
        roles = {r.name: r.id for r in await tx.roles.list_client_roles(old.id)}
        helpdesk = await user(tx, master, "helpdesk")
        await tx.users.grant_roles(helpdesk.id, [roles["manage-users"]])
        ops = Group(id=provisioning.new_id(), realm_id=master.id, name="ops", path="/ops")
        await tx.groups.create(ops)
        await tx.groups.grant_roles(ops, [roles["realm-admin"]])
        wrapper = await provisioning.add_role(tx, master.id, "wrapper")
        await tx.roles.add_composites(wrapper.id, [roles["view-clients"]])
        app = await provisioning.create_client(
            tx, master, Client(id=provisioning.new_id(), realm_id=master.id, client_id="app"), now=0
        )
        await tx.roles.add_scope_mappings(app.id, [roles["query-users"]])

    await migrate_over_0047(db)

    async with db.transaction(write=False) as tx:
        clients = {c.client_id: c for c in await tx.clients.list(master.id)}
        assert "realm-management" not in clients
        own = clients["master-realm"]
        assert (own.id, own.name, own.bearer_only) == (old.id, "master Realm", True)
        assert {r.name: r.id for r in await tx.roles.list_client_roles(own.id)} == roles
        assert roles["manage-users"] in await tx.users.role_ids(helpdesk.id)
        assert roles["realm-admin"] in await tx.groups.role_ids(ops.id)
        assert {r.id for r in await tx.roles.composites(wrapper.id)} == {roles["view-clients"]}
        assert {r.id for r in await tx.roles.scope_mappings(app.id)} == {roles["query-users"]}
        admin = await tx.roles.get_realm_role(master.id, "admin")
        assert admin is not None
        held = {r.id for r in await tx.roles.composites(admin.id)}
        assert {roles[name] for name in provisioning.MANAGEMENT_ROLES} <= held
        assert roles["realm-admin"] not in held
        shop = await tx.realms.get_by_name("shop")
        assert shop is not None
        assert await tx.clients.get_by_client_id(shop.id, "realm-management") is not None


async def test_an_imported_master_realm_absorbs_the_old_clients_roles_and_grants(db: Database) -> None:
    async with db.transaction() as tx:
        master = await provisioning.create_realm(tx, "master", 0)  # master-realm, as a Keycloak import brings it
        kept = {r.name: r.id for r in await tx.roles.list_client_roles((await own_client(tx, master)).id)}
        old = await provisioning.create_client(
            tx,
            master,
            Client(id=provisioning.new_id(), realm_id=master.id, client_id="realm-management", bearer_only=True),
            now=0,
        )
        same_name = await provisioning.add_role(tx, master.id, "manage-users", None, old.id)
        only_here = await provisioning.add_role(tx, master.id, "custom", None, old.id)
        helpdesk = await user(tx, master, "helpdesk")
        await tx.users.grant_roles(helpdesk.id, [same_name.id, only_here.id])
        wrapper = await provisioning.add_role(tx, master.id, "wrapper")
        await tx.roles.add_composites(wrapper.id, [same_name.id])
        await tx.roles.add_composites(same_name.id, [await realm_role(tx, master, "create-realm")])

    await migrate_over_0047(db)

    async with db.transaction(write=False) as tx:
        assert await tx.clients.get_by_client_id(master.id, "realm-management") is None
        own = await own_client(tx, master)
        names = {r.name: r.id for r in await tx.roles.list_client_roles(own.id)}
        assert names == kept | {"custom": only_here.id}
        assert await tx.roles.get(same_name.id) is None
        assert await tx.users.role_ids(helpdesk.id) >= {kept["manage-users"], only_here.id}
        assert {r.id for r in await tx.roles.composites(wrapper.id)} == {kept["manage-users"]}
        assert {r.name for r in await tx.roles.composites(kept["manage-users"])} == {"create-realm"}


async def own_client(tx: Tx, master: Realm) -> Client:
    client = await tx.clients.get_by_client_id(master.id, "master-realm")
    assert client is not None
    return client


async def realm_role(tx: Tx, realm: Realm, name: str) -> str:
    role: Role | None = await tx.roles.get_realm_role(realm.id, name)
    assert role is not None
    return role.id
