"""Migration 0014: three lookups go through an index on both engines instead of reading a whole table
(issue #8): a client's service-account user (every client_credentials grant), a user by e-mail in lower
case, and a role's users. At 1,000,000 rows on SQLite these took 38, 84 and 34 ms without them; the
service-account index also counts a realm's users (``users/count``) without reading the rows.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest
import sqlalchemy as sa

from doorkeep.model import Role
from doorkeep.store.database import Database
from doorkeep.store.tx import Tx
from migration_steps import migrate
from store_factories import add_client, add_realm, add_user

pytestmark = pytest.mark.anyio

LOOKUPS = {
    "ix_users_realm_service_account": "SELECT id FROM users WHERE realm_id = '{realm}' AND service_account_client_id = 'c'",
    "ix_users_realm_lower_email": "SELECT id FROM users WHERE realm_id = '{realm}' AND lower(email) = 'a@b.example'",
    "ix_user_role_mappings_role": "SELECT user_id FROM user_role_mappings WHERE role_id = 'reader-id'",
}


def _plans(conn: sa.Connection, realm_id: str) -> dict[str, str]:
    """Each lookup's plan, with sequential scans priced out on PostgreSQL: a tiny table would otherwise
    be read in full whether an index exists or not."""
    plans = {}
    for index, template in LOOKUPS.items():
        query = template.format(realm=realm_id)
        if conn.dialect.name == "sqlite":
            rows = conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {query}")
            plans[index] = " ".join(str(row[3]) for row in rows)
        else:
            conn.exec_driver_sql("SET LOCAL enable_seqscan = off")
            plans[index] = " ".join(str(row[0]) for row in conn.exec_driver_sql(f"EXPLAIN {query}"))
    return plans


def _count_plan(conn: sa.Connection) -> str:
    """SQLite's plan for ``users/count``: the realm's users that are not service accounts."""
    query = "SELECT count(*) FROM users WHERE realm_id = 'r' AND service_account_client_id IS NULL"
    return " ".join(str(row[3]) for row in conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {query}"))


def _bulk_users(conn: sa.Connection) -> None:
    realm = conn.exec_driver_sql("SELECT realm_id FROM users LIMIT 1").scalar()
    conn.execute(
        sa.text(
            "INSERT INTO users (id, realm_id, username, enabled, not_before, config) "
            "SELECT 'bulk-' || g, :realm, 'bulk-' || g, true, 0, '{}' FROM generate_series(1, 5000) AS g"
        ),
        {"realm": realm},
    )
    conn.exec_driver_sql("ANALYZE users")
    conn.exec_driver_sql("ANALYZE user_role_mappings")


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
            assert await tx.users.get_service_account(client) == account
        assert await tx.users.get_service_account(dataclasses.replace(clients[0], id=realm.id)) is None
        assert await tx.users.get_service_account(dataclasses.replace(clients[0], realm_id=people[0].id)) is None
        assert await tx.users.count(realm.id) == len(people)
        assert await tx.users.get_by_email(realm.id, "PERSON.7@example.COM") == people[7]
        assert await tx.users.get_by_email(realm.id, "person.70@example.com") is None
        assert [u.id for u in await tx.users.holding_role(realm.id, writer.id, 0, 10)] == [people[3].id]
        assert len(await tx.users.holding_role(realm.id, reader.id, 0, 100)) == 15
        conn: Any = tx.realms._c
        if not db.is_sqlite:  # PostgreSQL plans by statistics: give it a realm of 5,000 users, as in life
            await conn.run_sync(_bulk_users)
        assert _used(await conn.run_sync(_plans, realm.id)) == set(LOOKUPS)
        if db.is_sqlite:  # counted from the index alone
            assert "COVERING INDEX ix_users_realm_service_account" in await conn.run_sync(_count_plan)


def _indexes(conn: sa.Connection) -> set[str]:
    if conn.dialect.name == "sqlite":
        rows = conn.exec_driver_sql("SELECT name FROM sqlite_master WHERE type = 'index'")
    else:
        rows = conn.exec_driver_sql("SELECT indexname FROM pg_indexes WHERE schemaname = current_schema()")
    return {str(row[0]) for row in rows}


async def test_the_downgrade_drops_the_indexes_and_the_upgrade_brings_them_back(db: Database) -> None:
    """A database of 0013 holding users, a service account and role mappings (an upgrade at restart) keeps
    them, and answers the three lookups through the new indexes."""
    async with db.transaction() as tx:
        realm = await add_realm(tx)
        client = await add_client(tx, realm, "svc", service_accounts_enabled=True)
        account = await add_user(tx, realm, "service-account-svc", service_account_client_id=client.id)
        person = await add_user(tx, realm, "person", email="Person@Example.com")
        role = await _role(tx, realm.id, "reader")
        await tx.users.grant_roles(person.id, [role.id])
    async with db.engine.connect() as conn:
        await conn.run_sync(lambda sync: migrate(sync, "0013_vacuum", down=True))
        assert await conn.run_sync(_indexes) & set(LOOKUPS) == set()
        assert "ix_users_realm_email" in await conn.run_sync(_indexes)
        await conn.run_sync(lambda sync: migrate(sync, "head"))
        assert await conn.run_sync(_indexes) & {*LOOKUPS, "ix_users_realm_email"} == set(LOOKUPS)
        await conn.commit()
    async with db.transaction(write=False) as tx:
        assert await tx.users.get_service_account(client) == account
        assert await tx.users.get_by_email(realm.id, "person@example.COM") == person
        assert await tx.users.holding_role(realm.id, role.id) == [person]
        assert await tx.users.count(realm.id) == 1
