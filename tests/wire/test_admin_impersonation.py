"""``POST users/{id}/impersonation`` as Keycloak 26's UserResource.impersonate answers it (Keycloak's
ImpersonationTest): who may call it, the new session and its SSO cookies, the IMPERSONATE user event, no admin
event, and the impersonator claims the session-note mappers put into tokens issued from that session."""

from __future__ import annotations

from typing import Any

import pytest

from admin_support import forbidden, make_admin
from browser_flow import exchange, login
from support import claims, seed_client, seed_user, update_realm, update_user
from wire_env import Env

pytestmark = pytest.mark.anyio

REALM = "/admin/realms/test"
LINK = "http://localhost/realms/test/login-actions/action-token?key="  # web/impersonation_link.py


def _url(user_id: str) -> str:
    return f"{REALM}/users/{user_id}/impersonation"


def _set_cookies(response: Any) -> dict[str, str]:
    """Each Set-Cookie of the answer by name (the last one of a name wins, as in a browser)."""
    return {h.split("=", 1)[0]: h for h in response.headers.get_list("set-cookie")}


async def _sessions(env: Env, user_id: str) -> list[dict[str, Any]]:
    response = await env.http.get(f"{REALM}/users/{user_id}/sessions", headers=await env.admin_headers())
    assert response.status_code == 200, response.text
    body: list[dict[str, Any]] = response.json()
    return body


async def _events(env: Env) -> list[dict[str, Any]]:
    response = await env.http.get(f"{REALM}/events", headers=await env.admin_headers())
    assert response.status_code == 200, response.text
    body: list[dict[str, Any]] = response.json()
    return body


async def test_the_master_admin_impersonates_a_user_of_another_realm(realm: Env) -> None:
    await update_realm(realm.db, "test", events_enabled=True, admin_events_enabled=True)
    user = await seed_user(realm.db, realm.clock, "test", "victim")
    response = await realm.http.post(_url(user.id), headers=await realm.admin_headers())
    assert response.status_code == 200, response.text
    assert response.json().keys() == {"sameRealm", "redirect"} and response.json()["sameRealm"] is False
    assert response.json()["redirect"].startswith(LINK)
    cookies = _set_cookies(response)
    assert {"KEYCLOAK_IDENTITY", "KEYCLOAK_SESSION"} <= cookies.keys()
    assert all("Path=/realms/test/" in cookies[n] for n in ("KEYCLOAK_IDENTITY", "KEYCLOAK_SESSION"))
    [session] = await _sessions(realm, user.id)
    assert session["username"] == "victim" and session["clients"] == {}
    [event] = [e for e in await _events(realm) if e["type"] == "IMPERSONATE"]
    assert event["userId"] == user.id and event["sessionId"] == session["id"]
    assert event["details"] == {"impersonator_realm": "master", "impersonator": "admin"}
    admin_events = await realm.http.get(f"{REALM}/admin-events", headers=await realm.admin_headers())
    assert [e for e in admin_events.json() if "impersonation" in e["resourcePath"]] == []


async def test_an_impersonator_of_the_same_realm_is_logged_out_of_its_own_session(realm: Env) -> None:
    admin_id, headers = await make_admin(realm, "test", "helpdesk", "impersonation", "view-users")
    user = await seed_user(realm.db, realm.clock, "test", "victim")
    [own] = await _sessions(realm, admin_id)
    response = await realm.http.post(_url(user.id), headers=headers)
    assert response.status_code == 200, response.text
    assert response.json()["sameRealm"] is True and response.json()["redirect"].startswith(LINK)
    assert await _sessions(realm, admin_id) == []
    [session] = await _sessions(realm, user.id)
    assert session["id"] != own["id"]


async def test_an_admin_without_the_impersonation_role_is_refused(realm: Env) -> None:
    _, headers = await make_admin(realm, "test", "helpdesk", "manage-users")
    user = await seed_user(realm.db, realm.clock, "test", "victim")
    forbidden(await realm.http.post(_url(user.id), headers=headers))
    assert await _sessions(realm, user.id) == []


async def test_an_administrator_may_be_impersonated(realm: Env) -> None:
    """Keycloak checks the role only (UserPermissions.canImpersonate): a realm-admin is impersonated too."""
    _, headers = await make_admin(realm, "test", "helpdesk", "impersonation")
    boss_id, _ = await make_admin(realm, "test", "boss", "realm-admin")
    response = await realm.http.post(_url(boss_id), headers=headers)
    assert response.status_code == 200, response.text


async def test_a_disabled_user_cannot_be_impersonated(realm: Env) -> None:
    user = await seed_user(realm.db, realm.clock, "test", "victim")
    await update_user(realm.db, "test", "victim", enabled=False)
    response = await realm.http.post(_url(user.id), headers=await realm.admin_headers())
    assert response.status_code == 400
    assert response.json() == {"errorMessage": "User is disabled"}
    assert await _sessions(realm, user.id) == []


async def test_a_service_account_cannot_be_impersonated(realm: Env) -> None:
    await seed_client(realm.db, "test", "robot", service_accounts=True)
    headers = await realm.admin_headers()
    listed = await realm.http.get(f"{REALM}/users", params={"username": "service-account-robot"}, headers=headers)
    [robot] = listed.json()
    response = await realm.http.post(_url(robot["id"]), headers=headers)
    assert response.status_code == 400
    assert response.json() == {"errorMessage": "Service accounts cannot be impersonated"}


async def test_an_unknown_user_is_a_404_to_who_may_query_users_and_a_403_to_others(realm: Env) -> None:
    response = await realm.http.post(_url("no-such-user"), headers=await realm.admin_headers())
    assert response.status_code == 404
    assert response.json() == {"error": "User not found"}
    _, headers = await make_admin(realm, "test", "helpdesk", "impersonation")
    forbidden(await realm.http.post(_url("no-such-user"), headers=headers))


async def test_tokens_from_the_impersonated_session_carry_the_impersonator_through_its_mappers(realm: Env) -> None:
    headers = await realm.admin_headers()
    await seed_client(realm.db, "test", "web", redirect_uris=("http://127.0.0.1:9999/*",))
    listed = await realm.http.get(f"{REALM}/clients", params={"clientId": "web"}, headers=headers)
    models = f"{REALM}/clients/{listed.json()[0]['id']}/protocol-mappers/models"
    for note, claim in (("IMPERSONATOR_ID", "impersonator.id"), ("IMPERSONATOR_USERNAME", "impersonator.username")):
        mapper = {
            "name": f"Impersonator {claim}",
            "protocol": "openid-connect",
            "protocolMapper": "oidc-usersessionmodel-note-mapper",
            "config": {
                "user.session.note": note,
                "claim.name": claim,
                "jsonType.label": "String",
                "id.token.claim": "true",
                "access.token.claim": "true",
            },
        }
        assert (await realm.http.post(models, json=mapper, headers=headers)).status_code == 201
    admin_id = (
        await realm.http.get("/admin/realms/master/users", params={"username": "admin"}, headers=headers)
    ).json()
    user = await seed_user(realm.db, realm.clock, "test", "victim")
    assert (await realm.http.post(_url(user.id), headers=headers)).status_code == 200
    code = (await login(realm.http, "test", "web"))["code"]  # the impersonated session's cookies sign in
    response = await exchange(realm.http, "test", "web", code)
    assert response.status_code == 200, response.text
    access = claims(response.json()["access_token"])
    assert access["preferred_username"] == "victim"
    assert access["impersonator"] == {"id": admin_id[0]["id"], "username": "admin"}
