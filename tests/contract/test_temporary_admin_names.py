"""``bootstrap-admin``'s temporary admin user and service on both engines: a username or client id longer than the
255 characters the username column holds (Keycloak's USER_ENTITY.USERNAME is VARCHAR(255) too, so Keycloak's command
fails on it at the database) is refused with one message on SQLite and PostgreSQL alike, nothing written; so is a
client id whose service account's username (``service-account-<client id>``) would be longer. The longest that fit
are kept. Before the fix SQLite kept both and PostgreSQL failed with "cannot open the database: DBAPIError"."""

from __future__ import annotations

import pytest

from doorkeep.realms import temporary_admin
from doorkeep.store.database import Database

pytestmark = pytest.mark.anyio
LONG = "a" * 256


async def _exists(db: Database, username: str | None = None, client_id: str | None = None) -> bool:
    async with db.transaction() as tx:
        master = await tx.realms.get_by_name("master")
        if master is None:
            return False
        if username is not None:
            return await tx.users.get_by_username(master.id, username) is not None
        assert client_id is not None
        return await tx.clients.get_by_client_id(master.id, client_id) is not None


async def test_an_over_long_username_is_refused_on_both_engines(db: Database) -> None:
    with pytest.raises(temporary_admin.Refused) as refused:
        async with db.transaction() as tx:
            await temporary_admin.create_user(tx, 1, LONG, "Some-pw-1")
    assert str(refused.value) == "Failed to add user to realm 'master': the username is longer than 255 characters"
    assert not await _exists(db, username=LONG)
    async with db.transaction() as tx:
        assert await temporary_admin.create_user(tx, 1, LONG[:255], "Some-pw-1") == LONG[:255]
    assert await _exists(db, username=LONG[:255])


async def test_an_over_long_client_id_is_refused_on_both_engines(db: Database) -> None:
    with pytest.raises(temporary_admin.Refused) as refused:
        async with db.transaction() as tx:
            await temporary_admin.create_service(tx, 1, LONG[:240], "some-secret")
    assert str(refused.value) == "Failed to add client to realm 'master': the client id is longer than 239 characters"
    assert not await _exists(db, client_id=LONG[:240])
    async with db.transaction() as tx:
        assert await temporary_admin.create_service(tx, 1, LONG[:239], "some-secret") == LONG[:239]
    assert await _exists(db, client_id=LONG[:239])
