"""One-time passwords as Keycloak 26 answers them: the realm's OTP policy, the CONFIGURE_TOTP required action
(RequiredActionTotpSetupTest), the OTP form of the browser login (LoginTotpTest), the direct grant's totp
parameter (ResourceOwnerPasswordCredentialsGrantTest) and the OTP credential in the admin and Account REST
APIs (AccountRestServiceTest). Codes come from this file's own RFC 4226/6238 helper."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
from typing import Any

import httpx
import pytest

from browser_flow import code_from, start, submit
from doorkeep.model import Credential
from support import password_grant, seed_login_realm, update_realm, update_user
from wire_env import Env

pytestmark = pytest.mark.anyio

ADMIN = "/admin/realms/test"
SECRET = "abcdefghijABCDEFGHIJ"  # a stored secret as Keycloak draws them: 20 characters, their bytes the key
INVALID_TOTP = "Invalid authenticator code."


def hotp(key: bytes, counter: int, digits: int = 6, digest: Any = hashlib.sha1) -> str:
    mac = hmac.new(key, counter.to_bytes(8, "big"), digest).digest()
    offset = mac[-1] & 0x0F
    return str((int.from_bytes(mac[offset : offset + 4], "big") & 0x7FFFFFFF) % 10**digits).zfill(digits)


def totp(key: bytes, now: int, period: int = 30, digits: int = 6) -> str:
    return hotp(key, now // period, digits)


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


async def add_otp(env: Env, label: str | None = None, secret: str = SECRET, created: int = 1) -> str:
    uid = await user_id(env)
    data = {"subType": "totp", "digits": 6, "counter": 0, "period": 30, "algorithm": "HmacSHA1"}
    cred = Credential(f"otp-{created}", uid, "otp", {"value": secret}, data, created, label)
    async with env.db.transaction() as tx:
        await tx.users.add_credential(cred)
    return cred.id


async def events(env: Env, type: str) -> list[Any]:
    async with env.db.transaction(write=False) as tx:
        test = await tx.realms.get_by_name("test")
        assert test is not None
        return await tx.events.find(test.id, types=[type])


async def password_page(env: Env, **params: str) -> httpx.Response:
    page = await start(env.http, "test", "app", **params)
    return await submit(env.http, page, username="user1", password="password")


def page_error(page: httpx.Response) -> str:
    found = re.search(r'<div id="input-error" class="error">([^<]*)</div>', page.text)
    return found.group(1) if found else ""


def manual_link(page: httpx.Response) -> str:
    found = re.search(r'<a href="([^"]+)" id="mode-manual">', page.text)
    assert found, page.text[:800]
    return found.group(1).replace("&amp;", "&")


def page_secret(page: httpx.Response) -> str:
    found = re.search(r'name="totpSecret" value="([^"]+)"', page.text)
    assert found, page.text[:800]
    return found.group(1)


# --- the realm's OTP policy -----------------------------------------------------------------------


async def test_the_realm_carries_keycloaks_default_otp_policy_and_its_supported_applications(realm: Env) -> None:
    headers = await realm.admin_headers()
    rep = (await realm.http.get(ADMIN, headers=headers)).json()
    policy = {k: v for k, v in rep.items() if k.startswith("otp")}
    assert policy == {
        "otpPolicyType": "totp",
        "otpPolicyAlgorithm": "HmacSHA1",
        "otpPolicyInitialCounter": 0,
        "otpPolicyDigits": 6,
        "otpPolicyLookAheadWindow": 1,
        "otpPolicyPeriod": 30,
        "otpPolicyCodeReusable": False,
        "otpSupportedApplications": ["totpAppFreeOTPName", "totpAppGoogleName", "totpAppMicrosoftAuthenticatorName"],
    }
    changed = {**rep, "otpPolicyDigits": 8, "otpPolicyAlgorithm": "HmacSHA256", "otpPolicyCodeReusable": True}
    assert (await realm.http.put(ADMIN, json=changed, headers=headers)).status_code == 204
    after = (await realm.http.get(ADMIN, headers=headers)).json()
    assert (after["otpPolicyDigits"], after["otpPolicyAlgorithm"], after["otpPolicyCodeReusable"]) == (
        8,
        "HmacSHA256",
        True,
    )
    assert after["otpSupportedApplications"] == ["totpAppFreeOTPName", "totpAppGoogleName"]


# --- CONFIGURE_TOTP -------------------------------------------------------------------------------


async def test_configure_totp_shows_the_secret_and_checks_the_code_then_stores_the_credential(realm: Env) -> None:
    await update_user(realm.db, "test", "user1", required_actions=("CONFIGURE_TOTP",))
    before = await realm.http.get(f"{ADMIN}/users/{await user_id(realm)}", headers=await realm.admin_headers())
    assert before.json()["totp"] is False
    page = await password_page(realm)
    assert page.status_code == 200 and "Mobile Authenticator Setup" in page.text
    secret = page_secret(page)
    encoded = base64.b32encode(secret.encode()).decode()
    assert 'src="data:image/svg+xml' in page.text  # the QR code
    page = await realm.http.get(manual_link(page))  # "Unable to scan?": the key as text, a form of its own
    assert " ".join(encoded[i : i + 4] for i in range(0, 32, 4)) in page.text  # TotpUtils.encode's groups
    empty = await submit(realm.http, page, totp="")
    assert page_error(empty) == "Please specify authenticator code."
    wrong = await submit(
        realm.http, empty, totp="000000" if totp(secret.encode(), realm.clock.now()) != "000000" else "1"
    )
    assert page_error(wrong) == INVALID_TOTP
    assert page_secret(wrong) == secret  # the same secret all along (kept in the authentication session)
    done = await submit(realm.http, wrong, totp=totp(secret.encode(), realm.clock.now()), userLabel="phone")
    assert "code" in code_from(done)
    [event] = await events(realm, "UPDATE_TOTP")
    assert event.details["credential_type"] == "otp" and event.user_id == await user_id(realm)
    headers = await realm.admin_headers()
    uid = await user_id(realm)
    user = (await realm.http.get(f"{ADMIN}/users/{uid}", headers=headers)).json()
    assert user["requiredActions"] == [] and user["totp"] is True  # isConfiguredFor(otp)
    creds = (await realm.http.get(f"{ADMIN}/users/{uid}/credentials", headers=headers)).json()
    [otp] = [c for c in creds if c["type"] == "otp"]
    assert otp["userLabel"] == "phone" and "secretData" not in otp
    assert otp["credentialData"] == '{"subType":"totp","digits":6,"counter":0,"period":30,"algorithm":"HmacSHA1"}'
    assert secret not in json.dumps(creds)


async def test_a_posted_totp_secret_is_not_the_one_stored(realm: Env) -> None:
    """Doorkeep keeps the secret it showed in the authentication session; a form naming another is ignored."""
    await update_user(realm.db, "test", "user1", required_actions=("CONFIGURE_TOTP",))
    page = await password_page(realm)
    chosen = "aaaaaaaaaaaaaaaaaaaa"
    refused = await submit(realm.http, page, totpSecret=chosen, totp=totp(chosen.encode(), realm.clock.now()))
    assert page_error(refused) == INVALID_TOTP


async def test_a_second_device_needs_a_name_and_a_name_of_its_own(realm: Env) -> None:
    await add_otp(realm, label="Phone")
    await update_user(realm.db, "test", "user1", required_actions=("CONFIGURE_TOTP",))
    page = await password_page(realm)  # the OTP form first: the user has a credential
    page = await submit(realm.http, page, otp=totp(SECRET.encode(), realm.clock.now()))
    secret = page_secret(page)
    good = totp(secret.encode(), realm.clock.now())
    unnamed = await submit(realm.http, page, totp=good)
    assert page_error(unnamed) == "Please specify device name."
    same = await submit(realm.http, unnamed, totp=good, userLabel=" phone ")
    assert page_error(same) == "Device already exists with the same name"
    assert "code" in code_from(await submit(realm.http, same, totp=good, userLabel="tablet"))


# --- the OTP form ---------------------------------------------------------------------------------


async def test_a_user_with_otp_gets_the_otp_form_and_a_wrong_code_is_an_invalid_credentials_error(
    realm: Env,
) -> None:
    cred = await add_otp(realm)
    page = await password_page(realm)
    assert page.status_code == 200 and 'name="otp"' in page.text and 'name="password"' not in page.text
    wrong = await submit(realm.http, page, otp="12345x")
    assert wrong.status_code == 200 and page_error(wrong) == INVALID_TOTP
    [error] = await events(realm, "LOGIN_ERROR")
    assert (error.error, error.user_id) == ("invalid_user_credentials", await user_id(realm))
    assert error.details["selected_credential_id"] == cred
    done = await submit(realm.http, wrong, otp=totp(SECRET.encode(), realm.clock.now()))
    assert "code" in code_from(done)
    again = await start(realm.http, "test", "app", prompt="none")  # SSO: no OTP form again
    assert "code" in code_from(again)


async def test_a_code_is_spent_once_unless_the_policy_allows_reuse(realm: Env) -> None:
    await add_otp(realm)
    now_code = totp(SECRET.encode(), realm.clock.now())
    assert "code" in code_from(await submit(realm.http, await password_page(realm), otp=now_code))
    realm.http.cookies.clear()
    reused = await submit(realm.http, await password_page(realm), otp=now_code)
    assert page_error(reused) == INVALID_TOTP
    await update_realm(realm.db, "test", otp_policy_code_reusable=True)
    assert "code" in code_from(await submit(realm.http, reused, otp=now_code))


async def test_the_look_around_window_accepts_one_period_either_side(realm: Env) -> None:
    await add_otp(realm)
    page = await password_page(realm)
    now = realm.clock.now()
    too_old = await submit(realm.http, page, otp=totp(SECRET.encode(), now - 60))
    assert page_error(too_old) == INVALID_TOTP
    assert "code" in code_from(await submit(realm.http, too_old, otp=totp(SECRET.encode(), now - 30)))


async def test_several_devices_are_chosen_by_selected_credential_id(realm: Env) -> None:
    first = await add_otp(realm, label="phone", created=1)
    second = await add_otp(realm, label="tablet", secret="KLMNOPQRSTklmnopqrst", created=2)
    page = await password_page(realm)
    assert f'value="{first}" checked' in page.text and f'value="{second}"' in page.text
    code = totp(b"KLMNOPQRSTklmnopqrst", realm.clock.now())
    wrong_device = await submit(realm.http, page, otp=code)  # the default (first) credential
    assert page_error(wrong_device) == INVALID_TOTP
    assert "code" in code_from(await submit(realm.http, wrong_device, otp=code, selectedCredentialId=second))


async def test_wrong_codes_count_for_brute_force_and_a_locked_user_is_refused_the_right_code(realm: Env) -> None:
    await update_realm(
        realm.db, "test", brute_force_protected=True, failure_factor=2, quick_login_check_milli_seconds=0
    )
    await add_otp(realm)
    page = await password_page(realm)
    for _ in range(2):
        page = await submit(realm.http, page, otp="000000")
        assert page_error(page) == INVALID_TOTP
    locked = await submit(realm.http, page, otp=totp(SECRET.encode(), realm.clock.now()))
    assert page_error(locked) == INVALID_TOTP
    newest = await events(realm, "LOGIN_ERROR")  # newest first
    assert newest[0].error == "user_temporarily_disabled"


# --- HOTP -----------------------------------------------------------------------------------------


async def test_a_hotp_credential_moves_its_counter_past_each_code(realm: Env) -> None:
    await update_realm(realm.db, "test", otp_policy_type="hotp")
    await update_user(realm.db, "test", "user1", required_actions=("CONFIGURE_TOTP",))
    page = await password_page(realm)
    key = page_secret(page).encode()
    assert "code" in code_from(await submit(realm.http, page, totp=hotp(key, 0)))
    realm.http.cookies.clear()
    page = await password_page(realm)
    replay = await submit(realm.http, page, otp=hotp(key, 0))
    assert page_error(replay) == INVALID_TOTP
    assert "code" in code_from(await submit(realm.http, replay, otp=hotp(key, 2)))  # look-ahead 1 from counter 1


# --- the direct grant -----------------------------------------------------------------------------


async def test_the_password_grant_of_a_user_with_otp_needs_the_code(realm: Env) -> None:
    await add_otp(realm)
    for extra in ({}, {"totp": "000000"}):
        refused = await password_grant(realm.http, "test", "app", **extra)
        assert refused.status_code == 400
        assert refused.json() == {"error": "invalid_grant", "error_description": "Invalid user credentials"}
    assert (await password_grant(realm.http, "test", "app", totp=totp(SECRET.encode(), realm.clock.now()))).is_success
    realm.clock.advance(30)
    assert (await password_grant(realm.http, "test", "app", otp=totp(SECRET.encode(), realm.clock.now()))).is_success
    errors = await events(realm, "LOGIN_ERROR")
    assert [e.error for e in errors] == ["invalid_user_credentials"] * 2


# --- Account REST ---------------------------------------------------------------------------------


async def test_account_credentials_list_otp_and_removing_it_records_remove_totp(realm: Env) -> None:
    token = (await password_grant(realm.http, "test", "app")).json()["access_token"]
    headers = {"Authorization": f"Bearer {token}", "Accept": "application/json"}
    cred = await add_otp(realm, label="phone")
    body = (await realm.http.get("/realms/test/account/credentials", headers=headers)).json()
    assert [c["type"] for c in body] == ["password", "otp"]
    otp = body[1]
    assert {k: v for k, v in otp.items() if k != "userCredentialMetadatas"} == {
        "type": "otp",
        "category": "two-factor",
        "displayName": "otp-display-name",
        "helptext": "otp-help-text",
        "iconCssClass": "kcAuthenticatorOTPClass",
        "createAction": "CONFIGURE_TOTP",
        "removeable": True,
    }
    [meta] = otp["userCredentialMetadatas"]
    assert meta["credential"]["id"] == cred and "secretData" not in meta["credential"]
    password_id = body[0]["userCredentialMetadatas"][0]["credential"]["id"]
    refused = await realm.http.delete(f"/realms/test/account/credentials/{password_id}", headers=headers)
    assert refused.status_code == 400
    gone = await realm.http.delete(f"/realms/test/account/credentials/{cred}", headers=headers)
    assert gone.status_code == 204
    [removed] = await events(realm, "REMOVE_TOTP")
    assert removed.details == {
        "selected_credential_id": cred,
        "credential_user_label": "phone",
        "credential_type": "otp",
    }
    body = (await realm.http.get("/realms/test/account/credentials?type=otp", headers=headers)).json()
    assert body[0]["userCredentialMetadatas"] == []


async def test_the_otp_form_speaks_german(realm: Env) -> None:
    await update_realm(realm.db, "test", internationalization_enabled=True, supported_locales=("en", "de"))
    await add_otp(realm)
    page = await password_page(realm, ui_locales="de")
    wrong = await submit(realm.http, page, otp="000000")
    assert page_error(wrong) == "Ungültiger One-time Code."
