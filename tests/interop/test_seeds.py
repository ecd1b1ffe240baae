"""The seed article's commands, as written, against ``make run``'s server (start-dev + examples/demo-realm.json).

Each ``curl`` of the article becomes one httpx call; the article's documented results are asserted.
"""

from __future__ import annotations

import base64
import json
from typing import Any

import httpx

from interop.server import ADMIN_PASSWORD, ADMIN_USERNAME, DEMO_REALM, StartServer

PORTAL = {"client_id": "offline-access-portal", "client_secret": "password"}
USER1 = {"username": "user1", "password": "password"}


def _claims(jwt: str) -> dict[str, Any]:
    payload = jwt.split(".")[1]
    decoded: dict[str, Any] = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    return decoded


def _token(base: str, **form: str) -> httpx.Response:
    return httpx.post(f"{base}/realms/demo/protocol/openid-connect/token", data=form, timeout=10)


def _admin(base: str) -> httpx.Client:
    token = httpx.post(
        f"{base}/realms/master/protocol/openid-connect/token",
        timeout=10,
        data={
            "client_id": "admin-cli",
            "grant_type": "password",
            "username": ADMIN_USERNAME,
            "password": ADMIN_PASSWORD,
        },
    ).json()["access_token"]
    return httpx.Client(base_url=f"{base}/admin/realms/demo", headers={"Authorization": f"Bearer {token}"}, timeout=10)


def test_the_article_commands_work_as_written_against_the_demo_realm(start_server: StartServer) -> None:
    base = start_server(import_realms=[DEMO_REALM]).base_url

    # curl -d client_id=offline-access-portal -d client_secret=password -d username=user1 -d password=password
    #      -d grant_type=password -d "scope=openid info offline_access" .../realms/demo/protocol/openid-connect/token
    response = _token(base, **PORTAL, **USER1, grant_type="password", scope="openid info offline_access")
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["refresh_expires_in"] == 0 and body["token_type"].lower() == "bearer" and "id_token" in body
    assert {"openid", "info", "offline_access"} <= set(body["scope"].split())
    offline = _claims(body["refresh_token"])
    assert offline["typ"] == "Offline" and offline["azp"] == "offline-access-portal"
    assert "offline_access" in offline["scope"].split() and "exp" not in offline
    access = _claims(body["access_token"])
    assert {"offline_access", "user"} <= set(access["realm_access"]["roles"])
    assert access["preferred_username"] == "user1"

    # the same request without offline_access ("scope=openid info"): an ordinary refresh token
    plain = _token(base, **PORTAL, **USER1, grant_type="password", scope="openid info").json()
    refresh = _claims(plain["refresh_token"])
    assert refresh["typ"] == "Refresh" and "offline_access" not in refresh["scope"].split()
    assert plain["refresh_expires_in"] > 0

    # curl -d client_id=... -d client_secret=password -d grant_type=refresh_token -d "refresh_token=$refresh_token"
    renewed = _token(base, **PORTAL, grant_type="refresh_token", refresh_token=body["refresh_token"])
    assert renewed.status_code == 200, renewed.text
    again = renewed.json()
    assert again["refresh_expires_in"] == 0 and _claims(again["refresh_token"])["typ"] == "Offline"
    assert again["session_state"] == body["session_state"]

    # kcadm.sh get realms/demo/clients/<id>/offline-session-count and .../offline-sessions
    with _admin(base) as admin:
        portal = admin.get("/clients", params={"clientId": "offline-access-portal"}).json()[0]
        assert admin.get(f"/clients/{portal['id']}/offline-session-count").json() == {"count": 1}
        sessions = admin.get(f"/clients/{portal['id']}/offline-sessions").json()
        assert [s["username"] for s in sessions] == ["user1"]
        assert sessions[0]["id"] == body["session_state"]
        assert sessions[0]["clients"] == {portal["id"]: "offline-access-portal"}

    # Revoke Refresh Token is on, as the article recommends: the used offline token is spent
    reused = _token(base, **PORTAL, grant_type="refresh_token", refresh_token=body["refresh_token"])
    assert reused.status_code == 400 and reused.json()["error"] == "invalid_grant"


def test_the_demo_realm_follows_the_article(start_server: StartServer) -> None:
    base = start_server(import_realms=[DEMO_REALM]).base_url
    with _admin(base) as admin:
        realm = admin.get(f"{base}/admin/realms/demo").json()
        assert realm["revokeRefreshToken"] is True
        portal = admin.get("/clients", params={"clientId": "offline-access-portal"}).json()[0]
        assert portal["redirectUris"] == ["http://localhost/*", "http://127.0.0.1/*"]
        optional = {s["name"] for s in admin.get(f"/clients/{portal['id']}/optional-client-scopes").json()}
        assert {"info", "offline_access"} <= optional
        user = admin.get("/users", params={"username": "user1", "exact": "true"}).json()[0]
        roles = {r["name"] for r in admin.get(f"/users/{user['id']}/role-mappings/realm").json()}
        assert {"user", "offline_access"} <= roles
