"""Migration 0041 (Keycloak 26.7's MigrateTo26_7_0.addOrganizationAdminRoles): a realm made before it gets
view-organizations, manage-organizations and query-organizations in its realm-management client, each held by
realm-admin, query-organizations held by view-organizations; a role of that name already there is kept, a realm
without a realm-management client is left alone, and a realm made since is not touched. Both engines."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from doorkeep.realms.provisioning import create_realm
from doorkeep.store.database import Database
from migration_steps import migrate
from store_factories import add_realm

pytestmark = pytest.mark.anyio

BEFORE = "0040_admin_event_details"
NAMES = ("view-organizations", "manage-organizations", "query-organizations")


async def _management(db: Database, realm_id: str) -> tuple[dict[str, str], dict[str, set[str]]]:
    """The realm-management roles by name, and each one's composites by name."""
    async with db.transaction() as tx:
        client = await tx.clients.get_by_client_id(realm_id, "realm-management")
        assert client is not None
        roles = {r.name: r.id for r in await tx.roles.list_client_roles(client.id)}
        children = {name: {c.name for c in await tx.roles.composites(role_id)} for name, role_id in roles.items()}
    return roles, children


async def test_older_realms_get_the_three_roles_under_realm_admin(db: Database) -> None:
    async with db.transaction() as tx:
        old = await create_realm(tx, "old", 1000)
        kept = await create_realm(tx, "kept", 1000)
        bare = await add_realm(tx, "bare")  # no built-in clients at all
    before, _ = await _management(db, kept.id)

    def strip(conn: sa.Connection) -> None:
        """What a realm of Keycloak 26.6 had: none of the three, except a custom view-organizations in 'kept'."""
        for realm, names in ((old.id, NAMES), (kept.id, NAMES[1:])):
            conn.execute(
                sa.text("DELETE FROM roles WHERE realm_id = :r AND name IN :n").bindparams(
                    sa.bindparam("n", expanding=True)
                ),
                {"r": realm, "n": list(names)},
            )
        conn.execute(sa.text("DELETE FROM role_composites WHERE parent_id = :v"), {"v": before["view-organizations"]})

    async with db.engine.connect() as conn:
        await conn.run_sync(lambda sync: migrate(sync, BEFORE, down=True))
        await conn.run_sync(strip)
        await conn.run_sync(lambda sync: migrate(sync, "head"))
        await conn.commit()

    roles, children = await _management(db, old.id)
    assert set(NAMES) <= set(roles)
    assert set(NAMES) <= children["realm-admin"]
    assert children["view-organizations"] == {"query-organizations"}
    assert children["manage-organizations"] == set() and children["query-organizations"] == set()
    async with db.transaction() as tx:
        role = await tx.roles.get(roles["manage-organizations"])
    assert role is not None and role.description == "${role_manage-organizations}"

    roles, children = await _management(db, kept.id)
    assert roles["view-organizations"] == before["view-organizations"]  # the role there is kept
    assert children["view-organizations"] == {"query-organizations"}
    assert {"manage-organizations", "query-organizations"} <= children["realm-admin"]
    async with db.transaction() as tx:
        assert await tx.clients.get_by_client_id(bare.id, "realm-management") is None


async def test_a_realm_made_at_the_newest_migration_is_left_as_it_is(db: Database) -> None:
    async with db.transaction() as tx:
        realm = await create_realm(tx, "fresh", 1000)
    before = await _management(db, realm.id)
    async with db.engine.connect() as conn:
        await conn.run_sync(lambda sync: migrate(sync, BEFORE, down=True))
        await conn.run_sync(lambda sync: migrate(sync, "head"))
        await conn.commit()
    assert await _management(db, realm.id) == before
    _, children = before
    assert set(NAMES) <= children["realm-admin"] and children["view-organizations"] == {"query-organizations"}
