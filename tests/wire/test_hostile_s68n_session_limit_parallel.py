"""Hostile: the User Session Count Limiter of session 68 against parallel logins. Eight password grants at once
(three clients) under a realm limit of two: with ``Deny new session`` at most two are admitted and the user holds
at most two sessions; with ``Terminate oldest session`` every grant is admitted and the user still ends with two
(the realm limit ending the grant client's sessions first, as the change has it, races no count)."""

from __future__ import annotations

import anyio
import pytest

import session_limits_port
from session_limits_port import DENY, DIRECT, TERMINATE, configure, password_grant, sessions
from wire_env import Env

pytestmark = pytest.mark.anyio
anyio_backend, shared_env, imported, kc, otp_realm, otp_users, limited = session_limits_port.FIXTURES

CLIENTS = ("direct-grant-1", "direct-grant-2", "direct-grant-3") * 3


async def _at_once(env: Env) -> list[int]:
    statuses: list[int] = []

    async def one(client_id: str) -> None:
        statuses.append((await password_grant(env, client_id)).status_code)

    async with anyio.create_task_group() as group:
        for client_id in CLIENTS[:8]:
            group.start_soon(one, client_id)
    return statuses


@pytest.mark.parametrize("behavior", [DENY, TERMINATE])
async def test_parallel_grants_hold_the_realm_limit(limited: Env, behavior: str) -> None:
    await configure(limited, DIRECT, behavior=behavior, userRealmLimit="2", userClientLimit="0")
    statuses = await _at_once(limited)
    assert all(s in (200, 403) for s in statuses), statuses
    if behavior == DENY:
        assert statuses.count(200) == 2, statuses
    else:
        assert statuses.count(200) == 8, statuses
    assert len(await sessions(limited)) <= 2
