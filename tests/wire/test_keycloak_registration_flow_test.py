"""Keycloak's RegistrationFlowTest (tests/base/.../admin/authentication/), over HTTP as master's admin against realm
``test`` (admin events on). Its one @Test method is ported. The Java test adds ``registration-profile-action``, a
form action Keycloak 26 no longer deploys (its checks moved into ``registration-user-creation``, the form action
Keycloak 26's registration form runs); the port adds that one instead: refused under the top-level (basic) flow,
accepted under the form flow.
"""

from __future__ import annotations

import pytest

from auth_flow_port import auth, create_flow, executions, new_flow, setup
from role_port import assert_event, clear_events
from wire_env import Env

pytestmark = pytest.mark.anyio


async def test_add_execution(env: Env) -> None:
    realm_id = await setup(env)
    await create_flow(env, new_flow("registration2", "RegistrationFlow2", "basic-flow", True, False))
    await clear_events(env)
    data = {
        "alias": "registrationForm2",
        "type": "form-flow",
        "description": "registrationForm2 flow",
        "provider": "registration-page-form",
    }
    added = await auth(env, "POST", "/flows/registration2/executions/flow", data)
    assert added.status_code == 201, added.text
    await assert_event(
        env, realm_id, "CREATE", "authentication/flows/registration2/executions/flow", "AUTH_EXECUTION_FLOW", data
    )

    data2 = {"provider": "registration-user-creation"}
    refused = await auth(env, "POST", "/flows/registration2/executions/execution", data2)
    assert (refused.status_code, refused.json()) == (
        400,
        {"error": "No authentication provider found for id: registration-user-creation"},
    )
    accepted = await auth(env, "POST", "/flows/registrationForm2/executions/execution", data2)
    assert accepted.status_code == 201, accepted.text
    await assert_event(
        env, realm_id, "CREATE", "authentication/flows/registrationForm2/executions/execution", "AUTH_EXECUTION", data2
    )
    rows = await executions(env, "registration2")
    assert [(r["displayName"], r["level"], r.get("providerId")) for r in rows] == [
        ("registrationForm2", 0, "registration-page-form"),
        ("Registration User Profile Creation", 1, "registration-user-creation"),
    ]
    assert rows[1]["requirement"] == "DISABLED"  # two choices (REQUIRED, DISABLED): DISABLED
