"""Keycloak's ShiftExecutionTest (tests/base/.../tests/admin/authentication/), over HTTP as master's admin against
realm ``test`` (imported with admin events on, as AbstractAuthenticationTest's realm).

Every @Test method is ported.
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


async def test_shift_execution(env: Env) -> None:
    """testShiftExecution: on a copy of ``browser``, the last execution raised and then lowered back, each an
    UPDATE AUTH_EXECUTION; raising the first one changes nothing and records nothing."""
    realm_id = await managed_realm(env)
    copied = await admin(env, "POST", AUTH + "/flows/browser/copy", {"newName": "Copy of browser"})
    assert copied.status_code == 201, copied.text
    await poll_events(env)
    before = (await admin(env, "GET", AUTH + "/flows/Copy of browser/executions")).json()
    top = [e for e in before if e["level"] == 0]
    last, one_but_last = top[-1], top[-2]

    raised = await admin(env, "POST", f"{AUTH}/executions/{last['id']}/raise-priority")
    assert raised.status_code == 204, raised.text
    events = await poll_events(env)
    assert [(e["operationType"], e["resourceType"], e["resourcePath"]) for e in events] == [
        ("UPDATE", "AUTH_EXECUTION", f"authentication/executions/{last['id']}/raise-priority")
    ]
    assert events[0]["realmId"] == realm_id
    after = [e for e in (await admin(env, "GET", AUTH + "/flows/Copy of browser/executions")).json() if e["level"] == 0]
    assert [e["id"] for e in after[-2:]] == [last["id"], one_but_last["id"]]

    lowered = await admin(env, "POST", f"{AUTH}/executions/{last['id']}/lower-priority")
    assert lowered.status_code == 204
    assert len(await poll_events(env)) == 1
    restored = [
        e for e in (await admin(env, "GET", AUTH + "/flows/Copy of browser/executions")).json() if e["level"] == 0
    ]
    assert [e["id"] for e in restored] == [e["id"] for e in top]

    first = await admin(env, "POST", f"{AUTH}/executions/{top[0]['id']}/raise-priority")
    assert first.status_code == 204 and await poll_events(env) == []
