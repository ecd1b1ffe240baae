"""Admin REST answers checked against Keycloak 26's own code and tests (KEYCLOAK.md §9)."""

from __future__ import annotations

from typing import Any

import pytest

from doorkeep.model import Client, Consent, User
from doorkeep.sessions import service
from support import assert_error, password_grant, refresh, seed_client, seed_realm, seed_user
from wire_env import Env

pytestmark = pytest.mark.anyio

REALM = "/admin/realms/test"


async def _setup(env: Env) -> tuple[dict[str, str], Client, User]:
    await seed_realm(env.db, env.clock)
    client = await seed_client(env.db, "test", "app")
    user = await seed_user(env.db, env.clock, "test", "user1")
    return await env.admin_headers(), client, user


async def _grant(env: Env, client_id: str = "app", scope: str | None = None) -> dict[str, Any]:
    response = await password_grant(env.http, "test", client_id, "user1", scope=scope)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def _get(env: Env, path: str, headers: dict[str, str], **params: str) -> Any:
    response = await env.http.get(f"{REALM}{path}", params=params, headers=headers)
    assert response.status_code == 200, (path, response.status_code, response.text)
    return response.json()


async def _consent(env: Env, user: User, client: Client) -> None:
    async with env.db.transaction() as tx:
        await tx.sessions.save_consent(Consent(user.id, client.id, (), 1000, 1000))


# --- 1. revoking a consent detaches the client but keeps the online session --------------------------
async def test_revoking_consent_keeps_the_online_session_without_that_client(env: Env) -> None:
    """UserConsentManager.revokeConsentToClient -> TokenManager.dettachClientSession, which in Keycloak 26
    only detaches the client session (ConsentsTest.testConsents: "There should be one active session")."""
    headers, client, user = await _setup(env)
    online = await _grant(env)
    await _consent(env, user, client)
    response = await env.http.delete(f"{REALM}/users/{user.id}/consents/app", headers=headers)
    assert response.status_code == 204, response.text
    [session] = await _get(env, f"/users/{user.id}/sessions", headers)
    assert session["id"] == online["session_state"] and session["clients"] == {}
    assert_error(
        await refresh(env.http, "test", "app", online["refresh_token"]),
        400,
        "invalid_grant",
        "Session doesn't have required client",
    )


async def test_revoking_consent_through_the_account_api_keeps_the_online_session(env: Env) -> None:
    headers, client, user = await _setup(env)
    online = await _grant(env)
    await _consent(env, user, client)
    bearer = {"Authorization": f"Bearer {online['access_token']}"}
    response = await env.http.delete("/realms/test/account/applications/app/consent", headers=bearer)
    assert response.status_code == 204, response.text
    [session] = await _get(env, f"/users/{user.id}/sessions", headers)
    assert session["id"] == online["session_state"] and session["clients"] == {}


async def test_revoking_consent_still_removes_an_offline_session_left_empty(env: Env) -> None:
    """UserSessionManager.revokeOfflineToken -> checkOfflineUserSessionHasClientSessions removes it."""
    headers, client, user = await _setup(env)
    async with env.db.transaction() as tx:  # an online session and its offline copy, as a browser login makes
        realm = await tx.realms.get_by_name("test")
        assert realm is not None
        online, cs = await service.start_online(
            tx, realm, user, client, scope_param="openid offline_access", now=env.clock.now(), ip_address="10.0.0.7"
        )
        await service.create_or_update_offline(tx, realm, client, online, cs, env.clock.now())
    await _consent(env, user, client)
    assert (await env.http.delete(f"{REALM}/users/{user.id}/consents/app", headers=headers)).status_code == 204
    async with env.db.transaction() as tx:
        assert await tx.sessions.get_user_session(online.id, True) is None
        assert await tx.sessions.get_user_session(online.id, False) is not None
    [session] = await _get(env, f"/users/{user.id}/sessions", headers)
    assert session["id"] == online.id and session["clients"] == {}


# --- 2. briefRepresentation=true on user lists ---------------------------------------------------------
async def _rich_user(env: Env, headers: dict[str, str]) -> str:
    """A user with attributes and a required action, both of which a brief representation leaves out."""
    rep = {
        "username": "ann",
        "enabled": True,
        "firstName": "Ann",
        "email": "ann@example.com",
        "attributes": {"team": ["blue"]},
        "requiredActions": ["UPDATE_PASSWORD"],
    }
    response = await env.http.post(f"{REALM}/users", json=rep, headers=headers)
    assert response.status_code == 201, response.text
    return response.headers["location"].rsplit("/", 1)[-1]


def _brief(user_id: str, created: int) -> dict[str, Any]:
    """ModelToRepresentation.toBriefRepresentation: null fields (lastName here) are left out."""
    return {
        "id": user_id,
        "username": "ann",
        "firstName": "Ann",
        "email": "ann@example.com",
        "emailVerified": False,
        "createdTimestamp": created,
        "enabled": True,
    }


async def test_brief_user_list_has_only_keycloaks_brief_fields_plus_access(env: Env) -> None:
    """UsersResource.toRepresentation: toBriefRepresentation, then setAccess for the listing."""
    headers, _, _ = await _setup(env)
    user_id = await _rich_user(env, headers)
    body = await _get(env, "/users", headers, username="ann", exact="true", briefRepresentation="true")
    assert body == [{**_brief(user_id, env.clock.now() * 1000), "access": {"manage": True}}]
    assert list(body[0]) == [
        "id",
        "username",
        "firstName",
        "email",
        "emailVerified",
        "createdTimestamp",
        "enabled",
        "access",
    ]
    [full] = await _get(env, "/users", headers, username="ann", exact="true", briefRepresentation="false")
    assert full["attributes"] == {"team": ["blue"]} and full["requiredActions"] == ["UPDATE_PASSWORD"]


async def test_group_members_are_brief_on_request_and_carry_no_access(env: Env) -> None:
    """GroupResource.getMembers: toBriefRepresentation or toRepresentation, and no setAccess."""
    headers, _, _ = await _setup(env)
    user_id = await _rich_user(env, headers)
    created = await env.http.post(f"{REALM}/groups", json={"name": "team"}, headers=headers)
    group_id = created.headers["location"].rsplit("/", 1)[-1]
    joined = await env.http.put(f"{REALM}/users/{user_id}/groups/{group_id}", headers=headers)
    assert joined.status_code == 204, joined.text
    brief = await _get(env, f"/groups/{group_id}/members", headers, briefRepresentation="true")
    assert brief == [_brief(user_id, env.clock.now() * 1000)]
    [full] = await _get(env, f"/groups/{group_id}/members", headers)
    assert full["attributes"] == {"team": ["blue"]} and "access" not in full


# --- 3. login timeouts of 0 ----------------------------------------------------------------------------
ZERO_LOGIN = "AccessCodeLifespanLogin or AccessCodeLifespanUserAction cannot be 0"


async def test_realm_update_with_zero_login_timeouts_is_a_400_and_changes_nothing(env: Env) -> None:
    """RealmAdminResource.updateRealm: when both are given and either is below 1, ErrorResponse.error (400)."""
    headers, _, _ = await _setup(env)
    rep = {"accessCodeLifespanLogin": 0, "accessCodeLifespanUserAction": 0, "displayName": "changed"}
    response = await env.http.put(REALM, json=rep, headers=headers)
    assert (response.status_code, response.json()) == (400, {"errorMessage": ZERO_LOGIN})
    negative = {"accessCodeLifespanLogin": 1800, "accessCodeLifespanUserAction": -5}
    response = await env.http.put(REALM, json=negative, headers=headers)
    assert (response.status_code, response.json()) == (400, {"errorMessage": ZERO_LOGIN})
    stored = await _get(env, "", headers)
    assert stored["accessCodeLifespanLogin"] == 1800 and stored.get("displayName") != "changed"


async def test_a_zero_login_timeout_alone_is_accepted_as_keycloak_checks_only_the_pair(env: Env) -> None:
    headers, _, _ = await _setup(env)
    response = await env.http.put(REALM, json={"accessCodeLifespanUserAction": 0}, headers=headers)
    assert response.status_code == 204, response.text
    assert (await _get(env, "", headers))["accessCodeLifespanUserAction"] == 0


# --- 4. turning service accounts off removes the service-account user ----------------------------------
async def _client_credentials(env: Env) -> dict[str, Any]:
    data = {"grant_type": "client_credentials", "client_id": "svc", "client_secret": "secret"}
    response = await env.http.post("/realms/test/protocol/openid-connect/token", data=data)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def test_disabling_service_accounts_removes_the_user_and_its_sessions(env: Env) -> None:
    """ClientResource.updateClientFromRep: serviceAccountsEnabled not true -> UserManager.removeUser; turning
    it on again (ClientManager.enableServiceAccount) makes a new user."""
    headers, _, _ = await _setup(env)
    svc = await seed_client(
        env.db, "test", "svc", service_accounts=True, attributes={"client_credentials.use_refresh_token": "true"}
    )
    tokens = await _client_credentials(env)
    before = await _get(env, f"/clients/{svc.id}/service-account-user", headers)
    off = await env.http.put(f"{REALM}/clients/{svc.id}", json={"serviceAccountsEnabled": False}, headers=headers)
    assert off.status_code == 204, off.text
    assert (await env.http.get(f"{REALM}/users/{before['id']}", headers=headers)).status_code == 404
    assert await _get(env, "/users", headers, username="service-account-svc", exact="true") == []
    assert_error(
        await refresh(env.http, "test", "svc", tokens["refresh_token"]), 400, "invalid_grant", "Session not active"
    )
    on = await env.http.put(f"{REALM}/clients/{svc.id}", json={"serviceAccountsEnabled": True}, headers=headers)
    assert on.status_code == 204, on.text
    after = await _get(env, f"/clients/{svc.id}/service-account-user", headers)
    assert after["username"] == "service-account-svc" and after["id"] != before["id"]


async def test_an_update_that_leaves_service_accounts_out_keeps_the_user(env: Env) -> None:
    headers, _, _ = await _setup(env)
    svc = await seed_client(env.db, "test", "svc", service_accounts=True)
    before = await _get(env, f"/clients/{svc.id}/service-account-user", headers)
    response = await env.http.put(f"{REALM}/clients/{svc.id}", json={"description": "kept"}, headers=headers)
    assert response.status_code == 204, response.text
    assert (await _get(env, f"/clients/{svc.id}/service-account-user", headers))["id"] == before["id"]


# --- 5. no credentials for a service-account user ------------------------------------------------------
async def test_a_password_in_a_service_account_users_update_is_a_400_and_changes_nothing(env: Env) -> None:
    """UserCredentialManager refuses service-account users ("You can not manage credentials for this user"),
    which UserResource.updateUser answers with 400 "Could not update user!" (ServiceAccountTest)."""
    headers, _, _ = await _setup(env)
    svc = await seed_client(env.db, "test", "svc", service_accounts=True)
    account = await _get(env, f"/clients/{svc.id}/service-account-user", headers)
    rep = {"firstName": "Changed", "credentials": [{"type": "password", "value": "password", "temporary": False}]}
    response = await env.http.put(f"{REALM}/users/{account['id']}", json=rep, headers=headers)
    assert (response.status_code, response.json()) == (400, {"errorMessage": "Could not update user!"})
    assert "firstName" not in await _get(env, f"/users/{account['id']}", headers)
    assert await _get(env, f"/users/{account['id']}/credentials", headers) == []


async def test_resetting_a_service_account_users_password_is_refused(env: Env) -> None:
    """Keycloak's credential manager refuses it ("You can not manage credentials for this user"); the
    exception escapes UserResource.resetPassword as a generic 500, which Doorkeep answers as a 400."""
    headers, _, _ = await _setup(env)
    svc = await seed_client(env.db, "test", "svc", service_accounts=True)
    account = await _get(env, f"/clients/{svc.id}/service-account-user", headers)
    response = await env.http.put(
        f"{REALM}/users/{account['id']}/reset-password", json={"type": "password", "value": "pw"}, headers=headers
    )
    assert (response.status_code, response.json()) == (
        400,
        {"errorMessage": "You can not manage credentials for this user"},
    )
    assert await _get(env, f"/users/{account['id']}/credentials", headers) == []
