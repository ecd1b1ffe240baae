"""Keycloak 26's ImpersonationTest and ImpersonationDisabledTest (tests/base/src/test/java/org/keycloak/tests/
admin/), ported one method to one test over HTTP: realm ``test`` imported as ImpersonationTestRealmConfig makes it
(the public direct-grant client ``myclient``; ``realm-admin``, ``impersonator`` with impersonation and view-users,
``bad-impersonator`` with manage-users only; ``test-user``), events on, and ``POST users/{id}/impersonation``
answered with a redirect, the SSO cookies, the IMPERSONATE event naming the impersonator and its realm, and the
session notes IMPERSONATOR_ID / IMPERSONATOR_USERNAME.

Already covered elsewhere, not repeated here: the answer's exact JSON, its cookie paths, the same-realm
impersonator logged out of its own session, no admin event, a 404 or 403 for an unknown user, and the
impersonator claims of tokens issued from the session (test_admin_impersonation.py).

Not ported, with the reason:

* ``testImpersonateByMasterImpersonator``: the master user holds ``view-users`` and ``impersonation`` of master's
  ``test-realm`` client. Doorkeep has no per-realm master clients (``{realm}-realm``); a master user administers
  another realm only through master's ``admin`` role (docs/admin-api.md).

ImpersonationDisabledTest's one method is ported last: a server started with ``--features-disabled=impersonation``
answers the endpoint 501. (Keycloak also leaves the ``impersonation`` role out of realms made while the feature is
off; Doorkeep keeps the role, which then allows nothing.)
"""

from __future__ import annotations

import dataclasses
from typing import Any

import httpx
import pytest

from browser_flow import REDIRECT, code_from, start
from keycloak_port import ADMIN, admin_headers, client_uuid, import_realm, poll, user_id
from support import password_grant, token_url
from wire_env import Env, another_worker

pytestmark = pytest.mark.anyio

MANAGEMENT = "realm-management"


def _user(username: str, *roles: str) -> dict[str, Any]:
    """A user of ImpersonationTestRealmConfig: password ``password`` and these realm-management roles."""
    return {
        "username": username,
        "enabled": True,
        "email": f"{username}@email.org",
        "emailVerified": True,
        "firstName": "My",
        "lastName": username.title(),
        "credentials": [{"type": "password", "value": "password", "temporary": False}],
        "clientRoles": {MANAGEMENT: list(roles)} if roles else {},
    }


REALM = {
    "realm": "test",
    "enabled": True,
    "eventsEnabled": True,
    "clients": [
        {"clientId": "myclient", "publicClient": True, "directAccessGrantsEnabled": True},
        {"clientId": "test-app", "publicClient": True, "redirectUris": [REDIRECT]},
    ],
    "users": [
        _user("realm-admin", "realm-admin"),
        _user("impersonator", "impersonation", "view-users"),
        _user("bad-impersonator", "manage-users"),
        _user("test-user"),
    ],
}


@pytest.fixture
async def kc(env: Env) -> Env:
    await import_realm(env, REALM)
    await poll(env)
    return env


def _url(target: str, realm: str = "test") -> str:
    return f"/admin/realms/{realm}/users/{target}/impersonation"


async def _login(env: Env, username: str, realm: str) -> dict[str, str]:
    """``login()``: a password grant through ``myclient`` (``admin-cli`` in master); in ``test`` its LOGIN
    event is polled."""
    headers = await _admin_client(env, username, realm)
    if realm != "master":
        [event] = await poll(env)
        assert (event["type"], event["clientId"]) == ("LOGIN", "myclient")
    return headers


def _identity_cookies(response: httpx.Response) -> list[str]:
    return [h for h in response.headers.get_list("set-cookie") if h.startswith("KEYCLOAK_IDENTITY")]


async def _impersonate(env: Env, headers: dict[str, str]) -> httpx.Response:
    """``impersonate``/``impersonateServiceAccount`` up to the answer: a redirect and the identity cookies."""
    target = await user_id(env, "test-user")
    response = await env.http.post(_url(target), headers=headers)
    assert response.status_code == 200, response.text
    assert "redirect" in response.text
    assert _identity_cookies(response) != []
    return response


async def _successful_impersonation(env: Env, admin: str, admin_realm: str) -> httpx.Response:
    """``testSuccessfulImpersonation``: the IMPERSONATE event (the impersonated user, a session, the impersonator's
    username and realm among its details) and the session's impersonator notes."""
    response = await _impersonate(env, await _login(env, admin, admin_realm))
    target = await user_id(env, "test-user")
    event = (await poll(env))[0]
    assert (event["type"], event["userId"]) == ("IMPERSONATE", target)
    assert event["sessionId"]
    assert admin in event["details"].values() and admin_realm in event["details"].values()
    async with env.db.transaction() as tx:
        session = await tx.sessions.get_user_session(event["sessionId"], False)
    assert session is not None and session.user_id == target
    assert session.notes["IMPERSONATOR_ID"]
    assert session.notes["IMPERSONATOR_USERNAME"] == admin
    return response


async def _admin_client(env: Env, username: str, realm: str) -> dict[str, str]:
    """``createAdminClient``: a password grant through ``myclient`` (``admin-cli`` in master), no event polled."""
    client = "admin-cli" if realm == "master" else "myclient"
    password = "admin" if username == "admin" else "password"
    response = await password_grant(env.http, realm, client, username, password, secret=None)
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


async def _forbidden_impersonation(env: Env, admin: str, admin_realm: str) -> None:
    headers = await _admin_client(env, admin, admin_realm)
    response = await env.http.post(_url(await user_id(env, "test-user")), headers=headers)
    assert response.status_code == 403, response.text
    assert response.json() == {"error": "HTTP 403 Forbidden"}


async def _bad_request_impersonation(env: Env, headers: dict[str, str], target: str, error: str) -> None:
    response = await env.http.post(_url(target), headers=headers)
    assert response.status_code == 400, response.text
    assert response.json() == {"errorMessage": error}


async def _master_user(env: Env, username: str) -> str:
    """A user of master made through the admin API, its password reset to ``password``."""
    root = await admin_headers(env)
    created = await env.http.post(
        "/admin/realms/master/users", json={"username": username, "enabled": True}, headers=root
    )
    assert created.status_code == 201, created.text
    uid = created.headers["location"].rsplit("/", 1)[-1]
    reset = {"type": "password", "value": "password", "temporary": False}
    response = await env.http.put(f"/admin/realms/master/users/{uid}/reset-password", json=reset, headers=root)
    assert response.status_code == 204, response.text
    return uid


async def _service_account(env: Env, realm: str) -> str:
    """``service-account-cl`` created in ``realm`` (secret ``password``): its service account's id."""
    root = await admin_headers(env)
    rep = {"clientId": "service-account-cl", "secret": "password", "serviceAccountsEnabled": True}
    created = await env.http.post(f"/admin/realms/{realm}/clients", json=rep, headers=root)
    assert created.status_code == 201, created.text
    uuid = created.headers["location"].rsplit("/", 1)[-1]
    account = await env.http.get(f"/admin/realms/{realm}/clients/{uuid}/service-account-user", headers=root)
    return str(account.json()["id"])


async def _client_credentials(env: Env, realm: str) -> dict[str, str]:
    form = {"grant_type": "client_credentials", "client_id": "service-account-cl", "client_secret": "password"}
    response = await env.http.post(token_url(realm), data=form)
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


async def _map(env: Env, realm: str, uid: str, role: str, client: str | None = None) -> None:
    root = await admin_headers(env)
    base = f"/admin/realms/{realm}"
    if client is None:
        found = await env.http.get(f"{base}/roles/{role}", headers=root)
        url = f"{base}/users/{uid}/role-mappings/realm"
    else:
        listed = await env.http.get(f"{base}/clients", params={"clientId": client}, headers=root)
        cid = listed.json()[0]["id"]
        found = await env.http.get(f"{base}/clients/{cid}/roles/{role}", headers=root)
        url = f"{base}/users/{uid}/role-mappings/clients/{cid}"
    response = await env.http.post(url, json=[found.json()], headers=root)
    assert response.status_code == 204, response.text


async def test_impersonate_by_master_admin(kc: Env) -> None:
    await _successful_impersonation(kc, "admin", "master")


async def test_impersong_get_service_account_userate_by_test_impersonator(kc: Env) -> None:
    """(sic: Keycloak's method name) ``impersonator`` of realm ``test``, holding impersonation and view-users."""
    await _successful_impersonation(kc, "impersonator", "test")


async def test_impersonate_by_test_admin(kc: Env) -> None:
    """``realm-admin`` holds impersonation through the realm-admin composite."""
    await _successful_impersonation(kc, "realm-admin", "test")


async def test_impersonate_by_test_bad_impersonator(kc: Env) -> None:
    """manage-users alone does not allow impersonating."""
    await _forbidden_impersonation(kc, "bad-impersonator", "test")


async def test_impersonation_fails_for_disabled_user(kc: Env) -> None:
    target = await user_id(kc, "test-user")
    rep = (await kc.http.get(f"{ADMIN}/users/{target}", headers=await admin_headers(kc))).json()
    updated = await kc.http.put(
        f"{ADMIN}/users/{target}", json={**rep, "enabled": False}, headers=await admin_headers(kc)
    )
    assert updated.status_code == 204, updated.text
    headers = await _admin_client(kc, "impersonator", "test")
    await _bad_request_impersonation(kc, headers, target, "User is disabled")


async def test_impersonate_by_mastert_bad_impersonator(kc: Env) -> None:
    """(sic) A master user holding no role of realm ``test`` is refused."""
    await _master_user(kc, "master-bad-impersonator")
    await _forbidden_impersonation(kc, "master-bad-impersonator", "master")


async def test_impersonation_works_when_authentication_session_exists(kc: Env) -> None:
    """KEYCLOAK-5981 / KEYCLOAK-12783: a browser with a login form open (an authentication session) that takes the
    impersonated session's cookies is sent straight back to the application."""
    page = await start(kc.http, "test", "test-app")
    assert page.status_code == 200 and "AUTH_SESSION_ID" in kc.http.cookies
    await _successful_impersonation(kc, "realm-admin", "test")
    again = await start(kc.http, "test", "test-app")
    assert again.headers["location"].startswith(REDIRECT)
    assert "code" in code_from(again)


async def test_impersonation_by_same_realm_service_account(kc: Env) -> None:
    """KEYCLOAK-17655: a service account holding impersonation impersonates; a service account is never impersonated."""
    account = await _service_account(kc, "test")
    await _map(kc, "test", account, "impersonation", MANAGEMENT)
    await _impersonate(kc, await _client_credentials(kc, "test"))
    headers = await _admin_client(kc, "impersonator", "test")
    await _bad_request_impersonation(kc, headers, account, "Service accounts cannot be impersonated")
    root = await admin_headers(kc)
    deleted = await kc.http.delete(f"{ADMIN}/clients/{await client_uuid(kc, 'service-account-cl')}", headers=root)
    assert deleted.status_code == 204


async def test_impersonation_by_master_realm_service_account(kc: Env) -> None:
    """A master service account holding master's ``admin`` impersonates a user of realm ``test``."""
    account = await _service_account(kc, "master")
    await _map(kc, "master", account, "admin")
    await _impersonate(kc, await _client_credentials(kc, "master"))


async def test_impersonation_disabled(kc: Env) -> None:
    """ImpersonationDisabledTest.testImpersonationDisabled: with the feature off, ``impersonate()`` is a 501 (Keycloak's
    ProfileHelper.requireFeature), even to master's admin, and no session is made."""
    off = dataclasses.replace(kc, settings=dataclasses.replace(kc.settings, features_disabled="impersonation"))
    target = await user_id(kc, "test-user")
    async with another_worker(off) as http:
        response = await http.post(_url(target), headers=await admin_headers(kc))
    assert response.status_code == 501, response.text
    assert response.json() == {"error": "Feature not enabled"}
    sessions = await kc.http.get(f"{ADMIN}/users/{target}/sessions", headers=await admin_headers(kc))
    assert sessions.json() == []


async def test_a_user_without_a_password_is_impersonated_and_signed_in(kc: Env) -> None:
    """Beyond the Java class: impersonation needs no credential of the user; a user made through the admin API with
    none is impersonated, and the impersonated session's cookies sign the browser in to an application."""
    root = await admin_headers(kc)
    created = await kc.http.post(f"{ADMIN}/users", json={"username": "no-password", "enabled": True}, headers=root)
    assert created.status_code == 201, created.text
    target = created.headers["location"].rsplit("/", 1)[-1]
    response = await kc.http.post(_url(target), headers=await _login(kc, "impersonator", "test"))
    assert response.status_code == 200, response.text
    assert _identity_cookies(response) != []
    signed_in = await start(kc.http, "test", "test-app")
    assert "code" in code_from(signed_in)
    [event] = [e for e in await poll(kc) if e["type"] == "IMPERSONATE"]
    assert event["userId"] == target and event["details"]["impersonator"] == "impersonator"
