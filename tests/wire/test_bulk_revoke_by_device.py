"""Bulk revocation by device label: ``deviceLabel`` in ``POST /admin/realms/{r}/offline-sessions/revoke``
matches the stored label exactly but in any case (docs/offline-devices.md, docs/bulk-revocation.md)."""

from __future__ import annotations

from typing import Any

import pytest

from support import claims, password_grant, refresh, seed_client, seed_realm, seed_user
from wire_env import Env

pytestmark = pytest.mark.anyio

URL = "/admin/realms/test/offline-sessions/revoke"
CHROME = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36"
)


async def _setup(env: Env) -> dict[str, str]:
    await seed_realm(env.db, env.clock)
    await seed_client(env.db, "test", "app")
    await seed_user(env.db, env.clock, "test", "alice")
    await seed_user(env.db, env.clock, "test", "bob")
    return await env.admin_headers()


async def _login(env: Env, user: str, label: str | None = None, agent: str = "") -> str:
    extra = {"device_label": label} if label is not None else {}
    env.http.headers["User-Agent"] = agent or "python-httpx"
    try:
        response = await password_grant(env.http, "test", "app", user, scope="openid offline_access", **extra)
    finally:
        del env.http.headers["User-Agent"]
    assert response.status_code == 200, response.text
    token: str = response.json()["refresh_token"]
    return token


async def _post(env: Env, headers: dict[str, str], body: Any, status: int = 200) -> dict[str, Any]:
    response = await env.http.post(URL, json=body, headers=headers)
    assert response.status_code == status, response.text
    answer: dict[str, Any] = response.json()
    return answer


async def test_a_device_label_matches_in_any_case_but_not_as_a_part(env: Env) -> None:
    headers = await _setup(env)
    kiosk = [await _login(env, "alice", "Lobby Kiosk"), await _login(env, "bob", "lobby kiosk")]
    others = [await _login(env, "alice", "Lobby Kiosk 2"), await _login(env, "bob", "Kiosk")]

    preview = await _post(env, headers, {"deviceLabel": "LOBBY KIOSK", "dryRun": True})
    assert preview["count"] == 2
    assert {s["deviceLabel"] for s in preview["sample"]} == {"Lobby Kiosk", "lobby kiosk"}
    assert await _post(env, headers, {"deviceLabel": "  lobby   KIOSK "}) == {"count": 2}
    for token in kiosk:
        assert (await refresh(env.http, "test", "app", token)).status_code == 400
    for token in others:
        assert (await refresh(env.http, "test", "app", token)).status_code == 200
    assert await _post(env, headers, {"deviceLabel": "lobby kiosk"}) == {"count": 0}


async def test_a_label_made_from_the_user_agent_is_matched_too_and_combines_with_other_criteria(env: Env) -> None:
    headers = await _setup(env)
    alice = await _login(env, "alice", agent=CHROME)
    bob = await _login(env, "bob", agent=CHROME)
    body = {"deviceLabel": "chrome/120.0.0 on windows 10", "username": "alice"}  # ua-parser: major.minor.patch
    assert await _post(env, headers, body) == {"count": 1}
    assert (await refresh(env.http, "test", "app", alice)).status_code == 400
    assert (await refresh(env.http, "test", "app", bob)).status_code == 200
    assert claims(bob)["typ"] == "Offline"


@pytest.mark.parametrize("label", ["", "   ", "\x07", 7, "x" * 256])
async def test_a_device_label_that_cannot_match_is_refused(env: Env, label: object) -> None:
    headers = await _setup(env)
    answer = await _post(env, headers, {"deviceLabel": label}, status=400)
    assert answer == {"error": "deviceLabel must be a non-empty string"}
