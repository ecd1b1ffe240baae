"""Migration 0014: three lookups go through an index on both engines instead of reading a whole table
(issue #8): a client's service-account user (every client_credentials grant), a user by e-mail in lower
case, and a role's users. At 1,000,000 rows on SQLite these took 38, 84 and 34 ms without them.
"""

from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa
from store_factories import add_client, add_realm, add_user
from test_migration_vacuum import _migrate

from doorkeep.model import Role
from doorkeep.store.database import Database
from doorkeep.store.tx import Tx

pytestmark = pytest.mark.anyio

LOOKUPS = {
    "ix_users_service_account": "SELECT id FROM users WHERE service_account_client_id = 'c'",
    "ix_users_realm_lower_email": "SELECT id FROM users WHERE realm_id = 'r' AND lower(email) = 'a@b.example'",
    "ix_user_role_mappings_role": "SELECT user_id FROM user_role_mappings WHERE role_id = 'r'",
}


def _plans(conn: sa.Connection) -> dict[str, str]:
    """Each lookup's plan, with sequential scans priced out on PostgreSQL: a tiny table would otherwise
    be read in full whether an index exists or not."""
    plans = {}
    for index, query in LOOKUPS.items():
        if conn.dialect.name == "sqlite":
            rows = conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {query}")
            plans[index] = " ".join(str(row[3]) for row in rows)
        else:
            conn.exec_driver_sql("SET LOCAL enable_seqscan = off")
            plans[index] = " ".join(str(row[0]) for row in conn.exec_driver_sql(f"EXPLAIN {query}"))
    return plans


def _used(plans: dict[str, str]) -> set[str]:
    return {index for index, plan in plans.items() if index in plan}


async def _role(tx: Tx, realm_id: str, name: str) -> Role:
    role = Role(id=name + "-id", realm_id=realm_id, name=name)
    await tx.roles.create(role)
    return role


async def test_the_lookups_answer_as_before_through_their_indexes(db: Database) -> None:
    async with db.transaction() as tx:
        realm = await add_realm(tx)
        clients = [await add_client(tx, realm, f"service-{n}", service_accounts_enabled=True) for n in range(3)]
        people = [await add_user(tx, realm, f"person-{n}", email=f"Person.{n}@Example.com") for n in range(20)]
        accounts = [
            await add_user(tx, realm, f"service-account-service-{n}", service_account_client_id=client.id)
            for n, client in enumerate(clients)
        ]
        reader, writer = await _role(tx, realm.id, "reader"), await _role(tx, realm.id, "writer")
        for person in people[:15]:
            await tx.users.grant_roles(person.id, [reader.id])
        await tx.users.grant_roles(people[3].id, [writer.id])
    async with db.transaction() as tx:
        for client, account in zip(clients, accounts, strict=True):
            assert await tx.users.get_service_account(client.id) == account
        assert await tx.users.get_service_account(realm.id) is None
        assert await tx.users.get_by_email(realm.id, "PERSON.7@example.COM") == people[7]
        assert await tx.users.get_by_email(realm.id, "person.70@example.com") is None
        assert [u.id for u in await tx.users.holding_role(realm.id, writer.id, 0, 10)] == [people[3].id]
        assert len(await tx.users.holding_role(realm.id, reader.id, 0, 100)) == 15
        conn: Any = tx.realms._c
        assert _used(await conn.run_sync(_plans)) == set(LOOKUPS)


async def test_the_downgrade_drops_the_indexes_and_the_upgrade_brings_them_back(db: Database) -> None:
    async with db.engine.connect() as conn:
        await conn.run_sync(lambda sync: _migrate(sync, "0013_vacuum", down=True))
        assert _used(await conn.run_sync(_plans)) == set()
        await conn.run_sync(lambda sync: _migrate(sync, "head"))
        assert _used(await conn.run_sync(_plans)) == set(LOOKUPS)
        await conn.commit()
