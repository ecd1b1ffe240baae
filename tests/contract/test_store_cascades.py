"""Deleting a realm, user, client or user session takes everything that hangs off it, and nothing else."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import pytest

from doorkeep.model import (
    Client,
    ClientScope,
    ClientSession,
    Consent,
    Credential,
    Realm,
    RealmKey,
    RefreshFamily,
    Role,
    User,
    UserSession,
)
from doorkeep.store.database import Database
from doorkeep.store.tx import Tx
from store_factories import add_client, add_client_session, add_family, add_realm, add_user, add_user_session, new_id

pytestmark = pytest.mark.anyio


@dataclass
class World:
    """A realm with one of everything, wired together."""

    realm: Realm
    client: Client
    scope: ClientScope
    user: User
    realm_role: Role
    client_role: Role
    online: UserSession
    offline: UserSession
    online_cs: ClientSession
    offline_cs: ClientSession
    family: RefreshFamily
    consent: Consent
    credential: Credential


async def build_world(tx: Tx, name: str) -> World:
    realm = await add_realm(tx, name)
    client = await add_client(tx, realm)
    scope = ClientScope(id=new_id(), realm_id=realm.id, name="email")
    await tx.scopes.create(scope)
    await tx.realms.set_default_scope(realm.id, scope.id, True)
    await tx.clients.link_scope(client.id, scope.id, True)
    user = await add_user(tx, realm)
    realm_role = Role(id=new_id(), realm_id=realm.id, name="user")
    client_role = Role(id=new_id(), realm_id=realm.id, name="viewer", client_id=client.id)
    await tx.roles.create(realm_role)
    await tx.roles.create(client_role)
    await tx.roles.add_composites(realm_role.id, [client_role.id])
    await tx.users.grant_roles(user.id, [realm_role.id, client_role.id])
    credential = Credential(new_id(), user.id, "password", {"value": "h"}, {"algorithm": "argon2"}, 1)
    await tx.users.set_password(credential)
    online = await add_user_session(tx, user)
    offline = await add_user_session(tx, user, offline=True, session_id=online.id)
    online_cs = await add_client_session(tx, online, client)
    offline_cs = await add_client_session(tx, offline, client)
    family = await add_family(tx, offline_cs)
    consent = Consent(user.id, client.id, (scope.id,), 1, 1)
    await tx.sessions.save_consent(consent)
    await tx.keys.add(RealmKey(new_id(), realm.id, "HS512", "sig", "active", None, "c2VjcmV0", 1))
    return World(
        realm,
        client,
        scope,
        user,
        realm_role,
        client_role,
        online,
        offline,
        online_cs,
        offline_cs,
        family,
        consent,
        credential,
    )


async def assert_intact(tx: Tx, w: World) -> None:
    """Every row of the world is still there."""
    stored = await tx.realms.get(w.realm.id)
    assert stored is not None and dataclasses.replace(stored, config_version=0, user_version=0) == w.realm
    assert await tx.clients.get(w.client.id) == w.client
    assert await tx.clients.scopes(w.client.id) == [(w.scope, True)]
    assert await tx.users.get(w.user.id) == w.user
    assert await tx.users.role_ids(w.user.id) == {w.realm_role.id, w.client_role.id}
    assert await tx.users.credentials(w.user.id) == [w.credential]
    assert await tx.sessions.get_client_session(w.online.id, False, w.client.id) == w.online_cs
    assert await tx.sessions.get_family(w.offline.id, True, w.client.id, w.family.reuse_key) == w.family
    assert await tx.sessions.get_consent(w.user.id, w.client.id) == w.consent
    assert len(await tx.keys.list(w.realm.id)) == 1


async def two_worlds(db: Database) -> tuple[World, World]:
    async with db.transaction() as tx:
        return await build_world(tx, "doomed"), await build_world(tx, "bystander")


async def test_deleting_a_realm_removes_everything_in_it_and_nothing_outside(db: Database) -> None:
    w, bystander = await two_worlds(db)
    async with db.transaction() as tx:
        await tx.realms.delete(w.realm.id)
    async with db.transaction() as tx:
        assert await tx.realms.get(w.realm.id) is None
        assert await tx.clients.get(w.client.id) is None
        assert await tx.scopes.get(w.scope.id) is None
        assert await tx.realms.default_scopes(w.realm.id) == []
        assert await tx.users.get(w.user.id) is None
        assert await tx.users.credentials(w.user.id) == []
        assert await tx.users.role_ids(w.user.id) == set()
        assert await tx.roles.get_many([w.realm_role.id, w.client_role.id]) == []
        assert await tx.sessions.get_user_session(w.online.id, False) is None
        assert await tx.sessions.get_user_session(w.offline.id, True) is None
        assert await tx.sessions.get_client_session(w.offline.id, True, w.client.id) is None
        assert await tx.sessions.get_family(w.offline.id, True, w.client.id, w.family.reuse_key) is None
        assert await tx.sessions.get_consent(w.user.id, w.client.id) is None
        assert await tx.keys.list(w.realm.id) == []
        await assert_intact(tx, bystander)


async def test_deleting_a_user_removes_its_sessions_credentials_consents_and_role_mappings(db: Database) -> None:
    w, bystander = await two_worlds(db)
    async with db.transaction() as tx:
        await tx.users.delete(w.user.id)
    async with db.transaction() as tx:
        assert await tx.users.get(w.user.id) is None
        assert await tx.sessions.user_sessions_of(w.user.id, False) == []
        assert await tx.sessions.user_sessions_of(w.user.id, True) == []
        assert await tx.sessions.client_sessions(w.offline.id, True) == []
        assert await tx.sessions.get_family(w.offline.id, True, w.client.id, w.family.reuse_key) is None
        assert await tx.users.credentials(w.user.id) == []
        assert await tx.sessions.consents_of(w.user.id) == []
        assert await tx.users.role_ids(w.user.id) == set()
        assert await tx.roles.get(w.realm_role.id) is not None  # the role itself stays
        assert await tx.clients.get(w.client.id) == w.client
        await assert_intact(tx, bystander)


async def test_deleting_a_client_removes_its_client_sessions_consents_scope_links_and_roles(db: Database) -> None:
    w, bystander = await two_worlds(db)
    async with db.transaction() as tx:
        await tx.clients.delete(w.client.id)
    async with db.transaction() as tx:
        assert await tx.clients.get(w.client.id) is None
        assert await tx.sessions.client_sessions(w.online.id, False) == []
        assert await tx.sessions.client_sessions(w.offline.id, True) == []
        assert await tx.sessions.get_family(w.offline.id, True, w.client.id, w.family.reuse_key) is None
        assert await tx.sessions.get_consent(w.user.id, w.client.id) is None
        assert await tx.clients.scopes(w.client.id) == []
        assert await tx.scopes.get(w.scope.id) == w.scope  # the scope itself stays
        assert await tx.roles.get(w.client_role.id) is None
        assert await tx.roles.composites(w.realm_role.id) == []
        assert await tx.users.role_ids(w.user.id) == {w.realm_role.id}
        assert await tx.sessions.get_user_session(w.offline.id, True) == w.offline  # delete_if_empty's job
        await assert_intact(tx, bystander)


async def test_deleting_a_user_session_removes_its_client_sessions_and_families_only(db: Database) -> None:
    w, bystander = await two_worlds(db)
    async with db.transaction() as tx:
        assert await tx.sessions.delete_user_session(w.offline.id, True) is True
    async with db.transaction() as tx:
        assert await tx.sessions.client_sessions(w.offline.id, True) == []
        assert await tx.sessions.get_family(w.offline.id, True, w.client.id, w.family.reuse_key) is None
        assert await tx.sessions.get_user_session(w.online.id, False) == w.online
        assert await tx.sessions.client_sessions(w.online.id, False) == [w.online_cs]
        assert await tx.sessions.get_consent(w.user.id, w.client.id) == w.consent
        await assert_intact(tx, bystander)
