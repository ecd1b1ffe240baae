"""Keycloak 26's RecoveryAuthnCodesAuthenticatorTest, ported to the flow shape Doorkeep runs: the recovery code form
an ALTERNATIVE beside the OTP form in the 2FA sub-flow after the password (Keycloak's test puts it beside the
Password Form of an identity-first flow: Doorkeep runs identity-first login, but beside the Password Form only the
passkey as an ALTERNATIVE, not the recovery code form). The setup page (test01-04, test07), a login
with a code through "Try Another Way" (test05), the same code in two tabs (test06), Brute Force Detection (test08)
and the Account API's warning threshold (test09)."""

from __future__ import annotations

import json
import re

import httpx
import pytest

from browser_flow import code_from, start, submit
from flow_builder import ADMIN, add_otp, admin, events
from recovery_flow import (
    OTP_FORM,
    RECOVERY,
    asked_number,
    choose,
    credentials,
    give_codes,
    listed,
    password_page,
    seed,
    try_another_way,
    two_factor_flow,
    user_rep,
)
from support import password_grant
from wire_env import Env

pytestmark = pytest.mark.anyio
SETUP = "CONFIGURE_RECOVERY_AUTHN_CODES"


@pytest.fixture
async def realm(env: Env) -> Env:
    await seed(env)
    return env


def shown_codes(page: httpx.Response) -> list[str]:
    return re.findall(r'<span class="recovery-code-number">\d+:</span> ([A-Z0-9-]+)</li>', page.text)


async def needs_setup(env: Env) -> None:
    user = await user_rep(env)
    await admin(env, "PUT", f"{ADMIN}/users/{user['id']}", {"requiredActions": [SETUP]}, 204)


async def setup_page(env: Env) -> httpx.Response:
    await needs_setup(env)
    page = await password_page(env)
    assert page.status_code == 200 and 'id="kc-recovery-codes-list"' in page.text, page.text[:500]
    return page


async def sessions(env: Env) -> list[str]:
    user = await user_rep(env)
    return [s["id"] for s in (await admin(env, "GET", f"{ADMIN}/users/{user['id']}/sessions", status=200)).json()]


@pytest.mark.parametrize("logout_others", [True, False])
async def test_setup_stores_the_shown_codes_and_may_sign_out_other_sessions(realm: Env, logout_others: bool) -> None:
    """test01/test02: the codes shown are the ones stored (hashed), UPDATE_CREDENTIAL then LOGIN, and the other
    session ends only with "Sign out from other devices"."""
    env = realm
    code_from(await submit(env.http, await start(env.http, "test", "app"), username="user1", password="password"))
    [first] = await sessions(env)
    env.http.cookies.clear()
    page = await setup_page(env)
    codes = shown_codes(page)
    assert len(codes) == 12 and all(re.fullmatch(r"[A-NP-Z1-9]{4}-[A-NP-Z1-9]{4}-[A-NP-Z1-9]{4}", c) for c in codes)
    assert (
        'id="kcRecoveryCodesConfirmationCheck"' in page.text and "I have saved these codes somewhere safe" in page.text
    )
    assert 'name="cancel-aia"' not in page.text  # not asked for by the client
    done = await submit(env.http, page, **({"logout-sessions": "on"} if logout_others else {}))
    assert "code" in code_from(done)
    [updated] = await events(env, "UPDATE_CREDENTIAL")
    assert updated.details["credential_type"] == "recovery-authn-codes" and updated.details["username"] == "user1"
    assert not any(c in json.dumps(updated.details) for c in codes)
    logins = await events(env, "LOGIN")
    assert len(logins) == 2
    left = await sessions(env)
    assert (first in left) != logout_others and len(left) == (1 if logout_others else 2)
    if logout_others:
        [logout] = await events(env, "LOGOUT")
        assert logout.details["logout_triggered_by_required_action"] == SETUP
    [stored] = [c for c in await credentials(env) if c["type"] == "recovery-authn-codes"]
    assert stored["userLabel"] == "Recovery codes" and "secretData" not in stored
    assert json.loads(stored["credentialData"]) == {"algorithm": "SHA-512", "totalCodes": 12, "remainingCodes": 12}
    assert SETUP not in (await user_rep(env))["requiredActions"]


async def test_a_tampered_generated_at_or_code_list_changes_nothing_stored(realm: Env) -> None:
    """test03/test04: Keycloak shows new codes when the hidden copies were changed; Doorkeep never reads them back
    (the authentication session keeps the set), so the set the page showed is the one stored."""
    env = realm
    page = await setup_page(env)
    codes = [c.replace("-", "") for c in shown_codes(page)]
    forged = await submit(env.http, page, generatedAt="10000", generatedRecoveryAuthnCodes="AAAA,BBBB")
    assert "code" in code_from(forged)
    env.http.cookies.clear()
    await two_factor_flow(env, RECOVERY)
    asked = await password_page(env)
    assert asked_number(asked) == 1
    assert "code" in code_from(await submit(env.http, asked, recoveryCodeInput=codes[0]))
    [stored] = [c for c in await credentials(env) if c["type"] == "recovery-authn-codes"]
    assert stored["createdDate"] != 10000


async def test_login_with_a_code_through_try_another_way(realm: Env) -> None:
    """test05: the OTP form comes first (the user's first credential), "Try Another Way" lists both, the recovery
    code page asks for code #1, the code signs the user in; the LOGIN event names the credential type."""
    env = realm
    ids = await two_factor_flow(env, OTP_FORM, RECOVERY)
    await add_otp(env)
    codes = await give_codes(env)
    otp_page = await password_page(env)
    assert 'name="otp"' in otp_page.text and 'id="try-another-way"' in otp_page.text
    selection = await try_another_way(env, otp_page)
    assert listed(selection) == [
        (ids[OTP_FORM], "Authenticator Application", "Enter a verification code from authenticator application."),
        (
            ids[RECOVERY],
            "Recovery Authentication Code",
            "Enter a recovery authentication code from a previously generated list.",
        ),
    ]
    assert "Select login method" in selection.text
    asked = await choose(env, selection, ids[RECOVERY])
    assert asked_number(asked) == 1 and 'id="try-another-way"' in asked.text
    done = await submit(env.http, asked, recoveryCodeInput=codes[0][:4] + "-" + codes[0][4:8] + "-" + codes[0][8:])
    assert "code" in code_from(done)
    [login] = await events(env, "LOGIN")
    assert login.details["credential_type"] == "recovery-authn-codes"
    [stored] = [c for c in await credentials(env) if c["type"] == "recovery-authn-codes"]
    assert json.loads(stored["credentialData"])["remainingCodes"] == 11
    env.http.cookies.clear()
    again = await choose(env, await try_another_way(env, await password_page(env)), ids[RECOVERY])
    assert asked_number(again) == 2  # the codes are asked in order


async def test_the_same_code_in_two_tabs_signs_in_once(realm: Env) -> None:
    """test06: two logins at the recovery code page, the same code posted in both: one LOGIN, one LOGIN_ERROR."""
    env = realm
    await two_factor_flow(env, RECOVERY)
    codes = await give_codes(env)
    first = await password_page(env)
    jar = env.http.cookies
    env.http.cookies = httpx.Cookies()
    second = await password_page(env)
    second_jar = env.http.cookies
    assert asked_number(first) == asked_number(second) == 1
    env.http.cookies = jar
    assert "code" in code_from(await submit(env.http, first, recoveryCodeInput=codes[0]))
    env.http.cookies = second_jar
    refused = await submit(env.http, second, recoveryCodeInput=codes[0])
    assert refused.status_code == 200 and "Invalid recovery authentication code" in refused.text
    assert asked_number(refused) == 2
    assert len(await events(env, "LOGIN")) == 1
    [error] = await events(env, "LOGIN_ERROR")
    assert (error.error, error.details["credential_type"]) == ("invalid_user_credentials", "recovery-authn-codes")


async def test_a_required_recovery_form_sends_a_user_without_codes_to_the_setup(realm: Env) -> None:
    """test07: the recovery code form REQUIRED for a user without codes is SETUP_REQUIRED: the setup page, then the
    login goes on; the next login asks for code #1."""
    env = realm
    await two_factor_flow(env, RECOVERY, requirement="REQUIRED")
    page = await password_page(env)
    codes = [c.replace("-", "") for c in shown_codes(page)]
    assert len(codes) == 12
    assert "code" in code_from(await submit(env.http, page))
    env.http.cookies.clear()
    asked = await password_page(env)
    assert asked_number(asked) == 1
    assert "code" in code_from(await submit(env.http, asked, recoveryCodeInput=codes[0]))


async def test_brute_force_detection_counts_wrong_codes_and_locks_the_right_one_out(realm: Env) -> None:
    """test08: wrong codes are failed logins; once the user is locked, even the right code is refused with "Invalid
    username or password." and is not spent."""
    env = realm
    await admin(env, "PUT", ADMIN, {"bruteForceProtected": True, "failureFactor": 2}, 204)
    await two_factor_flow(env, RECOVERY)
    codes = await give_codes(env)
    page = await password_page(env)
    for _ in range(2):
        env.clock.advance(5)  # past the quick-login check
        page = await submit(env.http, page, recoveryCodeInput="NOTACODE1234")
        assert "Invalid recovery authentication code" in page.text
    env.clock.advance(5)
    locked = await submit(env.http, page, recoveryCodeInput=codes[0])
    assert locked.status_code == 200 and "Invalid username or password." in locked.text
    errors = sorted(await events(env, "LOGIN_ERROR"), key=lambda e: e.time)
    assert [e.error for e in errors] == ["invalid_user_credentials"] * 2 + ["user_temporarily_disabled"]
    [stored] = [c for c in await credentials(env) if c["type"] == "recovery-authn-codes"]
    assert json.loads(stored["credentialData"])["remainingCodes"] == 12


async def test_the_account_api_warns_below_the_configured_threshold(realm: Env) -> None:
    """test09: the action's ``warning_threshold`` (12 here): none with all codes left, then the warning and 1/12."""
    env = realm
    rep = (await admin(env, "GET", f"{ADMIN}/authentication/required-actions/{SETUP}", status=200)).json()
    await admin(
        env,
        "PUT",
        f"{ADMIN}/authentication/required-actions/{SETUP}",
        {**rep, "config": {"warning_threshold": "12"}},
        204,
    )
    token = (await password_grant(env.http, "test", "app")).json()["access_token"]
    headers = {"Authorization": f"Bearer {token}", "Accept": "application/json"}
    ids = await two_factor_flow(env, OTP_FORM, RECOVERY)
    codes = await give_codes(env)

    async def recovery_metadata() -> dict[str, object]:
        body = (await env.http.get("/realms/test/account/credentials", headers=headers)).json()
        assert [c["type"] for c in body] == ["password", "otp", "recovery-authn-codes"]
        container = body[2]
        assert {k: v for k, v in container.items() if k != "userCredentialMetadatas"} == {
            "type": "recovery-authn-codes",
            "category": "two-factor",
            "displayName": "recovery-authn-codes-display-name",
            "helptext": "recovery-authn-codes-help-text",
            "iconCssClass": "kcAuthenticatorRecoveryAuthnCodesClass",
            "createAction": SETUP,
            "removeable": True,
        }
        [meta] = container["userCredentialMetadatas"]
        assert "secretData" not in meta["credential"]
        found: dict[str, object] = meta
        return found

    first = await recovery_metadata()
    assert "warningMessageTitle" not in first
    assert first["infoMessage"] == {"key": "recovery-codes-number-used", "parameters": ["0/12"]}
    asked = await password_page(env)  # the recovery codes are the user's only second factor: asked at once
    assert asked_number(asked) == 1 and 'id="try-another-way"' not in asked.text and ids[RECOVERY]
    assert "code" in code_from(await submit(env.http, asked, recoveryCodeInput=codes[0]))
    second = await recovery_metadata()
    assert second["warningMessageTitle"] == {"key": "recovery-codes-number-remaining", "parameters": ["11"]}
    assert second["warningMessageDescription"] == {"key": "recovery-codes-generate-new-codes", "parameters": []}
    assert second["infoMessage"] == {"key": "recovery-codes-number-used", "parameters": ["1/12"]}


@pytest.mark.parametrize("cancel", [False, True])
async def test_the_application_may_ask_for_new_codes(realm: Env, cancel: bool) -> None:
    """RecoveryAuthnCodesAction supports application-initiated actions (``kc_action``): the page offers "Cancel
    setup"; the answer's ``kc_action_status`` says what the user did, and a cancelled setup stores nothing."""
    env = realm
    page = await password_page(env, kc_action=SETUP)
    assert 'name="cancel-aia"' in page.text and "Cancel setup" in page.text
    done = code_from(await submit(env.http, page, **({"cancel-aia": "true"} if cancel else {})))
    assert done["kc_action_status"] == ("cancelled" if cancel else "success")
    types = [c["type"] for c in await credentials(env)]
    assert ("recovery-authn-codes" in types) != cancel
