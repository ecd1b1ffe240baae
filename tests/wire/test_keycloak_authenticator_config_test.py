"""Keycloak's AuthenticatorConfigTest (tests/base/.../admin/authentication/), over HTTP as master's admin against
realm ``test`` (admin events on). Its @Before makes flow ``firstBrokerLogin2`` with a Create User If Unique
execution, whose configs every test makes. Every @Test method is ported."""

from __future__ import annotations

import pytest

from auth_flow_port import auth, by_provider, create_flow, executions, new_flow, setup
from role_port import assert_event, clear_events
from wire_env import Env

pytestmark = pytest.mark.anyio
KEY = "require.password.update.after.registration"  # IdpCreateUserIfUniqueAuthenticatorFactory


async def _before(env: Env) -> tuple[str, str]:
    realm_id = await setup(env)
    await create_flow(env, new_flow("firstBrokerLogin2", "firstBrokerLogin2", "basic-flow", True, False))
    added = await auth(
        env, "POST", "/flows/firstBrokerLogin2/executions/execution", {"provider": "idp-create-user-if-unique"}
    )
    assert added.status_code == 201, added.text
    row = by_provider(await executions(env, "firstBrokerLogin2"), "idp-create-user-if-unique")
    assert row is not None
    await clear_events(env)
    return realm_id, str(row["id"])


async def _create(env: Env, realm_id: str, execution_id: str, alias: str = "foo") -> str:
    cfg = {"alias": alias, "config": {KEY: "true"}}
    made = await auth(env, "POST", f"/executions/{execution_id}/config", cfg)
    assert made.status_code == 201, made.text
    await assert_event(
        env, realm_id, "CREATE", f"authentication/executions/{execution_id}/config", "AUTHENTICATOR_CONFIG", cfg
    )
    return str(made.headers["location"]).rsplit("/", 1)[-1]


async def test_create_config_with_reserved_char(env: Env) -> None:
    _, execution_id = await _before(env)
    refused = await auth(env, "POST", f"/executions/{execution_id}/config", {"alias": "f!oo", "config": {KEY: "true"}})
    assert (refused.status_code, refused.json()) == (400, {"error": "Character '!' not allowed."})


async def test_create_config(env: Env) -> None:
    realm_id, execution_id = await _before(env)
    missing = await auth(env, "POST", "/executions/exec-id-doesnt-exists/config", {"alias": "foo", "config": {}})
    assert (missing.status_code, missing.json()) == (404, {"error": "Illegal execution"})
    config_id = await _create(env, realm_id, execution_id)
    found = (await auth(env, "GET", f"/config/{config_id}")).json()
    assert found == {"id": config_id, "alias": "foo", "config": {KEY: "true"}}
    assert (await auth(env, "DELETE", f"/config/{config_id}")).status_code == 204
    await assert_event(env, realm_id, "DELETE", f"authentication/config/{config_id}", "AUTHENTICATOR_CONFIG")


async def test_update_config_with_bad_char(env: Env) -> None:
    realm_id, execution_id = await _before(env)
    config_id = await _create(env, realm_id, execution_id)
    rep = (await auth(env, "GET", f"/config/{config_id}")).json()
    rep["alias"] = "Bad@Char"
    refused = await auth(env, "PUT", f"/config/{config_id}", rep)
    assert (refused.status_code, refused.json()) == (400, {"error": "Character '@' not allowed."})


async def test_update_config(env: Env) -> None:
    realm_id, execution_id = await _before(env)
    config_id = await _create(env, realm_id, execution_id)
    rep = (await auth(env, "GET", f"/config/{config_id}")).json()
    missing = await auth(env, "PUT", "/config/not-existent", rep)
    assert (missing.status_code, missing.json()) == (404, {"error": "Could not find authenticator config"})
    assert (await auth(env, "GET", f"/config/{config_id}")).json() == rep
    rep["alias"] = "foo2"
    rep["config"]["configKey2"] = "configValue2"
    assert (await auth(env, "PUT", f"/config/{config_id}", rep)).status_code == 204
    await assert_event(env, realm_id, "UPDATE", f"authentication/config/{config_id}", "AUTHENTICATOR_CONFIG", rep)
    assert (await auth(env, "GET", f"/config/{config_id}")).json() == {
        "id": config_id,
        "alias": "foo2",
        "config": {KEY: "true", "configKey2": "configValue2"},
    }


async def test_remove_config(env: Env) -> None:
    realm_id, execution_id = await _before(env)
    config_id = await _create(env, realm_id, execution_id)
    row = by_provider(await executions(env, "firstBrokerLogin2"), "idp-create-user-if-unique")
    assert row is not None and row["authenticationConfig"] == config_id
    assert (await auth(env, "DELETE", "/config/not-existent")).status_code == 404
    assert (await auth(env, "DELETE", f"/config/{config_id}")).status_code == 204
    await assert_event(env, realm_id, "DELETE", f"authentication/config/{config_id}", "AUTHENTICATOR_CONFIG")
    assert (await auth(env, "GET", f"/config/{config_id}")).status_code == 404
    row = by_provider(await executions(env, "firstBrokerLogin2"), "idp-create-user-if-unique")
    assert row is not None and "authenticationConfig" not in row


async def test_nullsafety_iteration_over_properties(env: Env) -> None:
    await _before(env)
    description = (await auth(env, "GET", "/config-description/auth-cookie")).json()
    assert description["name"] == "Cookie" and description["properties"] == []
