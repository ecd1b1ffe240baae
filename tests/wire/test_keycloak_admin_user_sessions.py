"""Keycloak 26's admin tests about a user's sessions, offline sessions, consents and credentials, ported one
method to one test: UserTest (now tests/admin/user/User*Test), ClientTest's offline-session parts and
RealmOAuthActionsTest (logoutAll, deleteSession, clientSessionStats). Browser logins run over plain HTTP
(browser_flow.py); only what the other admin tests here do not yet assert is ported. ConsentsTest is ported
whole in test_keycloak_consents_test.py, SessionTest in test_keycloak_admin_session_test.py."""

from __future__ import annotations

import json
from typing import Any

import pytest

from admin_support import realm_admin
from browser_flow import exchange, login
from doorkeep.model import Credential
from receiver import receiver
from support import assert_error, password_grant, refresh, seed_client, seed_realm, seed_user, update_client
from wire_env import Env

pytestmark = pytest.mark.anyio

REALM = "/admin/realms/test"
CALLBACK = ("http://127.0.0.1:9999/*",)
OTP_DATA = {"subType": "totp", "digits": 6, "counter": 0, "period": 30, "algorithm": "HmacSHA1"}


@pytest.fixture
async def realm(env: Env) -> Env:
    """Realm ``test``: the confidential client ``app`` (browser and direct grants) and ``user1``."""
    await seed_realm(env.db, env.clock)
    await seed_client(env.db, "test", "app", redirect_uris=CALLBACK)
    await seed_user(env.db, env.clock, "test", "user1")
    return env


async def _get(env: Env, path: str, **params: str) -> Any:
    response = await env.http.get(f"{REALM}{path}", params=params, headers=await env.admin_headers())
    assert response.status_code == 200, (path, response.status_code, response.text)
    return response.json()


async def _ids(env: Env) -> tuple[str, str]:
    """user1's id and the ``app`` client's uuid."""
    [user] = await _get(env, "/users", username="user1", exact="true")
    [client] = await _get(env, "/clients", clientId="app")
    return user["id"], client["id"]


async def _code_login(env: Env, client_id: str = "app", **params: str) -> dict[str, Any]:
    """A browser login (the login form) and the code exchanged: the token response."""
    code = (await login(env.http, "test", client_id, **params))["code"]
    response = await exchange(env.http, "test", client_id, code)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def _add_otp(env: Env, user_id: str, credential_id: str) -> None:
    async with env.db.transaction() as tx:
        await tx.users.add_credential(
            Credential(credential_id, user_id, "otp", {"value": "DJmQfC73VGFhw7D4QJ8A"}, OTP_DATA, 1000, None)
        )


async def _admin_events(env: Env) -> list[dict[str, Any]]:
    body: list[dict[str, Any]] = await _get(env, "/admin-events")
    return body


async def _record_admin_events(env: Env) -> None:
    response = await env.http.put(
        f"{REALM}/events/config",
        json={"adminEventsEnabled": True, "adminEventsDetailsEnabled": True},
        headers=await env.admin_headers(),
    )
    assert response.status_code == 204, response.text


# --- the UserRepresentation: totp ------------------------------------------------------------------------
async def test_to_representation_totp_is_true_for_a_user_with_an_otp_credential(realm: Env) -> None:
    """ModelToRepresentation.toRepresentation: ``totp`` is ``credentialManager().isConfiguredFor("otp")``, in
    the user list (UsersResource.toRepresentation), the single read (UserResource.getUser), group members
    (GroupResource.getMembers) and role members (RoleContainerResource.getUsersInRole) alike;
    toBriefRepresentation carries no ``totp`` at all."""
    user_id, _ = await _ids(realm)
    await seed_user(realm.db, realm.clock, "test", "user2")
    await _add_otp(realm, user_id, "otp-1")
    listed = {u["username"]: u for u in await _get(realm, "/users")}
    assert listed["user1"]["totp"] is True and listed["user2"]["totp"] is False
    assert listed["user1"]["disableableCredentialTypes"] == []
    assert (await _get(realm, f"/users/{user_id}"))["totp"] is True
    searched = await _get(realm, "/users", search="user1")
    assert [(u["username"], u["totp"]) for u in searched] == [("user1", True)]
    brief = await _get(realm, "/users", username="user1", briefRepresentation="true")
    assert "totp" not in brief[0] and "disableableCredentialTypes" not in brief[0]

    headers = await realm.admin_headers()
    group = await realm.http.post(f"{REALM}/groups", json={"name": "team"}, headers=headers)
    group_id = group.headers["location"].rsplit("/", 1)[-1]
    for name, uid in (("user1", user_id), ("user2", listed["user2"]["id"])):
        joined = await realm.http.put(f"{REALM}/users/{uid}/groups/{group_id}", headers=headers)
        assert joined.status_code == 204, (name, joined.text)
    members = await _get(realm, f"/groups/{group_id}/members")
    assert [(m["username"], m["totp"]) for m in members] == [("user1", True), ("user2", False)]
    in_role = await _get(realm, "/roles/default-roles-test/users", briefRepresentation="false")
    assert [(m["username"], m["totp"]) for m in in_role] == [("user1", True), ("user2", False)]


async def test_to_representation_totp_turns_false_once_the_otp_credential_is_removed(realm: Env) -> None:
    """UserTotpTest.setupTotp, the admin part: removing the OTP credential (UserResource.removeCredential)
    records an ACTION on ``users/{id}/credentials/{credentialId}``, and the user no longer reports ``totp``."""
    user_id, _ = await _ids(realm)
    await _add_otp(realm, user_id, "otp-1")
    await _record_admin_events(realm)
    removed = await realm.http.delete(f"{REALM}/users/{user_id}/credentials/otp-1", headers=await realm.admin_headers())
    assert removed.status_code == 204, removed.text
    [event] = [e for e in await _admin_events(realm) if e["resourceType"] == "USER"]
    assert (event["operationType"], event["resourcePath"]) == ("ACTION", f"users/{user_id}/credentials/otp-1")
    assert (await _get(realm, f"/users/{user_id}"))["totp"] is False
    assert [u["totp"] for u in await _get(realm, "/users", username="user1")] == [False]


# --- credentials -------------------------------------------------------------------------------------------
async def _set_label(env: Env, user_id: str, credential_id: str, label: str) -> Any:
    headers = {**await env.admin_headers(), "Content-Type": "text/plain"}
    url = f"{REALM}/users/{user_id}/credentials/{credential_id}/userLabel"
    return await env.http.put(url, content=label.encode(), headers=headers)


async def test_delete_credentials(realm: Env) -> None:
    """UserCredentialTest.testDeleteCredentials: the password removed leaves no credential; a password reset
    stores one again, and it logs in."""
    user_id, _ = await _ids(realm)
    headers = await realm.admin_headers()
    [password] = await _get(realm, f"/users/{user_id}/credentials")
    assert password["type"] == "password"
    removed = await realm.http.delete(f"{REALM}/users/{user_id}/credentials/{password['id']}", headers=headers)
    assert removed.status_code == 204, removed.text
    assert await _get(realm, f"/users/{user_id}/credentials") == []
    assert_error(await password_grant(realm.http, "test", "app"), 400, "invalid_grant", "Invalid user credentials")
    reset = await realm.http.put(
        f"{REALM}/users/{user_id}/reset-password",
        json={"type": "password", "value": "password", "temporary": False},
        headers=headers,
    )
    assert reset.status_code == 204, reset.text
    assert [c["type"] for c in await _get(realm, f"/users/{user_id}/credentials")] == ["password"]
    assert (await password_grant(realm.http, "test", "app")).status_code == 200


async def test_crud_credentials_of_different_user(realm: Env) -> None:
    """UserCredentialTest.testCRUDCredentialsOfDifferentUser: a credential id of user1 under user2's path is
    not found (404) for a new label, a move to first and a removal, and stays stored with its label and
    priority unchanged."""
    user_id, _ = await _ids(realm)
    other = await seed_user(realm.db, realm.clock, "test", "user2")
    await _add_otp(realm, user_id, "otp-1")
    [before] = [c for c in await _get(realm, f"/users/{user_id}/credentials") if c["id"] == "otp-1"]
    headers = await realm.admin_headers()
    url = f"{REALM}/users/{other.id}/credentials/otp-1"
    for response in (
        await _set_label(realm, other.id, "otp-1", "new-label"),
        await realm.http.post(f"{url}/moveToFirst", headers=headers),
        await realm.http.delete(url, headers=headers),
    ):
        assert response.status_code == 404 and response.json() == {"error": "Credential not found"}
    [after] = [c for c in await _get(realm, f"/users/{user_id}/credentials") if c["id"] == "otp-1"]
    assert (after.get("userLabel"), after.get("priority")) == (before.get("userLabel"), before.get("priority"))


async def test_update_credentials(realm: Env) -> None:
    """UserCredentialTest.testUpdateCredentials: an OTP credential without a label gets one through
    ``PUT credentials/{id}/userLabel`` (text/plain, 204), read back by ``GET credentials``; no admin event."""
    user_id, _ = await _ids(realm)
    await _add_otp(realm, user_id, "otp-1")
    await _record_admin_events(realm)
    [otp_cred] = [c for c in await _get(realm, f"/users/{user_id}/credentials") if c["type"] == "otp"]
    assert "userLabel" not in otp_cred
    response = await _set_label(realm, user_id, "otp-1", "the label")
    assert response.status_code == 204, response.text
    [otp_cred] = [c for c in await _get(realm, f"/users/{user_id}/credentials") if c["type"] == "otp"]
    assert otp_cred["userLabel"] == "the label"
    assert [e for e in await _admin_events(realm) if e["resourceType"] == "USER"] == []


async def test_should_fail_to_set_credential_user_label_when_label_is_empty(realm: Env) -> None:
    """UserCredentialTest.testShouldFailToSetCredentialUserLabelWhenLabelIsEmpty: a blank label is a 400
    ``missingCredentialLabel`` "Credential label must not be empty"; an unknown credential id is a 404."""
    user_id, _ = await _ids(realm)
    await _add_otp(realm, user_id, "otp-1")
    response = await _set_label(realm, user_id, "otp-1", "   ")
    assert response.status_code == 400
    assert response.json() == {
        "error": "missingCredentialLabel",
        "error_description": "Credential label must not be empty",
    }
    missing = await _set_label(realm, user_id, "nope", "label")
    assert missing.status_code == 404 and missing.json() == {"error": "Credential not found"}


async def test_should_fail_to_set_credential_user_label_when_label_already_exists(realm: Env) -> None:
    """UserCredentialTest.testShouldFailToSetCredentialUserLabelWhenLabelAlreadyExists: two OTP devices
    labelled "Device" and "Second Device"; renaming the second "Device" is a 409 whose body names the
    clash, and the second keeps its label."""
    user_id, _ = await _ids(realm)
    await _add_otp(realm, user_id, "otp-1")
    await _add_otp(realm, user_id, "otp-2")
    assert (await _set_label(realm, user_id, "otp-1", "Device")).status_code == 204
    assert (await _set_label(realm, user_id, "otp-2", "Second Device")).status_code == 204
    clash = await _set_label(realm, user_id, "otp-2", "Device")
    assert clash.status_code == 409
    assert clash.json() == {"error": "conflict", "error_description": "Device already exists with the same name"}
    labels = {c["id"]: c.get("userLabel") for c in await _get(realm, f"/users/{user_id}/credentials")}
    assert labels["otp-2"] == "Second Device"


# --- a client's sessions --------------------------------------------------------------------------------------
async def test_get_client_sessions(realm: Env) -> None:
    """ClientTest.getClientSessions: a direct grant and a browser login of the same user are two sessions of
    the client, each holding that one client."""
    assert (await password_grant(realm.http, "test", "app")).status_code == 200
    await _code_login(realm)
    _, client_id = await _ids(realm)
    assert await _get(realm, f"/clients/{client_id}/session-count") == {"count": 2}
    sessions = await _get(realm, f"/clients/{client_id}/user-sessions", first="0", max="100")
    assert len(sessions) == 2 and all(s["clients"] == {client_id: "app"} for s in sessions)


async def test_offline_user_sessions(realm: Env) -> None:
    """ClientTest.offlineUserSessions: none before; after a browser login with ``offline_access`` the client
    counts one offline session, lists it with the username and a lastAccess in milliseconds, and the user's
    ``offline-sessions/{client}`` holds the same session (id, userId, username, clients)."""
    user_id, client_id = await _ids(realm)
    assert await _get(realm, f"/clients/{client_id}/offline-session-count") == {"count": 0}
    assert await _get(realm, f"/users/{user_id}/offline-sessions/{client_id}") == []
    await _code_login(realm, scope="openid offline_access")
    assert await _get(realm, f"/clients/{client_id}/offline-session-count") == {"count": 1}
    [listed] = await _get(realm, f"/clients/{client_id}/offline-sessions", first="0", max="100")
    assert listed["username"] == "user1" and listed["lastAccess"] == realm.clock.now() * 1000
    [of_user] = await _get(realm, f"/users/{user_id}/offline-sessions/{client_id}")
    for key in ("id", "userId", "username", "clients"):
        assert of_user[key] == listed[key], key
    assert of_user["clients"] == {client_id: "app"}


# --- the realm's sessions -----------------------------------------------------------------------------------
async def test_delete_session(realm: Env) -> None:
    """RealmOAuthActionsTest.deleteSession: a browser login's session deleted (a DELETE admin event on
    ``sessions/{id}``, resource type USER_SESSION), deleted again a 404 with no event, and its refresh token
    then fails with "Session not active"."""
    tokens = await _code_login(realm)
    await _record_admin_events(realm)
    headers = await realm.admin_headers()
    sid = tokens["session_state"]
    assert (await realm.http.delete(f"{REALM}/sessions/{sid}", headers=headers)).status_code == 204
    [event] = [e for e in await _admin_events(realm) if e["resourceType"] == "USER_SESSION"]
    assert (event["operationType"], event["resourcePath"]) == ("DELETE", f"sessions/{sid}")
    again = await realm.http.delete(f"{REALM}/sessions/{sid}", headers=headers)
    assert again.status_code == 404
    assert len([e for e in await _admin_events(realm) if e["resourceType"] == "USER_SESSION"]) == 1
    response = await refresh(realm.http, "test", "app", tokens["refresh_token"])
    assert_error(response, 400, "invalid_grant", "Session not active")


async def test_client_session_stats(realm: Env) -> None:
    """RealmOAuthActionsTest.clientSessionStats: empty before a login; one entry (``active`` "1") after it;
    empty again once the client is removed."""
    assert await _get(realm, "/client-session-stats") == []
    await _code_login(realm)
    [stats] = await _get(realm, "/client-session-stats")
    assert stats["clientId"] == "app" and stats["active"] == "1"
    removed = await realm.http.delete(f"{REALM}/clients/{stats['id']}", headers=await realm.admin_headers())
    assert removed.status_code == 204, removed.text
    assert await _get(realm, "/client-session-stats") == []


async def test_logout_all(realm: Env) -> None:
    """RealmOAuthActionsTest.logoutAll: with one client holding an admin URL, the GlobalRequestResult lists that
    URL as the one success (no failures), the client receives a logout action, and the admin event is an
    ACTION on ``logout-all`` whose representation is that result."""
    assert (await password_grant(realm.http, "test", "app")).status_code == 200
    await _record_admin_events(realm)
    with receiver() as got:
        await update_client(realm.db, "test", "app", admin_url=f"{got.url}/app")
        response = await realm.http.post(f"{REALM}/logout-all", headers=await realm.admin_headers())
        assert response.status_code == 200, response.text
        assert response.json() == {"successRequests": [f"{got.url}/app"]}
        assert [r.path for r in got.requests] == ["/app/k_logout"]
    [event] = [e for e in await _admin_events(realm) if e["operationType"] == "ACTION"]
    assert (event["resourceType"], event["resourcePath"]) == ("REALM", "logout-all")
    assert json.loads(event["representation"]) == {"successRequests": [f"{got.url}/app"]}


async def test_push_not_before(realm: Env) -> None:
    """RealmOAuthActionsTest.pushNotBefore: the realm's notBefore set a minute back, ``push-revocation`` answers
    the admin URL as its one success and no failures, the client gets that notBefore, and the admin event is
    an ACTION on ``push-revocation`` carrying the GlobalRequestResult."""
    headers = await realm.admin_headers()
    time = realm.clock.now() - 60
    updated = await realm.http.put(REALM, json={"realm": "test", "notBefore": time}, headers=headers)
    assert updated.status_code == 204, updated.text
    await _record_admin_events(realm)
    with receiver() as got:
        await update_client(realm.db, "test", "app", admin_url=f"{got.url}/app")
        response = await realm.http.post(f"{REALM}/push-revocation", headers=headers)
        assert response.status_code == 200 and response.json() == {"successRequests": [f"{got.url}/app"]}
        [pushed] = got.requests
    assert pushed.path == "/app/k_push_not_before"
    [event] = [e for e in await _admin_events(realm) if e["operationType"] == "ACTION"]
    assert (event["resourceType"], event["resourcePath"]) == ("REALM", "push-revocation")
    assert json.loads(event["representation"]) == {"successRequests": [f"{got.url}/app"]}


async def test_push_revocation(realm: Env) -> None:
    """ClientTest.pushRevocation: a client's own push records an ACTION on ``clients/{id}/push-revocation``
    of resource type CLIENT, without a representation (ClientResource.pushRevocation sets none)."""
    _, client_id = await _ids(realm)
    await _record_admin_events(realm)
    with receiver() as got:
        await update_client(realm.db, "test", "app", admin_url=f"{got.url}/app")
        response = await realm.http.post(
            f"{REALM}/clients/{client_id}/push-revocation", headers=await realm.admin_headers()
        )
        assert response.status_code == 200 and response.json() == {"successRequests": [f"{got.url}/app"]}
    [event] = [e for e in await _admin_events(realm) if e["operationType"] == "ACTION"]
    assert (event["resourceType"], event["resourcePath"]) == ("CLIENT", f"clients/{client_id}/push-revocation")
    assert "representation" not in event


# --- what a viewer sees ------------------------------------------------------------------------------------
async def test_offline_sessions_show_all_clients_with_view_clients(realm: Env) -> None:
    """UserSessionClientVisibilityTest.offlineSessionsShowAllClientsWithViewClients and
    sessionsShowAllClientsWithViewClients / consentsShowAllClientsWithViewClients: an admin holding view-realm,
    view-users and view-clients sees every client's sessions, offline sessions and offline-token grants."""
    other = await seed_client(realm.db, "test", "other")
    user_id, client_id = await _ids(realm)
    for name in ("app", "other"):
        for scope in (None, "offline_access"):
            assert (await password_grant(realm.http, "test", name, scope=scope)).status_code == 200
    headers = await realm_admin(realm, "full-viewer", "view-realm", "view-users", "view-clients")
    for uuid in (client_id, other.id):
        offline = await realm.http.get(f"{REALM}/users/{user_id}/offline-sessions/{uuid}", headers=headers)
        assert offline.status_code == 200 and len(offline.json()) == 1, offline.text
    sessions = (await realm.http.get(f"{REALM}/users/{user_id}/sessions", headers=headers)).json()
    assert {c for s in sessions for c in s["clients"]} == {client_id, other.id}
    consents = (await realm.http.get(f"{REALM}/users/{user_id}/consents", headers=headers)).json()
    assert {c["clientId"] for c in consents} == {"app", "other"}
