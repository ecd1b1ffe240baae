"""Every write to a realm's clients, client scopes and roles bumps its config version (the cache key)."""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Awaitable, Callable

import pytest

from doorkeep.clock import FakeClock
from doorkeep.model import Client
from doorkeep.realms import provisioning
from doorkeep.store.database import Database
from doorkeep.store.tx import Tx

pytestmark = pytest.mark.anyio


async def version(db: Database, name: str = "v") -> int:
    async with db.transaction() as tx:
        realm = await tx.realms.get_by_name(name)
        assert realm is not None
        return realm.config_version


async def setup(db: Database) -> tuple[str, str, str, str]:
    async with db.transaction() as tx:
        realm = await provisioning.create_realm(tx, "v", FakeClock().now())
        client = await provisioning.create_client(
            tx, realm, Client(str(uuid.uuid4()), realm.id, "app", secret="s"), now=FakeClock().now()
        )
        role = await provisioning.add_role(tx, realm.id, "r")
        scope = await tx.scopes.get_by_name(realm.id, "profile")
        assert scope is not None
        return realm.id, client.id, role.id, scope.id


async def change(db: Database, action: Callable[[Tx], Awaitable[object]]) -> None:
    async with db.transaction() as tx:
        await action(tx)


async def test_each_configuration_write_bumps_the_version(db: Database) -> None:
    realm_id, client_id, role_id, scope_id = await setup(db)

    async def update_client(tx: Tx) -> None:
        client = await tx.clients.get(client_id)
        assert client is not None
        await tx.clients.update(dataclasses.replace(client, enabled=False))

    async def update_scope(tx: Tx) -> None:
        scope = await tx.scopes.get(scope_id)
        assert scope is not None
        await tx.scopes.update(dataclasses.replace(scope, description="x"))

    offline = await provisioning_role(db, realm_id)
    writes: list[Callable[[Tx], Awaitable[object]]] = [
        update_client,
        lambda tx: tx.clients.unlink_scope(client_id, scope_id),
        lambda tx: tx.clients.link_scope(client_id, scope_id, True),
        update_scope,
        lambda tx: tx.roles.add_composites(role_id, [offline]),
        lambda tx: tx.roles.remove_composites(role_id, [offline]),
        lambda tx: tx.roles.add_scope_mappings(client_id, [role_id]),
        lambda tx: tx.roles.remove_scope_mappings(client_id, [role_id]),
        lambda tx: tx.roles.add_scope_mappings(scope_id, [role_id]),
        lambda tx: tx.roles.delete(role_id),
        lambda tx: tx.clients.delete(client_id),
    ]
    for write in writes:
        before = await version(db)
        await change(db, write)
        assert await version(db) > before, write


async def provisioning_role(db: Database, realm_id: str) -> str:
    async with db.transaction() as tx:
        role = await tx.roles.get_realm_role(realm_id, "offline_access")
        assert role is not None
        return role.id


async def test_a_cached_lookup_sees_a_change_made_by_another_transaction(db: Database) -> None:
    realm_id, _, _, _ = await setup(db)
    async with db.transaction() as tx:
        realm = await tx.realms.get(realm_id)
        assert realm is not None
        tx.config.bind(realm)
        cached = await tx.config.client(realm_id, "app")
        assert cached is not None and cached.enabled
    async with db.transaction() as tx:
        await tx.clients.update(dataclasses.replace(cached, enabled=False))
    async with db.transaction() as tx:
        realm = await tx.realms.get(realm_id)
        assert realm is not None
        tx.config.bind(realm)
        again = await tx.config.client(realm_id, "app")
        assert again is not None and not again.enabled
