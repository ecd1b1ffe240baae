"""The revocation-trigger policy on the wire: each trigger, each setting, ends exactly the sessions it says.

Every test gives user1 an online and an offline session on ``app`` and on ``other``, fires a trigger,
and reads back which (client, kind) pairs the store still holds.
"""

from __future__ import annotations

from typing import Any

import pytest

from browser_flow import code_from, exchange, start, submit
from doorkeep.model import Consent, User
from support import assert_error, password_grant, refresh, seed_client, seed_realm, seed_user, update_user
from wire_env import Env

pytestmark = pytest.mark.anyio

REALM = "/admin/realms/test"
ALL = {("app", "online"), ("app", "offline"), ("other", "online"), ("other", "offline")}
KINDS = {"none": set(), "online": {"online"}, "offline": {"offline"}, "both": {"online", "offline"}}


async def _world(env: Env) -> tuple[dict[str, str], User]:
    await seed_realm(env.db, env.clock)
    for client_id in ("app", "other", "portal"):
        await seed_client(env.db, "test", client_id, redirect_uris=("http://127.0.0.1:9999/*",))
    return await env.admin_headers(), await seed_user(env.db, env.clock, "test", "user1")


async def _grant(env: Env, client_id: str, username: str = "user1", scope: str | None = None) -> dict[str, Any]:
    response = await password_grant(env.http, "test", client_id, username, scope=scope)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def _both(env: Env, client_id: str, username: str = "user1", scope: str = "") -> dict[str, Any]:
    """An online session (a plain grant) and an offline one (the password grant keeps no online session
    with an offline token); the offline grant's tokens."""
    await _grant(env, client_id, username, scope or None)
    return await _grant(env, client_id, username, f"offline_access {scope}".strip())


async def _left(env: Env, user: User) -> set[tuple[str, str]]:
    """(clientId, kind) of every client session the user still has."""
    out = set()
    async with env.db.transaction() as tx:
        for offline in (False, True):
            for _, client_uuid in await tx.sessions.user_client_pairs(user.id, offline):
                client = await tx.clients.get(client_uuid)
                assert client is not None
                out.add((client.client_id, "offline" if offline else "online"))
    return out


async def _set(env: Env, headers: dict[str, str], trigger: str, value: str, client: str | None = None) -> None:
    """The policy through the admin REST API: the realm attribute, or the client's override."""
    body = {"attributes": {f"revocation.trigger.{trigger}": value}}
    if client is None:
        response = await env.http.put(REALM, json=body, headers=headers)
    else:
        clients = (await env.http.get(f"{REALM}/clients", params={"clientId": client}, headers=headers)).json()
        response = await env.http.put(f"{REALM}/clients/{clients[0]['id']}", json=body, headers=headers)
    assert response.status_code == 204, response.text


def _without(kinds: set[str], clients: tuple[str, ...] = ("app", "other")) -> set[tuple[str, str]]:
    return {(c, k) for c, k in ALL if not (c in clients and k in kinds)}


async def _uuid(env: Env, headers: dict[str, str], client_id: str) -> str:
    found = (await env.http.get(f"{REALM}/clients", params={"clientId": client_id}, headers=headers)).json()
    return str(found[0]["id"])


# --- user triggers ------------------------------------------------------------------------------------
async def _reset_password(env: Env, headers: dict[str, str], user: User) -> None:
    body = {"type": "password", "value": "n3w-password", "temporary": False}
    response = await env.http.put(f"{REALM}/users/{user.id}/reset-password", json=body, headers=headers)
    assert response.status_code == 204, response.text


async def _disable(env: Env, headers: dict[str, str], user: User) -> None:
    response = await env.http.put(f"{REALM}/users/{user.id}", json={"enabled": False}, headers=headers)
    assert response.status_code == 204, response.text


async def _admin_logout(env: Env, headers: dict[str, str], user: User) -> None:
    response = await env.http.post(f"{REALM}/users/{user.id}/logout", headers=headers)
    assert response.status_code == 204, response.text


USER_TRIGGERS = {"password-change": _reset_password, "user-disabled": _disable, "admin-logout": _admin_logout}


@pytest.mark.parametrize("value", ["none", "online", "offline"])
@pytest.mark.parametrize("trigger", sorted(USER_TRIGGERS))
async def test_a_user_trigger_ends_exactly_the_kinds_of_the_users_sessions_it_names(
    env: Env, trigger: str, value: str
) -> None:
    headers, user = await _world(env)
    await _set(env, headers, trigger, value)
    app = await _both(env, "app")
    await _both(env, "other")
    await USER_TRIGGERS[trigger](env, headers, user)
    assert await _left(env, user) == _without(KINDS[value])
    if value == "online" and trigger != "user-disabled":  # the offline token still works
        assert (await refresh(env.http, "test", "app", app["refresh_token"])).status_code == 200


@pytest.mark.parametrize("trigger", ["password-change", "user-disabled"])
async def test_both_ends_every_session_of_the_user(env: Env, trigger: str) -> None:
    headers, user = await _world(env)
    await _set(env, headers, trigger, "both")
    app = await _both(env, "app")
    await _both(env, "other")
    await USER_TRIGGERS[trigger](env, headers, user)
    assert await _left(env, user) == set()
    assert_error(await refresh(env.http, "test", "app", app["refresh_token"]), 400, "invalid_grant")


@pytest.mark.parametrize("explicit", [False, True])
async def test_admin_logout_at_keycloaks_both_ends_online_sessions_and_stales_offline_tokens(
    env: Env, explicit: bool
) -> None:
    headers, user = await _world(env)
    if explicit:
        await _set(env, headers, "admin-logout", "both")
    app = await _both(env, "app")
    await _both(env, "other")
    env.clock.advance(1)
    await _admin_logout(env, headers, user)
    assert await _left(env, user) == _without({"online"})  # offline sessions stay listed, as in Keycloak
    assert_error(await refresh(env.http, "test", "app", app["refresh_token"]), 400, "invalid_grant", "Stale token")


@pytest.mark.parametrize("trigger", ["password-change", "user-disabled"])
async def test_by_default_a_password_change_or_disabling_ends_no_session(env: Env, trigger: str) -> None:
    headers, user = await _world(env)
    await _both(env, "app")
    await _both(env, "other")
    await USER_TRIGGERS[trigger](env, headers, user)
    assert await _left(env, user) == ALL


@pytest.mark.parametrize("value", ["default", "offline"])
async def test_the_users_own_password_update_at_sign_in_follows_the_policy(env: Env, value: str) -> None:
    headers, user = await _world(env)
    if value != "default":  # Keycloak's is none: the required action logs nothing out
        await _set(env, headers, "password-change", value)
    await _both(env, "app")
    await _both(env, "other")
    await update_user(env.db, "test", "user1", required_actions=("UPDATE_PASSWORD",))
    update = await submit(env.http, await start(env.http, "test", "app"), username="user1", password="password")
    assert "Update password" in update.text
    done = await submit(env.http, update, **{"password-new": "n3w-pass", "password-confirm": "n3w-pass"})
    assert "code" in code_from(done)
    assert await _left(env, user) == (ALL if value == "default" else _without({"offline"}))


async def test_a_client_override_decides_for_that_clients_sessions_of_a_user_trigger(env: Env) -> None:
    headers, user = await _world(env)
    await _set(env, headers, "password-change", "online")
    await _set(env, headers, "password-change", "both", client="other")
    await _both(env, "app")
    await _both(env, "other")
    await _reset_password(env, headers, user)
    assert await _left(env, user) == {("app", "offline")}


async def test_admin_logout_with_an_override_ends_sessions_per_client_without_moving_not_before(env: Env) -> None:
    headers, user = await _world(env)
    await _set(env, headers, "admin-logout", "online", client="other")
    app = await _both(env, "app")
    other = await _both(env, "other")
    env.clock.advance(1)
    await _admin_logout(env, headers, user)
    assert await _left(env, user) == {("other", "offline")}
    assert (await refresh(env.http, "test", "other", other["refresh_token"])).status_code == 200
    assert_error(await refresh(env.http, "test", "app", app["refresh_token"]), 400, "invalid_grant")


async def test_a_user_trigger_ending_only_a_clients_part_leaves_the_emptied_online_session(env: Env) -> None:
    """Realm at Keycloak's none, ``app`` overriding it: a password reset takes ``app`` out of the user's sessions as a
    revoked grant does. The online session left with no client stays, with the browser's SSO login (Keycloak ends an
    online user session only by logging the whole session out, never when a client leaves it:
    TokenManager.dettachClientSession); the offline one left with no client goes."""
    headers, user = await _world(env)
    await _set(env, headers, "password-change", "both", client="app")
    sid = code_from(await submit(env.http, await start(env.http, "test", "app"), username="user1", password="password"))
    online = (await exchange(env.http, "test", "app", sid["code"])).json()
    offline = await _grant(env, "app", scope="offline_access")
    await _reset_password(env, headers, user)
    assert await _left(env, user) == set()
    async with env.db.transaction() as tx:
        assert await tx.sessions.get_user_session(online["session_state"], False) is not None
        assert await tx.sessions.get_user_session(offline["session_state"], True) is None
    refused = await refresh(env.http, "test", "app", online["refresh_token"])
    assert_error(refused, 400, "invalid_grant", "Session doesn't have required client")
    again = code_from(await start(env.http, "test", "other"))  # the SSO login, in the same session
    assert (await exchange(env.http, "test", "other", again["code"])).json()["session_state"] == online["session_state"]


async def test_a_user_trigger_the_realm_and_every_client_cover_ends_the_whole_session(env: Env) -> None:
    """Realm at ``online``: the user's online session ends with its SSO login, as Keycloak's user-triggered logouts
    end it (AuthenticationManager.backchannelLogout): the next authorization request asks for a login again."""
    headers, user = await _world(env)
    await _set(env, headers, "password-change", "online")
    sid = code_from(await submit(env.http, await start(env.http, "test", "app"), username="user1", password="password"))
    online = (await exchange(env.http, "test", "app", sid["code"])).json()["session_state"]
    await _reset_password(env, headers, user)
    async with env.db.transaction() as tx:
        assert await tx.sessions.get_user_session(online, False) is None
    page = await start(env.http, "test", "other")
    assert page.status_code == 200 and 'name="password"' in page.text  # the login form: no SSO login left


@pytest.mark.parametrize("value", ["none", "online", "offline", "both"])
async def test_account_sign_out_of_all_devices_keeps_the_callers_session(env: Env, value: str) -> None:
    headers, user = await _world(env)
    if value != "both":  # both is Keycloak 26.5's (PR #45112)
        await _set(env, headers, "account-logout", value)
    await _both(env, "app")
    await _both(env, "other")
    caller = await _grant(env, "portal", scope="openid")
    bearer = {"Authorization": f"Bearer {caller['access_token']}"}
    assert (await env.http.delete("/realms/test/account/sessions", headers=bearer)).status_code == 204
    assert await _left(env, user) == _without(KINDS[value]) | {("portal", "online")}


# --- client triggers ----------------------------------------------------------------------------------
@pytest.mark.parametrize("value", ["default", "none", "online", "offline", "both"])
async def test_a_secret_rotation_ends_the_kinds_of_that_clients_sessions_it_names(env: Env, value: str) -> None:
    headers, user = await _world(env)
    if value != "default":
        await _set(env, headers, "client-secret-rotation", value)
    await _both(env, "app")
    await _both(env, "other")
    response = await env.http.post(f"{REALM}/clients/{await _uuid(env, headers, 'app')}/client-secret", headers=headers)
    assert response.status_code == 200, response.text
    assert await _left(env, user) == _without(KINDS.get(value, set()), ("app",))


async def test_a_client_override_of_a_client_trigger_wins_over_the_realm(env: Env) -> None:
    headers, user = await _world(env)
    await _set(env, headers, "client-secret-rotation", "both")
    await _set(env, headers, "client-secret-rotation", "none", client="app")
    await _both(env, "app")
    response = await env.http.post(f"{REALM}/clients/{await _uuid(env, headers, 'app')}/client-secret", headers=headers)
    assert response.status_code == 200
    assert await _left(env, user) == {("app", "online"), ("app", "offline")}


async def test_a_client_trigger_leaves_an_emptied_online_session_and_ends_an_emptied_offline_one(env: Env) -> None:
    """The client leaves its sessions as a revoked grant does (Keycloak 26): an online session left with no client
    stays with its root (TokenManager.dettachClientSession only detaches), so the browser's SSO login lives on; an
    offline session left with no client goes (UserSessionManager.revokeOfflineToken)."""
    headers, user = await _world(env)
    await _set(env, headers, "client-secret-rotation", "both")
    sid = code_from(await submit(env.http, await start(env.http, "test", "app"), username="user1", password="password"))
    online = (await exchange(env.http, "test", "app", sid["code"])).json()["session_state"]
    offline = (await _grant(env, "app", scope="offline_access"))["session_state"]
    response = await env.http.post(f"{REALM}/clients/{await _uuid(env, headers, 'app')}/client-secret", headers=headers)
    assert response.status_code == 200, response.text
    assert await _left(env, user) == set()
    async with env.db.transaction() as tx:
        assert await tx.sessions.get_user_session(online, False) is not None
        assert await tx.sessions.get_user_session(offline, True) is None
    again = code_from(await start(env.http, "test", "other"))  # the SSO login, in the same session
    assert (await exchange(env.http, "test", "other", again["code"])).json()["session_state"] == online


@pytest.mark.parametrize("value", ["default", "online", "offline", "both"])
async def test_removing_an_optional_scope_ends_only_sessions_granted_it(env: Env, value: str) -> None:
    headers, user = await _world(env)
    user2 = await seed_user(env.db, env.clock, "test", "user2")
    if value != "default":
        await _set(env, headers, "scope-removal", value)
    await _both(env, "app", scope="phone")
    await _both(env, "other", scope="phone")
    await _both(env, "app", "user2")  # not granted phone: kept
    app = await _uuid(env, headers, "app")
    scopes = (await env.http.get(f"{REALM}/clients/{app}/optional-client-scopes", headers=headers)).json()
    phone = next(s["id"] for s in scopes if s["name"] == "phone")
    response = await env.http.delete(f"{REALM}/clients/{app}/optional-client-scopes/{phone}", headers=headers)
    assert response.status_code == 204, response.text
    assert await _left(env, user) == _without(KINDS.get(value, set()), ("app",))
    assert await _left(env, user2) == {("app", "online"), ("app", "offline")}


@pytest.mark.parametrize("value", ["default", "none", "online", "offline"])
async def test_removing_a_consent_ends_the_kinds_of_that_clients_sessions_it_names(env: Env, value: str) -> None:
    headers, user = await _world(env)
    if value != "default":  # Keycloak's is both
        await _set(env, headers, "consent-removal", value)
    await _both(env, "app")
    await _both(env, "other")
    async with env.db.transaction() as tx:
        app = await tx.clients.get_by_client_id(user.realm_id, "app")
        assert app is not None
        await tx.sessions.save_consent(Consent(user.id, app.id, (), 1000, 1000))
    response = await env.http.delete(f"{REALM}/users/{user.id}/consents/app", headers=headers)
    assert response.status_code == 204, response.text
    ended = KINDS["both" if value == "default" else value]
    assert await _left(env, user) == _without(ended, ("app",))
    async with env.db.transaction() as tx:
        assert await tx.sessions.get_consent(user.id, app.id) is None


# --- events, validation, round trips ------------------------------------------------------------------
async def test_sessions_a_non_keycloak_setting_ends_are_recorded_as_logout_events(env: Env) -> None:
    headers, user = await _world(env)
    assert (await env.http.put(REALM, json={"eventsEnabled": True}, headers=headers)).status_code == 204
    await _set(env, headers, "password-change", "offline")
    await _both(env, "app")
    await _reset_password(env, headers, user)
    found = (await env.http.get(f"{REALM}/events", params={"type": "LOGOUT"}, headers=headers)).json()
    assert [(e["type"], e["userId"], e["details"]) for e in found] == [
        ("LOGOUT", user.id, {"reason": "password-change", "offline": "true"})
    ]


@pytest.mark.parametrize(
    ("attributes", "message"),
    [
        ({"revocation.trigger.email-change": "both"}, "Unknown revocation trigger 'email-change'"),
        ({"revocation.trigger.admin-logout": "everything"}, "Invalid value for revocation.trigger.admin-logout"),
    ],
)
async def test_unknown_trigger_names_or_values_get_400_on_realm_and_client(
    env: Env, attributes: dict[str, str], message: str
) -> None:
    headers, _ = await _world(env)
    app = await _uuid(env, headers, "app")
    for path in (REALM, f"{REALM}/clients/{app}"):
        response = await env.http.put(path, json={"attributes": attributes}, headers=headers)
        assert response.status_code == 400, response.text
        body = response.json()
        assert body["error"] == "invalid_input" and body["error_description"].startswith(message), body
    created = await env.http.post("/admin/realms", json={"realm": "bad", "attributes": attributes}, headers=headers)
    assert created.status_code == 400, created.text


async def test_the_policy_round_trips_through_admin_rest(env: Env) -> None:
    headers, _ = await _world(env)
    await _set(env, headers, "user-disabled", "both")
    await _set(env, headers, "consent-removal", "offline", client="app")
    realm = (await env.http.get(REALM, headers=headers)).json()
    assert realm["attributes"]["revocation.trigger.user-disabled"] == "both"
    app = (await env.http.get(f"{REALM}/clients/{await _uuid(env, headers, 'app')}", headers=headers)).json()
    assert app["attributes"]["revocation.trigger.consent-removal"] == "offline"
