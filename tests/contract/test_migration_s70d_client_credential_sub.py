"""Migration 0053 indexes the clients' ``jwt.credential.sub`` (``clients.credential_sub_hash``): clients stored
before it are found by their subject after the upgrade, whatever the subject's length or characters; a client
without one, or with another, is not; the downgrade drops the column and a new upgrade fills it again."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from doorkeep.clock import FakeClock
from doorkeep.model import Client
from doorkeep.store.database import Database
from migration_steps import migrate
from store_factories import new_id
from support import seed_realm

pytestmark = pytest.mark.anyio
BEFORE = "0052_org_idp_links"
LONG = "système:serviceaccount:ns:" + "n" * 400


async def _found(db: Database, realm_id: str, subject: str) -> list[str]:
    async with db.transaction(write=False) as tx:
        return sorted(c.client_id for c in await tx.clients.with_credential_subject(realm_id, subject))


async def test_clients_stored_before_are_found_by_their_subject_after_the_upgrade(db: Database) -> None:
    realm = await seed_realm(db, FakeClock(), "federated")
    subjects = {"bound": "external", "long": LONG, "twin": "external", "none": None, "other": "elsewhere"}
    async with db.transaction() as tx:
        for name, subject in subjects.items():
            attributes = {"jwt.credential.issuer": "idp"} | ({"jwt.credential.sub": subject} if subject else {})
            await tx.clients.create(Client(id=new_id(), realm_id=realm.id, client_id=name, attributes=attributes))
    async with db.engine.connect() as conn:
        await conn.run_sync(lambda sync: migrate(sync, BEFORE, down=True))
        columns = await conn.run_sync(lambda sync: [c["name"] for c in sa.inspect(sync).get_columns("clients")])
        assert "credential_sub_hash" not in columns
        await conn.run_sync(lambda sync: migrate(sync, "head"))
        await conn.commit()
    assert await _found(db, realm.id, "external") == ["bound", "twin"]
    assert await _found(db, realm.id, LONG) == ["long"]
    assert await _found(db, realm.id, "elsewhere") == ["other"]
    assert await _found(db, realm.id, "nobody") == []
    assert await _found(db, new_id(), "external") == []
