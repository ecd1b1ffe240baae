"""What Keycloak's newest AuthenticatorConfigTest (tests/base/.../tests/admin/authentication/
AuthenticatorConfigTest.java, keycloak@5ffdbd9b) has that test_keycloak_authenticator_config_test.py, ported from
an older copy, does not: its @BeforeEach adds a second execution (Detect existing broker user) to
``firstBrokerLogin2``, and testDuplicateAuthenticatorConfigAlias. Over HTTP as master's admin against realm
``test`` (admin events on).

Not ported: testMissingConfig, which removes a config behind its execution's back with runOnServer (a state the
REST API cannot make: removing a config through it also unlinks it).
"""

from __future__ import annotations

import pytest

from auth_flow_port import auth, by_provider, create_flow, executions, new_flow, setup
from role_port import assert_event, clear_events
from wire_env import Env

pytestmark = pytest.mark.anyio


async def _before(env: Env) -> tuple[str, str, str]:
    """beforeConfigTest (newest): ``firstBrokerLogin2`` with Create User If Unique and Detect existing broker user;
    the realm's id and both executions' ids."""
    realm_id = await setup(env)
    await create_flow(env, new_flow("firstBrokerLogin2", "firstBrokerLogin2", "basic-flow", True, False))
    await clear_events(env)
    ids = []
    for provider in ("idp-create-user-if-unique", "idp-detect-existing-broker-user"):
        params = {"provider": provider}
        added = await auth(env, "POST", "/flows/firstBrokerLogin2/executions/execution", params)
        assert added.status_code == 201, added.text
        await assert_event(
            env,
            realm_id,
            "CREATE",
            "authentication/flows/firstBrokerLogin2/executions/execution",
            "AUTH_EXECUTION",
            params,
        )
        row = by_provider(await executions(env, "firstBrokerLogin2"), provider)
        assert row is not None
        ids.append(str(row["id"]))
    return realm_id, ids[0], ids[1]


async def _create(env: Env, realm_id: str, execution_id: str, alias: str) -> str:
    """createConfig: 201, the config's id, and a CREATE AUTHENTICATOR_CONFIG event with the body."""
    cfg = {"alias": alias, "config": {"key": "value"}}
    made = await auth(env, "POST", f"/executions/{execution_id}/config", cfg)
    assert made.status_code == 201, made.text
    await assert_event(
        env, realm_id, "CREATE", f"authentication/executions/{execution_id}/config", "AUTHENTICATOR_CONFIG", cfg
    )
    return str(made.headers["location"]).rsplit("/", 1)[-1]


async def _gone(env: Env, config_id: str) -> None:
    missing = await auth(env, "GET", f"/config/{config_id}")
    assert missing.status_code == 404, missing.text


async def test_duplicate_authenticator_config_alias(env: Env) -> None:
    """testDuplicateAuthenticatorConfigAlias: an alias another execution's config holds is a 409; a new config
    replaces (removes) the execution's previous one, even under the previous one's own alias; removing the
    execution removes its config."""
    realm_id, step1, step2 = await _before(env)
    config1 = await _create(env, realm_id, step1, "test-config-1")

    taken = await auth(env, "POST", f"/executions/{step2}/config", {"alias": "test-config-1", "config": {"key": "v"}})
    assert (taken.status_code, taken.json()) == (
        409,
        {"errorMessage": "Authentication execution configuration test-config-1 already exists"},
    )

    await _create(env, realm_id, step1, "test-config-2")
    tmp_config3 = await _create(env, realm_id, step1, "test-config-1-modified")
    await _gone(env, config1)

    config3 = await _create(env, realm_id, step1, "test-config-1-modified")
    await _gone(env, tmp_config3)

    removed = await auth(env, "DELETE", f"/executions/{step1}")
    assert removed.status_code == 204, removed.text
    await assert_event(env, realm_id, "DELETE", f"authentication/executions/{step1}", "AUTH_EXECUTION")
    await _gone(env, config3)
