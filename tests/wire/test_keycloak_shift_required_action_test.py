"""Keycloak's ShiftRequiredActionTest (tests/base/.../tests/admin/authentication/), its one method over HTTP as
master's admin against realm ``test`` (imported with admin events on, as AbstractAuthenticationTest's realm)."""

from __future__ import annotations

from typing import Any

import pytest

from realm_port import admin, managed_realm
from role_port import assert_event
from wire_env import Env

pytestmark = pytest.mark.anyio

AUTH = "/test/authentication"


async def _aliases(env: Env) -> list[str]:
    response = await admin(env, "GET", AUTH + "/required-actions")
    assert response.status_code == 200, response.text
    listed: list[dict[str, Any]] = response.json()
    return [action["alias"] for action in listed]


async def _post(env: Env, path: str) -> int:
    return (await admin(env, "POST", AUTH + path)).status_code


async def test_shift_required_action(env: Env) -> None:
    """testShiftRequiredAction: the last action raised above the one before it (an UPDATE of the
    REQUIRED_ACTION), then that one lowered back; unknown ids are 404s (the first through the execution
    resource's raise-priority, as the Java test calls ``raisePriority``)."""
    realm_id = await managed_realm(env)
    before = await _aliases(env)
    last, one_but_last = before[-1], before[-2]

    assert await _post(env, "/executions/not-existent/raise-priority") == 404

    assert await _post(env, f"/required-actions/{last}/raise-priority") == 204
    await assert_event(
        env, realm_id, "UPDATE", f"authentication/required-actions/{last}/raise-priority", "REQUIRED_ACTION"
    )
    shifted = await _aliases(env)
    assert shifted[-2] == last, "Required action shifted up - N"
    assert shifted[-1] == one_but_last, "Required action up - N-1"

    assert await _post(env, "/required-actions/not-existent/lower-priority") == 404

    assert await _post(env, f"/required-actions/{last}/lower-priority") == 204
    await assert_event(
        env, realm_id, "UPDATE", f"authentication/required-actions/{last}/lower-priority", "REQUIRED_ACTION"
    )
    back = await _aliases(env)
    assert back[-1] == last, "Required action shifted down - N"
    assert back[-2] == one_but_last, "Required action shifted down - N-1"
