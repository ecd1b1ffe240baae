"""Migration 0044: a login in progress stored before it gets a start and a step time of its expiry less the default
Login timeout (1800 s), and reads back; the downgrade drops the two columns and nothing else, on both engines."""

from __future__ import annotations

import importlib

import pytest
import sqlalchemy as sa

from doorkeep.store.database import Database
from migration_steps import migrate
from store_factories import add_client, add_realm

pytestmark = pytest.mark.anyio

# The revision before 0044 (read from it, so a re-chained migration keeps this test right).
BEFORE = str(importlib.import_module("doorkeep.store.migrations.versions.0044_auth_session_steps").down_revision)
OLD = (
    "INSERT INTO auth_sessions (id, realm_id, client_id, form_token, request, user_id, expires, step, notes,"
    " root_id) VALUES ('tab', :realm, :client, 'code', '{}', NULL, 10000, 'authenticate', '{}', 'root')"
)


async def test_a_login_from_before_gets_its_times_from_its_expiry_and_the_downgrade_drops_only_them(
    db: Database,
) -> None:
    async with db.transaction() as tx:
        realm = await add_realm(tx)
        client = await add_client(tx, realm)

    async with db.engine.connect() as conn:
        await conn.run_sync(lambda sync: migrate(sync, BEFORE, down=True))
        await conn.execute(sa.text(OLD), {"realm": realm.id, "client": client.id})
        await conn.run_sync(lambda sync: migrate(sync, "head"))
        await conn.commit()

    async with db.transaction(write=False) as tx:
        tab = await tx.flows.get_tab(realm.id, "root", "tab")
    assert tab is not None and (tab.started, tab.step_time, tab.expires) == (8_200, 8_200, 10_000)

    async with db.engine.connect() as conn:
        await conn.run_sync(lambda sync: migrate(sync, BEFORE, down=True))
        columns = await conn.run_sync(lambda sync: {c["name"] for c in sa.inspect(sync).get_columns("auth_sessions")})
        count = (await conn.execute(sa.text("SELECT count(*) FROM auth_sessions"))).scalar_one()
        await conn.run_sync(lambda sync: migrate(sync, "head"))
        await conn.commit()
    assert not columns & {"started", "step_time"} and {"expires", "root_id"} <= columns and count == 1
