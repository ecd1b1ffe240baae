"""Keycloak's ScriptBasedAuthenticatorTest (testsuite/integration-arquillian/tests/base/.../admin/authentication/),
its one method, over HTTP as master's admin against realm ``test``.

checkIfTurnedOffWithProductProfile copies ``browser`` to ``Copy-of-browser`` and adds an execution of provider
``auth-script-based``: a 400. Keycloak 26 has no such AuthenticatorFactory at all (JavaScript authenticators are
deployed JARs under the ``scripts`` feature, each named ``script-<file>``), so AuthenticationManagementResource
.addExecutionToFlow answers it as any unknown provider: ``{"error": "No authentication provider found for id:
auth-script-based"}``. Doorkeep runs no scripts, so a ``script-…`` id is unknown to it as well. Beyond the Java
assertion: the copy keeps its executions and no admin event is recorded for the refused write.
"""

from __future__ import annotations

import pytest

from auth_flow_port import auth, copy, executions, setup
from role_port import clear_events
from wire_env import Env

pytestmark = pytest.mark.anyio


@pytest.mark.parametrize("provider", ["auth-script-based", "script-authenticator-a.js", "script-"])
async def test_a_script_authenticator_cannot_be_added(env: Env, provider: str) -> None:
    await setup(env)
    assert (await copy(env, "browser", "Copy-of-browser")).status_code == 201
    before = await executions(env, "Copy-of-browser")
    await clear_events(env)
    response = await auth(env, "POST", "/flows/Copy-of-browser/executions/execution", {"provider": provider})
    assert (response.status_code, response.json()) == (
        400,
        {"error": f"No authentication provider found for id: {provider}"},
    )
    assert await executions(env, "Copy-of-browser") == before
    events = await env.http.get("/admin/realms/test/admin-events", headers=await env.admin_headers())
    assert events.status_code == 200 and events.json() == [], events.text
