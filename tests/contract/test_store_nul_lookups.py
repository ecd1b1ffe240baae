"""A lookup by a value holding a NUL finds nothing on both engines: PostgreSQL refuses the NUL in a text parameter
(SQLSTATE 22021, which the web layer answered 400 "Invalid input") where SQLite compared it, and SQLite's LIKE ended
a pattern at the NUL ('*\\0' matched every admin event). Keycloak looks these up in a database that takes the value
(or, for login tabs, in memory) and finds nothing."""

from __future__ import annotations

import pytest

from doorkeep.admin.admin_events import AdminEvent, AdminEventQuery
from doorkeep.model import AuthSession, Event
from doorkeep.store.database import Database
from store_factories import add_client, add_realm, new_id

pytestmark = pytest.mark.anyio


async def test_a_realm_name_with_a_nul_names_no_realm(db: Database) -> None:
    async with db.transaction() as tx:
        await add_realm(tx, "test")
    async with db.transaction(write=False) as tx:
        assert await tx.realms.get_by_name("test") is not None
        assert await tx.realms.get_by_name("test\x00") is None
        assert await tx.realms.get_by_name("\x00") is None


async def test_a_tab_or_root_with_a_nul_is_no_tab_and_a_form_code_with_one_leaves_the_newest(db: Database) -> None:
    async with db.transaction() as tx:
        realm = await add_realm(tx)
        client = await add_client(tx, realm)
        tab = AuthSession("tab1", realm.id, client.id, "code1", {}, None, 10_000, root_id="root1")
        await tx.flows.create_auth_session(tab)
    async with db.transaction(write=False) as tx:
        assert await tx.flows.get_auth_session("tab1\x00") is None
        assert await tx.flows.get_tab(realm.id, "root1", "tab1\x00") is None
        assert await tx.flows.get_tab(realm.id, "root1\x00", "tab1") is None
        newest = await tx.flows.get_tab(realm.id, "root1", None, "code1\x00")
        assert newest is not None and newest.id == "tab1"


async def test_an_event_filter_with_a_nul_matches_no_event(db: Database) -> None:
    async with db.transaction() as tx:
        realm = await add_realm(tx)
        await tx.admin_events.add(
            AdminEvent(new_id(), realm.id, 1000, "CREATE", "USER", "users/u1", "master-id", "cli-id", "a", "10.0.0.1")
        )
        login = Event(new_id(), realm.id, 1000, "LOGIN", client_id="app", user_id="u1", ip_address="10.0.0.1")
        await tx.events.add(login)
    async with db.transaction(write=False) as tx:
        assert len(await tx.admin_events.find(realm.id, AdminEventQuery(resource_path="*"))) == 1
        for query in [
            AdminEventQuery(resource_path="*\x00*"),
            AdminEventQuery(resource_path="users/u1\x00"),
            AdminEventQuery(auth_realm="\x00"),
            AdminEventQuery(auth_client="cli-id\x00"),
            AdminEventQuery(auth_user="\x00"),
            AdminEventQuery(auth_ip_address="10.0.0.1\x00"),
        ]:
            assert await tx.admin_events.find(realm.id, query) == [], query
        assert len(await tx.events.find(realm.id)) == 1
        assert await tx.events.find(realm.id, client="app\x00") == []
        assert await tx.events.find(realm.id, user="\x00") == []
        assert await tx.events.find(realm.id, ip="10.0.0.1\x00") == []
