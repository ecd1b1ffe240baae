"""Offline sessions live in the database: they survive a graceful stop, a ``kill -9``, and keep rotation state.

Raw ``requests`` calls, so every status code and error string is visible (KEYCLOAK.md §4.2, §6.3).
"""

from __future__ import annotations

import base64
import json
import signal
import time
from typing import Any

import pytest
import requests

from interop.server import DoorkeepProcess, SeedRealm, StartServer

pytestmark = pytest.mark.interop


def token_url(server: DoorkeepProcess, seed: SeedRealm) -> str:
    return f"{server.base_url}/realms/{seed.name}/protocol/openid-connect/token"


def offline_grant(server: DoorkeepProcess, seed: SeedRealm) -> dict[str, Any]:
    response = requests.post(
        token_url(server, seed),
        timeout=10,
        data={
            "grant_type": "password",
            "client_id": seed.client_id,
            "client_secret": seed.client_secret,
            "username": seed.username,
            "password": seed.password,
            "scope": "offline_access",
        },
    )
    assert response.status_code == 200, response.text
    body = dict(response.json())
    assert payload(body["refresh_token"])["typ"] == "Offline"
    return body


def refresh(server: DoorkeepProcess, seed: SeedRealm, refresh_token: str) -> requests.Response:
    return requests.post(
        token_url(server, seed),
        timeout=10,
        data={
            "grant_type": "refresh_token",
            "client_id": seed.client_id,
            "client_secret": seed.client_secret,
            "refresh_token": refresh_token,
        },
    )


def refreshed(server: DoorkeepProcess, seed: SeedRealm, refresh_token: str) -> dict[str, Any]:
    response = refresh(server, seed, refresh_token)
    assert response.status_code == 200, response.text
    return dict(response.json())


def payload(token: str) -> dict[str, Any]:
    """The claims of a JWS, unverified: enough to read ``typ``, ``sid`` and ``reuse_id``."""
    part = token.split(".")[1]
    return dict(json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))))


def shut_down(server: DoorkeepProcess, how: str) -> None:
    if how == "SIGTERM":  # uvicorn shuts down gracefully, then re-raises the signal it caught
        assert server.stop() in (0, -signal.SIGTERM), server.output()
    else:
        assert server.kill9() == -signal.SIGKILL
    assert not server.running


@pytest.mark.parametrize("how", ["SIGTERM", "SIGKILL"])
def test_an_offline_token_still_refreshes_after_the_server_restarts(
    start_server: StartServer,
    seed: SeedRealm,
    how: str,
) -> None:
    server = start_server(seed=seed)
    first = offline_grant(server, seed)
    shut_down(server, how)

    server.start()  # same data directory, same port
    body = refreshed(server, seed, first["refresh_token"])
    assert payload(body["refresh_token"])["typ"] == "Offline"
    assert body["refresh_expires_in"] == 0
    assert body["session_state"] == first["session_state"]
    assert payload(body["access_token"])["sid"] == first["session_state"]
    assert "offline_access" in body["scope"].split()
    # the same offline token keeps working: without rotation it can be reused (KEYCLOAK.md §6.2)
    assert refresh(server, seed, first["refresh_token"]).status_code == 200


def test_with_rotation_the_newest_offline_token_survives_kill_9_and_an_older_one_is_refused(
    start_server: StartServer,
) -> None:
    seed = SeedRealm(revoke_refresh_token=True)
    server = start_server(seed=seed)
    t0 = offline_grant(server, seed)
    t1 = refreshed(server, seed, t0["refresh_token"])
    t2 = refreshed(server, seed, t1["refresh_token"])
    family = payload(t0["refresh_token"])["reuse_id"]
    assert payload(t2["refresh_token"])["reuse_id"] == family

    shut_down(server, "SIGKILL")
    server.start()

    t3 = refreshed(server, seed, t2["refresh_token"])
    assert payload(t3["refresh_token"])["typ"] == "Offline"
    assert payload(t3["refresh_token"])["reuse_id"] == family
    assert t3["session_state"] == t0["session_state"]

    stale = refresh(server, seed, t1["refresh_token"])
    assert stale.status_code == 400, stale.text
    assert stale.json()["error"] == "invalid_grant"
    assert stale.json()["error_description"] in {"Stale token", "Maximum allowed refresh token reuse exceeded"}
    # reuse detection detaches the client session, so the whole family is dead (KEYCLOAK.md §6.3)
    after = refresh(server, seed, t3["refresh_token"])
    assert after.status_code == 400, after.text
    assert after.json() == {"error": "invalid_grant", "error_description": "Session doesn't have required client"}


def test_with_rotation_a_token_used_before_a_kill_9_cannot_be_used_again_after_it(start_server: StartServer) -> None:
    seed = SeedRealm(revoke_refresh_token=True)
    server = start_server(seed=seed)
    t0 = offline_grant(server, seed)
    refreshed(server, seed, t0["refresh_token"])

    shut_down(server, "SIGKILL")
    server.start()

    reused = refresh(server, seed, t0["refresh_token"])
    assert reused.status_code == 400, reused.text
    assert reused.json()["error"] == "invalid_grant"
    assert reused.json()["error_description"] in {"Stale token", "Maximum allowed refresh token reuse exceeded"}


def _offline_session(server: DoorkeepProcess, seed: SeedRealm, session_id: str) -> dict[str, Any]:
    """The admin REST's view of one of the user's offline sessions for the seed client."""
    admin = {"Authorization": f"Bearer {server.admin_token()}"}
    base = f"{server.base_url}/admin/realms/{seed.name}"
    [user] = requests.get(f"{base}/users", params={"username": seed.username}, headers=admin, timeout=10).json()
    [client] = requests.get(f"{base}/clients", params={"clientId": seed.client_id}, headers=admin, timeout=10).json()
    response = requests.get(f"{base}/users/{user['id']}/offline-sessions/{client['id']}", headers=admin, timeout=10)
    assert response.status_code == 200, response.text
    [session] = [s for s in response.json() if s["id"] == session_id]
    return dict(session)


def test_an_offline_session_keeps_its_start_across_a_restart_and_its_refreshes(
    start_server: StartServer, seed: SeedRealm
) -> None:
    """The offline session starts when it is created (its max lifespan counts from there) and a restart between
    refreshes neither moves that start nor loses the last refresh's time."""
    server = start_server(seed=seed)
    first = offline_grant(server, seed)
    before = _offline_session(server, seed, first["session_state"])
    assert before["start"] <= before["lastAccess"]

    shut_down(server, "SIGKILL")
    time.sleep(1.1)  # the session's times are in seconds: let the clock move past the offline login's second
    server.start()
    refreshed(server, seed, first["refresh_token"])
    after = _offline_session(server, seed, first["session_state"])
    assert after["start"] == before["start"]
    assert after["lastAccess"] > before["lastAccess"]

    shut_down(server, "SIGTERM")
    server.start()
    again = _offline_session(server, seed, first["session_state"])
    assert (again["start"], again["lastAccess"]) == (after["start"], after["lastAccess"])
