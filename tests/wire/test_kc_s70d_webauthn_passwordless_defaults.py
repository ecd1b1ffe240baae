"""A new realm's WebAuthn policies, as Keycloak 26.7+ makes them: DefaultExportImportManager.importRealm builds the
two-factor policy from WebAuthnPolicyTwoFactorDefaults and the passwordless one from WebAuthnPolicyPasswordlessDefaults
(RealmAdapter.getWebAuthnPolicyPasswordless falls back on the same for an attribute not stored). The passwordless
policy asks for a discoverable credential and user verification: a Keycloak 26.7.1 realm made by
``POST /admin/realms {"realm": ...}`` shows ``webAuthnPolicyPasswordlessResidentKey`` and
``webAuthnPolicyPasswordlessUserVerificationRequirement`` "required", its deprecated ``…RequireResidentKey`` "not
specified" (before 26.7, whose residentKey replaced it, the defaults were requireResidentKey "Yes" and user
verification "required"); every two-factor option "not specified". Doorkeep showed "not specified" for both.

The registration page of a passkey in such a realm then asks the authenticator for a discoverable credential with
user verification (webauthnRegister.js: ``authenticatorSelection``)."""

from __future__ import annotations

from typing import Any

import pytest

from support import update_user
from webauthn_flow import admin, password_page, seed
from webauthn_port import page_options
from wire_env import Env

pytestmark = pytest.mark.anyio

# The webAuthnPolicy* members of a Keycloak 26.7.1 realm representation right after its creation, in their order.
NEW_REALM: dict[str, Any] = {
    "webAuthnPolicyRpEntityName": "keycloak",
    "webAuthnPolicySignatureAlgorithms": ["ES256", "RS256"],
    "webAuthnPolicyRpId": "",
    "webAuthnPolicyAttestationConveyancePreference": "not specified",
    "webAuthnPolicyAuthenticatorAttachment": "not specified",
    "webAuthnPolicyRequireResidentKey": "not specified",
    "webAuthnPolicyResidentKey": "not specified",
    "webAuthnPolicyUserVerificationRequirement": "not specified",
    "webAuthnPolicyCreateTimeout": 0,
    "webAuthnPolicyAvoidSameAuthenticatorRegister": False,
    "webAuthnPolicyAcceptableAaguids": [],
    "webAuthnPolicyExtraOrigins": [],
    "webAuthnPolicyPasswordlessRpEntityName": "keycloak",
    "webAuthnPolicyPasswordlessSignatureAlgorithms": ["ES256", "RS256"],
    "webAuthnPolicyPasswordlessRpId": "",
    "webAuthnPolicyPasswordlessAttestationConveyancePreference": "not specified",
    "webAuthnPolicyPasswordlessAuthenticatorAttachment": "not specified",
    "webAuthnPolicyPasswordlessRequireResidentKey": "not specified",
    "webAuthnPolicyPasswordlessResidentKey": "required",
    "webAuthnPolicyPasswordlessUserVerificationRequirement": "required",
    "webAuthnPolicyPasswordlessCreateTimeout": 0,
    "webAuthnPolicyPasswordlessAvoidSameAuthenticatorRegister": False,
    "webAuthnPolicyPasswordlessAcceptableAaguids": [],
    "webAuthnPolicyPasswordlessExtraOrigins": [],
}


def _policies(rep: dict[str, Any]) -> dict[str, Any]:
    return {k: rep[k] for k in NEW_REALM}


async def test_a_new_realm_has_keycloaks_policies(env: Env) -> None:
    await admin(env, "POST", "/admin/realms", {"realm": "fresh"}, 201)
    rep = (await admin(env, "GET", "/admin/realms/fresh", status=200)).json()
    assert _policies(rep) == NEW_REALM
    assert [k for k in rep if k in NEW_REALM] == list(NEW_REALM)


async def test_an_update_rebuilding_the_passwordless_policy_takes_its_defaults(env: Env) -> None:
    """getWebAuthnPolicyPasswordless on an update naming the policy's entity: what it leaves out, or gives empty,
    takes the passwordless defaults again, not the two-factor ones."""
    await admin(env, "POST", "/admin/realms", {"realm": "fresh"}, 201)
    changed = {
        "webAuthnPolicyPasswordlessRpEntityName": "passkeys",
        "webAuthnPolicyPasswordlessResidentKey": "discouraged",
        "webAuthnPolicyPasswordlessUserVerificationRequirement": "preferred",
    }
    await admin(env, "PUT", "/admin/realms/fresh", changed, 204)
    rep = (await admin(env, "GET", "/admin/realms/fresh", status=200)).json()
    assert _policies(rep) == NEW_REALM | changed
    emptied = {"webAuthnPolicyPasswordlessRpEntityName": "passkeys", "webAuthnPolicyPasswordlessResidentKey": ""}
    await admin(env, "PUT", "/admin/realms/fresh", emptied, 204)
    rep = (await admin(env, "GET", "/admin/realms/fresh", status=200)).json()
    assert _policies(rep) == NEW_REALM | {"webAuthnPolicyPasswordlessRpEntityName": "passkeys"}


async def test_an_imported_realm_without_the_policies_takes_the_same_defaults(env: Env) -> None:
    await admin(env, "POST", "/admin/realms", {"realm": "imported", "enabled": True, "clients": []}, 201)
    exported = (await admin(env, "POST", "/admin/realms/imported/partial-export", status=200)).json()
    assert _policies(exported) == NEW_REALM


async def test_the_passkey_registration_asks_for_a_discoverable_credential_with_user_verification(env: Env) -> None:
    await seed(env)
    await update_user(env.db, "test", "user1", required_actions=("webauthn-register-passwordless",))
    page = await password_page(env)
    assert "execution=webauthn-register-passwordless" in page.text, page.text[:500]
    assert page_options(page.text)["authenticatorSelection"] == {
        "residentKey": "required",
        "requireResidentKey": True,
        "userVerification": "required",
    }
