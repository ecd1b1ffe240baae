"""Migration 0045: ``organization_invitations`` gains a nullable ``client_id`` column; the invitations stored before
it keep their rows and read with no client (resent for ``account``); a new one keeps its client; the downgrade
drops the column and nothing else. Both engines."""

from __future__ import annotations

import dataclasses
import importlib

import pytest
import sqlalchemy as sa

from doorkeep.organizations.model import Invitation
from doorkeep.store.database import Database
from migration_steps import migrate
from store_factories import add_realm

pytestmark = pytest.mark.anyio

# The revision before 0045 (read from it, so a re-chained migration keeps this test right).
BEFORE = str(importlib.import_module("doorkeep.store.migrations.versions.0045_org_invitation_client").down_revision)
ORG = (
    "INSERT INTO organizations (id, realm_id, name, alias, enabled, config, internal_group_id)"
    " VALUES ('org-a', :r, 'a', 'a', :on, '{}', 'ig-a')"
)
INVITATION = (
    "INSERT INTO organization_invitations (id, organization_id, realm_id, email, first_name, last_name, created_at,"
    " expires_at, invite_link, attributes) VALUES ('inv-1', 'org-a', :r, 'x@a.org', NULL, NULL, 10, 20, NULL, NULL)"
)


async def test_older_invitations_read_without_a_client_and_the_downgrade_drops_only_the_column(db: Database) -> None:
    async with db.transaction() as tx:
        realm = await add_realm(tx)

    def fill(conn: sa.Connection) -> None:
        conn.execute(sa.text(ORG), {"r": realm.id, "on": True})
        conn.execute(sa.text(INVITATION), {"r": realm.id})

    async with db.engine.connect() as conn:
        await conn.run_sync(lambda sync: migrate(sync, BEFORE, down=True))
        await conn.run_sync(fill)
        await conn.run_sync(lambda sync: migrate(sync, "head"))
        await conn.commit()
    newer = Invitation("inv-2", "org-a", realm.id, "y@a.org", None, None, 10, 20)
    async with db.transaction() as tx:
        found = await tx.org_invitations.get("org-a", "inv-1")
        assert found == Invitation("inv-1", "org-a", realm.id, "x@a.org", None, None, 10, 20)
        assert found.client_id is None
        await tx.org_invitations.add(dataclasses.replace(newer, client_id="shop"))
    async with db.transaction() as tx:
        kept = await tx.org_invitations.get("org-a", "inv-2")
        assert kept is not None and kept.client_id == "shop"

    async with db.engine.connect() as conn:
        await conn.run_sync(lambda sync: migrate(sync, BEFORE, down=True))
        columns = await conn.run_sync(
            lambda sync: {c["name"] for c in sa.inspect(sync).get_columns("organization_invitations")}
        )
        count = (await conn.execute(sa.text("SELECT count(*) FROM organization_invitations"))).scalar_one()
        await conn.run_sync(lambda sync: migrate(sync, "head"))
        await conn.commit()
    assert "client_id" not in columns and {"attributes", "invite_link"} <= columns and count == 2
