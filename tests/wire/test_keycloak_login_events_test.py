"""Keycloak's LoginEventsTest (tests/base/.../tests/admin/event/LoginEventsTest.java, formerly
testsuite/integration-arquillian/.../admin/event/LoginEventsTest.java), ported one method to one test over HTTP:
``GET /admin/realms/{realm}/events`` and its filters (``type``, ``dateFrom``/``dateTo`` as epoch milliseconds and
as ``yyyy-MM-dd``, ``first``/``max``, ``direction``) and ``DELETE events``, against a realm ``test`` that keeps
events (LoginEventsRealmConfig) and is imported anew for each test on the module's one app.

The Java test's ``runOnServerClient`` writes events straight into the EventStoreProvider; here they are written
into Doorkeep's event store (``tx.events.add``). Its ``badLogin`` is ``oAuthClient.doLogin("bad", "user")``: the
browser login form posted with an unknown user.

Already covered elsewhere, and not repeated here: the filters by ``client``, ``user`` and ``ipAddress``, paging with
``first``, the 400s for malformed dates and unknown types, and the cleaner removing events older than
``eventsExpiration`` (Keycloak's ClearExpiredEvents; the Java ``eventExpirationTest`` is commented out) in
test_events.py; a ``direction`` other than ``asc``/``desc`` in test_admin_events_keycloak_parity.py.
"""

from __future__ import annotations

import datetime
import uuid
from typing import Any

import pytest

import group_port
from browser_flow import REDIRECT, start, submit
from doorkeep.model import Event
from group_port import fresh_realm
from keycloak_port import delete, get, update_realm
from wire_env import Env

pytestmark = pytest.mark.anyio
# One app for the module (group_port.shared_env), each test on a realm ``test`` imported anew.
anyio_backend, shared_env, env = group_port.anyio_backend, group_port.shared_env, group_port.env

DAY_MS = 24 * 3600 * 1000
TEST_REALM = {
    "realm": "test",
    "enabled": True,
    "eventsEnabled": True,  # LoginEventsRealmConfig
    "clients": [{"clientId": "test-app", "secret": "password", "redirectUris": [REDIRECT]}],
}


@pytest.fixture
async def realm_id(env: Env) -> str:
    """``init``: the realm as LoginEventsRealmConfig makes it, its events cleared; its id."""
    rid = await fresh_realm(env, TEST_REALM)
    await delete(env, "/events")
    return rid


async def events(env: Env, **params: Any) -> list[dict[str, Any]]:
    """``managedRealm.admin().getEvents(...)``: the admin client's parameters as query parameters."""
    found: list[dict[str, Any]] = await get(env, "/events", **params)
    return found


async def bad_login(env: Env) -> None:
    """``oAuthClient.doLogin("bad", "user")``: the login form refused for a user that does not exist."""
    page = await start(env.http, "test", "test-app")
    assert page.status_code == 200, page.text[:300]
    assert (await submit(env.http, page, username="bad", password="user")).status_code == 200


async def store(env: Env, realm_id: str, *kinds_and_times: tuple[str, int]) -> None:
    """``runOnServerClient.run(session -> provider.onEvent(event))``: events written straight into the store."""
    async with env.db.transaction() as tx:
        for kind, time in kinds_and_times:
            await tx.events.add(Event(id=str(uuid.uuid4()), realm_id=realm_id, time=time, type=kind))


async def test_event_attributes_test(env: Env, realm_id: str) -> None:
    await bad_login(env)
    (event,) = await events(env)
    assert str(uuid.UUID(event["id"])) == event["id"]  # EventMatchers.isUUID: UUID.fromString parses it
    assert event["time"] > 0
    assert event["ipAddress"]
    assert event["type"] == "LOGIN_ERROR"
    assert event["realmId"] == realm_id
    assert "userId" not in event  # no user for a bad login
    assert "sessionId" not in event  # no session for a bad login
    assert event["error"] == "user_not_found"
    details = event["details"]
    assert details["auth_method"] == "openid-connect"
    assert details["auth_type"] == "code"
    assert details["redirect_uri"]
    assert details["code_id"]
    assert details["username"] == "bad"


async def test_clear_events_test(env: Env, realm_id: str) -> None:
    assert await events(env) == []
    await bad_login(env)
    await bad_login(env)
    assert len(await events(env)) == 2
    await delete(env, "/events")
    assert await events(env) == []


async def test_logging_of_certain_type_test(env: Env, realm_id: str) -> None:
    assert await events(env) == []
    await update_realm(env, enabledEventTypes=["REVOKE_GRANT"])
    await bad_login(env)
    assert await events(env) == []
    await update_realm(env, enabledEventTypes=["LOGIN_ERROR"])
    await bad_login(env)
    assert len(await events(env)) == 1


async def test_filter_test(env: Env, realm_id: str) -> None:
    await bad_login(env)
    await bad_login(env)
    assert len(await events(env)) == 2
    assert await events(env, type=["REVOKE_GRANT"]) == []
    assert len(await events(env, type=["LOGIN_ERROR"])) == 2


async def test_default_max_results(env: Env, realm_id: str) -> None:
    await store(env, realm_id, *[("LOGIN", 0)] * 110)
    assert len(await events(env)) == 100
    assert len(await events(env, first=0, max=105)) == 105
    assert len(await events(env, first=0, max=1000)) >= 110


async def test_order_results_test(env: Env, realm_id: str) -> None:
    now = env.clock.now() * 1000
    await store(env, realm_id, ("LOGIN", now - 1000), ("LOGOUT", now))
    assert [e["type"] for e in await events(env, direction="desc")] == ["LOGOUT", "LOGIN"]
    assert [e["type"] for e in await events(env, direction="asc")] == ["LOGIN", "LOGOUT"]


async def test_filter_by_epoch_time_stamp(env: Env, realm_id: str) -> None:
    now = env.clock.now() * 1000
    offsets = (-2 * DAY_MS, -1000, 0, 1000, 2 * DAY_MS)
    await store(env, realm_id, *[("LOGIN", now + offset) for offset in offsets])
    assert len(await events(env)) == 5
    assert len(await events(env, dateFrom=now, dateTo=now)) == 1
    assert len(await events(env, dateFrom=now - 1000, dateTo=now + 1000)) == 3

    def day(ms: int) -> str:
        return datetime.datetime.fromtimestamp(ms / 1000, datetime.UTC).date().isoformat()

    assert len(await events(env, dateFrom=day(now - 1000), dateTo=day(now + 1000))) == 3


async def test_error_events_are_not_stored_when_disabled(env: Env, realm_id: str) -> None:
    await update_realm(env, eventsEnabled=False)
    await bad_login(env)
    assert await events(env) == []
