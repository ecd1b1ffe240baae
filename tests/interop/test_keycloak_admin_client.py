"""Keycloak's own npm ``@keycloak/keycloak-admin-client`` (26.x, tests/admin_client) under Node against
``doorkeep start-dev``: clients, users, consents, offline sessions, session counts, revocation,
events, admin events, serverinfo, keys and the authentication flows, each call as the library makes it."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from keycloak import KeycloakPostError

from interop.python_keycloak_support import openid
from interop.server import DoorkeepProcess, SeedRealm

pytestmark = pytest.mark.interop

SCENARIO = Path(__file__).resolve().parents[1] / "admin_client" / "scenario.mjs"


def run_scenario(server: DoorkeepProcess, seed: SeedRealm) -> dict[str, Any]:
    node = shutil.which("node")
    assert node is not None, "node is needed: `make node` installs the npm packages, Debian's nodejs the runtime"
    assert (SCENARIO.parent / "node_modules" / "@keycloak" / "keycloak-admin-client").is_dir(), "run `make node`"
    done = subprocess.run(
        [node, str(SCENARIO), server.base_url, seed.name, seed.client_id, seed.username],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    result: dict[str, Any] = json.loads(done.stdout)
    return result


def test_keycloak_admin_client_administers_offline_access_end_to_end(
    seeded_server: DoorkeepProcess,
    seed: SeedRealm,
) -> None:
    oidc = openid(seeded_server, seed.name, seed.client_id, seed.client_secret)
    offline = [oidc.token(seed.username, seed.password, scope="openid offline_access") for _ in range(2)]

    out = run_scenario(seeded_server, seed)
    failed = {name: step for name, step in out.items() if not step["ok"] and name != "userStorageNotImplemented"}
    assert failed == {}

    info = out["serverInfo"]["value"]
    assert info["version"].startswith("26.") and "keycloak" in info["loginThemes"]
    assert "oidc-audience-mapper" in info["mapperTypes"]
    assert out["getConfigEvents"]["value"]["adminEventsEnabled"] is True
    assert "RSA/RS256/ACTIVE" in out["getKeys"]["value"]["kinds"] and "RS256" in out["getKeys"]["value"]["active"]
    assert out["getOfflineSessionCount"]["value"] == {"count": 2}
    sessions = out["listOfflineSessions"]["value"]
    assert len(sessions) == 2 and {s["username"] for s in sessions} == {seed.username}
    assert set(out["getSessionCount"]["value"]) == {"count"}
    assert out["countUsers"]["value"] == 1
    assert len(out["userOfflineSessions"]["value"]) == 2
    (consent,) = out["listConsents"]["value"]
    assert consent["clientId"] == seed.client_id and "Offline Token" in consent["additionalGrants"][0]["key"]
    assert seed.username in out["findUsersWithRole"]["value"]
    assert out["offlineCountAfterRevoke"]["value"] == {"count": 0}
    for token in offline:  # revoked through the consent: the offline tokens refuse to refresh
        with pytest.raises(KeycloakPostError):
            oidc.refresh_token(token["refresh_token"])

    admin_events = out["findAdminEvents"]["value"]
    seen = {(e["op"], e["type"]) for e in admin_events}
    assert {
        ("UPDATE", "CLIENT"),
        ("CREATE", "USER"),
        ("ACTION", "USER"),
        ("ACTION", "REALM"),
        ("UPDATE", "REALM"),
        ("ACTION", "CLIENT"),
    } <= seen
    assert all(e["auth"]["ipAddress"] == "127.0.0.1" for e in admin_events)
    assert "node-secret-pw" not in json.dumps(admin_events)
    assert any(path.endswith("/reset-password") for path in out["findAdminEventsFiltered"]["value"])
    assert out["adminEventsAfterClear"]["value"] == []
    assert out["findEvents"]["value"] == []  # events were turned on after the two logins
    assert out["getFlows"]["value"] == [  # in the order they were made, as Keycloak lists them
        "browser",
        "direct grant",
        "registration",
        "reset credentials",
        "clients",
        "first broker login",
        "docker auth",
    ]
    assert out["getExecutions"]["value"] == [
        ["Username Validation", "REQUIRED", 0],
        ["Password", "REQUIRED", 0],
        ["Direct Grant - Conditional OTP", "CONDITIONAL", 0],
        ["Condition - user configured", "REQUIRED", 1],
        ["OTP", "REQUIRED", 1],
    ]
    assert out["createWholeRealm"]["value"] == {"clients": ["node-app"], "users": ["nora"]}
    imported = out["partialImport"]["value"]
    assert (imported["added"], imported["skipped"]) == (1, 1)
    assert {(r["action"], r["resourceName"]) for r in imported["results"]} == {("SKIPPED", "nora"), ("ADDED", "nick")}
    assert out["findKeyProviders"]["value"] == [
        "aes-generated",
        "hmac-generated-hs512",
        "rsa-enc-generated",
        "rsa-generated",
    ]  # DefaultKeyProviders' four
    assert set(out["createKeyProvider"]["value"]) == {"id"}  # read from the Location header
    assert out["activeAfterCreate"]["value"] == ["ACTIVE"]
    assert out["findOneKeyProvider"]["value"] == {"priority": ["500"], "active": ["false"]}
    assert out["deleteKeyProvider"]["ok"]
    assert out["userStorageNotImplemented"] == {
        "ok": False,
        "status": 501,
        "message": out["userStorageNotImplemented"]["message"],
    }
