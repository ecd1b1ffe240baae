"""Keycloak's UserEventsTest (testsuite/.../events/) over HTTP.

The Java class counts the pre and post events of the preview USER_EVENT_SPI through the testsuite's own
TestingResource (``getUserPreEvent``, ``getUserPostEvent``), which no client of a server reaches, and
featureDisabled switches that preview feature off; Doorkeep has no such SPI. What a client sees of the same two
creations is ported: the admin's creation is one CREATE ``USER`` admin event on ``users/<id>`` carrying the
representation (RealmAdminResource's AdminEventBuilder for UsersResource.createUser), and the self-registration is
one REGISTER event of the new user with its username and e-mail (RegistrationUserCreation.success). The user is
the class's ``joneill`` (Jack O'Neill, ``joneill@sgc.gov``), the password ``pwd`` as registerPage types it.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import pytest

from group_port import fresh_realm
from keycloak_port import get, poll
from register_port import is_register_page, open_register, realm_rep, register
from role_port import call, clear_events
from wire_env import Env

pytestmark = pytest.mark.anyio

CREATE_USER = {"username": "joneill", "firstName": "Jack", "lastName": "O'Neill", "email": "joneill@sgc.gov"}


@pytest.fixture
async def events_realm(env: Env) -> AsyncIterator[Env]:
    """The class's realm: registration allowed, login and admin events (with representations) kept."""
    env.http.cookies.clear()
    await fresh_realm(env, realm_rep(adminEventsEnabled=True, adminEventsDetailsEnabled=True))
    await poll(env)
    yield env
    env.http.cookies.clear()


async def admin_events(env: Env) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = await get(env, "/admin-events", max=100)
    return found


async def test_admin_creates(events_realm: Env) -> None:
    """UserEventsTest#adminCreates: one creation event, for ``joneill``, with no previous representation (also
    UserGroupMembershipTest#verifyCreateUser's CREATE event with the representation)."""
    env = events_realm
    created = await call(env, "POST", "/users", CREATE_USER)
    assert created.status_code == 201, created.text
    user_id = str(created.headers["location"]).rsplit("/", 1)[-1]
    (event,) = await admin_events(env)
    assert (event["operationType"], event["resourceType"], event["resourcePath"]) == (
        "CREATE",
        "USER",
        f"users/{user_id}",
    )
    assert json.loads(event["representation"])["username"] == CREATE_USER["username"]
    assert await poll(env) == []


async def test_user_self_registers(events_realm: Env) -> None:
    """UserEventsTest#userSelfRegisters: the registration is one REGISTER event of the new user (then the LOGIN
    the registration ends in, as Keycloak's RegisterTest asserts), and no admin event."""
    env = events_realm
    page = await open_register(env)
    await clear_events(env)
    answer = await register(env, page, "Jack", "O'Neill", "joneill@sgc.gov", "joneill", "pwd", "pwd")
    assert answer.status_code == 302 and not is_register_page(answer), answer.text[:600]
    event, login = await poll(env)
    assert (event["type"], event["clientId"]) == ("REGISTER", "test-app")
    assert (login["type"], login["userId"]) == ("LOGIN", event["userId"])
    assert (event["details"]["username"], event["details"]["email"]) == ("joneill", "joneill@sgc.gov")
    (user,) = await get(env, "/users", username="joneill", exact="true")
    assert event["userId"] == user["id"]
    assert await admin_events(env) == []
