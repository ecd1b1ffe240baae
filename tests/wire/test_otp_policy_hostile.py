"""Hostile realm OTP policies: what Keycloak stores and what its login then does, never a 500.

Keycloak's RepresentationToModel.toPolicy copies ``otpPolicy*`` as given (any int, any algorithm name); Jackson
refuses a non-number or a number past an int with a 400. Its login then does Java arithmetic: HmacOTP's
DIGITS_POWER[digits] (digits 0-8), Mac.getInstance(algorithm), TimeBasedOTP's ``seconds / period`` (truncated;
0 throws) and ``window * 2`` and HmacOTP's ``counter + window`` as ints (wrapping). A throw in the OTP form is
AuthenticationProcessor.handleBrowserException's 400 "Unexpected error ..." page with LOGIN_ERROR
``invalid_user_credentials``; Doorkeep answers CONFIGURE_TOTP's form the same way (Keycloak: a 500).
"""

from __future__ import annotations

import hashlib
import hmac
import re
from typing import Any

import httpx
import pytest

from browser_flow import code_from, start, submit
from console_support import HTML, sign_in
from doorkeep.model import Credential
from doorkeep.users import otp
from support import password_grant, seed_login_realm, update_realm, update_user
from wire_env import Env

pytestmark = pytest.mark.anyio

ADMIN = "/admin/realms/test"
SECRET = "abcdefghijABCDEFGHIJ"
INVALID_TOTP = "Invalid authenticator code."
UNEXPECTED = "Unexpected error when handling authentication request to identity provider."
INT_MAX = 2**31 - 1
SIGNING_IN = "/realms/test/account/account-security/signing-in"


def java_code(key: bytes, counter: int, digits: int = 6, digest: Any = hashlib.sha1) -> str:
    """HmacOTP.generateOTP as Java computes it: a negative counter is its 64-bit two's complement."""
    mac = hmac.new(key, (counter % 2**64).to_bytes(8, "big"), digest).digest()
    offset = mac[-1] & 0x0F
    return str((int.from_bytes(mac[offset : offset + 4], "big") & 0x7FFFFFFF) % 10**digits).zfill(digits)


def java_interval(now: int, period: int) -> int:
    """``(millis / 1000) / period`` in Java longs: truncated toward zero."""
    q = abs(now) // abs(period)
    return q if (now < 0) == (period < 0) else -q


@pytest.fixture
async def realm(env: Env) -> Env:
    await seed_login_realm(env.db, env.clock, events=True)
    return env


async def user_id(env: Env) -> str:
    async with env.db.transaction(write=False) as tx:
        test = await tx.realms.get_by_name("test")
        assert test is not None
        user = await tx.users.get_by_username(test.id, "user1")
        assert user is not None
        return user.id


async def add_device(env: Env, **data: Any) -> str:
    """An OTP credential as Keycloak stores one made under the policy ``data`` gives (createFromPolicy)."""
    stored = {"subType": "totp", "digits": 6, "counter": 0, "period": 30, "algorithm": "HmacSHA1", **data}
    cred = Credential("otp-1", await user_id(env), "otp", {"value": SECRET}, stored, 1, None)
    async with env.db.transaction() as tx:
        await tx.users.add_credential(cred)
    return cred.id


async def login_errors(env: Env) -> list[Any]:
    async with env.db.transaction(write=False) as tx:
        test = await tx.realms.get_by_name("test")
        assert test is not None
        return await tx.events.find(test.id, types=["LOGIN_ERROR"])


async def otp_form(env: Env) -> httpx.Response:
    page = await start(env.http, "test", "app")
    page = await submit(env.http, page, username="user1", password="password")
    assert page.status_code == 200 and 'name="otp"' in page.text, page.text[:400]
    return page


def page_error(page: httpx.Response) -> str:
    found = re.search(r'<div id="input-error" class="error">([^<]*)</div>', page.text)
    return found.group(1) if found else ""


async def put_policy(env: Env, **fields: Any) -> httpx.Response:
    headers = await env.admin_headers()
    rep = (await env.http.get(ADMIN, headers=headers)).json()
    return await env.http.put(ADMIN, json={**rep, **fields}, headers=headers)


# --- the admin REST API stores what Keycloak stores -----------------------------------------------------


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("otpPolicyDigits", 0),
        ("otpPolicyDigits", -1),
        ("otpPolicyDigits", INT_MAX),
        ("otpPolicyPeriod", 0),
        ("otpPolicyPeriod", -30),
        ("otpPolicyPeriod", INT_MAX),
        ("otpPolicyLookAheadWindow", -1),
        ("otpPolicyLookAheadWindow", INT_MAX),
        ("otpPolicyInitialCounter", -2147483648),
        ("otpPolicyInitialCounter", INT_MAX),
        ("otpPolicyAlgorithm", "HmacMD5"),
        ("otpPolicyAlgorithm", "no-such-mac"),
        ("otpPolicyAlgorithm", ""),
        ("otpPolicyDigits", "8"),  # Jackson reads a numeric string as the number
    ],
)
async def test_put_realm_stores_any_int_and_any_algorithm_and_get_realm_shows_it(
    realm: Env, field: str, value: Any
) -> None:
    assert (await put_policy(realm, **{field: value})).status_code == 204
    rep = await realm.http.get(ADMIN, headers=await realm.admin_headers())
    assert rep.status_code == 200
    assert rep.json()[field] == (int(value) if field == "otpPolicyDigits" else value)
    assert "totpAppFreeOTPName" in rep.json()["otpSupportedApplications"]


@pytest.mark.parametrize("value", ["six", 2**31, -(2**31) - 1, [6], {"d": 6}])
async def test_a_non_number_or_a_number_past_an_int_is_a_400_and_changes_nothing(realm: Env, value: Any) -> None:
    answer = await put_policy(realm, otpPolicyPeriod=value)
    assert answer.status_code == 400, answer.text
    rep = (await realm.http.get(ADMIN, headers=await realm.admin_headers())).json()
    assert rep["otpPolicyPeriod"] == 30


async def test_a_realm_import_keeps_the_hostile_policy_as_given(env: Env) -> None:
    headers = await env.admin_headers()
    rep = {
        "realm": "hostile",
        "enabled": True,
        "otpPolicyDigits": -3,
        "otpPolicyPeriod": 0,
        "otpPolicyLookAheadWindow": INT_MAX,
        "otpPolicyInitialCounter": -1,
        "otpPolicyAlgorithm": "HmacWhatever",
    }
    created = await env.http.post("/admin/realms", json=rep, headers=headers)
    assert created.status_code == 201, created.text
    got = (await env.http.get("/admin/realms/hostile", headers=headers)).json()
    assert {k: got[k] for k in rep if k.startswith("otp")} == {k: v for k, v in rep.items() if k.startswith("otp")}
    assert (
        await env.http.post("/admin/realms", json={**rep, "realm": "bad", "otpPolicyDigits": "x"}, headers=headers)
    ).status_code == 400


async def test_a_partial_import_leaves_the_realms_otp_policy_alone(realm: Env) -> None:
    headers = await realm.admin_headers()
    body = {"ifResourceExists": "SKIP", "otpPolicyPeriod": 0, "otpPolicyDigits": -1, "otpPolicyAlgorithm": "x"}
    answer = await realm.http.post(f"{ADMIN}/partialImport", json=body, headers=headers)
    assert answer.status_code == 200, answer.text
    rep = (await realm.http.get(ADMIN, headers=headers)).json()
    assert (rep["otpPolicyPeriod"], rep["otpPolicyDigits"], rep["otpPolicyAlgorithm"]) == (30, 6, "HmacSHA1")


@pytest.mark.parametrize(
    "credential",
    [
        {"type": "otp"},
        {"type": "otp", "secretData": "{not json", "credentialData": "{}"},
        {"type": "otp", "secretData": '{"value": 5}', "credentialData": '{"subType": "totp"}'},
        {"type": "otp", "secretData": '{"value": "k"}', "credentialData": '{"subType": "totp", "digits": "6"}'},
        {"type": "otp", "secretData": '{"value": "k"}', "credentialData": "[]"},
    ],
    ids=["no-data", "bad-json", "value-not-a-string", "digits-a-string", "data-not-an-object"],
)
async def test_a_user_created_with_an_otp_credential_keycloak_cannot_read_is_a_400_and_not_created(
    realm: Env, credential: dict[str, Any]
) -> None:
    """createCredentialThroughProvider reads OTPSecretData / OTPCredentialData with Jackson; what it cannot
    read ends Keycloak's request with a 500, Doorkeep's with a 400, and nothing is stored."""
    headers = await realm.admin_headers()
    rep = {"username": "device-user", "enabled": True, "credentials": [credential]}
    answer = await realm.http.post(f"{ADMIN}/users", json=rep, headers=headers)
    assert answer.status_code == 400, answer.text
    found = await realm.http.get(f"{ADMIN}/users", params={"username": "device-user", "exact": "true"}, headers=headers)
    assert found.json() == []


# --- the OTP form -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "device",
    [{"period": 0}, {"digits": 9}, {"digits": -1}, {"algorithm": "no-such-mac"}, {"secretEncoding": "HEX"}],
    ids=["period-0", "digits-9", "digits-negative", "unknown-algorithm", "unsupported-secret-encoding"],
)
async def test_settings_keycloaks_arithmetic_throws_on_end_the_otp_form_with_its_unexpected_error_page(
    realm: Env, device: dict[str, Any]
) -> None:
    cred = await add_device(realm, **device)
    page = await otp_form(realm)
    answer = await submit(realm.http, page, otp="123456")
    assert answer.status_code == 400 and UNEXPECTED in answer.text
    [error] = await login_errors(realm)
    assert (error.error, error.details["selected_credential_id"]) == ("invalid_user_credentials", cred)


async def test_a_negative_period_counts_intervals_as_java_does_and_its_code_signs_in(realm: Env) -> None:
    await add_device(realm, period=-30)
    page = await otp_form(realm)
    now = realm.clock.now()
    interval = java_interval(now, -30)  # -(now // 30): Python's floor division would give one less
    assert interval == -(now // 30)
    wrong = await submit(realm.http, page, otp=java_code(SECRET.encode(), interval + 5))
    assert page_error(wrong) == INVALID_TOTP
    assert "code" in code_from(await submit(realm.http, wrong, otp=java_code(SECRET.encode(), interval)))


async def test_zero_digits_makes_the_code_the_single_digit_zero(realm: Env) -> None:
    await add_device(realm, digits=0)
    page = await otp_form(realm)
    assert page_error(await submit(realm.http, page, otp="")) == INVALID_TOTP
    assert "code" in code_from(await submit(realm.http, await otp_form(realm), otp="0"))


@pytest.mark.parametrize("window", [-1, 2**30, INT_MAX])
async def test_a_window_whose_double_is_negative_as_an_int_accepts_no_code(realm: Env, window: int) -> None:
    await update_realm(realm.db, "test", otp_policy_look_ahead_window=window)
    await add_device(realm)
    page = await otp_form(realm)
    now_code = java_code(SECRET.encode(), realm.clock.now() // 30)
    refused = await submit(realm.http, page, otp=now_code)
    assert refused.status_code == 200 and page_error(refused) == INVALID_TOTP


async def test_a_huge_window_below_two_to_the_thirty_still_answers_promptly(realm: Env) -> None:
    await update_realm(realm.db, "test", otp_policy_look_ahead_window=2**30 - 1)
    await add_device(realm)
    page = await otp_form(realm)
    old_code = java_code(SECRET.encode(), realm.clock.now() // 30 - 50)
    assert "code" in code_from(await submit(realm.http, page, otp=old_code))


async def test_hotp_counters_wrap_as_java_ints(realm: Env) -> None:
    await update_realm(realm.db, "test", otp_policy_type="hotp")
    await add_device(realm, subType="hotp", counter=-1)
    page = await otp_form(realm)
    # Integer.toHexString(-1) = ffffffff: the 32-bit two's complement, then the counter moves to 0.
    assert "code" in code_from(await submit(realm.http, page, otp=java_code(SECRET.encode(), 0xFFFFFFFF)))
    async with realm.db.transaction(write=False) as tx:
        [cred] = [c for c in await tx.users.credentials(await user_id(realm)) if c.type == "otp"]
    assert cred.credential_data["counter"] == 0


async def test_a_hotp_counter_at_int_max_plus_the_window_overflows_and_accepts_no_code(realm: Env) -> None:
    await update_realm(realm.db, "test", otp_policy_type="hotp")
    await add_device(realm, subType="hotp", counter=INT_MAX)
    page = await otp_form(realm)
    refused = await submit(realm.http, page, otp=java_code(SECRET.encode(), INT_MAX))
    assert refused.status_code == 200 and page_error(refused) == INVALID_TOTP


async def test_the_password_grant_under_an_unusable_device_is_invalid_user_credentials(realm: Env) -> None:
    await add_device(realm, period=0)
    answer = await password_grant(realm.http, "test", "app", otp="123456")
    assert answer.status_code == 400 and answer.json()["error"] == "invalid_grant"


# --- CONFIGURE_TOTP -----------------------------------------------------------------------------------


async def setup_page(env: Env) -> httpx.Response:
    await update_user(env.db, "test", "user1", required_actions=("CONFIGURE_TOTP",))
    page = await start(env.http, "test", "app")
    page = await submit(env.http, page, username="user1", password="password")
    assert page.status_code == 200 and 'name="totpSecret"' in page.text, page.text[:400]
    return page


def manual_link(page: httpx.Response) -> str:
    """The setup page's "Unable to scan?" link: the same page in its manual view."""
    found = re.search(r'<a href="([^"]+)" id="mode-manual">', page.text)
    assert found, page.text[:800]
    return found.group(1).replace("&amp;", "&")


def shown_secret(page: httpx.Response) -> str:
    found = re.search(r'name="totpSecret" value="([^"]+)"', page.text)
    assert found
    return found.group(1)


@pytest.mark.parametrize(
    "policy",
    [
        {"otp_policy_period": 0},
        {"otp_policy_digits": 12},
        {"otp_policy_digits": -2},
        {"otp_policy_algorithm": "no-such-mac"},
    ],
    ids=["period-0", "digits-12", "digits-negative", "unknown-algorithm"],
)
async def test_the_setup_page_renders_and_its_code_is_the_unexpected_error_page(
    realm: Env, policy: dict[str, Any]
) -> None:
    await update_realm(realm.db, "test", **policy)
    page = await setup_page(realm)
    if "otp_policy_algorithm" in policy:  # the manual view (mode=manual) names the algorithm
        page = await realm.http.get(manual_link(page))
        assert 'id="kc-totp-algorithm">Algorithm: no-such-mac<' in page.text  # OTPPolicy.getAlgorithmKey
    answer = await submit(realm.http, page, totp="123456")
    assert answer.status_code == 400 and UNEXPECTED in answer.text
    async with realm.db.transaction(write=False) as tx:
        assert not [c for c in await tx.users.credentials(await user_id(realm)) if c.type == "otp"]


async def test_the_setup_under_an_eight_digit_sha512_policy_stores_that_device(realm: Env) -> None:
    await update_realm(realm.db, "test", otp_policy_digits=8, otp_policy_algorithm="HmacSHA512")
    page = await setup_page(realm)
    page = await realm.http.get(manual_link(page))  # the manual view names the algorithm
    assert 'id="kc-totp-algorithm">Algorithm: SHA512<' in page.text
    key = shown_secret(page).encode()
    done = await submit(realm.http, page, totp=java_code(key, realm.clock.now() // 30, 8, hashlib.sha512))
    assert "code" in code_from(done)


async def test_the_setup_under_an_overflowing_window_accepts_no_code(realm: Env) -> None:
    await update_realm(realm.db, "test", otp_policy_look_ahead_window=INT_MAX)
    page = await setup_page(realm)
    refused = await submit(realm.http, page, totp=java_code(shown_secret(page).encode(), realm.clock.now() // 30))
    assert refused.status_code == 200 and page_error(refused) == INVALID_TOTP


def test_the_key_uri_names_an_unknown_algorithm_null_as_keycloak_does() -> None:
    policy = otp.Policy(algorithm="no-such-mac", digits=-1, period=0)
    uri = otp.key_uri(policy, "test", "user1", SECRET)
    assert "&digits=-1&algorithm=null&" in uri and uri.endswith("&period=0")


# --- the account console and the Account REST API ---------------------------------------------------------


async def test_the_account_console_and_credentials_api_answer_under_a_hostile_policy(realm: Env) -> None:
    hostile = {"period": 0, "digits": -1, "algorithm": "no-such-mac"}
    await update_realm(
        realm.db, "test", **{f"otp_policy_{k}": v for k, v in hostile.items()}, otp_policy_look_ahead_window=INT_MAX
    )
    token = (await password_grant(realm.http, "test", "app")).json()["access_token"]
    page = await sign_in(realm.http, SIGNING_IN)  # before the device: no OTP form on the way in
    assert page.status_code == 200
    await add_device(realm, **hostile)
    shown = await realm.http.get(SIGNING_IN, headers=HTML)
    assert shown.status_code == 200 and "Authenticator application" in shown.text
    assert "Set up Authenticator application</button>" in shown.text
    headers = {"Authorization": f"Bearer {token}", "Accept": "application/json"}
    listed = await realm.http.get("/realms/test/account/credentials", headers=headers)
    assert listed.status_code == 200 and [c["type"] for c in listed.json()] == ["password", "otp"]
    assert listed.json()[1]["userCredentialMetadatas"][0]["credential"]["id"] == "otp-1"
