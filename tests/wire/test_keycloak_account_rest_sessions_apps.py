"""Keycloak's AccountRestServiceTest (applications, consents, offline access, credentials) and
SessionRestServiceTest (sessions, devices, logout) ported to the wire
(testsuite/integration-arquillian/tests/base/.../testsuite/account/, AccountRestServiceTest @df49ddd1,
SessionRestServiceTest @032dfc16; AccountRestService and SessionResource for the events).

Left out: X-Forwarded-For without a trusted proxy (testGetDevicesSessions' third browser, ported in
test_account_devices_user_agent.py), and testDeleteSessions, which is no @Test in Keycloak (it expects 200).
testCredentialsGet's WebAuthn containers and configureBrowserFlowWithWebAuthnAuthenticator are ported since
session 61 (this note said until then that Doorkeep lacked WebAuthn).
"""

from __future__ import annotations

from typing import Any

import pytest

from account_rest_realm import APP_ROOT, USER, browser, call, code_grant, events, seed, token
from browser_flow import login
from doorkeep.users import otp
from support import claims, refresh
from wire_env import Env

pytestmark = pytest.mark.anyio


@pytest.fixture
async def kc(env: Env) -> Env:
    await seed(env)
    return env


def _app(client_id: str, name: str | None, base_url: str | None, *, in_use: bool = False, offline: bool = False) -> Any:
    """An account ClientRepresentation as AccountRestService.modelToRepresentation builds it (nulls left out)."""
    rep = {
        "clientId": client_id,
        "clientName": name,
        "userConsentRequired": False,
        "inUse": in_use,
        "offlineAccess": offline,
        "baseUrl": base_url,
        "effectiveUrl": base_url,
    }
    return {k: v for k, v in rep.items() if v is not None}


ALWAYS = _app("always-display-client", "Always Display Client", f"{APP_ROOT}/always-display-client")


async def _applications(kc: Env, access_token: str, **params: str) -> dict[str, Any]:
    response = await kc.http.get(
        "/realms/test/account/applications",
        params=params,
        headers={"Authorization": f"Bearer {access_token}", "Accept": "application/json"},
    )
    assert response.status_code == 200, response.text
    return {a["clientId"]: a for a in response.json()}


# --- applications ------------------------------------------------------------------------------
async def test_list_applications(kc: Env) -> None:
    """AccountRestServiceTest.listApplications"""
    await token(kc, "view-applications-access", "in-use-client")
    apps = await _applications(kc, await token(kc, "view-applications-access"))
    assert apps == {
        "in-use-client": _app("in-use-client", "In Use Client", f"{APP_ROOT}/in-use-client", in_use=True),
        "always-display-client": ALWAYS,
        # the token's own login: AccountRestService.applications lists every client of an online session
        # (Keycloak's test names only the two above; its testrealm's direct-grant is not reproduced here)
        "direct-grant": _app("direct-grant", None, None, in_use=True),
    }


async def test_list_applications_filtered(kc: Env) -> None:
    """AccountRestServiceTest.listApplicationsFiltered"""
    await token(kc, "view-applications-access", "in-use-client")
    apps = await _applications(kc, await token(kc, "view-applications-access"), name="In Use")
    assert apps == {"in-use-client": _app("in-use-client", "In Use Client", f"{APP_ROOT}/in-use-client", in_use=True)}


async def test_list_applications_offline_access(kc: Env) -> None:
    """AccountRestServiceTest.listApplicationsOfflineAccess"""
    await token(kc, "view-applications-access", "offline-client", scope="offline_access")
    apps = await _applications(kc, await token(kc, "view-applications-access"))
    assert set(apps) == {"offline-client", "always-display-client", "direct-grant"}
    # a password grant's online session is removed once the offline one exists (KEYCLOAK.md §2.3)
    assert apps["offline-client"] == _app(
        "offline-client", "Offline Client", f"{APP_ROOT}/offline-client", in_use=False, offline=True
    )


async def test_list_applications_third_party(kc: Env) -> None:
    """AccountRestServiceTest.listApplicationsThirdParty"""
    access = await token(kc, "view-applications-access")
    scope = await _first_scope(kc)
    granted = await call(kc, "POST", "applications/third-party/consent", access, {"grantedScopes": [{"id": scope}]})
    assert granted.status_code == 200, granted.text
    apps = await _applications(kc, access)
    assert (await call(kc, "DELETE", "applications/third-party/consent", access)).status_code == 204
    assert set(apps) == {"third-party", "always-display-client", "direct-grant"}
    app = apps["third-party"]
    consent = app.pop("consent")
    assert app == {
        "clientId": "third-party",
        "description": "A third party application",
        "userConsentRequired": True,
        "inUse": False,
        "offlineAccess": False,
        "baseUrl": f"{APP_ROOT}/auth",
        "effectiveUrl": f"{APP_ROOT}/auth",
    }
    assert [s["id"] for s in consent["grantedScopes"]] == [scope]
    assert consent["createdDate"] == consent["lastUpdatedDate"] == kc.clock.now() * 1000
    assert "third-party" not in await _applications(kc, access)


async def test_list_applications_with_root_url(kc: Env) -> None:
    """AccountRestServiceTest.listApplicationsWithRootUrl"""
    await token(kc, "view-applications-access", "root-url-client")
    apps = await _applications(kc, await token(kc, "view-applications-access"))
    assert apps["root-url-client"] == {
        "clientId": "root-url-client",
        "userConsentRequired": False,
        "inUse": True,
        "offlineAccess": False,
        "rootUrl": "http://localhost:8180/foo/bar",
        "baseUrl": "/baz",
        "effectiveUrl": "http://localhost:8180/foo/bar/baz",
    }


async def test_list_applications_without_permission(kc: Env) -> None:
    """AccountRestServiceTest.listApplicationsWithoutPermission"""
    response = await call(kc, "GET", "applications", await token(kc, "no-account-access"))
    assert (response.status_code, response.json()) == (403, {"error": "HTTP 403 Forbidden"})


async def test_get_not_existing_application(kc: Env) -> None:
    """AccountRestServiceTest.getNotExistingApplication"""
    response = await call(kc, "GET", "applications/not-existing", await token(kc, "view-applications-access"))
    assert response.status_code == 404


# --- consents ----------------------------------------------------------------------------------
async def _first_scope(kc: Env, index: int = 0) -> str:
    """``testRealm().clientScopes().findAll().get(index)``: a client scope's id."""
    response = await kc.http.get("/admin/realms/test/client-scopes", headers=await kc.admin_headers())
    return str(response.json()[index]["id"])


async def _consent(kc: Env, method: str, access: str, scope: str, app: str = "security-admin-console") -> Any:
    response = await call(kc, method, f"applications/{app}/consent", access, {"grantedScopes": [{"id": scope}]})
    assert response.status_code == 200, response.text
    return response.json()


async def _create(kc: Env, method: str) -> None:
    access = await token(kc, "manage-consent-access")
    scope = await _first_scope(kc)
    consent = await _consent(kc, method, access, scope)
    now = kc.clock.now() * 1000
    assert (consent["createdDate"], consent["lastUpdatedDate"]) == (now, now)
    assert [s["id"] for s in consent["grantedScopes"]] == [scope]


async def _update(kc: Env, method: str) -> None:
    access = await token(kc, "manage-consent-access")
    first = await _consent(kc, method, access, await _first_scope(kc))
    kc.clock.advance(1)
    other = await _first_scope(kc, 1)
    second = await _consent(kc, method, access, other)
    assert second["createdDate"] == first["createdDate"]
    assert second["lastUpdatedDate"] == first["lastUpdatedDate"] + 1000
    assert [s["id"] for s in second["grantedScopes"]] == [other]


async def _refused(kc: Env, method: str, username: str, app: str, status: int) -> None:
    body = {"grantedScopes": [{"id": await _first_scope(kc)}]}
    response = await call(kc, method, f"applications/{app}/consent", await token(kc, username), body)
    assert response.status_code == status, response.text
    if status == 404:
        assert response.json() == {"errorMessage": f"No client with clientId: {app} found."}


async def test_create_consent_for_client(kc: Env) -> None:
    """AccountRestServiceTest.createConsentForClient"""
    await _create(kc, "POST")


async def test_update_consent_for_client(kc: Env) -> None:
    """AccountRestServiceTest.updateConsentForClient"""
    await _update(kc, "POST")


async def test_create_consent_for_not_existing_client(kc: Env) -> None:
    """AccountRestServiceTest.createConsentForNotExistingClient"""
    await _refused(kc, "POST", "manage-consent-access", "not-existing", 404)


async def test_create_consent_for_client_without_permission(kc: Env) -> None:
    """AccountRestServiceTest.createConsentForClientWithoutPermission"""
    await _refused(kc, "POST", "view-consent-access", "security-admin-console", 403)


async def test_create_consent_for_client_with_put(kc: Env) -> None:
    """AccountRestServiceTest.createConsentForClientWithPut"""
    await _create(kc, "PUT")


async def test_update_consent_for_client_with_put(kc: Env) -> None:
    """AccountRestServiceTest.updateConsentForClientWithPut"""
    await _update(kc, "PUT")


async def test_create_consent_for_not_existing_client_with_put(kc: Env) -> None:
    """AccountRestServiceTest.createConsentForNotExistingClientWithPut"""
    await _refused(kc, "PUT", "manage-consent-access", "not-existing", 404)


async def test_create_consent_for_client_without_permission_with_put(kc: Env) -> None:
    """AccountRestServiceTest.createConsentForClientWithoutPermissionWithPut"""
    await _refused(kc, "PUT", "view-consent-access", "security-admin-console", 403)


async def test_upserting_a_consent_records_grant_then_update_consent(kc: Env) -> None:
    """AccountRestService.upsert: GRANT_CONSENT for a new consent, UPDATE_CONSENT for an existing one, by the
    account client, naming the client and the granted scopes' names."""
    access = await token(kc, "manage-consent-access")
    user_id = claims(access)["sub"]
    await _consent(kc, "PUT", access, await _first_scope(kc))
    await _consent(kc, "POST", access, await _first_scope(kc, 1))
    scopes = (await kc.http.get("/admin/realms/test/client-scopes", headers=await kc.admin_headers())).json()
    stored = [e for e in await events(kc) if e["type"] in ("GRANT_CONSENT", "UPDATE_CONSENT")]
    assert {e["ipAddress"] for e in stored} == {"127.0.0.1"}  # the caller's address, as EventBuilder records it
    found = [(e["type"], e["clientId"], e["userId"], e["details"]) for e in stored]
    assert found == [
        ("GRANT_CONSENT", "account", user_id, {"granted_client": "security-admin-console", "scope": scopes[0]["name"]}),
        (
            "UPDATE_CONSENT",
            "account",
            user_id,
            {"granted_client": "security-admin-console", "scope": scopes[1]["name"]},
        ),
    ]


async def test_get_consent_for_client(kc: Env) -> None:
    """AccountRestServiceTest.getConsentForClient"""
    access = await token(kc, "manage-consent-access")
    created = await _consent(kc, "POST", access, await _first_scope(kc))
    response = await call(kc, "GET", "applications/security-admin-console/consent", access)
    assert (response.status_code, response.json()) == (200, created)


async def test_get_consent_for_not_existing_client(kc: Env) -> None:
    """AccountRestServiceTest.getConsentForNotExistingClient"""
    response = await call(kc, "GET", "applications/not-existing/consent", await token(kc, "view-consent-access"))
    assert (response.status_code, response.json()) == (
        404,
        {"errorMessage": "No client with clientId: not-existing found."},
    )


async def test_get_not_existing_consent_for_client(kc: Env) -> None:
    """AccountRestServiceTest.getNotExistingConsentForClient"""
    access = await token(kc, "view-consent-access")
    response = await call(kc, "GET", "applications/security-admin-console/consent", access)
    assert (response.status_code, response.content) == (204, b"")


async def test_get_consent_without_permission(kc: Env) -> None:
    """AccountRestServiceTest.getConsentWithoutPermission"""
    access = await token(kc, "no-account-access")
    response = await call(kc, "GET", "applications/security-admin-console/consent", access)
    assert (response.status_code, response.json()) == (403, {"error": "HTTP 403 Forbidden"})


async def test_delete_consent_for_client(kc: Env) -> None:
    """AccountRestServiceTest.deleteConsentForClient (and the REVOKE_GRANT events AccountRestService sends)"""
    access = await token(kc, "manage-consent-access")
    await _consent(kc, "POST", access, await _first_scope(kc))
    for _ in range(2):
        response = await call(kc, "DELETE", "applications/security-admin-console/consent", access)
        assert (response.status_code, response.content) == (204, b"")
    assert (await call(kc, "GET", "applications/security-admin-console/consent", access)).status_code == 204
    revokes = await events(kc, "REVOKE_GRANT")
    assert [(e["clientId"], e["userId"], e["details"]) for e in revokes] == [
        ("account", claims(access)["sub"], {"revoked_client": "security-admin-console"})
    ] * 2
    assert all("sessionId" not in e for e in revokes)  # Keycloak's builder names no session


async def test_delete_consent_for_not_existing_client(kc: Env) -> None:
    """AccountRestServiceTest.deleteConsentForNotExistingClient"""
    response = await call(kc, "DELETE", "applications/not-existing/consent", await token(kc, "manage-consent-access"))
    assert (response.status_code, response.json()) == (
        404,
        {"errorMessage": "No client with clientId: not-existing found."},
    )


async def test_delete_consent_without_permission(kc: Env) -> None:
    """AccountRestServiceTest.deleteConsentWithoutPermission"""
    access = await token(kc, "view-consent-access")
    response = await call(kc, "DELETE", "applications/security-admin-console/consent", access)
    assert (response.status_code, response.json()) == (403, {"error": "HTTP 403 Forbidden"})


async def test_revoke_offline_access(kc: Env) -> None:
    """AccountRestServiceTest.revokeOfflineAccess (KEYCLOAK-14344)"""
    grant = await _offline(kc)
    access = await token(kc, "view-applications-access")
    response = await call(kc, "DELETE", "applications/offline-client/consent", access)
    assert response.status_code == 204
    apps = await _applications(kc, access)
    assert set(apps) == {"always-display-client", "direct-grant"}  # no session and no consent left
    refused = await refresh(kc.http, "test", "offline-client", grant["refresh_token"], secret="secret1")
    assert (refused.status_code, refused.json()["error"]) == (400, "invalid_grant")
    (revoke,) = await events(kc, "REVOKE_GRANT")
    assert (revoke["clientId"], revoke["details"]) == ("account", {"revoked_client": "offline-client"})


async def _offline(kc: Env) -> dict[str, Any]:
    response = await kc.http.post(
        "/realms/test/protocol/openid-connect/token",
        data={
            "grant_type": "password",
            "client_id": "offline-client",
            "client_secret": "secret1",
            "username": "view-applications-access",
            "password": "password",
            "scope": "offline_access",
        },
    )
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


# --- credentials (AccountCredentialResource) ---------------------------------------------------
async def _credentials(kc: Env, access: str | None = None, **params: str) -> list[dict[str, Any]]:
    headers = {"Authorization": f"Bearer {access or await token(kc)}"}
    response = await kc.http.get("/realms/test/account/credentials", params=params, headers=headers)
    assert response.status_code == 200, response.text
    found: list[dict[str, Any]] = response.json()
    return found


PASSWORD = {
    "type": "password",
    "category": "basic-authentication",
    "displayName": "password-display-name",
    "helptext": "password-help-text",
    "iconCssClass": "kcAuthenticatorPasswordClass",
    "removeable": False,
}
OTP = {
    "type": "otp",
    "category": "two-factor",
    "displayName": "otp-display-name",
    "helptext": "otp-help-text",
    "iconCssClass": "kcAuthenticatorOTPClass",
    "removeable": True,
}


WEBAUTHN = {
    "type": "webauthn",
    "category": "two-factor",
    "displayName": "webauthn-display-name",
    "helptext": "webauthn-help-text",
    "iconCssClass": "kcAuthenticatorWebAuthnClass",
    "createAction": "webauthn-register",
    "removeable": True,
    "userCredentialMetadatas": [],
}
WEBAUTHN_PASSWORDLESS = {
    "type": "webauthn-passwordless",
    "category": "passwordless",
    "displayName": "webauthn-passwordless-display-name",
    "helptext": "webauthn-passwordless-help-text",
    "iconCssClass": "kcAuthenticatorWebAuthnPasswordlessClass",
    "createAction": "webauthn-register-passwordless",
    "removeable": True,
    "userCredentialMetadatas": [],
}


async def _configure_browser_flow_with_webauthn_authenticator(kc: Env, alias: str) -> str:
    """``configureBrowserFlowWithWebAuthnAuthenticator``: ``browser`` copied as ``alias`` (not bound), with a
    REQUIRED WebAuthn Authenticator and an ALTERNATIVE WebAuthn Passwordless Authenticator added; its id."""
    base, headers = "/admin/realms/test/authentication", await kc.admin_headers()
    copied = await kc.http.post(f"{base}/flows/browser/copy", json={"newName": alias}, headers=headers)
    assert copied.status_code == 201, copied.text
    flows = (await kc.http.get(f"{base}/flows", headers=headers)).json()
    [flow_id] = [f["id"] for f in flows if f["alias"] == alias]
    for authenticator, requirement in (
        ("webauthn-authenticator", "REQUIRED"),
        ("webauthn-authenticator-passwordless", "ALTERNATIVE"),
    ):
        rep = {"parentFlow": flow_id, "authenticator": authenticator, "requirement": requirement}
        added = await kc.http.post(f"{base}/executions", json=rep, headers=headers)
        assert added.status_code == 201, added.text
    return str(flow_id)


async def _register_required_action(kc: Env, provider_id: str, action_id: str) -> None:
    """``flows().registerRequiredAction``: 409 where the realm has the action already (caught by the Java test)."""
    rep = {"id": action_id, "name": provider_id, "providerId": provider_id}
    path = "/admin/realms/test/authentication/register-required-action"
    response = await kc.http.post(path, json=rep, headers=await kc.admin_headers())
    assert response.status_code in (204, 409), response.text


async def test_credentials_get(kc: Env) -> None:
    """AccountRestServiceTest.testCredentialsGet"""
    access = await token(kc)
    flow_id = await _configure_browser_flow_with_webauthn_authenticator(kc, "browser-webauthn")
    await _register_required_action(kc, "webauthn-register", "12345")
    await _register_required_action(kc, "webauthn-register-passwordless", "6789")

    password, otp_type, webauthn, passwordless = await _credentials(kc, access)
    [stored] = password.pop("userCredentialMetadatas")
    assert password == {**PASSWORD, "updateAction": "UPDATE_PASSWORD"}
    assert "secretData" not in stored["credential"] and stored["credential"]["credentialData"]
    assert otp_type == {**OTP, "createAction": "CONFIGURE_TOTP", "userCredentialMetadatas": []}
    assert webauthn == WEBAUTHN
    assert passwordless == WEBAUTHN_PASSWORDLESS

    # the passwordless registration disabled, and the user holding no passwordless key: that type is not listed
    await _required_action(kc, "webauthn-register-passwordless", False)
    assert [c["type"] for c in await _credentials(kc, access)] == ["password", "otp", "webauthn"]

    # the flow with the WebAuthn steps removed: WebAuthn is not listed
    removed = await kc.http.delete(
        f"/admin/realms/test/authentication/flows/{flow_id}", headers=await kc.admin_headers()
    )
    assert removed.status_code == 204, removed.text
    assert [c["type"] for c in await _credentials(kc, access)] == ["password", "otp"]

    [only] = await _credentials(kc, access, type="password")
    assert (only["type"], len(only["userCredentialMetadatas"])) == ("password", 1)
    [brief] = await _credentials(kc, access, type="password", **{"user-credentials": "false"})
    assert brief == {**PASSWORD, "updateAction": "UPDATE_PASSWORD"}  # no userCredentialMetadatas at all
    [ignored] = await _credentials(kc, access, type="password", userCredentials="false")  # not Keycloak's name
    assert len(ignored["userCredentialMetadatas"]) == 1


async def _required_action(kc: Env, alias: str, enabled: bool) -> None:
    path = f"/admin/realms/test/authentication/required-actions/{alias}"
    headers = await kc.admin_headers()
    rep = (await kc.http.get(path, headers=headers)).json()
    response = await kc.http.put(path, json={**rep, "enabled": enabled}, headers=headers)
    assert response.status_code == 204, response.text


async def test_credentials_get_with_disabled_otp_required_action(kc: Env) -> None:
    """AccountRestServiceTest.testCredentialsGetWithDisabledOtpRequiredAction"""
    access = await token(kc)  # TokenUtil's token, kept: with an OTP the password grant would need a code
    assert [c["type"] for c in await _credentials(kc, access)] == ["password", "otp"]
    await _required_action(kc, "CONFIGURE_TOTP", False)
    assert [c["type"] for c in await _credentials(kc, access)] == ["password"]
    async with kc.db.transaction() as tx:
        realm = await tx.realms.get_by_name("test")
        assert realm is not None
        user = await tx.users.get_by_username(realm.id, USER)
        assert user is not None
        await tx.users.add_credential(otp.new_credential(user.id, otp.policy(realm), "abcdefabcdef", None, 0))
    _, otp_type = await _credentials(kc, access)
    assert (otp_type["type"], "createAction" in otp_type, "updateAction" in otp_type) == ("otp", False, False)
    assert len(otp_type["userCredentialMetadatas"]) == 1
    await _required_action(kc, "CONFIGURE_TOTP", True)
    assert (await _credentials(kc, access))[1]["createAction"] == "CONFIGURE_TOTP"


async def test_credentials_for_user_without_password(kc: Env) -> None:
    """AccountRestServiceTest.testCredentialsForUserWithoutPassword"""
    access = await token(kc)
    headers = await kc.admin_headers()
    uid = claims(access)["sub"]
    for credential in (await kc.http.get(f"/admin/realms/test/users/{uid}/credentials", headers=headers)).json():
        removed = await kc.http.delete(
            f"/admin/realms/test/users/{uid}/credentials/{credential['id']}", headers=headers
        )
        assert removed.status_code == 204
    response = await call(kc, "GET", "credentials", access)
    password = response.json()[0]
    assert password == {**PASSWORD, "createAction": "UPDATE_PASSWORD", "userCredentialMetadatas": []}


async def test_crud_credential_of_different_user(kc: Env) -> None:
    """AccountRestServiceTest.testCRUDCredentialOfDifferentUser: neither the label nor the credential of another
    user can be changed"""
    async with kc.db.transaction() as tx:
        realm = await tx.realms.get_by_name("test")
        assert realm is not None
        other = await tx.users.get_by_username(realm.id, "view-account-access")
        assert other is not None
        credential = otp.new_credential(other.id, otp.policy(realm), "abcdefabcdef", "mine", 0)
        await tx.users.add_credential(credential)
    access = await token(kc)
    response = await call(kc, "PUT", f"credentials/{credential.id}/label", access, "new-label")
    assert (response.status_code, response.json()) == (404, {"error": "Credential not found"})
    response = await call(kc, "DELETE", f"credentials/{credential.id}", access)
    assert (response.status_code, response.json()) == (404, {"error": "Credential not found"})
    async with kc.db.transaction() as tx:
        assert [c.user_label for c in await tx.users.credentials(other.id) if c.type == "otp"] == ["mine"]


# --- sessions (SessionRestServiceTest) ---------------------------------------------------------
WINDOWS = "Mozilla/5.0 (Windows NT 10.0) Gecko/20100101 Firefox/15.0.1"
FEDORA = "Mozilla/5.0 (X11; Fedora; Linux x86_64; rv:15.0) Gecko/20100101 Firefox/15.0.1"


async def _sessions(kc: Env, access: str, path: str = "sessions") -> list[dict[str, Any]]:
    response = await call(kc, "GET", path, access)
    assert response.status_code == 200, response.text
    found: list[dict[str, Any]] = response.json()
    return found


async def test_profile_preview_permissions(kc: Env) -> None:
    """SessionRestServiceTest.testProfilePreviewPermissions"""
    none, view = await token(kc, "no-account-access"), await token(kc, "view-account-access")
    for method, path, access in (
        ("GET", "sessions", none),
        ("DELETE", "sessions", none),
        ("DELETE", "sessions", view),
        ("DELETE", "sessions/bogusId", none),
        ("DELETE", "sessions/bogusId", view),
    ):
        response = await call(kc, method, path, access)
        assert (response.status_code, response.json()) == (403, {"error": "HTTP 403 Forbidden"}), (method, path)


async def test_get_sessions(kc: Env) -> None:
    """SessionRestServiceTest.testGetSessions"""
    access = await token(kc)
    async with browser(kc, FEDORA) as second:
        await code_grant(second)
    sessions = await _sessions(kc, access)
    now = kc.clock.now()
    by_client = {s["clients"][0]["clientId"]: s for s in sessions}
    assert set(by_client) == {"direct-grant", "public-client-0"}
    assert by_client["public-client-0"] == {
        "id": by_client["public-client-0"]["id"],
        "ipAddress": "127.0.0.1",
        "started": now,
        "lastAccess": now,
        "expires": now + 36000,
        "browser": "Firefox/15.0.1",
        "clients": [
            {
                "clientId": "public-client-0",
                "clientName": "Public Client 0",
                "userConsentRequired": False,
                "inUse": False,
                "offlineAccess": False,
            }
        ],
    }
    assert by_client["direct-grant"]["current"] is True and by_client["direct-grant"]["id"] == claims(access)["sid"]


async def test_get_devices_response(kc: Env) -> None:
    """SessionRestServiceTest.testGetDevicesResponse"""
    async with browser(kc, WINDOWS) as http:
        first = await code_grant(http, "public-client-0")
        await code_grant(http, "public-client-1")  # joins the SSO session
    devices = [d for d in await _sessions(kc, first["access_token"], "sessions/devices") if d["os"] != "Other"]
    [device] = devices
    [session] = device.pop("sessions")
    assert device == {
        "os": "Windows",
        "osVersion": "10",
        "device": "Other",
        "lastAccess": session["lastAccess"],
        "mobile": False,
        "current": True,
    }
    assert (session["ipAddress"], session["browser"], session["current"]) == ("127.0.0.1", "Firefox/15.0.1", True)
    assert sorted((c["clientId"], c["clientName"]) for c in session["clients"]) == [
        ("public-client-0", "Public Client 0"),
        ("public-client-1", "Public Client 1"),
    ]


async def test_logout(kc: Env) -> None:
    """SessionRestServiceTest.testLogout (and SessionResource's LOGOUT event)"""
    view = await token(kc, "view-account-access")
    async with browser(kc) as http:
        code = await login(http, "test", "public-client-0", username="view-account-access")
    session_id = code["session_state"]
    assert len(await _sessions(kc, view)) == 2
    refused = await call(kc, "DELETE", f"sessions/{session_id}", view)
    assert (refused.status_code, len(await _sessions(kc, view))) == (403, 2)
    mine = await token(kc)
    response = await call(kc, "DELETE", f"sessions/{session_id}", mine)  # not test-user's: nothing happens
    assert (response.status_code, len(await _sessions(kc, mine)), len(await _sessions(kc, view))) == (204, 1, 2)
    assert await events(kc, "LOGOUT") == []
    manage = await token(kc)
    other = claims(mine)["sid"]
    assert (await call(kc, "DELETE", f"sessions/{other}", manage)).status_code == 204
    assert [s["id"] for s in await _sessions(kc, manage)] == [claims(manage)["sid"]]
    [logout] = await events(kc, "LOGOUT")
    assert (logout["clientId"], logout["userId"], logout["sessionId"]) == ("account", claims(mine)["sub"], other)


async def test_logout_all(kc: Env) -> None:
    """SessionRestServiceTest.testLogoutAll (and one LOGOUT event per session logged out)"""
    first = claims(await token(kc))["sid"]
    async with browser(kc) as http:
        second = claims((await code_grant(http))["access_token"])["sid"]
    async with browser(kc) as http:
        current = (await code_grant(http))["access_token"]
    assert len(await _sessions(kc, current)) == 3
    assert (await call(kc, "DELETE", "sessions", current)).status_code == 204
    assert [s["id"] for s in await _sessions(kc, current)] == [claims(current)["sid"]]
    assert sorted(e["sessionId"] for e in await events(kc, "LOGOUT")) == sorted([first, second])
    response = await kc.http.delete(
        "/realms/test/account/sessions", params={"current": "true"}, headers={"Authorization": f"Bearer {current}"}
    )
    assert response.status_code == 204
    assert (await call(kc, "GET", "sessions", current)).status_code == 401
    assert (await events(kc, "LOGOUT"))[-1]["sessionId"] == claims(current)["sid"]


async def test_null_or_empty_user_agent(kc: Env) -> None:
    """SessionRestServiceTest.testNullOrEmptyUserAgent"""
    async with browser(kc, None) as http:
        access = (await code_grant(http))["access_token"]
    [device] = await _sessions(kc, access, "sessions/devices")
    [session] = device["sessions"]
    assert (device["current"], device["os"], device["osVersion"], device["device"]) == (
        True,
        "Other",
        "Unknown",
        "Other",
    )
    assert (session["ipAddress"], session["lastAccess"], len(session["clients"])) == (
        "127.0.0.1",
        device["lastAccess"],
        1,
    )


async def test_non_browser_session(kc: Env) -> None:
    """SessionRestServiceTest.testNonBrowserSession"""
    async with browser(kc, FEDORA) as http:
        await code_grant(http)
    await token(kc, USER, "confidential-client-0")
    await token(kc, USER, "confidential-client-1")
    devices = {d["os"]: d for d in await _sessions(kc, await token(kc), "sessions/devices")}
    assert set(devices) == {"Fedora", "Other"}
    assert len(devices["Other"]["sessions"]) == 3  # the two clients' and TokenUtil's, with no browser agent
