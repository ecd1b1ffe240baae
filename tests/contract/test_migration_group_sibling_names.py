"""Migration 0029: the database keeps Keycloak's SIBLING_NAMES rule, one name per parent and per realm's top
level; duplicates stored before keep the name on the smallest id and the others are renamed, on both engines;
the downgrade drops the two indexes."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from doorkeep.store.database import Database, is_duplicate
from migration_steps import migrate
from store_factories import add_realm

pytestmark = pytest.mark.anyio

INSERT = "INSERT INTO groups (id, realm_id, parent_id, name, config) VALUES (:id, :realm, :parent, :name, '{}')"
# (id, parent, name): two top-level "team"s, two "team"s under g-a, and a "team" in a subtree of its own.
ROWS = [
    ("g-b", None, "team"),
    ("g-a", None, "team"),
    ("s-2", "g-a", "team"),
    ("s-1", "g-a", "team"),
    ("s-3", "g-b", "team"),
]


def _names(conn: sa.Connection) -> dict[str, str]:
    return {row[0]: row[1] for row in conn.execute(sa.text("SELECT id, name FROM groups"))}


async def test_stored_duplicates_are_renamed_and_the_indexes_then_refuse_new_ones(db: Database) -> None:
    async with db.transaction() as tx:
        realm = await add_realm(tx)
        other = await add_realm(tx, "other")

    def fill(conn: sa.Connection) -> None:
        for group_id, parent, name in ROWS:
            conn.execute(sa.text(INSERT), {"id": group_id, "realm": realm.id, "parent": parent, "name": name})
        conn.execute(sa.text(INSERT), {"id": "o-1", "realm": other.id, "parent": None, "name": "team"})

    async with db.engine.connect() as conn:
        await conn.run_sync(lambda sync: migrate(sync, "0028_service_account_scope", down=True))
        await conn.run_sync(fill)
        await conn.run_sync(lambda sync: migrate(sync, "head"))
        found = await conn.run_sync(_names)
        await conn.commit()
    assert found == {
        "g-a": "team",
        "g-b": "team (g-b)",
        "s-1": "team",
        "s-2": "team (s-2)",
        "s-3": "team",
        "o-1": "team",  # another realm's top level is another level
    }

    for group_id, parent in (("dup-top", None), ("dup-sub", "g-a")):
        with pytest.raises(sa.exc.IntegrityError) as refused:
            async with db.engine.begin() as conn:
                row = {"id": group_id, "realm": realm.id, "parent": parent, "name": "team"}
                await conn.execute(sa.text(INSERT), row)
        assert is_duplicate(refused.value)

    async with db.engine.connect() as conn:
        await conn.run_sync(lambda sync: migrate(sync, "0028_service_account_scope", down=True))
        indexes = await conn.run_sync(lambda sync: {i["name"] for i in sa.inspect(sync).get_indexes("groups")})
        await conn.run_sync(lambda sync: migrate(sync, "head"))
        await conn.commit()
    assert not indexes & {"uq_groups_sibling_name", "uq_groups_top_level_name"}
