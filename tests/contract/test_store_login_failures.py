"""Brute Force Detection records: one row per user, shared by every process (both engines)."""

from __future__ import annotations

import asyncio
import dataclasses

import pytest

from doorkeep.model import LoginFailure
from doorkeep.store.database import Database
from store_factories import add_realm, add_user

pytestmark = pytest.mark.anyio


async def test_a_user_without_failures_has_no_record(db: Database) -> None:
    async with db.transaction() as tx:
        realm = await add_realm(tx)
        user = await add_user(tx, realm)
        assert await tx.login_failures.get(realm.id, user.id) is None


async def test_lock_creates_an_empty_record_and_save_stores_it(db: Database) -> None:
    async with db.transaction() as tx:
        realm = await add_realm(tx)
        user = await add_user(tx, realm)
        record = await tx.login_failures.lock(realm.id, user.id)
        assert record == LoginFailure(realm.id, user.id)
        await tx.login_failures.save(
            dataclasses.replace(
                record,
                num_failures=3,
                num_temporary_lockouts=1,
                last_failure=1_700_000_000_123,
                last_ip_failure="10.0.0.7",
                failed_login_not_before=1_700_000_060,
            )
        )
    async with db.transaction(write=False) as tx:
        assert await tx.login_failures.get(realm.id, user.id) == LoginFailure(
            realm.id, user.id, 3, 1, 1_700_000_000_123, "10.0.0.7", 1_700_000_060
        )


async def test_lock_returns_the_existing_record_unchanged(db: Database) -> None:
    async with db.transaction() as tx:
        realm = await add_realm(tx)
        user = await add_user(tx, realm)
        await tx.login_failures.lock(realm.id, user.id)
        await tx.login_failures.save(LoginFailure(realm.id, user.id, num_failures=2, last_failure=5))
    async with db.transaction() as tx:
        assert (await tx.login_failures.lock(realm.id, user.id)).num_failures == 2


async def test_reset_empties_a_record_but_keeps_it(db: Database) -> None:
    async with db.transaction() as tx:
        realm = await add_realm(tx)
        user = await add_user(tx, realm)
        other = await add_user(tx, realm, "bob")
        await tx.login_failures.lock(realm.id, user.id)
        await tx.login_failures.save(LoginFailure(realm.id, user.id, 4, 2, 99, "1.2.3.4", 100))
        await tx.login_failures.reset(realm.id, user.id)
        await tx.login_failures.reset(realm.id, other.id)  # nothing to reset: no record appears
        assert await tx.login_failures.get(realm.id, user.id) == LoginFailure(realm.id, user.id)
        assert await tx.login_failures.get(realm.id, other.id) is None


async def test_remove_forgets_one_user_and_remove_all_the_realm(db: Database) -> None:
    async with db.transaction() as tx:
        realm = await add_realm(tx)
        elsewhere = await add_realm(tx, "other")
        alice, bob = await add_user(tx, realm), await add_user(tx, realm, "bob")
        carol = await add_user(tx, elsewhere, "carol")
        for who in (alice, bob, carol):
            await tx.login_failures.lock(who.realm_id, who.id)
        assert await tx.login_failures.remove(realm.id, alice.id) is True
        assert await tx.login_failures.remove(realm.id, alice.id) is False
        assert await tx.login_failures.get(realm.id, bob.id) is not None
        assert await tx.login_failures.remove_all(realm.id) == 1
        assert await tx.login_failures.get(realm.id, bob.id) is None
        assert await tx.login_failures.get(elsewhere.id, carol.id) is not None


async def test_deleting_the_user_deletes_the_record(db: Database) -> None:
    async with db.transaction() as tx:
        realm = await add_realm(tx)
        user = await add_user(tx, realm)
        await tx.login_failures.lock(realm.id, user.id)
        await tx.users.delete(user.id)
        assert await tx.login_failures.get(realm.id, user.id) is None


async def test_concurrent_failures_of_one_user_are_all_counted(db: Database) -> None:
    async with db.transaction() as tx:
        realm = await add_realm(tx)
        user = await add_user(tx, realm)

    async def one_failure() -> None:
        async with db.transaction() as tx:
            record = await tx.login_failures.lock(realm.id, user.id)
            await asyncio.sleep(0.01)
            await tx.login_failures.save(dataclasses.replace(record, num_failures=record.num_failures + 1))

    await asyncio.gather(*(one_failure() for _ in range(5)))
    async with db.transaction(write=False) as tx:
        record = await tx.login_failures.get(realm.id, user.id)
        assert record is not None and record.num_failures == 5


async def test_serialize_queues_attempts_on_one_user_until_the_first_transaction_ends(db: Database) -> None:
    async with db.transaction() as tx:
        realm = await add_realm(tx)
        user = await add_user(tx, realm)
        other = await add_user(tx, realm, "bob")
    order: list[str] = []

    async def attempt(name: str, who: str, hold: float) -> None:
        async with db.transaction() as tx:
            await tx.login_failures.serialize(realm.id, who)
            order.append(f"{name} in")
            await asyncio.sleep(hold)
            order.append(f"{name} out")

    first = asyncio.create_task(attempt("first", user.id, 0.2))
    await asyncio.sleep(0.05)
    await asyncio.gather(first, attempt("second", user.id, 0))
    assert order == ["first in", "first out", "second in", "second out"]
    async with db.transaction() as tx:  # no row is created by queueing
        await tx.login_failures.serialize(realm.id, other.id)
        assert await tx.login_failures.get(realm.id, other.id) is None


async def test_deleting_the_realm_deletes_its_records_only(db: Database) -> None:
    async with db.transaction() as tx:
        doomed, bystander = await add_realm(tx), await add_realm(tx, "bystander")
        alice, bob = await add_user(tx, doomed), await add_user(tx, bystander, "bob")
        await tx.login_failures.lock(doomed.id, alice.id)
        await tx.login_failures.lock(bystander.id, bob.id)
        await tx.realms.delete(doomed.id)
        assert await tx.login_failures.get(doomed.id, alice.id) is None
        assert await tx.login_failures.get(bystander.id, bob.id) is not None
