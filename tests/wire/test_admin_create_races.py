"""Two admins creating the same thing at once: one is created, the other answers Keycloak's 409, never a 500
(on PostgreSQL the second transaction meets the first's row only at its unique index)."""

from __future__ import annotations

import asyncio

import pytest

from wire_env import Env

pytestmark = pytest.mark.anyio


async def test_two_creations_of_one_realm_at_once_give_one_realm_and_a_409(env: Env) -> None:
    headers = await env.admin_headers()
    body = {"realm": "twice", "enabled": True, "users": [{"username": "someone", "enabled": True}]}
    answers = await asyncio.gather(*(env.http.post("/admin/realms", json=body, headers=headers) for _ in range(2)))
    assert sorted(a.status_code for a in answers) == [201, 409], [a.text for a in answers]
    assert (await env.http.get("/admin/realms/twice", headers=headers)).status_code == 200
