"""Keycloak 25+'s AuthenticationManagementResource (after keycloak#30225's OpenAPI work): ``PUT flows/{id}`` and
``PUT flows/{alias}/executions`` are void methods, so they answer 204 with no body (Keycloak 17-24 answered 202 with
the flow); ``POST executions/{id}/config`` refuses a missing or empty alias with 409 "Failed to create authentication
execution configuration with empty alias name" before it looks the execution up (an older "Alias missing" 400)."""

from __future__ import annotations

import pytest

from auth_flow_port import auth, create_flow, executions, flow_by_alias, new_flow, setup
from wire_env import Env

pytestmark = pytest.mark.anyio

EMPTY = "Failed to create authentication execution configuration with empty alias name"


async def test_flow_and_execution_updates_answer_204_without_a_body(env: Env) -> None:
    await setup(env)
    await create_flow(env, new_flow("void-flow", "a flow", "basic-flow", True, False))
    found = await flow_by_alias(env, "void-flow")
    assert found is not None
    renamed = await auth(env, "PUT", f"/flows/{found['id']}", {**found, "description": "renamed"})
    assert (renamed.status_code, renamed.content) == (204, b""), renamed.text
    assert (
        await auth(env, "POST", "/flows/void-flow/executions/execution", {"provider": "auth-cookie"})
    ).status_code == 201
    [row] = await executions(env, "void-flow")
    changed = await auth(env, "PUT", "/flows/void-flow/executions", {**row, "requirement": "ALTERNATIVE"})
    assert (changed.status_code, changed.content) == (204, b""), changed.text
    [after] = await executions(env, "void-flow")
    assert after["requirement"] == "ALTERNATIVE"
    same = await auth(env, "PUT", "/flows/void-flow/executions", after)  # nothing changes: still 204
    assert (same.status_code, same.content) == (204, b""), same.text


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
