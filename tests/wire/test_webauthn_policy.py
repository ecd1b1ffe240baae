"""The realm's WebAuthn policies in the admin REST API, as Keycloak 26 stores them: every ``webAuthnPolicy*`` and
``webAuthnPolicyPasswordless*`` field shown with its default; a realm update rebuilds a policy (a field left out
taking its default) only when it names that policy's relying party entity, and otherwise leaves it as stored
(DefaultExportImportManager.updateRealm in Keycloak 26.x); a field of the wrong type is a 400."""

from __future__ import annotations

from typing import Any

import pytest

from webauthn_flow import ADMIN, admin, seed
from wire_env import Env

pytestmark = pytest.mark.anyio

DEFAULTS: dict[str, Any] = {
    "RpEntityName": "keycloak",
    "SignatureAlgorithms": ["ES256", "RS256"],
    "RpId": "",
    "AttestationConveyancePreference": "not specified",
    "AuthenticatorAttachment": "not specified",
    "RequireResidentKey": "not specified",
    "UserVerificationRequirement": "not specified",
    "CreateTimeout": 0,
    "AvoidSameAuthenticatorRegister": False,
    "AcceptableAaguids": [],
    "ExtraOrigins": [],
}


# WebAuthnPolicyPasswordlessDefaults: the passwordless policy requires user verification (and a discoverable
# credential, its residentKey: tests/wire/test_kc_s70d_webauthn_passwordless_defaults.py)
PASSWORDLESS_DEFAULTS = DEFAULTS | {"UserVerificationRequirement": "required"}


def policy(rep: dict[str, Any], prefix: str) -> dict[str, Any]:
    return {suffix: rep[prefix + suffix] for suffix in DEFAULTS}


async def realm_rep(env: Env) -> dict[str, Any]:
    found: dict[str, Any] = (await admin(env, "GET", ADMIN, status=200)).json()
    return found


@pytest.fixture
async def realm(env: Env) -> Env:
    await seed(env)
    return env


async def test_both_policies_are_shown_with_keycloaks_defaults(realm: Env) -> None:
    rep = await realm_rep(realm)
    assert policy(rep, "webAuthnPolicy") == DEFAULTS
    assert policy(rep, "webAuthnPolicyPasswordless") == PASSWORDLESS_DEFAULTS


async def test_an_update_naming_the_entity_rebuilds_a_policy_and_one_without_it_keeps_it(realm: Env) -> None:
    env = realm
    written = {
        "webAuthnPolicyRpEntityName": "Example",
        "webAuthnPolicySignatureAlgorithms": ["ES256", "ES384"],
        "webAuthnPolicyRpId": "example.org",
        "webAuthnPolicyUserVerificationRequirement": "required",
        "webAuthnPolicyCreateTimeout": 60,
        "webAuthnPolicyAvoidSameAuthenticatorRegister": True,
        "webAuthnPolicyAcceptableAaguids": ["cb69481e-8ff7-4039-93ec-0a2729a154a8"],
        "webAuthnPolicyExtraOrigins": ["android:apk-key-hash:abc"],
        "webAuthnPolicyPasswordlessRpEntityName": "Example passkeys",
        "webAuthnPolicyPasswordlessRequireResidentKey": "Yes",
    }
    await admin(env, "PUT", ADMIN, written, 204)
    rep = await realm_rep(env)
    assert {k: rep[k] for k in written} == written
    assert rep["webAuthnPolicyAttestationConveyancePreference"] == "not specified"
    empty = {"webAuthnPolicyRpEntityName": "", "webAuthnPolicySignatureAlgorithms": []}
    await admin(env, "PUT", ADMIN, {**rep, **empty}, 204)  # no entity named: the two-factor policy is left as it is
    kept = await realm_rep(env)
    assert {k: kept[k] for k in written} == written
    await admin(env, "PUT", ADMIN, {"displayName": "Test"}, 204)  # a partial update (kcadm, python-keycloak)
    assert {k: v for k, v in (await realm_rep(env)).items() if k.startswith("webAuthnPolicy")} == {
        k: v for k, v in kept.items() if k.startswith("webAuthnPolicy")
    }
    await admin(env, "PUT", ADMIN, {"webAuthnPolicyRpEntityName": "Renamed"}, 204)  # rebuilt: the rest defaults
    rebuilt = await realm_rep(env)
    assert policy(rebuilt, "webAuthnPolicy") == {**DEFAULTS, "RpEntityName": "Renamed"}
    assert rebuilt["webAuthnPolicyPasswordlessRpEntityName"] == "Example passkeys"
    assert rebuilt["webAuthnPolicyPasswordlessRequireResidentKey"] == "Yes"


@pytest.mark.parametrize(
    "field",
    [
        {"webAuthnPolicyCreateTimeout": "soon"},
        {"webAuthnPolicySignatureAlgorithms": "ES256"},
        {"webAuthnPolicyAvoidSameAuthenticatorRegister": "maybe"},
        {"webAuthnPolicyPasswordlessRpId": 5},
    ],
)
async def test_a_field_of_the_wrong_type_is_refused(realm: Env, field: dict[str, Any]) -> None:
    env = realm
    await admin(env, "PUT", ADMIN, {"webAuthnPolicyRpEntityName": "Kept"}, 204)
    refused = await admin(env, "PUT", ADMIN, field)
    assert refused.status_code == 400, refused.text
    assert (await realm_rep(env))["webAuthnPolicyRpEntityName"] == "Kept"
