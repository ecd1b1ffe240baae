"""A client's scope links from a realm file that lists a scope more than once (``clients.link_new_scopes``), on
SQLite and on PostgreSQL: the scope is linked once, as its last listing says (default, then optional scopes in the
file's order), as linking one by one (``link_scope``) would leave it, and the insert never trips the link's key."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import pytest

from doorkeep.store.database import Database
from realm_files import demo, import_data

pytestmark = pytest.mark.anyio


async def links_of(db: Database, client_id: str) -> dict[str, bool]:
    async with db.transaction(write=False) as tx:
        realm = await tx.realms.get_by_name("demo")
        assert realm is not None
        [client] = await tx.clients.list(realm.id, client_id=client_id)
        found = [(scope.name, default) for scope, default in await tx.clients.scopes(client.id)]
    assert len(found) == len(dict(found)), found  # each scope linked once
    return dict(found)


async def test_a_scope_listed_default_then_optional_is_linked_once_as_optional(
    new_db: Callable[[], Awaitable[Database]],
) -> None:
    db = await new_db()
    data = demo()
    data["clients"].append(
        {
            "clientId": "twice",
            "defaultClientScopes": ["profile", "email", "profile"],
            "optionalClientScopes": ["phone", "profile"],
        }
    )
    await import_data(db, data)
    # (basic: the import's basic-scope migration links it to every client)
    assert await links_of(db, "twice") == {"profile": False, "email": True, "phone": False, "basic": True}


async def test_the_last_listing_wins_in_either_direction(new_db: Callable[[], Awaitable[Database]]) -> None:
    """Straight through the store: optional then default links it default; default then optional, optional."""
    db = await new_db()
    await import_data(db, demo())
    async with db.transaction() as tx:
        realm = await tx.realms.get_by_name("demo")
        assert realm is not None
        [client] = await tx.clients.list(realm.id, client_id="offline-access-portal")
        for scope, _ in await tx.clients.scopes(client.id):
            await tx.clients.unlink_scope(client.id, scope.id)
        email = await tx.scopes.get_by_name(realm.id, "email")
        phone = await tx.scopes.get_by_name(realm.id, "phone")
        assert email is not None and phone is not None
        links = [(email.id, False), (phone.id, True), (email.id, True), (phone.id, False)]
        await tx.clients.link_new_scopes(client.id, realm.id, links)
    assert await links_of(db, "offline-access-portal") == {"email": True, "phone": False}
