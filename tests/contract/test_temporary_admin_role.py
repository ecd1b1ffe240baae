"""bootstrap-admin's store work when master's ``admin`` role was deleted: refused with a message, nothing written."""

from __future__ import annotations

import pytest

from doorkeep.realms import bootstrap, temporary_admin
from doorkeep.store.database import Database

pytestmark = pytest.mark.anyio

NOW = 1_700_000_000


async def _master_without_admin_role(db: Database) -> str:
    async with db.transaction() as tx:
        realm = await bootstrap.create_master(tx, NOW)
        role = await tx.roles.get_realm_role(realm.id, "admin")
        assert role is not None
        await tx.roles.delete(role.id)
        return realm.id


async def test_a_temporary_admin_user_is_refused_when_master_has_no_admin_role(db: Database) -> None:
    realm_id = await _master_without_admin_role(db)
    with pytest.raises(temporary_admin.Refused, match="Role 'admin' not found in realm 'master'"):
        async with db.transaction() as tx:
            await temporary_admin.create_user(tx, NOW, "rescuer", "Recovery-pw-8c1f2e")
    async with db.transaction() as tx:
        assert await tx.users.get_by_username(realm_id, "rescuer") is None


async def test_a_temporary_admin_service_is_refused_when_master_has_no_admin_role(db: Database) -> None:
    realm_id = await _master_without_admin_role(db)
    with pytest.raises(temporary_admin.Refused, match="Role 'admin' not found in realm 'master'"):
        async with db.transaction() as tx:
            await temporary_admin.create_service(tx, NOW, "rescue-service", "Recovery-secret-5d0a77")
    async with db.transaction() as tx:
        assert await tx.clients.get_by_client_id(realm_id, "rescue-service") is None
