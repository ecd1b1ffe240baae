"""Migration 0054 (Keycloak's organization roles, JpaUpdate26_8_0_OrganizationRoles): every organization stored before
gets its default role, ``default-roles-org-`` + its lower-cased alias, described ``${role_default-roles}``; the downgrade
drops the tables and a new upgrade makes them again. Both engines."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from doorkeep.organizations.model import Organization
from doorkeep.store.database import Database
from migration_steps import migrate
from store_factories import add_realm, new_id

pytestmark = pytest.mark.anyio
BEFORE = "0053_client_credential_sub"


def _defaults(conn: sa.Connection) -> list[tuple[str, str, str | None, bool]]:
    query = "SELECT organization_id, name, description, is_default FROM organization_roles ORDER BY name"
    return [(o, n, d, bool(x)) for o, n, d, x in conn.execute(sa.text(query)).all()]


async def test_organizations_stored_before_get_their_default_role(db: Database) -> None:
    async with db.transaction() as tx:
        realm = await add_realm(tx, organizations_enabled=True)
        acme = Organization(new_id(), realm.id, "Acme Inc", "AcMe")
        other = Organization(new_id(), realm.id, "Other", "other")
        for org in (acme, other):
            await tx.organizations.save(org, new=True)
    async with db.engine.connect() as conn:
        await conn.run_sync(lambda sync: migrate(sync, BEFORE, down=True))
        tables = await conn.run_sync(lambda sync: sa.inspect(sync).get_table_names())
        assert "organization_roles" not in tables
        await conn.run_sync(lambda sync: migrate(sync, "head"))
        after = await conn.run_sync(_defaults)
        await conn.commit()
    assert after == [
        (acme.id, "default-roles-org-acme", "${role_default-roles}", True),
        (other.id, "default-roles-org-other", "${role_default-roles}", True),
    ]
    async with db.transaction() as tx:
        role = await tx.organization_roles.default_role(acme.id)
        assert role is not None and role.name == "default-roles-org-acme" and role.default
