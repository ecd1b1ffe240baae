"""Keycloak's new-framework PasswordPolicyTest (tests/base/.../tests/policy/) over HTTP. The Java class sets the realm's
policy and calls PasswordPolicyManagerProvider.validate(username, password) on the server; here the policy is put on
realm ``test`` through the admin API and each password tried as the admin's reset of ``jdoe``'s password
(``PUT users/{id}/reset-password``): a refusal is the 400 ``{"error": <message key>, "error_description": <text
with the parameters>}``, an accepted password a 204. A policy Keycloak cannot parse is the admin API's 400
``{"errorMessage": "..."}``.

The ``passwordBlacklist`` methods are in test_password_denylist.py (a file in the server's denylists folder). Not
ported: ``testBuilder`` (PasswordPolicy.Builder, a Java API). In ``testComplex`` the one call with a username of mixed case
(``validate("12aaBB&-", "12aaBB&-")``) is not reproducible through a stored user, whose username Keycloak lowercases."""

from __future__ import annotations

import pytest

import group_port
from group_port import fresh_realm
from keycloak_port import ADMIN, admin_headers, user_id
from wire_env import Env

pytestmark = pytest.mark.anyio
anyio_backend, shared_env, env = group_port.anyio_backend, group_port.shared_env, group_port.env

REALM = {
    "realm": "test",
    "enabled": True,
    "users": [{"username": "jdoe", "enabled": True, "firstName": "John", "lastName": "Doe", "email": "jdoe@localhost"}],
}
TEXTS = {
    "invalidPasswordMinLengthMessage": "Invalid password: minimum length {}.",
    # Keycloak's admin messages_en.properties has no text for it: the key is its own description.
    "invalidPasswordMaxLengthMessage": "invalidPasswordMaxLengthMessage",
    "invalidPasswordMinDigitsMessage": "Invalid password: must contain at least {} numerical digits.",
    "invalidPasswordMinLowerCaseCharsMessage": "Invalid password: must contain at least {} lower case characters.",
    "invalidPasswordMinUpperCaseCharsMessage": "Invalid password: must contain at least {} upper case characters.",
    "invalidPasswordMinSpecialCharsMessage": "Invalid password: must contain at least {} special characters.",
    "invalidPasswordNotUsernameMessage": "Invalid password: must not be equal to the username.",
    "invalidPasswordRegexPatternMessage": "Invalid password: fails to match regex pattern(s).",
}


@pytest.fixture
async def kc(env: Env) -> Env:
    await fresh_realm(env, REALM)
    return env


async def set_policy(env: Env, policy: str) -> int:
    """``realmModel.setPasswordPolicy(PasswordPolicy.parse(session, policy))``: the admin API's answer status."""
    response = await env.http.put(ADMIN, json={"passwordPolicy": policy}, headers=await admin_headers(env))
    return response.status_code


async def policy_refused(env: Env, policy: str) -> str:
    """The ModelException message of a policy Keycloak cannot parse (the admin API's 400)."""
    response = await env.http.put(ADMIN, json={"passwordPolicy": policy}, headers=await admin_headers(env))
    assert response.status_code == 400, (policy, response.status_code, response.text)
    return str(response.json()["errorMessage"])


async def validate(env: Env, password: str) -> tuple[str, str] | None:
    """``policyManager.validate("jdoe", password)``: None when accepted, else (message key, text)."""
    url = f"{ADMIN}/users/{await user_id(env, 'jdoe')}/reset-password"
    response = await env.http.put(
        url, json={"type": "password", "value": password, "temporary": False}, headers=await admin_headers(env)
    )
    if response.status_code == 204:
        return None
    assert response.status_code == 400, (password, response.status_code, response.text)
    body = response.json()
    return str(body["error"]), str(body["error_description"])


async def assert_refused(env: Env, password: str, key: str, *parameters: object) -> None:
    assert await validate(env, password) == (key, TEXTS[key].format(*parameters)), password


async def test_length(kc: Env) -> None:
    """PasswordPolicyTest#testLength."""
    assert await set_policy(kc, "length") == 204
    await assert_refused(kc, "1234567", "invalidPasswordMinLengthMessage", 8)
    assert await validate(kc, "12345678") is None
    assert await set_policy(kc, "length(4)") == 204
    await assert_refused(kc, "123", "invalidPasswordMinLengthMessage", 4)
    assert await validate(kc, "1234") is None


async def test_maximum_length(kc: Env) -> None:
    """PasswordPolicyTest#testMaximumLength (MaximumLengthPasswordPolicyProviderFactory.DEFAULT_MAX_LENGTH 64); the
    parameter does not show, the admin API's description being the bare key."""
    assert await set_policy(kc, "maxLength") == 204
    await assert_refused(kc, "1234567890" * 6 + "12345", "invalidPasswordMaxLengthMessage", 64)
    assert await validate(kc, "1234567890" * 6 + "1234") is None
    assert await set_policy(kc, "maxLength(24)") == 204
    await assert_refused(kc, "1234567890123456789012345", "invalidPasswordMaxLengthMessage", 24)
    assert await validate(kc, "123456789012345678901234") is None


async def test_digits(kc: Env) -> None:
    """PasswordPolicyTest#testDigits."""
    assert await set_policy(kc, "digits") == 204
    await assert_refused(kc, "abcd", "invalidPasswordMinDigitsMessage", 1)
    assert await validate(kc, "abcd1") is None
    assert await set_policy(kc, "digits(2)") == 204
    await assert_refused(kc, "abcd1", "invalidPasswordMinDigitsMessage", 2)
    assert await validate(kc, "abcd12") is None


async def test_lower_case(kc: Env) -> None:
    """PasswordPolicyTest#testLowerCase."""
    assert await set_policy(kc, "lowerCase") == 204
    await assert_refused(kc, "ABCD1234", "invalidPasswordMinLowerCaseCharsMessage", 1)
    assert await validate(kc, "ABcD1234") is None
    assert await set_policy(kc, "lowerCase(2)") == 204
    await assert_refused(kc, "ABcD1234", "invalidPasswordMinLowerCaseCharsMessage", 2)
    assert await validate(kc, "aBcD1234") is None


async def test_upper_case(kc: Env) -> None:
    """PasswordPolicyTest#testUpperCase."""
    assert await set_policy(kc, "upperCase") == 204
    await assert_refused(kc, "abcd1234", "invalidPasswordMinUpperCaseCharsMessage", 1)
    assert await validate(kc, "abCd1234") is None
    assert await set_policy(kc, "upperCase(2)") == 204
    await assert_refused(kc, "abCd1234", "invalidPasswordMinUpperCaseCharsMessage", 2)
    assert await validate(kc, "AbCd1234") is None


async def test_special_chars(kc: Env) -> None:
    """PasswordPolicyTest#testSpecialChars."""
    assert await set_policy(kc, "specialChars") == 204
    await assert_refused(kc, "abcd1234", "invalidPasswordMinSpecialCharsMessage", 1)
    assert await validate(kc, "ab&d1234") is None
    assert await set_policy(kc, "specialChars(2)") == 204
    await assert_refused(kc, "ab&d1234", "invalidPasswordMinSpecialCharsMessage", 2)
    assert await validate(kc, "ab&d-234") is None


async def test_not_username(kc: Env) -> None:
    """PasswordPolicyTest#testNotUsername."""
    assert await set_policy(kc, "notUsername") == 204
    await assert_refused(kc, "jdoe", "invalidPasswordNotUsernameMessage")
    assert await validate(kc, "ab&d1234") is None


async def test_invalid_policy_name(kc: Env) -> None:
    """PasswordPolicyTest#testInvalidPolicyName."""
    assert await policy_refused(kc, "noSuchPolicy") == "Password policy not found"


async def test_regex_patterns(kc: Env) -> None:
    """PasswordPolicyTest#testRegexPatterns."""
    assert await policy_refused(kc, "regexPattern") == "Invalid config for regexPattern: Config required"
    invalid = "Invalid config for regexPattern: Not a valid regular expression"
    assert await policy_refused(kc, "regexPattern(*)") == invalid
    assert await policy_refused(kc, "regexPattern(*,**)") == invalid

    # Fails to match one of the patterns, then all of them.
    assert await set_policy(kc, "regexPattern(jdoe) and regexPattern(j*d)") == 204
    await assert_refused(kc, "jdoe", "invalidPasswordRegexPatternMessage")
    assert await set_policy(kc, "regexPattern(j*p) and regexPattern(j*d) and regexPattern(adoe)") == 204
    await assert_refused(kc, "jdoe", "invalidPasswordRegexPatternMessage")
    assert await set_policy(kc, "regexPattern([a-z][a-z][a-z][a-z][0-9])") == 204
    await assert_refused(kc, "jdoe", "invalidPasswordRegexPatternMessage")

    assert await set_policy(kc, "regexPattern(jdoe)") == 204
    assert await validate(kc, "jdoe") is None
    assert await set_policy(kc, "regexPattern([a-z][a-z][a-z][a-z][0-9])") == 204
    assert await validate(kc, "jdoe0") is None


async def test_complex(kc: Env) -> None:
    """PasswordPolicyTest#testComplex."""
    policy = "length(8) and maxLength(32) and digits(2) and lowerCase(2) and upperCase(2) and specialChars(2)"
    assert await set_policy(kc, f"{policy} and notUsername()") == 204
    for refused in ("12aaBB&", "aaaaBB&-", "12AABB&-", "12aabb&-", "12aaBBcc", "12aaBB&-" * 4 + "1"):
        assert await validate(kc, refused) is not None, refused
    assert await validate(kc, "12aaBB&-") is None
