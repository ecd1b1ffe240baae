"""AuthenticationManagementResource.newExecutionConfig as Keycloak's newest source has it (the version whose
config replacement AuthenticatorConfigTest asserts): a missing or empty alias is a 409 "Failed to create
authentication execution configuration with empty alias name", refused before the execution is looked up (the older
"Alias missing" 400)."""

from __future__ import annotations

import pytest

from auth_flow_port import auth, create_flow, executions, new_flow, setup
from wire_env import Env

pytestmark = pytest.mark.anyio

EMPTY = "Failed to create authentication execution configuration with empty alias name"


@pytest.mark.parametrize("body", [{}, {"alias": ""}, {"alias": None, "config": {"a": "b"}}])
async def test_config_without_an_alias_is_a_conflict(env: Env, body: dict[str, object]) -> None:
    await setup(env)
    await create_flow(env, new_flow("cfg-flow", "a flow", "basic-flow", True, False))
    added = await auth(env, "POST", "/flows/cfg-flow/executions/execution", {"provider": "auth-otp-form"})
    assert added.status_code == 201, added.text
    [row] = await executions(env, "cfg-flow")
    for execution in (row["id"], "no-such-execution"):  # refused before the execution is looked up
        refused = await auth(env, "POST", f"/executions/{execution}/config", body)
        assert (refused.status_code, refused.json()) == (409, {"errorMessage": EMPTY}), refused.text
