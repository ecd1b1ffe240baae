"""Keycloak's PasswordPolicyTest, OTPPolicyTest and CibaPolicyTest (tests/base/.../tests/admin/authentication/, the
new test framework, on AbstractPolicyTest): ``authentication/policies/{password,otp,ciba}-policy`` read one policy
(view-realm) and replace it (manage-realm), validated (400, no event) and recorded as an UPDATE
AUTHENTICATION_POLICY admin event with the body sent.

WebAuthnPolicyTest's ``webauthn-policy`` and ``webauthn-passwordless-policy`` are not implemented here."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from admin_support import admin_events, enable_admin_events, make_admin
from wire_env import Env

pytestmark = pytest.mark.anyio

POLICIES = "/admin/realms/test/authentication/policies"


async def _call(
    env: Env, method: str, policy: str, body: Any = None, headers: dict[str, str] | None = None
) -> httpx.Response:
    return await env.http.request(
        method, f"{POLICIES}/{policy}", json=body, headers=headers or await env.admin_headers()
    )


async def _get(env: Env, policy: str) -> Any:
    response = await _call(env, "GET", policy)
    assert response.status_code == 200, response.text
    return response.json()


async def _put(env: Env, policy: str, body: Any) -> None:
    response = await _call(env, "PUT", policy, body)
    assert response.status_code == 204, response.text


async def _refused(env: Env, policy: str, body: Any) -> str:
    response = await _call(env, "PUT", policy, body)
    assert response.status_code == 400, response.text
    return str(response.json()["error"])


# --- PasswordPolicyTest ---------------------------------------------------------------------------
AGE: dict[str, Any] = {"id": "passwordAge", "value": 30}  # AgePasswordPolicyProviderFactory.DEFAULT_AGE_DAYS
ALL_OPTIONS: list[dict[str, Any]] = [
    {"id": "digits", "value": 1},
    {"id": "forceExpiredPasswordChange", "value": 365},
    {"id": "hashAlgorithm", "value": "argon2"},
    {"id": "hashIterations", "value": 10},
    {"id": "passwordHistory", "value": 3},
    {"id": "length", "value": 8},
    {"id": "lowerCase", "value": 1},
    {"id": "maxLength", "value": 64},
    {"id": "notUsername", "value": None},
    {"id": "notContainsUsername", "value": None},
    {"id": "regexPattern", "value": "password"},
    {"id": "specialChars", "value": 1},
    {"id": "upperCase", "value": 1},
    {"id": "passwordBlacklist", "value": "test-password-blacklist.txt"},
    {"id": "notEmail", "value": None},
    {"id": "recoveryCodesWarningThreshold", "value": 4},
    {"id": "maxAuthAge", "value": 300},
    AGE,
]


def _ids(policy: list[dict[str, Any]]) -> list[str]:
    return [entry["id"] for entry in policy]


async def test_get_password_policy_empty_by_default(realm: Env) -> None:
    """PasswordPolicyTest#testGetPasswordPolicyEmptyByDefault"""
    assert await _get(realm, "password-policy") == []


async def test_update_password_policy(realm: Env) -> None:
    """PasswordPolicyTest#testUpdatePasswordPolicy, #testUpdatePasswordPolicyApplyingSamePolicyTwiceIsIdempotent"""
    for _ in range(2):
        await _put(realm, "password-policy", [AGE])
        assert _ids(await _get(realm, "password-policy")) == ["passwordAge"]


async def test_update_password_policy_overwrites_existing_policy(realm: Env) -> None:
    """PasswordPolicyTest#testUpdatePasswordPolicyOverwritesExistingPolicy"""
    await _put(realm, "password-policy", [AGE])
    await _put(realm, "password-policy", [{"id": "forceExpiredPasswordChange", "value": 365}])
    assert _ids(await _get(realm, "password-policy")) == ["forceExpiredPasswordChange"]


async def test_update_password_policy_with_empty_list_clears_policy(realm: Env) -> None:
    """PasswordPolicyTest#testUpdatePasswordPolicyWithEmptyListClearsPolicy"""
    await _put(realm, "password-policy", [AGE])
    await _put(realm, "password-policy", [])
    assert await _get(realm, "password-policy") == []


async def test_update_password_policy_with_all_supported_policies(realm: Env) -> None:
    """PasswordPolicyTest#testUpdatePasswordPolicyWithAllSupportedPolicies"""
    await _put(realm, "password-policy", ALL_OPTIONS)
    assert sorted(_ids(await _get(realm, "password-policy"))) == sorted(_ids(ALL_OPTIONS))


@pytest.mark.parametrize(
    "body",
    [
        pytest.param(
            [{"id": "nonExistentPolicy", "value": 365}], id="testUpdatePasswordPolicyFailsOnUnknownPolicyType"
        ),
        pytest.param(
            [{"id": "unknown1", "value": 1}, {"id": "unknown2", "value": 2}],
            id="testUpdatePasswordPolicyFailsOnMultipleUnknownPolicyTypes",
        ),
        pytest.param(
            [AGE, {"id": "invalidPolicy", "value": 999}],
            id="testUpdatePasswordPolicyFailsWhenMixedValidAndInvalidEntries",
        ),
        pytest.param(
            [{"id": "forceExpiredPasswordChange", "value": "year"}],
            id="testUpdatePasswordPolicyFailsWhenIntPolicyReceivesString",
        ),
        pytest.param(
            [{"id": "forceExpiredPasswordChange", "value": None}],
            id="testUpdatePasswordPolicyFailsWhenIntPolicyReceivesNull",
        ),
        pytest.param(
            [{"id": "hashIterations", "value": True}], id="testUpdatePasswordPolicyFailsWhenIntPolicyReceivesBoolean"
        ),
        pytest.param(
            [{"id": "hashAlgorithm", "value": 123}], id="testUpdatePasswordPolicyFailsWhenStringPolicyReceivesInteger"
        ),
        pytest.param(
            [{"id": "hashAlgorithm", "value": None}], id="testUpdatePasswordPolicyFailsWhenStringPolicyReceivesNull"
        ),
    ],
)
async def test_update_password_policy_fails(realm: Env, body: list[dict[str, Any]]) -> None:
    """PasswordPolicyTest's refusals: 400, the policy unchanged."""
    await _refused(realm, "password-policy", body)
    assert await _get(realm, "password-policy") == []


async def test_the_password_policy_refusals_name_what_is_wrong(realm: Env) -> None:
    """validatePasswordPolicyRepresentation's messages."""
    unknown = await _refused(realm, "password-policy", [{"id": "unknown1"}, {"id": "unknown2"}])
    assert unknown == "Unknown password policy type(s): unknown1, unknown2"
    invalid = await _refused(realm, "password-policy", [{"id": "forceExpiredPasswordChange", "value": "year"}])
    assert invalid == 'Invalid values: forceExpiredPasswordChange got "year" but expects a value of type int'


async def test_update_password_policy_accepts_null_value_for_on_off_policies(realm: Env) -> None:
    """PasswordPolicyTest#testUpdatePasswordPolicyAcceptsNullValueForOnOffPolicies"""
    await _put(realm, "password-policy", [{"id": "notUsername", "value": None}])
    assert _ids(await _get(realm, "password-policy")) == ["notUsername"]


async def test_update_password_policy_accepts_integer_parsable_strings_in_int_policies(realm: Env) -> None:
    """PasswordPolicyTest#testUpdatePasswordPolicyAcceptsIntegerParsableStringsInIntPolicies: read back as 365."""
    await _put(realm, "password-policy", [{"id": "forceExpiredPasswordChange", "value": "365"}])
    assert await _get(realm, "password-policy") == [{"id": "forceExpiredPasswordChange", "value": 365}]
    assert (await realm.http.get("/admin/realms/test", headers=await realm.admin_headers())).json()[
        "passwordPolicy"
    ] == "forceExpiredPasswordChange(365)"


# --- OTPPolicyTest --------------------------------------------------------------------------------
TOTP = {
    "type": "totp",
    "algorithm": "HmacSHA1",
    "digits": 6,
    "lookAheadWindow": 1,
    "period": 30,
    "initialCounter": 0,
    "codeReusable": False,
}
HOTP = {
    "type": "hotp",
    "algorithm": "HmacSHA256",
    "digits": 8,
    "lookAheadWindow": 2,
    "period": 60,
    "initialCounter": 1,
    "codeReusable": True,
}


async def test_get_otp_policy_returns_default_policy(realm: Env) -> None:
    """OTPPolicyTest#testGetOTPPolicyReturnsAllFields, #testGetOTPPolicyReturnsDefaultPolicy"""
    assert await _get(realm, "otp-policy") == TOTP


@pytest.mark.parametrize(
    "changes",
    [
        pytest.param({"algorithm": "HmacSHA1", "digits": 6}, id="testUpdateOTPPolicyTotpHmacSHA1With6digits"),
        pytest.param({"algorithm": "HmacSHA256", "digits": 8}, id="testUpdateOTPPolicyTotpHmacSHA256With8digits"),
        pytest.param({"algorithm": "HmacSHA512"}, id="testUpdateOTPPolicyTotpHmacSHA512"),
        pytest.param(
            {"period": 60, "initialCounter": 10, "lookAheadWindow": 5, "codeReusable": True},
            id="testUpdateOTPPolicyPersistsAllFields",
        ),
    ],
)
async def test_update_otp_policy(realm: Env, changes: dict[str, Any]) -> None:
    """OTPPolicyTest's successful TOTP updates: every field read back."""
    await _put(realm, "otp-policy", TOTP | changes)
    assert await _get(realm, "otp-policy") == TOTP | changes


async def test_update_otp_policy_hotp_overwrites_and_is_idempotent(realm: Env) -> None:
    """OTPPolicyTest#testUpdateOTPPolicyHotp, #testUpdateOTPPolicyOverwritesPreviousPolicy,
    #testUpdateOTPPolicyIsIdempotent"""
    await _put(realm, "otp-policy", TOTP)
    await _put(realm, "otp-policy", TOTP)
    assert await _get(realm, "otp-policy") == TOTP
    await _put(realm, "otp-policy", HOTP)
    assert await _get(realm, "otp-policy") == HOTP


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        pytest.param(
            {"type": "unsupportedType"}, "type must be totp, hotp", id="testUpdateOTPPolicyFailsOnUnsupportedType"
        ),
        pytest.param({"type": None}, "type is required", id="testUpdateOTPPolicyFailsOnNullType"),
        pytest.param({"type": ""}, "type must be totp, hotp", id="testUpdateOTPPolicyFailsOnEmptyType"),
        pytest.param({"type": "TOTP"}, "type must be totp, hotp", id="testUpdateOTPPolicyFailsOnCaseSensitiveType"),
        pytest.param(
            {"algorithm": "HmacMD5"},
            "algorithm must be HmacSHA1, HmacSHA256, HmacSHA512",
            id="testUpdateOTPPolicyFailsOnUnsupportedAlgorithm",
        ),
        pytest.param({"algorithm": None}, "algorithm is required", id="testUpdateOTPPolicyFailsOnNullAlgorithm"),
        pytest.param(
            {"algorithm": ""},
            "algorithm must be HmacSHA1, HmacSHA256, HmacSHA512",
            id="testUpdateOTPPolicyFailsOnEmptyAlgorithm",
        ),
        pytest.param(
            {"algorithm": "hmacsha1"},
            "algorithm must be HmacSHA1, HmacSHA256, HmacSHA512",
            id="testUpdateOTPPolicyFailsOnCaseSensitiveAlgorithm",
        ),
        pytest.param({"digits": 7}, "digits must be 6 or 8", id="testUpdateOTPPolicyFailsOnUnsupportedDigits"),
        pytest.param({"digits": 0}, "digits must be 6 or 8", id="testUpdateOTPPolicyFailsOnZeroDigits"),
        pytest.param({"digits": -1}, "digits must be 6 or 8", id="testUpdateOTPPolicyFailsOnNegativeDigits"),
        pytest.param(
            {"period": None}, "period field is required in totp mode", id="testUpdateOTPPolicyFailsOnMissingTotpPeriod"
        ),
        pytest.param(
            {"type": "invalidType", "algorithm": "invalidAlgorithm", "digits": 5},
            "type must be totp, hotp",
            id="testUpdateOTPPolicyFailsWhenMultipleFieldsAreInvalid",
        ),
    ],
)
async def test_update_otp_policy_fails(realm: Env, changes: dict[str, Any], message: str) -> None:
    """OTPPolicyTest's refusals: 400 with validateOtpPolicyRepresentation's message, the policy unchanged."""
    assert await _refused(realm, "otp-policy", TOTP | changes) == message
    assert await _get(realm, "otp-policy") == TOTP


async def test_update_otp_policy_fails_on_missing_hotp_initial_counter(realm: Env) -> None:
    """OTPPolicyTest#testUpdateOTPPolicyFailsOnMissingHotpInitialCounter"""
    message = await _refused(realm, "otp-policy", HOTP | {"initialCounter": None})
    assert message == "initalCounter field is required in htop mode"


# --- CibaPolicyTest -------------------------------------------------------------------------------
CIBA = {"backchannelTokenDeliveryMode": "poll", "expiresIn": 120, "interval": 5, "authRequestedUserHint": "login_hint"}


async def test_get_ciba_policy_returns_default_policy(realm: Env) -> None:
    """CibaPolicyTest#testGetCibaPolicyReturnsDefaultPolicy, #testGetCibaPolicyReturnsAllFields"""
    assert await _get(realm, "ciba-policy") == CIBA


@pytest.mark.parametrize(
    "changes",
    [
        pytest.param(
            {"backchannelTokenDeliveryMode": "ping", "expiresIn": 300, "interval": 10},
            id="testUpdateCibaPolicyPersistsAllFields",
        ),
        pytest.param(
            {"backchannelTokenDeliveryMode": "poll"}, id="testUpdateCibaPolicyAllSupportedBackchannelTokenDeliveryModes"
        ),
        pytest.param({"expiresIn": 10}, id="testUpdateCibaPolicyExpiresInAtLowerBoundary"),
        pytest.param({"expiresIn": 600}, id="testUpdateCibaPolicyExpiresInAtUpperBoundary"),
        pytest.param({"interval": 0}, id="testUpdateCibaPolicyIntervalAtLowerBoundary"),
        pytest.param({"interval": 600}, id="testUpdateCibaPolicyIntervalAtUpperBoundary"),
    ],
)
async def test_update_ciba_policy(realm: Env, changes: dict[str, Any]) -> None:
    """CibaPolicyTest's successful updates; the realm representation's attributes follow."""
    await _put(realm, "ciba-policy", CIBA | changes)
    assert await _get(realm, "ciba-policy") == CIBA | changes
    attributes = (await realm.http.get("/admin/realms/test", headers=await realm.admin_headers())).json()["attributes"]
    assert attributes["cibaExpiresIn"] == str((CIBA | changes)["expiresIn"])


async def test_update_ciba_policy_overwrites_and_is_idempotent(realm: Env) -> None:
    """CibaPolicyTest#testUpdateCibaPolicyOverwritesPreviousPolicy, #testUpdateCibaPolicyIsIdempotent"""
    await _put(realm, "ciba-policy", CIBA | {"expiresIn": 100})
    await _put(realm, "ciba-policy", CIBA | {"expiresIn": 200})
    await _put(realm, "ciba-policy", CIBA | {"expiresIn": 200})
    assert (await _get(realm, "ciba-policy"))["expiresIn"] == 200


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        pytest.param(
            {"backchannelTokenDeliveryMode": "unsupported"},
            "backchannelTokenDeliveryMode only supports poll, ping",
            id="testUpdateCibaPolicyFailsOnUnsupportedBackchannelTokenDeliveryMode",
        ),
        pytest.param(
            {"backchannelTokenDeliveryMode": None},
            "backchannelTokenDeliveryMode only supports poll, ping",
            id="testUpdateCibaPolicyFailsOnNullBackchannelTokenDeliveryMode",
        ),
        pytest.param(
            {"backchannelTokenDeliveryMode": ""},
            "backchannelTokenDeliveryMode only supports poll, ping",
            id="testUpdateCibaPolicyFailsOnEmptyBackchannelTokenDeliveryMode",
        ),
        pytest.param(
            {"expiresIn": 9},
            "expiresIn must be greater than or equal to 10",
            id="testUpdateCibaPolicyFailsOnExpiresInBelowMinimum",
        ),
        pytest.param(
            {"expiresIn": 0},
            "expiresIn must be greater than or equal to 10",
            id="testUpdateCibaPolicyFailsOnExpiresInOfZero",
        ),
        pytest.param(
            {"expiresIn": -1},
            "expiresIn must be greater than or equal to 10",
            id="testUpdateCibaPolicyFailsOnNegativeExpiresIn",
        ),
        pytest.param(
            {"expiresIn": 601},
            "expiresIn must be less than or equal to 600",
            id="testUpdateCibaPolicyFailsOnExpiresInAboveMaximum",
        ),
        pytest.param(
            {"interval": -1},
            "interval must be greater than or equal to 0",
            id="testUpdateCibaPolicyFailsOnNegativeInterval",
        ),
        pytest.param(
            {"interval": 601},
            "interval must be less than or equal to 600",
            id="testUpdateCibaPolicyFailsOnIntervalAboveMaximum",
        ),
        pytest.param(
            {"authRequestedUserHint": "id_token_hint"},
            'authRequestedUserHint currently only supports "login_hint".',
            id="testUpdateCibaPolicyFailsOnUnsupportedAuthRequestedUserHint",
        ),
        pytest.param(
            {"authRequestedUserHint": ""},
            'authRequestedUserHint currently only supports "login_hint".',
            id="testUpdateCibaPolicyFailsOnEmptyAuthRequestedUserHint",
        ),
        pytest.param(
            {"authRequestedUserHint": None},
            "authRequestedUserHint is required",
            id="testUpdateCibaPolicyFailsOnNullAuthRequestedUserHint",
        ),
    ],
)
async def test_update_ciba_policy_fails(realm: Env, changes: dict[str, Any], message: str) -> None:
    """CibaPolicyTest's refusals: 400 with validateCibaPolicyRepresentation's message, the policy unchanged."""
    assert await _refused(realm, "ciba-policy", CIBA | changes) == message
    assert await _get(realm, "ciba-policy") == CIBA


# --- shared: permissions and admin events ---------------------------------------------------------
@pytest.mark.parametrize(
    ("policy", "body"),
    [("password-policy", []), ("otp-policy", TOTP), ("ciba-policy", CIBA)],
)
async def test_reading_needs_view_realm_and_writing_manage_realm(realm: Env, policy: str, body: Any) -> None:
    """PasswordPolicyTest / OTPPolicyTest / CibaPolicyTest #test…RequiresViewRealmPermission and
    #test…RequiresManageRealmPermission"""
    _, view_users = await make_admin(realm, "test", "view-users-admin", "view-users")
    _, view_realm = await make_admin(realm, "test", "view-realm-admin", "view-realm")
    _, manage_realm = await make_admin(realm, "test", "manage-realm-admin", "manage-realm")
    assert (await _call(realm, "GET", policy, headers=view_users)).status_code == 403
    assert (await _call(realm, "GET", policy, headers=view_realm)).status_code == 200
    assert (await _call(realm, "PUT", policy, body, headers=view_realm)).status_code == 403
    assert (await _call(realm, "PUT", policy, body, headers=manage_realm)).status_code == 204


@pytest.mark.parametrize(
    ("policy", "body", "refused"),
    [
        ("password-policy", [AGE], [{"id": "nonExistentPolicy", "value": 365}]),
        ("otp-policy", HOTP, {}),
        ("ciba-policy", CIBA, {}),
    ],
)
async def test_an_update_is_an_authentication_policy_event_and_a_refusal_none(
    realm: Env, policy: str, body: Any, refused: Any
) -> None:
    """#testUpdate…SuccessTriggersAdminEvent and #testUpdate…FailureDoesNotTriggerAdminEvent of the three."""
    await enable_admin_events(realm, clear=True)
    await _refused(realm, policy, refused)
    assert await admin_events(realm) == []
    await _put(realm, policy, body)
    (event,) = await admin_events(realm)
    assert (event["operationType"], event["resourceType"]) == ("UPDATE", "AUTHENTICATION_POLICY")
    assert event["resourcePath"] == f"authentication/policies/{policy}"
    assert json.loads(event["representation"]) == body


@pytest.mark.parametrize(
    "body",
    [
        {"not": "a list"},
        [1],
        [{"id": ["x"]}],
        [{"value": 1}],
        [{"id": "length", "value": {"a": 1}}],
        [{"id": "length", "value": 1e40}],
    ],
)
async def test_a_malformed_password_policy_body_is_400_never_500(realm: Env, body: Any) -> None:
    """Bodies no Keycloak test sends: each a 400."""
    await _refused(realm, "password-policy", body)


@pytest.mark.parametrize("policy", ["otp-policy", "ciba-policy"])
@pytest.mark.parametrize(
    "body", [[], "x", {"digits": "6"}, {"expiresIn": 2**40}, {"type": ["totp"], "backchannelTokenDeliveryMode": {}}]
)
async def test_a_malformed_otp_or_ciba_body_is_400_never_500(realm: Env, policy: str, body: Any) -> None:
    """Bodies no Keycloak test sends: each a 400."""
    await _refused(realm, policy, body)
