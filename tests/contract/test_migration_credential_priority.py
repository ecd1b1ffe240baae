"""Migration 0027: credentials get Keycloak's priority, numbered 10, 20, 30 … per user in the order they were
listed before (oldest first, then by id), on both engines; the downgrade drops the column."""

from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa

from doorkeep.store.database import Database
from migration_steps import migrate
from store_factories import add_realm, add_user

pytestmark = pytest.mark.anyio

# Written in an order unlike the creation order, so that a numbering by insertion would fail.
ROWS = [
    ("alice", "c-otp-new", "otp", 3000),
    ("alice", "c-password", "password", 1000),
    ("bob", "b-password", "password", 5000),
    ("alice", "b-otp-tie", "otp", 2000),
    ("alice", "a-otp-tie", "otp", 2000),
    ("bob", "b-otp", "otp", 4000),
]
INSERT = (
    "INSERT INTO credentials (id, user_id, type, secret_data, credential_data, created_date, user_label) "
    "VALUES (:id, :user_id, :type, '{}', '{}', :created, NULL)"
)


def _columns(conn: sa.Connection) -> set[str]:
    return {c["name"] for c in sa.inspect(conn).get_columns("credentials")}


def _priorities(conn: sa.Connection) -> dict[str, int]:
    return {row[0]: row[1] for row in conn.execute(sa.text("SELECT id, priority FROM credentials"))}


async def test_existing_credentials_are_numbered_oldest_first_per_user_and_the_downgrade_drops_the_column(
    db: Database,
) -> None:
    async with db.transaction() as tx:
        realm = await add_realm(tx)
        users = {name: (await add_user(tx, realm, name)).id for name in ("alice", "bob")}

    def fill(conn: sa.Connection) -> None:
        for user, cred_id, kind, created in ROWS:
            conn.execute(sa.text(INSERT), {"id": cred_id, "user_id": users[user], "type": kind, "created": created})

    async with db.engine.connect() as conn:
        await conn.run_sync(lambda sync: migrate(sync, "0026_registration_policies", down=True))
        assert "priority" not in await conn.run_sync(_columns)
        await conn.run_sync(fill)
        await conn.run_sync(lambda sync: migrate(sync, "head"))
        found: dict[str, Any] = await conn.run_sync(_priorities)
        await conn.commit()
    assert found == {
        "c-password": 10,
        "a-otp-tie": 20,
        "b-otp-tie": 30,
        "c-otp-new": 40,
        "b-otp": 10,
        "b-password": 20,
    }
    async with db.transaction() as tx:
        assert [c.id for c in await tx.users.credentials(users["alice"])] == [
            "c-password",
            "a-otp-tie",
            "b-otp-tie",
            "c-otp-new",
        ]
        assert [c.id for c in await tx.users.credentials(users["bob"])] == ["b-otp", "b-password"]
    async with db.engine.connect() as conn:
        await conn.run_sync(lambda sync: migrate(sync, "0026_registration_policies", down=True))
        assert "priority" not in await conn.run_sync(_columns)
        assert await conn.run_sync(lambda sync: sync.execute(sa.text("SELECT count(*) FROM credentials")).scalar()) == 6
        await conn.run_sync(lambda sync: migrate(sync, "head"))
        await conn.commit()
