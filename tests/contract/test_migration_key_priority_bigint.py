"""Migration 0032: a key provider's priority is a long (``realm_keys.priority`` BIGINT) on both engines; the
downgrade clamps priorities beyond an int's range to its ends and gives the column back its int type."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from doorkeep.model import RealmKey
from doorkeep.store.database import Database
from migration_steps import migrate
from store_factories import add_realm

pytestmark = pytest.mark.anyio

MILLIS = 1_764_684_000_000  # a priority of System.currentTimeMillis(), as Keycloak's key-provider tests give


def _key(realm_id: str, kid: str, priority: int) -> RealmKey:
    return RealmKey(kid, realm_id, "HS512", "sig", "active", None, "c2VjcmV0", 1, priority, f"c-{kid}", kid, "x", {})


def _priorities(conn: sa.Connection) -> dict[str, int]:
    return {row[0]: row[1] for row in conn.execute(sa.text("SELECT kid, priority FROM realm_keys"))}


async def test_a_long_priority_is_kept_and_the_downgrade_clamps_it_to_an_int(db: Database) -> None:
    async with db.transaction() as tx:
        realm = await add_realm(tx)
        for kid, priority in (("high", MILLIS), ("low", -MILLIS), ("plain", 100)):
            await tx.keys.add(_key(realm.id, kid, priority))
    async with db.transaction() as tx:
        assert {k.kid: k.priority for k in await tx.keys.list(realm.id)} == {
            "high": MILLIS,
            "low": -MILLIS,
            "plain": 100,
        }
    async with db.engine.connect() as conn:
        await conn.run_sync(lambda sync: migrate(sync, "0031_auth_session_tabs", down=True))
        assert await conn.run_sync(_priorities) == {"high": 2**31 - 1, "low": -(2**31), "plain": 100}
        column = next(
            c for c in await conn.run_sync(lambda s: sa.inspect(s).get_columns("realm_keys")) if c["name"] == "priority"
        )
        assert not isinstance(column["type"], sa.BigInteger)
        await conn.run_sync(lambda sync: migrate(sync, "head"))
        await conn.commit()
    async with db.transaction() as tx:
        await tx.keys.add(_key(realm.id, "again", MILLIS))
        assert {k.kid: k.priority for k in await tx.keys.list(realm.id)}["again"] == MILLIS
