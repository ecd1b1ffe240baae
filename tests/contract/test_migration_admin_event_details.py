"""Migration 0040: admin events stored before it keep everything and read back without details; after it the
details map round-trips through ``admin_events.details_json`` (text, non-ASCII included); the downgrade drops the
column and nothing else, on both engines."""

from __future__ import annotations

import importlib

import pytest
import sqlalchemy as sa

from doorkeep.admin.admin_events import AdminEvent, AdminEventQuery
from doorkeep.store.database import Database
from migration_steps import migrate
from store_factories import add_realm

pytestmark = pytest.mark.anyio

# The revision before 0040 (read from it, so a re-chained migration keeps this test right).
BEFORE = str(importlib.import_module("doorkeep.store.migrations.versions.0040_admin_event_details").down_revision)
OLD = (
    "INSERT INTO admin_events (id, realm_id, time, operation_type, resource_type, resource_path, auth_realm_id,"
    " auth_client_id, auth_user_id, auth_ip_address, representation) VALUES ('old', :realm, 1, 'CREATE', 'USER',"
    " 'users/u', 'r', 'c', 'u', '127.0.0.1', '{\"username\":\"u\"}')"
)


def _event(realm_id: str, details: dict[str, str] | None) -> AdminEvent:
    return AdminEvent("new", realm_id, 2, "CREATE", "GROUP_MEMBERSHIP", "users/u/groups/g", "r", "c", "u", "::1",
                      details=details)  # fmt: skip


async def test_old_events_have_no_details_new_ones_round_trip_and_the_downgrade_drops_only_the_column(
    db: Database,
) -> None:
    async with db.transaction() as tx:
        realm = await add_realm(tx)

    async with db.engine.connect() as conn:
        await conn.run_sync(lambda sync: migrate(sync, BEFORE, down=True))
        await conn.execute(sa.text(OLD), {"realm": realm.id})
        await conn.run_sync(lambda sync: migrate(sync, "head"))
        await conn.commit()

    details = {"username": "zoë", "email": "zoë@exämple.org"}
    async with db.transaction() as tx:
        await tx.admin_events.add(_event(realm.id, details))
        found = {e.id: e for e in await tx.admin_events.find(realm.id, AdminEventQuery())}
    assert found["old"].details is None and found["old"].representation == '{"username":"u"}'
    assert found["new"].details == details

    async with db.engine.connect() as conn:
        await conn.run_sync(lambda sync: migrate(sync, BEFORE, down=True))
        columns = await conn.run_sync(lambda sync: {c["name"] for c in sa.inspect(sync).get_columns("admin_events")})
        count = (await conn.execute(sa.text("SELECT count(*) FROM admin_events"))).scalar_one()
        await conn.run_sync(lambda sync: migrate(sync, "head"))
        await conn.commit()
    assert "details_json" not in columns and "representation" in columns and count == 2
