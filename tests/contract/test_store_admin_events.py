"""The admin-event store on both engines: filters, the '*' wildcard, ordering, paging, clearing, expiry, cascades."""

from __future__ import annotations

from typing import Any

import pytest

from doorkeep.admin.admin_events import AdminEvent, AdminEventQuery
from doorkeep.store.database import Database
from store_factories import add_realm, new_id

pytestmark = pytest.mark.anyio


def event(realm_id: str, time: int, operation: str, resource: str, path: str, **auth: str) -> AdminEvent:
    by = {
        "auth_realm_id": "master-id",
        "auth_client_id": "cli-id",
        "auth_user_id": "admin-id",
        "auth_ip_address": "10.0.0.1",
        **auth,
    }
    return AdminEvent(
        id=new_id(),
        realm_id=realm_id,
        time=time,
        operation_type=operation,
        resource_type=resource,
        resource_path=path,
        representation='{"a":1}',
        auth_realm_id=by["auth_realm_id"],
        auth_client_id=by["auth_client_id"],
        auth_user_id=by["auth_user_id"],
        auth_ip_address=by["auth_ip_address"],
    )


async def test_admin_events_are_found_by_every_filter_newest_first_and_paged(db: Database) -> None:
    async with db.transaction() as tx:
        realm = await add_realm(tx)
        stored = [
            event(realm.id, 1000, "CREATE", "USER", "users/u1"),
            event(realm.id, 2000, "UPDATE", "USER", "users/u1", auth_user_id="other-admin"),
            event(realm.id, 3000, "DELETE", "CLIENT", "clients/c1", auth_ip_address="10.0.0.2"),
            event(realm.id, 4000, "ACTION", "USER", "users/u1/reset-password"),
        ]
        for one in stored:
            await tx.admin_events.add(one)
    async with db.transaction() as tx:

        async def times(**filters: Any) -> list[int]:
            return [e.time for e in await tx.admin_events.find(realm.id, AdminEventQuery(**filters))]

        assert await times() == [4000, 3000, 2000, 1000]
        assert await times(ascending=True) == [1000, 2000, 3000, 4000]
        assert await times(operation_types=("CREATE", "DELETE")) == [3000, 1000]
        assert await times(resource_types=("CLIENT",)) == [3000]
        assert await times(resource_path="users/*") == [4000, 2000, 1000]
        assert await times(resource_path="users/u1") == [2000, 1000]
        assert await times(auth_user="other-admin") == [2000]
        assert await times(auth_ip_address="10.0.0.2") == [3000]
        assert await times(auth_realm="master-id", auth_client="cli-id") == [4000, 3000, 2000, 1000]
        assert await times(date_from=2000, date_to=3000) == [3000, 2000]
        assert await times(first=1, max=2) == [3000, 2000]
        assert (await tx.admin_events.find(realm.id, AdminEventQuery()))[0] == stored[3]


async def test_clearing_or_deleting_the_realm_removes_its_admin_events_only(db: Database) -> None:
    async with db.transaction() as tx:
        kept, cleared = await add_realm(tx, "kept"), await add_realm(tx, "cleared")
        await tx.admin_events.add(event(kept.id, 1, "CREATE", "USER", "users/x"))
        await tx.admin_events.add(event(cleared.id, 1, "CREATE", "USER", "users/y"))
        await tx.admin_events.clear(cleared.id)
        assert await tx.admin_events.find(cleared.id, AdminEventQuery()) == []
        await tx.realms.delete(kept.id)
        assert await tx.admin_events.find(kept.id, AdminEventQuery()) == []


async def test_purging_removes_the_realm_s_admin_events_recorded_before_the_bound_only(db: Database) -> None:
    async with db.transaction() as tx:
        realm, other = await add_realm(tx, "expiring"), await add_realm(tx, "other")
        for time in (999, 1000, 1001):
            await tx.admin_events.add(event(realm.id, time, "CREATE", "USER", f"users/{time}"))
        await tx.admin_events.add(event(other.id, 1, "CREATE", "USER", "users/old"))
        assert await tx.admin_events.purge_older_than(realm.id, 1000) == 1
        assert [e.time for e in await tx.admin_events.find(realm.id, AdminEventQuery())] == [1001, 1000]
        assert len(await tx.admin_events.find(other.id, AdminEventQuery())) == 1
