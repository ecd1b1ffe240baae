"""Keycloak 26's ImpersonationTest and ImpersonationDisabledTest (tests/base/src/test/java/org/keycloak/tests/
admin/), ported one method to one test over HTTP: realm ``test`` imported as ImpersonationTestRealmConfig makes it
(the public direct-grant client ``myclient``; ``realm-admin``, ``impersonator`` with impersonation and view-users,
``bad-impersonator`` with manage-users only; ``test-user``), events on, and ``POST users/{id}/impersonation``
answered with a redirect, the SSO cookies, the IMPERSONATE event naming the impersonator and its realm, and the
session notes IMPERSONATOR_ID / IMPERSONATOR_USERNAME.

Already covered elsewhere, not repeated here: the answer's exact JSON, its cookie paths, the same-realm
impersonator logged out of its own session, no admin event, a 404 or 403 for an unknown user, and the
impersonator claims of tokens issued from the session (test_admin_impersonation.py).

``testImpersonateByMasterImpersonator`` is ported in test_kc_s66k_impersonation.py; the realm and the Java
class's helpers are in impersonation_port.py.

ImpersonationDisabledTest's one method is ported last: a server started with ``--features-disabled=impersonation``
answers the endpoint 501. (Keycloak also leaves the ``impersonation`` role out of realms made while the feature is
off; Doorkeep keeps the role, which then allows nothing.)
"""

from __future__ import annotations

import dataclasses

import pytest

import impersonation_port
from browser_flow import REDIRECT, code_from, start
from impersonation_port import (
    MANAGEMENT,
    admin_client,
    bad_request_impersonation,
    client_credentials,
    forbidden_impersonation,
    identity_cookies,
    impersonate,
    login,
    map_role,
    master_user,
    service_account,
    successful_impersonation,
    url,
)
from keycloak_port import ADMIN, admin_headers, client_uuid, poll, user_id
from wire_env import Env, another_worker

pytestmark = pytest.mark.anyio
kc = impersonation_port.kc


async def test_impersonate_by_master_admin(kc: Env) -> None:
    await successful_impersonation(kc, "admin", "master")


async def test_impersong_get_service_account_userate_by_test_impersonator(kc: Env) -> None:
    """(sic: Keycloak's method name) ``impersonator`` of realm ``test``, holding impersonation and view-users."""
    await successful_impersonation(kc, "impersonator", "test")


async def test_impersonate_by_test_admin(kc: Env) -> None:
    """``realm-admin`` holds impersonation through the realm-admin composite."""
    await successful_impersonation(kc, "realm-admin", "test")


async def test_impersonate_by_test_bad_impersonator(kc: Env) -> None:
    """manage-users alone does not allow impersonating."""
    await forbidden_impersonation(kc, "bad-impersonator", "test")


async def test_impersonation_fails_for_disabled_user(kc: Env) -> None:
    target = await user_id(kc, "test-user")
    rep = (await kc.http.get(f"{ADMIN}/users/{target}", headers=await admin_headers(kc))).json()
    updated = await kc.http.put(
        f"{ADMIN}/users/{target}", json={**rep, "enabled": False}, headers=await admin_headers(kc)
    )
    assert updated.status_code == 204, updated.text
    headers = await admin_client(kc, "impersonator", "test")
    await bad_request_impersonation(kc, headers, target, "User is disabled")


async def test_impersonate_by_mastert_bad_impersonator(kc: Env) -> None:
    """(sic) A master user holding no role of realm ``test`` is refused."""
    await master_user(kc, "master-bad-impersonator")
    await forbidden_impersonation(kc, "master-bad-impersonator", "master")


async def test_impersonation_works_when_authentication_session_exists(kc: Env) -> None:
    """KEYCLOAK-5981 / KEYCLOAK-12783: a browser with a login form open (an authentication session) that takes the
    impersonated session's cookies is sent straight back to the application."""
    page = await start(kc.http, "test", "test-app")
    assert page.status_code == 200 and "AUTH_SESSION_ID" in kc.http.cookies
    await successful_impersonation(kc, "realm-admin", "test")
    again = await start(kc.http, "test", "test-app")
    assert again.headers["location"].startswith(REDIRECT)
    assert "code" in code_from(again)


async def test_impersonation_by_same_realm_service_account(kc: Env) -> None:
    """KEYCLOAK-17655: a service account holding impersonation impersonates; a service account is never impersonated."""
    account = await service_account(kc, "test")
    await map_role(kc, "test", account, "impersonation", MANAGEMENT)
    await impersonate(kc, await client_credentials(kc, "test"))
    headers = await admin_client(kc, "impersonator", "test")
    await bad_request_impersonation(kc, headers, account, "Service accounts cannot be impersonated")
    root = await admin_headers(kc)
    deleted = await kc.http.delete(f"{ADMIN}/clients/{await client_uuid(kc, 'service-account-cl')}", headers=root)
    assert deleted.status_code == 204


async def test_impersonation_by_master_realm_service_account(kc: Env) -> None:
    """A master service account holding master's ``admin`` impersonates a user of realm ``test``."""
    account = await service_account(kc, "master")
    await map_role(kc, "master", account, "admin")
    await impersonate(kc, await client_credentials(kc, "master"))


async def test_impersonation_disabled(kc: Env) -> None:
    """ImpersonationDisabledTest.testImpersonationDisabled: with the feature off, ``impersonate()`` is a 501 (Keycloak's
    ProfileHelper.requireFeature), even to master's admin, and no session is made."""
    off = dataclasses.replace(kc, settings=dataclasses.replace(kc.settings, features_disabled="impersonation"))
    target = await user_id(kc, "test-user")
    async with another_worker(off) as http:
        response = await http.post(url(target), headers=await admin_headers(kc))
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
    response = await kc.http.post(url(target), headers=await login(kc, "impersonator", "test"))
    assert response.status_code == 200, response.text
    assert identity_cookies(response) != []
    signed_in = await start(kc.http, "test", "test-app")
    assert "code" in code_from(signed_in)
    [event] = [e for e in await poll(kc) if e["type"] == "IMPERSONATE"]
    assert event["userId"] == target and event["details"]["impersonator"] == "impersonator"
