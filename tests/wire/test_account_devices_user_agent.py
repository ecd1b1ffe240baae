"""``GET /account/sessions/devices`` from real User-Agents, as Keycloak 26's SessionResource.devices answers
them (SessionRestServiceTest.testGetDevicesSessions): ua-parser's os, version, device and browser, sessions
grouped by os + version, and ``mobile`` from the agent."""

from __future__ import annotations

from typing import Any

import pytest

from support import seed_client, seed_realm, seed_user
from wire_env import Env

pytestmark = pytest.mark.anyio

FEDORA = "Mozilla/5.0 (X11; Fedora; Linux x86_64; rv:15.0) Gecko/20100101 Firefox/15.0.1"
EDGE = (
    "Mozilla/5.0 (Windows Windows NT 10.0) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/39.0.2171.71 "
    "Safari/537.36 Edge/12.0"
)
SAFARI = "Mozilla/5.0 (Windows NT 10.0) AppleWebKit/537.36 (KHTML, like Gecko) Version/11.0 Safari/603.1.30"
IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 5_1_1 like Mac OS X) AppleWebKit/534.46 (KHTML, like Gecko) "
    "Version/5.1 Mobile/9B206 Safari/7534.48.3"
)


async def _login(env: Env, agent: str) -> str:
    response = await env.http.post(
        "/realms/test/protocol/openid-connect/token",
        headers={"User-Agent": agent},
        data={
            "grant_type": "password",
            "client_id": "app",
            "client_secret": "secret",
            "username": "user1",
            "password": "password",
        },
    )
    assert response.status_code == 200, response.text
    return str(response.json()["access_token"])


async def _devices(env: Env, token: str) -> list[dict[str, Any]]:
    response = await env.http.get("/realms/test/account/sessions/devices", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200, response.text
    devices: list[dict[str, Any]] = response.json()
    return devices


async def test_devices_are_parsed_and_grouped_as_keycloak_does(env: Env) -> None:
    await seed_realm(env.db, env.clock)
    await seed_client(env.db, "test", "app")
    await seed_user(env.db, env.clock, "test", "user1")
    for agent in (FEDORA, EDGE, SAFARI, IPHONE):
        token = await _login(env, agent)
    by_os = {d["os"]: d for d in await _devices(env, token)}
    assert set(by_os) == {"Fedora", "Windows", "iOS"}
    assert {k: by_os["iOS"][k] for k in ("osVersion", "device", "mobile", "current")} == {
        "osVersion": "5.1.1",
        "device": "iPhone",
        "mobile": True,
        "current": True,
    }
    assert [s["browser"] for s in by_os["iOS"]["sessions"]] == ["Mobile Safari/5.1"]
    windows = by_os["Windows"]
    assert (windows["osVersion"], windows["device"], windows["mobile"]) == ("10", "Other", False)
    assert sorted(s["browser"] for s in windows["sessions"]) == ["Edge/12.0", "Safari/11.0"]
    assert (by_os["Fedora"]["osVersion"], by_os["Fedora"]["mobile"]) == ("Unknown", False)
    assert [s["browser"] for s in by_os["Fedora"]["sessions"]] == ["Firefox/15.0.1"]


async def test_an_unparsable_agent_is_keycloaks_other_device(env: Env) -> None:
    await seed_realm(env.db, env.clock)
    await seed_client(env.db, "test", "app")
    await seed_user(env.db, env.clock, "test", "user1")
    [device] = await _devices(env, await _login(env, "an-agent-nobody-knows"))
    assert (device["os"], device["osVersion"], device["device"], device["mobile"]) == (
        "Other",
        "Unknown",
        "Other",
        False,
    )
    assert device["sessions"][0]["browser"] == "Other/Unknown"
