"""Keycloak's WebAuthnPolicyTest (tests/base/.../tests/admin/authentication/, the new test framework, on
AbstractPolicyTest): ``authentication/policies/webauthn-policy`` and ``…/webauthn-passwordless-policy`` read one
WebAuthn policy (view-realm) and replace it alone (manage-realm), validated as validateWebAuthnPolicyRepresentation
validates it (400, nothing changed, no event), an UPDATE AUTHENTICATION_POLICY admin event with the body.

testGetWebAuthnPolicyReturnsDefaultPolicy reads ``["ES256"]`` only because the class's @AfterEach has written
that policy by then: a new realm's default is Constants.DEFAULT_WEBAUTHN_POLICY_SIGNATURE_ALGORITHMS, ES256 and
RS256, which is what is asserted here."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from admin_support import admin_events, enable_admin_events, make_admin
from wire_env import Env

pytestmark = pytest.mark.anyio

POLICIES = "/admin/realms/test/authentication/policies"
TWO_FACTOR, PASSWORDLESS = "webauthn-policy", "webauthn-passwordless-policy"
VALID: dict[str, Any] = {
    "rpEntityName": "keycloak",
    "signatureAlgorithms": ["ES256"],
    "rpId": "",
    "attestationConveyancePreference": "not specified",
    "authenticatorAttachment": "not specified",
    "requireResidentKey": "not specified",
    "userVerificationRequirement": "not specified",
    "createTimeout": 0,
    "avoidSameAuthenticatorRegister": False,
    "acceptableAaguids": [],
    "extraOrigins": [],
}
VALID_PASSWORDLESS = VALID | {"passkeysEnabled": False, "mediation": None}
WITH_PASSKEYS = VALID | {"passkeysEnabled": True, "mediation": "conditional"}
BOTH = [
    pytest.param(TWO_FACTOR, VALID, id="WebAuthn"),
    pytest.param(PASSWORDLESS, VALID_PASSWORDLESS, id="Passwordless"),
]


async def _call(
    env: Env, method: str, policy: str, body: Any = None, headers: dict[str, str] | None = None
) -> httpx.Response:
    return await env.http.request(
        method, f"{POLICIES}/{policy}", json=body, headers=headers or await env.admin_headers()
    )


async def _get(env: Env, policy: str) -> dict[str, Any]:
    response = await _call(env, "GET", policy)
    assert response.status_code == 200, response.text
    read: dict[str, Any] = response.json()
    return read


async def _put(env: Env, policy: str, body: Any) -> None:
    response = await _call(env, "PUT", policy, body)
    assert response.status_code == 204, response.text


@pytest.mark.parametrize("policy", [TWO_FACTOR, PASSWORDLESS])
async def test_get_returns_the_default_policy_with_every_base_field(realm: Env, policy: str) -> None:
    """WebAuthnPolicyTest#testGetWebAuthnPolicyReturnsDefaultPolicy, #testGetWebAuthnPasswordlessPolicyReturnsDefaultPolicy,
    #testGetWebAuthnPolicyReturnsAllBaseFields; the passwordless policy requires user verification by default
    (WebAuthnPolicyPasswordlessDefaults)."""
    read = await _get(realm, policy)
    wanted = VALID | {"signatureAlgorithms": ["ES256", "RS256"]}
    if policy == PASSWORDLESS:
        wanted |= {"userVerificationRequirement": "required"}
    assert {k: v for k, v in read.items() if k in VALID} == wanted


async def test_passwordless_fields_only_on_the_passwordless_policy(realm: Env) -> None:
    """WebAuthnPolicyTest#testGetWebAuthnPolicyDoesNotExposePasswordlessFields,
    #testGetWebAuthnPasswordlessPolicyReturnsPasswordlessExclusiveFields"""
    assert set(await _get(realm, TWO_FACTOR)) == set(VALID)
    assert (await _get(realm, PASSWORDLESS))["passkeysEnabled"] is False
    await _put(realm, PASSWORDLESS, WITH_PASSKEYS)
    assert (await _get(realm, PASSWORDLESS))["mediation"] == "conditional"


async def test_the_two_policies_are_isolated(realm: Env) -> None:
    """WebAuthnPolicyTest#testGetWebAuthnPasswordlessPolicyIsIsolatedFromWebAuthnPolicy"""
    await _put(realm, TWO_FACTOR, VALID | {"rpEntityName": "webauthn-app"})
    await _put(realm, PASSWORDLESS, VALID_PASSWORDLESS | {"rpEntityName": "passwordless-app"})
    assert (await _get(realm, TWO_FACTOR))["rpEntityName"] == "webauthn-app"
    assert (await _get(realm, PASSWORDLESS))["rpEntityName"] == "passwordless-app"


async def test_update_webauthn_policy_persists_all_fields(realm: Env) -> None:
    """WebAuthnPolicyTest#testUpdateWebAuthnPolicyPersistsAllFields; the realm representation shows them too."""
    rep = VALID | {
        "rpEntityName": "myapp",
        "signatureAlgorithms": ["ES256", "RS256"],
        "rpId": "myapp.example.com",
        "attestationConveyancePreference": "direct",
        "authenticatorAttachment": "platform",
        "requireResidentKey": "Yes",
        "userVerificationRequirement": "required",
        "createTimeout": 60,
        "avoidSameAuthenticatorRegister": True,
        "acceptableAaguids": ["aaguid-1", "aaguid-2"],
        "extraOrigins": ["https://extra.example.com"],
    }
    await _put(realm, TWO_FACTOR, rep)
    assert await _get(realm, TWO_FACTOR) == rep
    shown = (await realm.http.get("/admin/realms/test", headers=await realm.admin_headers())).json()
    assert shown["webAuthnPolicyRpId"] == "myapp.example.com" and shown["webAuthnPolicyPasswordlessRpId"] == ""


async def test_update_webauthn_passwordless_policy_persists_all_fields(realm: Env) -> None:
    """WebAuthnPolicyTest#testUpdateWebAuthnPasswordlessPolicyPersistsAllFields,
    #testUpdateWebAuthnPasswordlessPolicyPersistsPasskeysDisabled"""
    rep = VALID | {
        "rpEntityName": "passwordless-app",
        "signatureAlgorithms": ["ES256", "RS256"],
        "rpId": "passwordless.example.com",
        "attestationConveyancePreference": "indirect",
        "authenticatorAttachment": "cross-platform",
        "requireResidentKey": "No",
        "userVerificationRequirement": "preferred",
        "createTimeout": 120,
        "avoidSameAuthenticatorRegister": True,
        "acceptableAaguids": ["aaguid-A", "aaguid-B"],
        "extraOrigins": ["https://extra.example.com"],
        "passkeysEnabled": True,
        "mediation": "required",
    }
    await _put(realm, PASSWORDLESS, rep)
    assert await _get(realm, PASSWORDLESS) == rep
    await _put(realm, PASSWORDLESS, VALID_PASSWORDLESS | {"passkeysEnabled": False})
    assert (await _get(realm, PASSWORDLESS))["passkeysEnabled"] is False


@pytest.mark.parametrize(("policy", "valid"), BOTH)
@pytest.mark.parametrize(
    ("field", "values"),
    [
        ("attestationConveyancePreference", ["not specified", "none", "indirect", "direct"]),
        ("requireResidentKey", ["not specified", "Yes", "No"]),
        ("authenticatorAttachment", ["not specified", "platform", "cross-platform"]),
        ("userVerificationRequirement", ["not specified", "required", "preferred", "discouraged"]),
    ],
)
async def test_every_supported_option(
    realm: Env, policy: str, valid: dict[str, Any], field: str, values: list[str]
) -> None:
    """WebAuthnPolicyTest#testUpdate…AllAttestationConveyancePreferences, …AllRequireResidentKeyOptions,
    …AllAuthenticatorAttachmentOptions, …AllUserVerificationRequirements (both policies)"""
    for value in values:
        await _put(realm, policy, valid | {field: value})
        assert (await _get(realm, policy))[field] == value


@pytest.mark.parametrize(("policy", "valid"), BOTH)
@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"rpEntityName": ""}, "RP Entity Name is required"),
        ({"rpEntityName": "   "}, "RP Entity Name is required"),
        ({"signatureAlgorithms": []}, "At least one signature algorithm is required"),
        ({"signatureAlgorithms": ["unsupported"]}, "Unsupported signature algorithm"),
        ({"attestationConveyancePreference": None}, "Unsupported attestation conveyance preference"),
        ({"attestationConveyancePreference": "unsupported"}, "Unsupported attestation conveyance preference"),
        ({"requireResidentKey": None}, "Unsupported require resident key option"),
        ({"requireResidentKey": "unsupported"}, "Unsupported require resident key option"),
        ({"authenticatorAttachment": None}, "Unsupported authenticator attachment"),
        ({"authenticatorAttachment": "unsupported"}, "Unsupported authenticator attachment"),
        ({"userVerificationRequirement": None}, "Unsupported user verification requirement"),
        ({"userVerificationRequirement": "unsupported"}, "Unsupported user verification requirement"),
    ],
)
async def test_refused(realm: Env, policy: str, valid: dict[str, Any], changes: dict[str, Any], message: str) -> None:
    """WebAuthnPolicyTest's …FailsOnBlankRpEntityName, …WhitespaceOnlyRpEntityName, …EmptySignatureAlgorithms,
    …UnsupportedSignatureAlgorithms and the Null/Unsupported attestation, resident key, attachment and user
    verification refusals, for both policies: 400, the policy unchanged."""
    before = await _get(realm, policy)
    response = await _call(realm, "PUT", policy, valid | changes)
    assert (response.status_code, response.json()) == (400, {"error": message})
    assert await _get(realm, policy) == before


async def test_mediation_is_checked_only_with_passkeys_on(realm: Env) -> None:
    """WebAuthnPolicyTest#testUpdateWebAuthnPasswordlessPolicyAllValidMediationValuesWithPasskeysEnabled,
    #…FailsOnNullMediationWhenPasskeysEnabled, #…FailsOnUnsupportedMediationWhenPasskeysEnabled,
    #…MediationNotValidatedWhenPasskeysDisabled, #…MediationNotValidatedWhenPasskeysNull"""
    for mediation in ("conditional", "none", "optional", "required", "silent"):
        await _put(realm, PASSWORDLESS, WITH_PASSKEYS | {"mediation": mediation})
        read = await _get(realm, PASSWORDLESS)
        assert (read["passkeysEnabled"], read["mediation"]) == (True, mediation)
    for refused in (None, "unsupported"):
        response = await _call(realm, "PUT", PASSWORDLESS, WITH_PASSKEYS | {"mediation": refused})
        assert (response.status_code, response.json()) == (400, {"error": "Unsupported mediation requirement"})
    for passkeys in (False, None):
        await _put(realm, PASSWORDLESS, VALID_PASSWORDLESS | {"passkeysEnabled": passkeys, "mediation": "unsupported"})


@pytest.mark.parametrize(("policy", "valid"), BOTH)
async def test_overwrites_and_is_idempotent(realm: Env, policy: str, valid: dict[str, Any]) -> None:
    """WebAuthnPolicyTest#testUpdate…OverwritesPreviousPolicy and #testUpdate…IsIdempotent (both policies)"""
    await _put(realm, policy, valid | {"rpEntityName": "first-app"})
    await _put(realm, policy, valid | {"rpEntityName": "second-app"})
    await _put(realm, policy, valid | {"rpEntityName": "second-app"})
    assert (await _get(realm, policy))["rpEntityName"] == "second-app"


@pytest.mark.parametrize(("policy", "valid"), BOTH)
async def test_reading_needs_view_realm_and_writing_manage_realm(
    realm: Env, policy: str, valid: dict[str, Any]
) -> None:
    """WebAuthnPolicyTest#testUpdate…RequiresViewRealmPermission and #testUpdate…RequiresManageRealmPermission"""
    _, view_users = await make_admin(realm, "test", "view-users-admin", "view-users")
    _, view_realm = await make_admin(realm, "test", "view-realm-admin", "view-realm")
    _, manage_realm = await make_admin(realm, "test", "manage-realm-admin", "manage-realm")
    assert (await _call(realm, "GET", policy, headers=view_users)).status_code == 403
    assert (await _call(realm, "GET", policy, headers=view_realm)).status_code == 200
    assert (await _call(realm, "PUT", policy, valid, headers=view_realm)).status_code == 403
    assert (await _call(realm, "PUT", policy, valid, headers=manage_realm)).status_code == 204


@pytest.mark.parametrize(("policy", "valid"), BOTH)
async def test_an_update_is_an_event_and_a_refusal_none(realm: Env, policy: str, valid: dict[str, Any]) -> None:
    """WebAuthnPolicyTest#testUpdate…SuccessTriggersAdminEvent and #testUpdate…FailureDoesNotTriggerAdminEvent"""
    await enable_admin_events(realm, clear=True)
    assert (await _call(realm, "PUT", policy, {})).status_code == 400
    assert await admin_events(realm) == []
    await _put(realm, policy, valid)
    (event,) = await admin_events(realm)
    assert (event["operationType"], event["resourceType"]) == ("UPDATE", "AUTHENTICATION_POLICY")
    assert event["resourcePath"] == f"authentication/policies/{policy}"
    assert json.loads(event["representation"]) == valid


@pytest.mark.parametrize("policy", [TWO_FACTOR, PASSWORDLESS])
@pytest.mark.parametrize(
    "changes", [{"createTimeout": "soon"}, {"acceptableAaguids": [1]}, {"signatureAlgorithms": "ES256"}]
)
async def test_a_field_of_the_wrong_type_is_400_never_500(realm: Env, policy: str, changes: dict[str, Any]) -> None:
    """Bodies no Keycloak test sends: each a 400."""
    assert (await _call(realm, "PUT", policy, VALID | changes)).status_code == 400
