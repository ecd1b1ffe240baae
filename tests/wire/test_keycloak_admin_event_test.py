"""Keycloak's AdminEventTest (tests/base/.../tests/admin/event/AdminEventTest.java, formerly
testsuite/integration-arquillian/.../admin/event/AdminEventTest.java), ported one method to one test over HTTP:
``GET /admin/realms/{realm}/admin-events`` (``operationTypes``, ``dateFrom``/``dateTo`` in both formats,
``first``/``max``, ``direction``), ``DELETE admin-events``, ``GET/PUT events/config`` and which changes are
recorded, with or without their representation, against a realm ``test`` that keeps events and admin events
without details (AdminEventRealmConfig), imported anew for each test on the module's one app.

The Java test's ``runOnServerClient`` writes admin events straight into the EventStoreProvider; here they are
written into Doorkeep's admin-event store (``tx.admin_events.add``).

Already covered elsewhere, and not repeated here: the filters by ``resourceTypes``, ``resourcePath`` with ``*``,
``authRealm``/``authClient``/``authUser``/``authIpAddress`` and the 400s for bad filters in test_admin_events.py;
the credentials dropped from a created user's representation also in test_admin_events_keycloak_parity.py;
RealmTest's ``updateRealmEventsConfig`` in test_keycloak_realm_test.py.
"""

from __future__ import annotations

import datetime
import json
import secrets
import string
import uuid
from collections.abc import AsyncIterator
from typing import Any

import pytest

import group_port
from doorkeep.admin.admin_events import AdminEvent
from group_port import fresh_realm
from keycloak_port import admin_headers, get, put, update_realm
from role_port import call, clear_events, create
from wire_env import Env

pytestmark = pytest.mark.anyio
# One app for the module (group_port.shared_env), each test on a realm ``test`` imported anew.
anyio_backend, shared_env, env = group_port.anyio_backend, group_port.shared_env, group_port.env

DAY_MS = 24 * 3600 * 1000
MASTER = "/admin/realms/master"
TEST_REALM = {  # AdminEventRealmConfig
    "realm": "test",
    "enabled": True,
    "eventsEnabled": True,
    "adminEventsEnabled": True,
    "adminEventsDetailsEnabled": False,
}


@pytest.fixture
async def realm_id(env: Env) -> str:
    """``initConfig``: the realm as AdminEventRealmConfig makes it, its admin events cleared; its id."""
    return await fresh_realm(env, TEST_REALM)


async def master_id(env: Env) -> str:
    response = await env.http.get(MASTER, headers=await admin_headers(env))
    assert response.status_code == 200, response.text
    return str(response.json()["id"])


async def events(env: Env, **params: Any) -> list[dict[str, Any]]:
    """``managedRealm.admin().getAdminEvents(...)``: the admin client's parameters as query parameters."""
    found: list[dict[str, Any]] = await get(env, "/admin-events", **params)
    return found


async def create_user(env: Env, username: str) -> str:
    """``createUser``: UserConfigBuilder's user, with e-mail, first and last name and a password; its id."""
    user = {
        "username": username,
        "enabled": True,
        "email": f"{username}@foo.com",
        "firstName": "foo",
        "lastName": "bar",
        "credentials": [{"type": "password", "value": "password"}],
    }
    return await create(env, "/users", user)


async def store(env: Env, realm_id: str, *events_: tuple[str, int, str | None]) -> None:
    """``provider.onEvent(adminEvent, includeRepresentation)``: (operation, time, representation) written straight
    into the store."""
    async with env.db.transaction() as tx:
        for operation, time, representation in events_:
            event = AdminEvent(
                id=str(uuid.uuid4()),
                realm_id=realm_id,
                time=time,
                operation_type=operation,
                resource_type="USER",
                resource_path=None,
                auth_realm_id="",
                auth_client_id="",
                auth_user_id="",
                auth_ip_address="",
                representation=representation,
            )
            await tx.admin_events.add(event)


def assert_success(event: dict[str, Any], operation: str, resource_type: str | None = None) -> None:
    """``AdminEventAssertion.assertSuccess``: no error, then the operation (and resource type) asked for."""
    assert "error" not in event, event
    assert event["operationType"] == operation, event
    if resource_type is not None:
        assert event["resourceType"] == resource_type, event


async def test_clear_admin_events_test(env: Env, realm_id: str) -> None:
    await create_user(env, "user0")
    assert len(await events(env)) == 1
    await clear_events(env)
    assert await events(env) == []


async def test_admin_event_attribute_test(env: Env, realm_id: str) -> None:
    await create_user(env, "user5")
    (event,) = await events(env)
    assert_success(event, "CREATE")
    assert event["time"] > 0
    assert event["realmId"] == realm_id
    assert event["resourcePath"]
    details = event["authDetails"]
    assert details["realmId"] == await master_id(env)
    assert details["clientId"] and details["userId"] and details["ipAddress"]


async def test_event_details(env: Env, realm_id: str) -> None:
    """AdminEventTest#testEventDetails: an organization membership's CREATE event carries the member's username
    and e-mail as ``details`` (OrganizationMemberResource.addMember's ``.detail(...)``), also with the realm not
    keeping representations; the other three events have none."""
    user_id = await create_user(env, "user5")
    user = await get(env, f"/users/{user_id}")
    await update_realm(env, organizationsEnabled=True)
    org = {"name": "test-org", "alias": "test-org", "domains": [{"name": "test-org"}]}
    org_id = await create(env, "/organizations", org)
    response = await call(env, "POST", f"/organizations/{org_id}/members", user_id)
    assert response.status_code == 201, response.text

    found = await events(env)
    assert len(found) == 4
    event = found[0]
    assert_success(event, "CREATE", "ORGANIZATION_MEMBERSHIP")
    assert event["realmId"] == realm_id
    assert event["details"] == {"username": user["username"], "email": user["email"]}
    assert all("details" not in other for other in found[1:])


async def test_retrieve_admin_event_test(env: Env, realm_id: str) -> None:
    await create_user(env, "user1")
    (event,) = await events(env)
    assert_success(event, "CREATE")
    assert event["realmId"] == realm_id
    assert event["authDetails"]["realmId"] == await master_id(env)
    assert "representation" not in event  # AdminEventRealmConfig: adminEventsDetailsEnabled false


async def test_get_representation(env: Env, realm_id: str) -> None:
    await update_realm(env, adminEventsDetailsEnabled=True)
    await create_user(env, "user2")
    event = next(e for e in await events(env) if e["operationType"] == "CREATE")
    assert "foo" in event["representation"] and "bar" in event["representation"]


async def test_filter_admin_events(env: Env, realm_id: str) -> None:
    await create_user(env, "user3")  # two CREATE and one UPDATE
    await create_user(env, "user4")
    await update_realm(env, displayName="Fury Road")
    assert len(await events(env)) == 3
    assert len(await events(env, operationTypes=["CREATE"])) == 2


async def test_default_max_results(env: Env, realm_id: str) -> None:
    await store(env, realm_id, *[("CREATE", 0, None)] * 110)
    assert len(await events(env)) == 100
    assert len(await events(env, first=0, max=105)) == 105
    assert len(await events(env, first=0, max=1000)) == 110


async def test_admin_event_representation_lenght(env: Env, realm_id: str) -> None:
    long_value = "".join(secrets.choice(string.ascii_letters + string.digits) for _ in range(30000))
    await store(env, realm_id, ("CREATE", 0, long_value))
    (event,) = await events(env)
    assert event["representation"] == long_value


async def test_order_results_test(env: Env, realm_id: str) -> None:
    now = env.clock.now() * 1000
    await store(env, realm_id, ("CREATE", now - 1000, None), ("DELETE", now, None))
    assert [e["operationType"] for e in await events(env, direction="desc")] == ["DELETE", "CREATE"]
    assert [e["operationType"] for e in await events(env, direction="asc")] == ["CREATE", "DELETE"]


async def test_filter_by_epoch_time_stamp(env: Env, realm_id: str) -> None:
    now = env.clock.now() * 1000
    offsets = (-2 * DAY_MS, -1000, 0, 1000, 2 * DAY_MS)
    await store(env, realm_id, *[("CREATE", now + offset, None) for offset in offsets])
    assert len(await events(env)) == 5
    assert len(await events(env, dateFrom=now, dateTo=now)) == 1
    assert len(await events(env, dateFrom=now - 1000, dateTo=now + 1000)) == 3

    def day(ms: int) -> str:
        return datetime.datetime.fromtimestamp(ms / 1000, datetime.UTC).date().isoformat()

    assert len(await events(env, dateFrom=day(now - 1000), dateTo=day(now + 1000))) == 3


async def check_update_realm_events_config_event(env: Env, realm_id: str, size: int) -> None:
    found = await events(env)
    assert len(found) == size
    event = found[0]
    assert_success(event, "UPDATE")
    assert event["resourcePath"] == "events/config"
    assert event["realmId"] == realm_id
    assert event["authDetails"]["realmId"] == await master_id(env)
    assert event["representation"]


async def update_events_config(env: Env, config: dict[str, Any]) -> dict[str, Any]:
    await put(env, "/events/config", config)
    updated: dict[str, Any] = await get(env, "/events/config")
    return updated


async def test_update_realm_events_config(env: Env, realm_id: str) -> None:
    config: dict[str, Any] = await get(env, "/events/config")
    config = await update_events_config(env, {**config, "adminEventsDetailsEnabled": True, "adminEventsEnabled": True})
    await check_update_realm_events_config_event(env, realm_id, 1)
    config = await update_events_config(env, {**config, "eventsEnabled": True})  # any other change is recorded too
    await check_update_realm_events_config_event(env, realm_id, 2)
    config = await update_events_config(env, {**config, "adminEventsEnabled": False})  # so is turning them off
    await check_update_realm_events_config_event(env, realm_id, 3)
    config = await update_events_config(env, {**config, "adminEventsDetailsEnabled": False})  # but nothing after
    assert len(await events(env)) == 3


@pytest.fixture
async def master_admin_events(env: Env) -> AsyncIterator[str]:
    """Admin events of ``master`` recorded with details for the test, then as they were; master's id."""
    headers = await admin_headers(env)
    before = (await env.http.get(f"{MASTER}/events/config", headers=headers)).json()
    config = {**before, "adminEventsEnabled": True, "adminEventsDetailsEnabled": True}
    assert (await env.http.put(f"{MASTER}/events/config", json=config, headers=headers)).status_code == 204
    assert (await env.http.delete(f"{MASTER}/admin-events", headers=headers)).status_code == 204
    try:
        yield await master_id(env)
    finally:
        headers = await admin_headers(env)
        assert (await env.http.put(f"{MASTER}/events/config", json=before, headers=headers)).status_code == 204
        assert (await env.http.delete(f"{MASTER}/admin-events", headers=headers)).status_code == 204


async def test_create_and_delete_realm(env: Env, realm_id: str, master_admin_events: str) -> None:
    headers = await admin_headers(env)
    created = await env.http.post("/admin/realms", json={"id": "test-realm", "realm": "test-realm"}, headers=headers)
    assert created.status_code == 201, created.text
    assert (await env.http.delete("/admin/realms/test-realm", headers=headers)).status_code == 204
    response = await env.http.get(f"{MASTER}/admin-events", headers=headers)
    deleted, create_event = response.json()
    assert_success(create_event, "CREATE", "REALM")
    assert create_event["resourcePath"] == "test-realm"
    assert create_event["realmId"] == master_admin_events
    assert create_event["representation"]
    assert_success(deleted, "DELETE", "REALM")
    assert deleted["resourcePath"] == "test-realm"
    assert deleted["realmId"] == master_admin_events


async def test_strip_out_user_sensitive_data(env: Env, realm_id: str) -> None:
    await update_realm(env, adminEventsDetailsEnabled=True, adminEventsEnabled=True)
    user_id = await create_user(env, "sensitive")
    assert "credentials" not in json.loads((await events(env))[0]["representation"])
    rep = await get(env, f"/users/{user_id}")
    rep["credentials"] = [{"type": "password", "value": "password", "temporary": False}]
    response = await call(env, "PUT", f"/users/{user_id}", rep)
    assert response.status_code == 204, response.text
    assert "credentials" not in json.loads((await events(env))[0]["representation"])
