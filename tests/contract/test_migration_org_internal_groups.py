"""Migration 0038: organizations stored before it get the internal group id the organization groups' API showed
(organizations.model.internal_group_id), unique, and keep their domains, members and groups; the downgrade drops
the column and nothing else, on both engines."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from doorkeep.organizations.model import internal_group_id
from doorkeep.store.database import Database, is_duplicate
from migration_steps import migrate
from store_factories import add_realm

pytestmark = pytest.mark.anyio

BEFORE = "0037_organization_groups"
ORG = "INSERT INTO organizations (id, realm_id, name, alias, enabled, config) VALUES (:id, :realm, :id, :id, :on, '{}')"
GROUP = (
    "INSERT INTO organization_groups (id, organization_id, parent_id, sibling_key, name, attributes)"
    " VALUES ('g-1', 'org-a', NULL, 'org-a', 'team', '{}')"
)
DOMAIN = (
    "INSERT INTO organization_domains (organization_id, name, realm_id, verified) VALUES ('org-a', 'a.org', :r, :on)"
)


def _rows(conn: sa.Connection) -> dict[str, str]:
    return {r[0]: r[1] for r in conn.execute(sa.text("SELECT id, internal_group_id FROM organizations"))}


def _counts(conn: sa.Connection) -> tuple[int, int, int]:
    tables = ("organizations", "organization_domains", "organization_groups")
    a, b, c = (int(conn.execute(sa.text(f"SELECT count(*) FROM {t}")).scalar_one()) for t in tables)
    return a, b, c


async def test_stored_organizations_get_their_derived_internal_group_id_and_the_downgrade_drops_only_it(
    db: Database,
) -> None:
    async with db.transaction() as tx:
        realm = await add_realm(tx)

    def fill(conn: sa.Connection) -> None:
        for org_id in ("org-a", "org-b", "3f0c7b1e-2f57-4b5e-9d1b-6a0f8e2c4d11"):
            conn.execute(sa.text(ORG), {"id": org_id, "realm": realm.id, "on": True})
        conn.execute(sa.text(GROUP))
        conn.execute(sa.text(DOMAIN), {"r": realm.id, "on": False})

    async with db.engine.connect() as conn:
        await conn.run_sync(lambda sync: migrate(sync, BEFORE, down=True))
        await conn.run_sync(fill)
        await conn.run_sync(lambda sync: migrate(sync, "head"))
        found = await conn.run_sync(_rows)
        await conn.commit()
    assert found == {org_id: internal_group_id(org_id) for org_id in found} and len(found) == 3

    with pytest.raises(sa.exc.IntegrityError) as refused:  # one organization per internal group
        async with db.engine.begin() as conn:
            await conn.execute(sa.text("UPDATE organizations SET internal_group_id = :i"), {"i": found["org-a"]})
    assert is_duplicate(refused.value)

    async with db.engine.connect() as conn:
        await conn.run_sync(lambda sync: migrate(sync, BEFORE, down=True))
        columns = await conn.run_sync(lambda sync: {c["name"] for c in sa.inspect(sync).get_columns("organizations")})
        counts = await conn.run_sync(_counts)
        await conn.run_sync(lambda sync: migrate(sync, "head"))
        await conn.commit()
    assert "internal_group_id" not in columns and counts == (3, 1, 1)
