"""Migrations 0015 and 0016: ``realms.user_version`` advances with every write to a realm's users, their role
mappings and their group memberships, whatever path makes it, and the per-process service-account entries of client_credentials
(``CachedConfig.service_account``) are used only while it stands still, across workers too."""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Awaitable, Callable

import pytest
from sqlalchemy import delete, text, update

from doorkeep.model import Client, Group, Realm, Role, User
from doorkeep.store.config_cache import MAX_GRANTS, ServiceAccount
from doorkeep.store.database import Database
from doorkeep.store.tables import users
from doorkeep.store.tx import Tx
from store_factories import add_client, add_realm, add_user

pytestmark = pytest.mark.anyio


async def version(db: Database, realm: Realm) -> int:
    async with db.transaction(write=False) as tx:
        stored = await tx.realms.get_by_name(realm.name)
        assert stored is not None
        return stored.user_version


async def add_role(tx: Tx, realm: Realm, name: str) -> Role:
    role = Role(id=str(uuid.uuid4()), realm_id=realm.id, name=name)
    await tx.roles.create(role)
    return role


async def test_every_write_to_a_user_or_its_role_mappings_advances_its_realm_only(db: Database) -> None:
    async with db.transaction() as tx:
        realm, other = await add_realm(tx, "here"), await add_realm(tx, "elsewhere")
        role = await add_role(tx, realm, "reader")
    assert await version(db, realm) > 0  # starts at the time of creation (store/realms.py), never at 0
    other_start = await version(db, other)
    steps: list[tuple[str, int]] = []

    async def step(name: str, write: Callable[[Tx], Awaitable[object]]) -> None:
        before = await version(db, realm)
        async with db.transaction() as tx:
            await write(tx)
        steps.append((name, await version(db, realm) - before))

    alice = User(id=str(uuid.uuid4()), realm_id=realm.id, username="alice")
    await step("create", lambda tx: tx.users.create(alice))
    await step("update", lambda tx: tx.users.update(dataclasses.replace(alice, enabled=False)))
    await step("grant", lambda tx: tx.users.grant_roles(alice.id, [role.id]))
    await step("revoke", lambda tx: tx.users.revoke_roles(alice.id, [role.id]))
    await step("grant again", lambda tx: tx.users.grant_roles(alice.id, [role.id]))
    await step("delete the role (cascade)", lambda tx: tx.roles.delete(role.id))
    await step(
        "raw SQL", lambda tx: tx.realms._c.execute(update(users).where(users.c.id == alice.id).values(not_before=7))
    )
    await step("delete", lambda tx: tx.users.delete(alice.id))
    assert all(advanced >= 1 for _, advanced in steps), steps
    before = await version(db, realm)
    async with db.transaction() as tx:
        bob = await add_user(tx, other, "bob")
        await tx.users.update(dataclasses.replace(bob, enabled=False))
    assert await version(db, realm) == before  # another realm's users leave this one alone
    assert await version(db, other) >= other_start + 1  # its own advanced (once per transaction on PostgreSQL)


async def test_a_rolled_back_write_leaves_the_version(db: Database) -> None:
    async with db.transaction() as tx:
        realm = await add_realm(tx)
        alice = await add_user(tx, realm)
    before = await version(db, realm)
    with pytest.raises(RuntimeError):
        async with db.transaction() as tx:
            await tx.users.update(dataclasses.replace(alice, enabled=False))
            raise RuntimeError("abandoned")
    assert await version(db, realm) == before


async def test_deleting_a_realm_with_users_and_mappings_still_works(db: Database) -> None:
    async with db.transaction() as tx:
        realm = await add_realm(tx)
        role = await add_role(tx, realm, "reader")
        for name in ("a", "b", "c"):
            user = await add_user(tx, realm, name)
            await tx.users.grant_roles(user.id, [role.id])
    async with db.transaction() as tx:
        await tx.realms.delete(realm.id)
    async with db.transaction(write=False) as tx:
        assert await tx.realms.get(realm.id) is None
        rows = await tx.realms._c.execute(text("SELECT count(*) FROM users"))
        assert rows.scalar() == 0


async def service_account(db: Database, realm_name: str, client: Client) -> tuple[User | None, frozenset[str]]:
    """What a client_credentials request sees: its realm row first, then the bound cache."""
    account = await kept_account(db, realm_name, client)
    return account.user, account.role_ids


async def kept_account(db: Database, realm_name: str, client: Client) -> ServiceAccount:
    async with db.transaction(write=False) as tx:
        realm = await tx.realms.get_by_name(realm_name)
        assert realm is not None
        tx.config.bind(realm)
        return await tx.config.service_account(client)


async def test_a_kept_service_account_is_used_until_any_worker_changes_a_user(db: Database) -> None:
    async with db.transaction() as tx:
        realm = await add_realm(tx)
        client = await add_client(tx, realm, "svc", service_accounts_enabled=True)
        account = await add_user(tx, realm, "service-account-svc", service_account_client_id=client.id)
        role = await add_role(tx, realm, "reader")
        await tx.users.grant_roles(account.id, [role.id])
    other = Database(db.url)  # a second worker on the same database
    try:
        first, roles = await service_account(db, realm.name, client)
        assert first == account and roles == {role.id}
        again, _ = await service_account(db, realm.name, client)
        assert again is first  # kept: the same object, not read again

        async with other.transaction() as tx:  # the other worker disables it
            await tx.users.update(dataclasses.replace(account, enabled=False))
        seen, _ = await service_account(db, realm.name, client)
        assert seen is not None and seen.enabled is False

        async with other.transaction() as tx:  # and takes its role away
            await tx.users.revoke_roles(account.id, [role.id])
        assert (await service_account(db, realm.name, client))[1] == frozenset()

        async with other.transaction() as tx:  # a change to any other user of the realm also counts
            await add_user(tx, realm, "someone")
        fresh, _ = await service_account(db, realm.name, client)
        assert fresh == seen and fresh is not seen

        async with other.transaction() as tx:  # gone
            await tx.realms._c.execute(delete(users).where(users.c.id == account.id))
        assert (await service_account(db, realm.name, client)) == (None, frozenset())
    finally:
        await other.dispose()


async def test_unbound_lookups_read_the_database_each_time(db: Database) -> None:
    async with db.transaction() as tx:
        realm = await add_realm(tx)
        client = await add_client(tx, realm, "svc", service_accounts_enabled=True)
        await add_user(tx, realm, "service-account-svc", service_account_client_id=client.id)
    async with db.transaction(write=False) as tx:
        first = (await tx.config.service_account(client)).user
        second = (await tx.config.service_account(client)).user
    assert first is not None and first == second and first is not second


async def test_one_transaction_advances_its_realm_once_however_many_users_it_writes(db: Database) -> None:
    """PostgreSQL advances the counter once per transaction: an UPDATE of the same realm row per user would
    make an import of n users cost n² (each walks past the row's earlier versions). A savepoint rolled back
    takes its advance with it, so the write after it advances again."""
    async with db.transaction() as tx:
        realm = await add_realm(tx)
    before = await version(db, realm)
    async with db.transaction() as tx:
        for number in range(200):
            await add_user(tx, realm, f"imported-{number}")
    advanced = await version(db, realm) - before
    assert advanced == 1 if not db.is_sqlite else advanced >= 1
    if db.is_sqlite:
        return
    before = await version(db, realm)
    async with db.transaction() as tx:
        conn = tx.realms._c
        await conn.execute(text("SAVEPOINT probe"))
        await add_user(tx, realm, "rolled-back")
        await conn.execute(text("ROLLBACK TO SAVEPOINT probe"))
        await add_user(tx, realm, "kept")
    assert await version(db, realm) == before + 1


async def test_joining_or_leaving_a_group_advances_the_version_and_drops_what_grants_kept(db: Database) -> None:
    """0016: a group gives roles and feeds mappers, so a membership change (a join, a leave, raw SQL, the cascade
    of a group's deletion) makes every process read the service account, and derive its grants, again."""
    async with db.transaction() as tx:
        realm = await add_realm(tx)
        client = await add_client(tx, realm, "svc", service_accounts_enabled=True)
        account = await add_user(tx, realm, "service-account-svc", service_account_client_id=client.id)
        group = Group(id=str(uuid.uuid4()), realm_id=realm.id, name="ops", path="/ops")
        await tx.groups.create(group)
    other = Database(db.url)  # the membership changes come from a second worker
    try:
        kept = await kept_account(db, realm.name, client)
        kept.grant("", dict[str, list[str]])["roles"] = ["derived before the change"]
        assert (await kept_account(db, realm.name, client)).grant("", dict) == {"roles": ["derived before the change"]}

        async def changed(write: Callable[[Tx], Awaitable[object]]) -> None:
            nonlocal kept
            before = await version(db, realm)
            async with other.transaction() as tx:
                await write(tx)
            assert await version(db, realm) > before
            fresh = await kept_account(db, realm.name, client)
            assert fresh is not kept and fresh.grant("", dict) == {}  # read again, nothing derived carried over
            fresh.grant("", dict[str, list[str]])["roles"] = ["derived"]
            kept = fresh

        await changed(lambda tx: tx.groups.join(account.id, group.id))
        await changed(lambda tx: tx.groups.leave(account.id, group.id))
        await changed(lambda tx: tx.groups.join(account.id, group.id))
        await changed(lambda tx: tx.realms._c.execute(text(f"DELETE FROM user_groups WHERE group_id = '{group.id}'")))
        await changed(lambda tx: tx.groups.join(account.id, group.id))
        await changed(lambda tx: tx.groups.delete(group))  # the membership goes with it (cascade)
    finally:
        await other.dispose()


def test_a_service_account_keeps_a_bounded_number_of_scope_parameters() -> None:
    account = ServiceAccount(None, frozenset())
    for number in range(MAX_GRANTS * 3):
        account.grant(f"scope-{number}", dict[str, list[str]])["roles"] = []
        assert len(account.grants) <= MAX_GRANTS
    assert account.grant("scope-0", dict) == {}  # long since dropped
