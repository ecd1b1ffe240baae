"""Keycloak's ShiftExecutionTest (tests/base/.../tests/admin/authentication/), over HTTP as master's admin against
realm ``test`` (imported with admin events on, as AbstractAuthenticationTest's realm).

Not ported: testShiftExecution, which copies the built-in ``browser`` flow and moves executions of the copy.
Doorkeep's flows are Keycloak's built-in set and read-only (``POST flows/{alias}/copy`` is a deliberate 501,
web/admin/auth_flows.py), so there is no flow whose executions may move.
"""

from __future__ import annotations

from typing import Any

import pytest

from realm_port import admin, managed_realm
from role_port import poll_events
from wire_env import Env

pytestmark = pytest.mark.anyio

AUTH = "/test/authentication"
BUILT_IN = {"error": "It is illegal to modify execution in a built in flow"}


async def test_builtin_shift_not_allowed(env: Env) -> None:
    """testBuiltinShiftNotAllowed: raising the last execution of ``browser`` and lowering the one before it are
    BadRequestExceptions; nothing is recorded."""
    await managed_realm(env)
    listed = await admin(env, "GET", AUTH + "/flows/browser/executions")
    assert listed.status_code == 200, listed.text
    executions: list[dict[str, Any]] = listed.json()
    last, one_but_last = executions[-1]["id"], executions[-2]["id"]

    raised = await admin(env, "POST", f"{AUTH}/executions/{last}/raise-priority")
    assert (raised.status_code, raised.json()) == (400, BUILT_IN)
    lowered = await admin(env, "POST", f"{AUTH}/executions/{one_but_last}/lower-priority")
    assert (lowered.status_code, lowered.json()) == (400, BUILT_IN)
    assert await poll_events(env) == []
    assert [e["id"] for e in (await admin(env, "GET", AUTH + "/flows/browser/executions")).json()] == [
        e["id"] for e in executions
    ]
