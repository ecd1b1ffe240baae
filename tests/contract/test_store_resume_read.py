"""ResumeRead: a refresh's user session, user, client session and role ids in one statement."""

from __future__ import annotations

import pytest

from doorkeep.model import Role
from doorkeep.store.database import Database
from store_factories import add_client, add_client_session, add_realm, add_user, add_user_session, new_id

pytestmark = pytest.mark.anyio


async def test_the_joined_read_gives_what_the_one_by_one_reads_give(db: Database) -> None:
    async with db.transaction() as tx:
        realm = await add_realm(tx)
        client, user = await add_client(tx, realm), await add_user(tx, realm)
        role = Role(new_id(), realm.id, "reader")
        await tx.roles.create(role)
        await tx.users.grant_roles(user.id, [role.id])
        us = await add_user_session(tx, user, offline=True)
        cs = await add_client_session(tx, us, client)
    for lock in (False, True):
        async with db.transaction() as tx:
            found = await tx.resume.session_user_client(us.id, True, user.id, client.id, lock=lock)
            assert found == (
                await tx.sessions.get_user_session(us.id, True),
                await tx.users.get(user.id),
                await tx.sessions.get_client_session(us.id, True, client.id),
            )
            assert found[2] == cs
            assert await tx.users.role_ids(user.id) == {role.id}


async def test_a_missing_row_of_the_three_finds_nothing(db: Database) -> None:
    async with db.transaction() as tx:
        realm = await add_realm(tx)
        client, other, user = (
            await add_client(tx, realm),
            await add_client(tx, realm, "other"),
            await add_user(tx, realm),
        )
        us = await add_user_session(tx, user, offline=True)
        await add_client_session(tx, us, client)
    async with db.transaction() as tx:
        assert await tx.resume.session_user_client(us.id, False, user.id, client.id, lock=False) is None
        assert await tx.resume.session_user_client(us.id, True, new_id(), client.id, lock=False) is None
        assert await tx.resume.session_user_client(us.id, True, user.id, other.id, lock=True) is None


async def test_role_ids_read_with_the_session_are_used_once_and_never_after_a_grant_or_revoke(db: Database) -> None:
    async with db.transaction() as tx:
        realm = await add_realm(tx)
        client, user = await add_client(tx, realm), await add_user(tx, realm)
        first, second = Role(new_id(), realm.id, "first"), Role(new_id(), realm.id, "second")
        await tx.roles.create(first)
        await tx.roles.create(second)
        us = await add_user_session(tx, user)
        await add_client_session(tx, us, client)
    async with db.transaction() as tx:
        assert await tx.resume.session_user_client(us.id, False, user.id, client.id, lock=True) is not None
        await tx.users.grant_roles(user.id, [first.id])
        assert await tx.users.role_ids(user.id) == {first.id}  # the grant dropped the prefetched (empty) set
        assert await tx.resume.session_user_client(us.id, False, user.id, client.id, lock=True) is not None
        await tx.users.revoke_roles(user.id, [first.id])
        assert await tx.users.role_ids(user.id) == set()
        await tx.users.grant_roles(user.id, [second.id])
        assert await tx.users.role_ids(user.id) == {second.id}
