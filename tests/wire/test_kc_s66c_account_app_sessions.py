"""Keycloak's AccountRestServiceTest (tests/base/.../tests/account/AccountRestServiceTest.java, the newest stored
version, @39adb67b): the methods the earlier ports (test_keycloak_account_rest_sessions_apps.py,
test_keycloak_account_rest_service_test.py) predate, on AbstractRestServiceTest's AccountRestRealmConfig imported
anew for each test (tests/account_rest_service_port.py).

* revokeApplicationSessions, …ForNotExistingClient, …WithoutPermission, …Idempotent, …Offline, …OnlineAndOffline:
  ``DELETE /account/applications/{clientId}/sessions`` (AccountRestService.revokeApplicationSessions).
* revokeConsentDoesNotCauseRevokeGrantErrorOnSubsequentTokenRevocation (Keycloak PR #50828).
* listApplicationsOfflineAccess with its second client, ``offline-client-without-base-url``.
* getConsentForClient's ``briefRepresentation=false`` (the scope's description and protocol).
"""

from __future__ import annotations

from typing import Any

import pytest

import group_port
from account_rest_service_port import APP_ROOT, account_realm, call, grant, token
from keycloak_port import admin_headers, poll, user_id
from support import refresh, token_url
from wire_env import Env

pytestmark = pytest.mark.anyio
anyio_backend, shared_env, env = group_port.anyio_backend, group_port.shared_env, group_port.env
USER = "manage-account-access"
SESSIONS = "applications/{}/sessions"


@pytest.fixture
async def realm_id(env: Env) -> str:
    return await account_realm(env)


async def _applications(env: Env, access: str) -> dict[str, dict[str, Any]]:
    response = await call(env, "GET", "applications", access)
    assert response.status_code == 200, response.text
    return {a["clientId"]: a for a in response.json()}


async def _user_sessions(env: Env, username: str = USER) -> list[str]:
    """``user.getUserSessions()``: the ids of the user's online sessions, by the admin API."""
    uid = await user_id(env, username)
    response = await env.http.get(f"/admin/realms/test/users/{uid}/sessions", headers=await admin_headers(env))
    assert response.status_code == 200, response.text
    return [s["id"] for s in response.json()]


async def _end_sessions(env: Env, access: str, client_id: str) -> None:
    response = await call(env, "DELETE", SESSIONS.format(client_id), access)
    assert (response.status_code, response.content) == (204, b""), response.text


async def _logouts(env: Env, client_id: str, username: str = USER) -> list[str]:
    """The events since the last poll, each asserted a LOGOUT by ``account`` of the user naming the client: their
    session ids."""
    uid = await user_id(env, username)
    found = await poll(env)
    assert [(e["type"], e["clientId"], e["userId"], e["details"]) for e in found] == [
        ("LOGOUT", "account", uid, {"revoked_client": client_id})
    ] * len(found), found
    return [e["sessionId"] for e in found]


async def _refresh_error(env: Env, client_id: str, refresh_token: str) -> str:
    response = await refresh(env.http, "test", client_id, refresh_token, secret="secret1")
    assert response.status_code == 400, response.text
    return str(response.json()["error"])


async def test_revoke_application_sessions(env: Env, realm_id: str) -> None:
    """revokeApplicationSessions: the in-use client's session ends, with one LOGOUT naming it; the session it
    leaves empty goes; the application is no longer in use; the caller's own session stays."""
    in_use = await grant(env, USER, "in-use-client")
    access = await token(env, USER)
    await poll(env)  # the two direct access grant logins
    assert len(await _user_sessions(env)) == 2
    assert (await _applications(env, access))["in-use-client"]["inUse"] is True
    await _end_sessions(env, access, "in-use-client")
    assert await _logouts(env, "in-use-client") == [in_use["session_state"]]
    left = await _user_sessions(env)
    assert len(left) == 1 and left != [in_use["session_state"]]
    assert "in-use-client" not in await _applications(env, access)
    assert await _refresh_error(env, "in-use-client", in_use["refresh_token"]) == "invalid_grant"


async def test_revoke_application_sessions_for_not_existing_client(env: Env, realm_id: str) -> None:
    """revokeApplicationSessionsForNotExistingClient: 204, not 404, so as not to tell which clients exist; the
    refusal is recorded as LOGOUT_ERROR client_not_found, with the reason."""
    access = await token(env, USER)
    await poll(env)
    await _end_sessions(env, access, "not-existing")
    [event] = await poll(env)
    assert (event["type"], event["clientId"], event["error"]) == ("LOGOUT_ERROR", "account", "client_not_found")
    assert event["details"] == {"reason": "No client with clientId: not-existing found."}
    assert len(await _user_sessions(env)) == 1


async def test_revoke_application_sessions_without_permission(env: Env, realm_id: str) -> None:
    """revokeApplicationSessionsWithoutPermission: view-profile alone is 403 (manage-account is required)."""
    access = await token(env, "view-account-access")
    response = await call(env, "DELETE", SESSIONS.format("in-use-client"), access)
    assert (response.status_code, response.json()) == (403, {"error": "HTTP 403 Forbidden"})


async def test_revoke_application_sessions_needs_manage_account_not_manage_consent(env: Env, realm_id: str) -> None:
    """Beyond the Java class: ``auth.require(MANAGE_ACCOUNT)``, not the consent roles that revoke a consent."""
    await grant(env, "view-applications-access", "in-use-client")
    access = await token(env, "view-applications-access")  # view-applications and manage-consent
    response = await call(env, "DELETE", SESSIONS.format("in-use-client"), access)
    assert response.status_code == 403
    assert (await _applications(env, access))["in-use-client"]["inUse"] is True


async def test_revoke_application_sessions_idempotent(env: Env, realm_id: str) -> None:
    """revokeApplicationSessionsIdempotent: with no session of the client, 204, twice, and no event."""
    access = await token(env, USER)
    await poll(env)
    for _ in range(2):
        await _end_sessions(env, access, "in-use-client")
    assert await poll(env) == []


async def test_revoke_application_sessions_offline(env: Env, realm_id: str) -> None:
    """revokeApplicationSessionsOffline: the offline session ends (one LOGOUT), its token no longer refreshes, and
    the application no longer reports offline access."""
    offline = await grant(env, USER, "offline-client", "openid offline_access")
    access = await token(env, USER)
    await poll(env)
    assert (await _applications(env, access))["offline-client"]["offlineAccess"] is True
    await _end_sessions(env, access, "offline-client")
    assert await _logouts(env, "offline-client") == [offline["session_state"]]
    assert await _refresh_error(env, "offline-client", offline["refresh_token"]) == "invalid_grant"
    assert "offline-client" not in await _applications(env, access)


async def test_revoke_application_sessions_online_and_offline(env: Env, realm_id: str) -> None:
    """revokeApplicationSessionsOnlineAndOffline: one LOGOUT for the online session and one for the offline one;
    neither token refreshes afterwards."""
    online = await grant(env, USER, "offline-client")
    offline = await grant(env, USER, "offline-client", "openid offline_access")
    access = await token(env, USER)
    await poll(env)
    await _end_sessions(env, access, "offline-client")
    ended = await _logouts(env, "offline-client")
    assert ended == [online["session_state"], offline["session_state"]]  # online sessions first, as Keycloak
    assert await _refresh_error(env, "offline-client", online["refresh_token"]) == "invalid_grant"
    assert await _refresh_error(env, "offline-client", offline["refresh_token"]) == "invalid_grant"


async def test_revoking_application_sessions_keeps_the_consent(env: Env, realm_id: str) -> None:
    """Beyond the Java class: the consent stays (that is ``DELETE …/consent``); ending the caller's own client's
    sessions ends the caller's session too, whose token is then refused."""
    access = await token(env, USER)
    scopes = (await env.http.get("/admin/realms/test/client-scopes", headers=await admin_headers(env))).json()
    body = {"grantedScopes": [{"id": scopes[0]["id"]}]}
    assert (await call(env, "POST", "applications/in-use-client/consent", access, body)).status_code == 200
    await grant(env, USER, "in-use-client")
    await _end_sessions(env, access, "in-use-client")
    assert (await call(env, "GET", "applications/in-use-client/consent", access)).status_code == 200
    await _end_sessions(env, access, "direct-grant")
    assert await _user_sessions(env) == []
    assert (await call(env, "GET", "applications", access)).status_code == 401


async def test_revoke_consent_does_not_cause_revoke_grant_error_on_subsequent_token_revocation(
    env: Env, realm_id: str
) -> None:
    """revokeConsentDoesNotCauseRevokeGrantErrorOnSubsequentTokenRevocation: after the consent revocation ended
    the client's session, revoking its refresh token answers 200 and records no REVOKE_GRANT_ERROR."""
    manage = await token(env, "manage-consent-access")
    scopes = (await env.http.get("/admin/realms/test/client-scopes", headers=await admin_headers(env))).json()
    body = {"grantedScopes": [{"id": scopes[0]["id"]}]}
    assert (await call(env, "POST", "applications/in-use-client/consent", manage, body)).status_code == 200
    in_use = await grant(env, "manage-consent-access", "in-use-client")
    await poll(env)
    response = await call(env, "DELETE", "applications/in-use-client/consent", manage)
    assert response.status_code == 204
    [revoke] = await poll(env)
    assert (revoke["type"], revoke["clientId"], revoke["details"]) == (
        "REVOKE_GRANT",
        "account",
        {"revoked_client": "in-use-client"},
    )
    form = {"token": in_use["refresh_token"], "client_id": "in-use-client", "client_secret": "secret1"}
    revoked = await env.http.post(token_url("test", "revoke"), data=form)
    assert revoked.status_code == 200  # RFC 7009: a token whose session is gone is as good as revoked
    assert await poll(env) == []


async def test_list_applications_offline_access(env: Env, realm_id: str) -> None:
    """listApplicationsOfflineAccess, with ``offline-client-without-base-url`` (no base URL, so no effectiveUrl)."""
    for client_id in ("offline-client", "offline-client-without-base-url"):
        await grant(env, "view-applications-access", client_id, "openid offline_access")
    apps = await _applications(env, await token(env, "view-applications-access"))
    assert set(apps) == {"offline-client", "offline-client-without-base-url", "always-display-client", "direct-grant"}
    common = {"userConsentRequired": False, "inUse": False, "offlineAccess": True}
    assert apps["offline-client"] == {
        "clientId": "offline-client",
        "clientName": "Offline Client",
        **common,
        "baseUrl": f"{APP_ROOT}/offline-client",
        "effectiveUrl": f"{APP_ROOT}/offline-client",
    }
    assert apps["offline-client-without-base-url"] == {
        "clientId": "offline-client-without-base-url",
        "clientName": "Offline Client Without Base URL",
        **common,
    }


async def test_get_consent_for_client_full_representation(env: Env, realm_id: str) -> None:
    """getConsentForClient: the brief consent read back as created, then ``briefRepresentation=false`` adds each
    scope's description and protocol."""
    access = await token(env, "manage-consent-access")
    scopes = (await env.http.get("/admin/realms/test/client-scopes", headers=await admin_headers(env))).json()
    scope = scopes[0]
    assert scope["description"] and scope["protocol"]
    body = {"grantedScopes": [{"id": scope["id"]}]}
    created = await call(env, "POST", "applications/security-admin-console/consent", access, body)
    assert created.status_code == 200, created.text
    brief = await call(env, "GET", "applications/security-admin-console/consent", access)
    assert brief.json() == created.json()
    assert "description" not in brief.json()["grantedScopes"][0]
    full = await call(env, "GET", "applications/security-admin-console/consent", access, briefRepresentation="false")
    assert full.status_code == 200, full.text
    [granted] = full.json()["grantedScopes"]
    assert (granted["id"], granted["description"], granted["protocol"]) == (
        scope["id"],
        scope["description"],
        scope["protocol"],
    )
    assert {k: v for k, v in granted.items() if k not in ("description", "protocol")} == brief.json()["grantedScopes"][
        0
    ]
