"""Keycloak's EventConfigTest (tests/base/.../tests/admin/event/EventConfigTest.java, formerly
testsuite/integration-arquillian/.../admin/event/EventConfigTest.java), ported one method to one test over HTTP:
``GET events/config`` after the realm's event settings are changed through the realm representation
(``managedRealm.updateWithCleanup``: a realm PUT), against a realm ``test`` with events and admin events on
(EventConfigRealmConfig), imported anew for each test on the module's one app.

The config's own PUT (round trip, kept lists, unknown listeners) is in test_events.py, RealmTest's
``updateRealmEventsConfig`` in test_keycloak_realm_test.py and AdminEventTest's in
test_keycloak_admin_event_test.py.
"""

from __future__ import annotations

from typing import Any

import pytest

import group_port
from group_port import fresh_realm
from keycloak_port import get, update_realm
from wire_env import Env

pytestmark = pytest.mark.anyio
# One app for the module (group_port.shared_env), each test on a realm ``test`` imported anew.
anyio_backend, shared_env, env = group_port.anyio_backend, group_port.shared_env, group_port.env

TEST_REALM = {"realm": "test", "enabled": True, "eventsEnabled": True, "adminEventsEnabled": True}


@pytest.fixture
async def config_rep(env: Env) -> dict[str, Any]:
    """``setConfigRep``: the realm as EventConfigRealmConfig makes it; its events config."""
    await fresh_realm(env, TEST_REALM)
    return await events_config(env)


async def events_config(env: Env) -> dict[str, Any]:
    """``configRealm.admin().getRealmEventsConfig()``."""
    config: dict[str, Any] = await get(env, "/events/config")
    return config


async def test_default_event_config_test(env: Env, config_rep: dict[str, Any]) -> None:
    await update_realm(env, eventsEnabled=False, adminEventsEnabled=False)
    config = await events_config(env)
    assert config["adminEventsDetailsEnabled"] is False
    assert config["adminEventsEnabled"] is False
    assert config["eventsEnabled"] is False
    assert config["eventsListeners"] == ["jboss-logging"]


async def test_enable_events_test(env: Env, config_rep: dict[str, Any]) -> None:
    assert config_rep["eventsEnabled"] is True
    assert config_rep["adminEventsEnabled"] is True


async def test_add_remove_listener_test(env: Env, config_rep: dict[str, Any]) -> None:
    await update_realm(env, eventsEnabled=False, adminEventsEnabled=False, eventsListeners=[])
    assert (await events_config(env))["eventsListeners"] == []
    await update_realm(env, eventsListeners=["email"])
    assert (await events_config(env))["eventsListeners"] == ["email"]


async def test_login_event_settings_test(env: Env, config_rep: dict[str, Any]) -> None:
    for kind in ("LOGIN", "LOGOUT", "CLIENT_DELETE_ERROR"):
        assert kind in config_rep["enabledEventTypes"], kind
    default_event_count = len(config_rep["enabledEventTypes"])
    # RealmConfigBuilder.enabledEventTypes adds to the representation's list, which names no type yet
    assert (await get(env, ""))["enabledEventTypes"] == []
    await update_realm(env, enabledEventTypes=["CLIENT_DELETE", "CLIENT_DELETE_ERROR"])
    assert len((await events_config(env))["enabledEventTypes"]) == 2
    await update_realm(env, enabledEventTypes=[])  # removing all event types restores the default ones
    assert len((await events_config(env))["enabledEventTypes"]) == default_event_count


async def test_include_representation_test(env: Env, config_rep: dict[str, Any]) -> None:
    assert config_rep["adminEventsEnabled"] is True
    assert config_rep["adminEventsDetailsEnabled"] is False
    await update_realm(env, adminEventsDetailsEnabled=True)
    assert (await events_config(env))["adminEventsDetailsEnabled"] is True


async def test_set_login_event_expiration_test(env: Env, config_rep: dict[str, Any]) -> None:
    assert "eventsExpiration" not in config_rep  # null: Keycloak's JSON leaves it out
    one_hour = 3600
    await update_realm(env, eventsExpiration=one_hour)
    assert (await events_config(env))["eventsExpiration"] == one_hour
