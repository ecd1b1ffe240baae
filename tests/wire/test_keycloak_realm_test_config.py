"""Keycloak's RealmTest, second part (test_keycloak_realm_test.py holds the first): RealmDefaultConfigTest and
RealmAttributesTest of tests/base/.../tests/admin/realm/, one method to one test, over HTTP as master's
admin, one app for the module, each test on master and a realm ``test`` imported anew.

What the Java tests read on the server (``runOnServer`` / ``RunHelpers.internalRealm()``: the stored SMTP
password) is read here from the store.

RealmAttributesTest.updateRealmAttributes includes its WebAuthn acceptable AAGUIDs since session 61.

Ported elsewhere, not repeated here: the SMTP password's masking in GET and its keeping on a PUT of the
masked value in test_smtp_settings.py, the admin event's masking in test_admin_events_keycloak_parity.py
(both are asserted again below only where smtpPasswordSecret's sequence needs them).

Left out, with the reason:
  - RealmAttributesTest.excludesFieldsFromAttributes: Keycloak's representation repeats, in ``attributes``,
    the field-backed ``oauth2DeviceCodeLifespan``, ``oauth2DevicePollingInterval``, ``parRequestUriLifespan``
    and ``realmReusableOtpCode``; Doorkeep's ``attributes`` holds only the realm's own. Not yet matched (a PUT
    of such an attribute must then also set the field); to do.
  - RealmDefaultConfigTest.convertSAMLClientDescription: a SAML entity descriptor (Doorkeep is OIDC only;
    it answers 400 "Unsupported format", asserted in ``convert_keycloak_client_description``).
  - RealmAttributesTest.testFieldNotErased's WebAuthn policies (portable since Doorkeep keeps the realm's
    ``webAuthnPolicy*`` fields, docs/webauthn.md): Keycloak 26's DefaultExportImportManager.updateRealm rebuilds a
    WebAuthn policy only when the update gives its non-empty ``...RpEntityName`` (so the Java test's PUT of
    ``attributes`` alone keeps both policies), where Doorkeep rebuilds both from every update (users/
    webauthn_policy.py, test_webauthn_policy.py), which resets them. Not ported until that is matched: the tests
    that set ``webAuthnPolicyPasswordlessPasskeysEnabled`` alone rely on the present behaviour.
  - RealmAttributesTest.testSetEmptyAttributeValues reads RealmModel's typed getters on the server; here the
    realm is made and read back over the wire (201, the empty attributes kept, the defaults unchanged).
"""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

import group_port
from keycloak_port import admin_headers
from realm_port import admin, managed_realm, remove, representation
from role_port import assert_event, poll_events
from wire_env import Env

pytestmark = pytest.mark.anyio
anyio_backend, shared_env, env = group_port.anyio_backend, group_port.shared_env, group_port.env
SECRET = "**********"


@pytest.fixture
async def realm_id(env: Env) -> str:
    return await managed_realm(env)


async def _stored_smtp(env: Env) -> dict[str, str]:
    """``RunHelpers.internalRealm()``'s SMTP map: as stored, secrets in clear."""
    async with env.db.transaction() as tx:
        realm = await tx.realms.get_by_name("test")
        assert realm is not None
        return dict(realm.smtp_server)


async def _put(env: Env, rep: dict[str, Any]) -> None:
    response = await admin(env, "PUT", "/test", rep)
    assert response.status_code == 204, response.text


SMTP = {"host": "localhost", "port": "3025", "from": "smtp_realm@local"}


# --- RealmDefaultConfigTest --------------------------------------------------------------------------------
async def test_smtp_password_secret(env: Env, realm_id: str) -> None:
    await _put(env, {"smtpServer": SMTP})
    rep = await representation(env)
    rep["smtpServer"].update(auth="true", user="user", password="secret")
    await _put(env, rep)
    await poll_events(env)
    assert (await representation(env))["smtpServer"]["password"] == SECRET
    assert (await _stored_smtp(env))["password"] == "secret"

    await _put(env, rep)
    (event,) = await poll_events(env)
    assert 'secret"' not in event["representation"] and SECRET in event["representation"]
    assert (await _stored_smtp(env))["password"] == "secret"
    (listed,) = [r for r in (await admin(env, "GET", "")).json() if r["realm"] == "test"]
    assert listed["smtpServer"]["password"] == SECRET

    rep["smtpServer"]["password"] = SECRET  # the masked value written back keeps the secret
    await _put(env, rep)
    (event,) = await poll_events(env)
    assert SECRET in event["representation"]
    assert (await _stored_smtp(env))["password"] == "secret"
    assert (await representation(env))["smtpServer"]["password"] == SECRET


async def test_smtp_password_not_substituted_when_destination_changed(env: Env, realm_id: str) -> None:
    """The masked secret is not turned back into the stored one for another host, nor the token secret for
    another ``authTokenUrl``: the next mail would hand it to whoever set the new destination."""
    await _put(env, {"smtpServer": {**SMTP, "auth": "true", "user": "user", "password": "secret"}})
    assert (await _stored_smtp(env))["password"] == "secret"
    rep = await representation(env)
    rep["smtpServer"].update(host="attacker.evil.example", password=SECRET)
    await _put(env, rep)
    assert "password" not in await _stored_smtp(env)

    token = {
        **SMTP,
        "auth": "true",
        "authType": "token",
        "user": "user",
        "authTokenUrl": "http://localhost/token",
        "authTokenClientId": "smtp-client",
        "authTokenClientSecret": "real-token-secret",
        "authTokenScope": "email",
    }
    await _put(env, {"smtpServer": token})
    assert (await _stored_smtp(env))["authTokenClientSecret"] == "real-token-secret"
    rep = await representation(env)
    rep["smtpServer"].update(authTokenUrl="http://attacker.evil.example/steal", authTokenClientSecret=SECRET)
    await _put(env, rep)
    assert "authTokenClientSecret" not in await _stored_smtp(env)


async def test_delete_default_role(env: Env, realm_id: str) -> None:
    """KEYCLOAK-1110: a realm role in the default roles' composite can be deleted."""
    role = {"name": "test", "description": "test", "composite": False}
    assert (await admin(env, "POST", "/test/roles", role)).status_code == 201
    await assert_event(env, realm_id, "CREATE", "roles/test", "REALM_ROLE", role)
    role = (await admin(env, "GET", "/test/roles/test")).json()
    composites = "roles/default-roles-test/composites"
    assert (await admin(env, "POST", f"/test/{composites}", [role])).status_code == 204
    await assert_event(env, realm_id, "CREATE", composites, "REALM_ROLE", [role])
    assert (await admin(env, "DELETE", "/test/roles/test")).status_code == 204
    await assert_event(env, realm_id, "DELETE", "roles/test", "REALM_ROLE")
    assert (await admin(env, "GET", "/test/roles/testsadfsadf")).status_code == 404


async def _convert(env: Env, text: str) -> httpx.Response:
    """``convertClientDescription``: the description posted as text."""
    headers = {"Content-Type": "text/plain", **(await admin_headers(env))}
    return await env.http.post("/admin/realms/test/client-description-converter", content=text, headers=headers)


async def test_convert_keycloak_client_description(env: Env, realm_id: str) -> None:
    response = await _convert(env, json.dumps({"clientId": "client-id", "redirectUris": ["http://localhost"]}))
    assert response.status_code == 200, response.text
    converted = response.json()
    assert (converted["clientId"], converted["redirectUris"][0]) == ("client-id", "http://localhost")
    saml = '<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" entityID="sp"/>'
    refused = await _convert(env, saml)
    assert (refused.status_code, refused.json()) == (400, {"error": "Unsupported format"})
    assert await poll_events(env) == []  # nothing stored, nothing recorded


async def test_convert_oidc_client_description(env: Env, realm_id: str) -> None:
    """client-oidc.json: OIDC registration metadata."""
    response = await _convert(env, '{\n  "client_name": "Name",\n  "redirect_uris": [\n    "http://localhost"\n  ]\n}')
    assert response.status_code == 200, response.text
    assert response.json()["redirectUris"] == ["http://localhost"]
    assert response.json()["name"] == "Name"


async def test_default_signature_algorithm(env: Env, realm_id: str) -> None:
    """KEYCLOAK-17342: RS256 for master and for a new realm."""
    assert (await admin(env, "POST", "", {"realm": "new-realm"})).status_code == 201
    assert (await representation(env, "master"))["defaultSignatureAlgorithm"] == "RS256"
    assert (await representation(env, "new-realm"))["defaultSignatureAlgorithm"] == "RS256"
    await remove(env, "new-realm")


async def test_supported_otp_applications(env: Env, realm_id: str) -> None:
    assert (await admin(env, "POST", "", {"realm": "new-realm"})).status_code == 201
    rep = await representation(env, "new-realm")
    assert sorted(rep["otpSupportedApplications"]) == [
        "totpAppFreeOTPName",
        "totpAppGoogleName",
        "totpAppMicrosoftAuthenticatorName",
    ]
    for change in ({"otpPolicyDigits": 8}, {"otpPolicyType": "hotp"}):
        rep.update(change)
        assert (await admin(env, "PUT", "/new-realm", rep)).status_code == 204
        rep = await representation(env, "new-realm")
        assert sorted(rep["otpSupportedApplications"]) == ["totpAppFreeOTPName", "totpAppGoogleName"], change
    await remove(env, "new-realm")


# --- RealmAttributesTest -----------------------------------------------------------------------------------
BROWSER_HEADERS = {
    "xFrameOptions": "SAMEORIGIN",
    "contentSecurityPolicy": "frame-src 'self'; frame-ancestors 'self'; object-src 'none';",
    "contentSecurityPolicyReportOnly": "non-null-to-test",
    "xContentTypeOptions": "nosniff",
    "xRobotsTag": "none",
    "xXSSProtection": "1; mode=block",
    "strictTransportSecurity": "max-age=31536000; includeSubDomains",
    "referrerPolicy": "no-referrer",
}


async def test_field_not_erased(env: Env, realm_id: str) -> None:
    """Fields stored as attributes survive a PUT that sets ``attributes`` alone."""
    fields: dict[str, Any] = {
        "displayName": "DISPLAY_NAME",
        "displayNameHtml": "DISPLAY_NAME_HTML",
        "defaultSignatureAlgorithm": "RS256",
        "bruteForceProtected": True,
        "permanentLockout": True,
        "maxFailureWaitSeconds": 999,
        "waitIncrementSeconds": 999,
        "quickLoginCheckMilliSeconds": 999,
        "minimumQuickLoginWaitSeconds": 999,
        "maxDeltaTimeSeconds": 999,
        "failureFactor": 999,
        "actionTokenGeneratedByAdminLifespan": 999,
        "actionTokenGeneratedByUserLifespan": 999,
        "offlineSessionMaxLifespanEnabled": True,
        "offlineSessionMaxLifespan": 999,
        "browserSecurityHeaders": BROWSER_HEADERS,
    }
    assert (await admin(env, "POST", "", {"realm": "attributes", **fields})).status_code == 201
    update = {"attributes": {"frontendUrl": "http://localhost/frontEnd"}}
    assert (await admin(env, "PUT", "/attributes", update)).status_code == 204
    rep = await representation(env, "attributes")
    assert {key: rep.get(key) for key in fields} == fields
    await remove(env, "attributes")


async def test_update_realm_attributes(env: Env, realm_id: str) -> None:
    rep: dict[str, Any] = {"attributes": {"foo1": "bar1", "foo2": "bar2"}, "bruteForceProtected": True}
    rep.update(displayName="dn1", webAuthnPolicyRpEntityName="keycloak")
    rep["webAuthnPolicyAcceptableAaguids"] = ["aaguid1", "aaguid2"]
    await _put(env, rep)
    (event,) = await poll_events(env)
    assert (event["operationType"], event["resourceType"]) == ("UPDATE", "REALM")
    rep = await representation(env)
    assert (rep["attributes"]["foo1"], rep["attributes"]["foo2"]) == ("bar1", "bar2")
    assert (rep["bruteForceProtected"], rep["displayName"]) == (True, "dn1")
    assert rep["webAuthnPolicyAcceptableAaguids"] == ["aaguid1", "aaguid2"]

    rep.update(bruteForceProtected=False, displayName="dn2", webAuthnPolicyAcceptableAaguids=[])
    rep["attributes"]["foo1"] = "bar11"
    del rep["attributes"]["foo2"]
    await _put(env, rep)
    (event,) = await poll_events(env)
    assert (event["operationType"], event["resourceType"]) == ("UPDATE", "REALM")
    rep = await representation(env)
    assert (rep["bruteForceProtected"], rep["displayName"]) == (False, "dn2")
    assert rep["attributes"]["foo1"] == "bar11" and "foo2" not in rep["attributes"]
    assert rep["webAuthnPolicyAcceptableAaguids"] == []


async def test_set_empty_attribute_values(env: Env, realm_id: str) -> None:
    """Empty attribute values, one named like a per-action token lifespan, make a realm that reads back with
    its defaults (RealmModel.getAttribute's defaults on the server)."""
    name = "testSetEmptyAttributeValues"
    attributes = {"myboolean": "", "mylong": "", "myint": "", "actionTokenGeneratedByUserLifespan.something": ""}
    assert (await admin(env, "POST", "", {"realm": name, "attributes": attributes})).status_code == 201
    rep = await representation(env, name)
    assert rep["actionTokenGeneratedByUserLifespan"] == 300
    assert "something" not in json.dumps(rep.get("attributes", {}).get("actionTokenGeneratedByUserLifespan", ""))
    await remove(env, name)
