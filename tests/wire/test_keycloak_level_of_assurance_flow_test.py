"""Wire port of Keycloak's ``org.keycloak.testsuite.forms.LevelOfAssuranceFlowTest``: step-up authentication with
the browser flow of Conditional - Level Of Authentication sub-flows (tests/loa_realm.py; realms/flow_plan.py,
oauth/loa.py). Level 3 is Allow Access where Keycloak's test pushes a button: the button's step
(``authenticateWithButton``) has no page here, the level is reached all the same.

``testWithOTPAndRecoveryCodesAtLevel2`` runs level 2 as the OTP form or the recovery code form, both ALTERNATIVE
(``configureFlowsWithRecoveryCodes``); its port found that Doorkeep could bind no such level, asked no level for
``kc_action=CONFIGURE_RECOVERY_AUTHN_CODES`` and refused ``delete_credential`` of recovery codes, all three as
Keycloak does not (fixed in realms/flow_plan.py, oauth/loa.py, oauth/account_actions.py).

``testWithMultipleOTPCodes``'s removal of a credential through the Account API with a level-1 token (403) is
ported too: Doorkeep lacked CredentialDeleteHelper's level check, now built (users/account_resources.py).

Not ported, with the reason: ``testDisableStepupFeatureTest`` and ``testDisableStepupFeatureInNewRealm`` (the
STEP_UP_AUTHENTICATION feature switched off: Doorkeep's ``--features-disabled`` knows ciba, par, device-flow,
impersonation, account and recovery-codes, not step-up-authentication; features.py);
``testClientDefaultAcrValuesValidation`` and ``testClientMinimumAcrValueValidation`` (the client update's
validation of its ACR attributes, not part of step-up).
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

import group_port
import loa_realm as loa_port
from browser_flow import code_from, exchange, start, submit
from doorkeep.users import recovery_codes
from flow_builder import ALT, REQ, add, executions
from keycloak_port import add_totp, delete, get, poll, put, update_client, update_realm, user_id
from loa_realm import APP, DEFAULT_MAX_AGES, FLOW, PASSWORD, SECRET, TOTP_SECRET, USER
from otp_port import totp as server_totp
from otp_port import totp_secret
from recovery_flow import choose, listed, try_another_way
from support import claims
from totp_codes import totp
from wire_env import Env

pytestmark = pytest.mark.anyio
anyio_backend, shared_env = group_port.anyio_backend, group_port.shared_env
loa_env = loa_port.loa_env
AUTH = "/authentication"
NOT_FULFILLED = "Authentication requirements not fulfilled"
INVALID_CLAIMS = "Invalid parameter: claims"
REAUTHENTICATE = "Please re-authenticate to continue"
AUTHENTICATE_STRONG = "Strong authentication required to continue"


@pytest.fixture
async def env(loa_env: Env) -> AsyncIterator[Env]:
    """A browser of its own for each test; the flow's max ages, the client's ACR attributes and the realm's map
    as the class sets them up, again after each test."""
    loa_env.http.cookies.clear()
    await poll(loa_env)
    yield loa_env
    await reconfigure_step_up_flow(loa_env, *DEFAULT_MAX_AGES)
    reset = {"acr.loa.map": '{"copper":0,"silver":1,"gold":2}', "default.acr.values": "", "minimum.acr.value": ""}
    await update_client(loa_env, APP, attributes=reset, authenticationFlowBindingOverrides={"browser": ""})
    await update_realm(loa_env, attributes={"acr.loa.map": ""}, browserFlow=FLOW)


async def reconfigure_step_up_flow(env: Env, *max_ages: int, store_in_user_session: bool | None = None) -> None:
    """``reconfigureStepUpFlow(maxAge1, maxAge2, maxAge3)``: the level conditions' configs changed in place;
    ``store_in_user_session``: Keycloak 17's config instead (levels 2 and 3 not stored, level 1 as given)."""
    for level, age in enumerate(max_ages, start=1):
        (step,) = [
            e
            for e in await get(env, f"{AUTH}/flows/level{level}-subflow/executions")
            if e.get("providerId") == "conditional-level-of-authentication"
        ]
        config = await get(env, f"{AUTH}/config/{step['authenticationConfig']}")
        values = {"loa-condition-level": str(level), "loa-max-age": str(age)}
        if store_in_user_session is not None:
            stored = store_in_user_session and level == 1
            values = {"loa-condition-level": str(level), "loa-store-in-user-session": str(stored).lower()}
        await put(env, f"{AUTH}/config/{config['id']}", {**config, "config": values})


def acr_claim(essential: bool, *values: str) -> str:
    """``claims(essential, acrValues)``: ``values`` when essential or several, else ``value``."""
    acr: dict[str, Any] = {"essential": essential}
    if essential or len(values) > 1:
        acr["values"] = list(values)
    else:
        acr["value"] = values[0]
    return json.dumps({"id_token": {"acr": acr}})


async def open_login_form(env: Env, **params: str) -> httpx.Response:
    return await start(env.http, "test", APP, **params)


async def open_login_form_with_acr_claim(env: Env, essential: bool, *values: str, **params: str) -> httpx.Response:
    return await open_login_form(env, claims=acr_claim(essential, *values), **params)


async def authenticate_with_username_password(env: Env, page: httpx.Response) -> httpx.Response:
    assert page.status_code == 200 and 'name="username"' in page.text, (page.status_code, page.text[:400])
    return await submit(env.http, page, username=USER, password=PASSWORD)


async def reauthenticate_with_password(env: Env, page: httpx.Response) -> httpx.Response:
    """The login form of the known user: the attempted username shown, the password alone asked."""
    assert page.status_code == 200 and 'name="password"' in page.text, (page.status_code, page.text[:400])
    assert f'<label id="kc-attempted-username">{USER}</label>' in page.text
    return await submit(env.http, page, password=PASSWORD)


async def authenticate_with_totp(env: Env, page: httpx.Response) -> httpx.Response:
    assert page.status_code == 200 and 'name="otp"' in page.text, (page.status_code, page.text[:400])
    return await submit(env.http, page, otp=totp(TOTP_SECRET.encode(), now=env.clock.now()))


async def assert_logged_in_with_acr(env: Env, done: httpx.Response, acr: str) -> dict[str, Any]:
    """``assertLoggedInWithAcr``: the LOGIN event, the code exchanged, the ID token's ``acr``."""
    logins = [e for e in await poll(env) if e["type"] in ("LOGIN", "LOGIN_ERROR")]
    assert [e["type"] for e in logins] == ["LOGIN"] and logins[0]["details"]["username"] == USER, logins
    response = await exchange(env.http, "test", APP, code_from(done)["code"], secret=SECRET)
    assert response.status_code == 200, response.text
    tokens: dict[str, Any] = response.json()
    assert claims(tokens["id_token"])["acr"] == acr, claims(tokens["id_token"])
    assert claims(tokens["access_token"])["acr"] == acr
    return tokens


async def assert_error_page(env: Env, page: httpx.Response, text: str) -> list[dict[str, Any]]:
    assert page.status_code == 400 and text in page.text, (page.status_code, page.text[:400])
    return await poll(env)


async def test_login_without_acr(env: Env) -> None:
    """loginWithoutAcr: no level asked for, the first level's sub-flow runs (level 1)."""
    done = await authenticate_with_username_password(env, await open_login_form(env))
    await assert_logged_in_with_acr(env, done, "silver")


async def test_login_with_acr1(env: Env) -> None:
    """loginWithAcr1"""
    done = await authenticate_with_username_password(env, await open_login_form_with_acr_claim(env, True, "silver"))
    await assert_logged_in_with_acr(env, done, "silver")


async def test_login_with_acr2(env: Env) -> None:
    """loginWithAcr2: the password, then the OTP form."""
    page = await authenticate_with_username_password(env, await open_login_form_with_acr_claim(env, True, "gold"))
    await assert_logged_in_with_acr(env, await authenticate_with_totp(env, page), "gold")


async def test_login_with_acr3(env: Env) -> None:
    """loginWithAcr3: ``3`` is named though not mapped, as it was asked for."""
    page = await authenticate_with_username_password(env, await open_login_form_with_acr_claim(env, True, "3"))
    await assert_logged_in_with_acr(env, await authenticate_with_totp(env, page), "3")


async def test_stepup_authentication(env: Env) -> None:
    """stepupAuthentication: level 1, then the OTP form alone for level 2 over the SSO cookie, then level 3 asks
    for the OTP again (level 2's max age is 0: never kept in the session)."""
    done = await authenticate_with_username_password(env, await open_login_form_with_acr_claim(env, True, "silver"))
    await assert_logged_in_with_acr(env, done, "silver")
    done = await authenticate_with_totp(env, await open_login_form_with_acr_claim(env, True, "gold"))
    await assert_logged_in_with_acr(env, done, "gold")
    done = await authenticate_with_totp(env, await open_login_form_with_acr_claim(env, True, "3"))
    await assert_logged_in_with_acr(env, done, "3")


async def test_stepup_authentication_no_auth_session_cookie(env: Env) -> None:
    """stepupAuthenticationNoAuthSessionCookie: the OTP form again without the AUTH_SESSION_ID cookie."""
    done = await authenticate_with_username_password(env, await open_login_form_with_acr_claim(env, True, "silver"))
    await assert_logged_in_with_acr(env, done, "silver")
    done = await authenticate_with_totp(env, await open_login_form_with_acr_claim(env, True, "gold"))
    await assert_logged_in_with_acr(env, done, "gold")
    page = await open_login_form_with_acr_claim(env, True, "gold")
    assert 'name="otp"' in page.text
    env.http.cookies.delete("AUTH_SESSION_ID")
    done = await authenticate_with_totp(env, await open_login_form_with_acr_claim(env, True, "gold"))
    await assert_logged_in_with_acr(env, done, "gold")


async def test_stepup_to_unknown_essential_acr_fails(env: Env) -> None:
    """stepupToUnknownEssentialAcrFails"""
    done = await authenticate_with_username_password(env, await open_login_form_with_acr_claim(env, True, "silver"))
    await assert_logged_in_with_acr(env, done, "silver")
    await assert_error_page(env, await open_login_form_with_acr_claim(env, True, "uranium"), INVALID_CLAIMS)


async def test_reauthentication_with_no_acr(env: Env) -> None:
    """reauthenticationWithNoAcr: level 1 is still within its max age: the SSO login keeps it."""
    done = await authenticate_with_username_password(env, await open_login_form_with_acr_claim(env, True, "silver"))
    await assert_logged_in_with_acr(env, done, "silver")
    await assert_logged_in_with_acr(env, await open_login_form(env), "silver")


async def test_reauthentication_with_reached_acr(env: Env) -> None:
    """reauthenticationWithReachedAcr"""
    done = await authenticate_with_username_password(env, await open_login_form_with_acr_claim(env, True, "silver"))
    await assert_logged_in_with_acr(env, done, "silver")
    await assert_logged_in_with_acr(env, await open_login_form_with_acr_claim(env, True, "silver"), "silver")


async def test_reauthentication_with_optional_unknown_acr(env: Env) -> None:
    """reauthenticationWithOptionalUnknownAcr: an unknown optional ACR asks for level 0."""
    done = await authenticate_with_username_password(env, await open_login_form_with_acr_claim(env, True, "silver"))
    await assert_logged_in_with_acr(env, done, "silver")
    await assert_logged_in_with_acr(env, await open_login_form_with_acr_claim(env, False, "iron"), "silver")


async def test_essential_claim_not_reached_fails(env: Env) -> None:
    """essentialClaimNotReachedFails: level 4 is not in the flow; the flow ends at 3, short of the essential 4:
    LOGIN_ERROR ``generic_authentication_error`` and the error page (ConditionalLoaAuthenticator
    .onTopFlowSuccess)."""
    page = await authenticate_with_username_password(env, await open_login_form_with_acr_claim(env, True, "4"))
    failed = await authenticate_with_totp(env, page)
    events = await assert_error_page(env, failed, NOT_FULFILLED)
    (error,) = [e for e in events if e["type"] == "LOGIN_ERROR"]
    assert error["error"] == "generic_authentication_error", error
    detail = "Forced level of authentication did not meet the requirements. Requested level: 4, Fulfilled level: 3"
    assert error["details"]["authentication_error_detail"] == detail, error
    assert not [e for e in events if e["type"] == "LOGIN"]


async def test_optional_claim_not_reached_succeeds(env: Env) -> None:
    """optionalClaimNotReachedSucceeds: level 3 reached, 4 asked optionally: the highest mapped ACR reached."""
    page = await authenticate_with_username_password(env, await open_login_form_with_acr_claim(env, False, "4"))
    await assert_logged_in_with_acr(env, await authenticate_with_totp(env, page), "gold")


async def test_essential_unknown_claim_fails(env: Env) -> None:
    """essentialUnknownClaimFails"""
    await assert_error_page(env, await open_login_form_with_acr_claim(env, True, "uranium"), INVALID_CLAIMS)


async def test_optional_unknown_claim_succeeds(env: Env) -> None:
    """optionalUnknownClaimSucceeds"""
    done = await authenticate_with_username_password(env, await open_login_form_with_acr_claim(env, False, "iron"))
    await assert_logged_in_with_acr(env, done, "silver")


async def test_acr_values_query_parameter(env: Env) -> None:
    """acrValuesQueryParameter: ``gold 3`` asks for the lowest, level 2."""
    page = await authenticate_with_username_password(env, await open_login_form(env, acr_values="gold 3"))
    await assert_logged_in_with_acr(env, await authenticate_with_totp(env, page), "gold")


async def test_multiple_essential_acr_values(env: Env) -> None:
    """multipleEssentialAcrValues"""
    page = await authenticate_with_username_password(env, await open_login_form_with_acr_claim(env, True, "gold", "3"))
    await assert_logged_in_with_acr(env, await authenticate_with_totp(env, page), "gold")


async def test_multiple_optional_acr_values(env: Env) -> None:
    """multipleOptionalAcrValues"""
    page = await authenticate_with_username_password(env, await open_login_form_with_acr_claim(env, False, "gold", "3"))
    await assert_logged_in_with_acr(env, await authenticate_with_totp(env, page), "gold")


async def test_realm_acr_loa_mapping(env: Env) -> None:
    """testRealmAcrLoaMapping: the realm's map serves a client whose map is empty; the client's wins again once
    set, and the realm's ACR is then unknown (an essential one refused)."""
    await update_realm(env, attributes={"acr.loa.map": '{"realm:copper":0,"realm:silver":1,"realm:gold":2}'})
    await update_client(env, APP, attributes={"acr.loa.map": "{}"})
    page = await open_login_form_with_acr_claim(env, True, "realm:gold")
    page = await authenticate_with_username_password(env, page)
    await assert_logged_in_with_acr(env, await authenticate_with_totp(env, page), "realm:gold")
    await update_client(env, APP, attributes={"acr.loa.map": '{"copper":0,"silver":1,"gold":2}'})
    await assert_error_page(env, await open_login_form_with_acr_claim(env, True, "realm:gold"), INVALID_CLAIMS)
    done = await authenticate_with_totp(env, await open_login_form_with_acr_claim(env, True, "gold"))
    await assert_logged_in_with_acr(env, done, "gold")


async def test_client_default_acr_values(env: Env) -> None:
    """testClientDefaultAcrValues: the client's defaults ask when the request does not; the request's ACRs, an
    essential or an optional one, win over them."""
    await update_client(env, APP, attributes={"default.acr.values": "silver##gold"})
    done = await authenticate_with_username_password(env, await open_login_form(env))
    await assert_logged_in_with_acr(env, done, "silver")
    await update_client(env, APP, attributes={"default.acr.values": "gold"})
    await assert_logged_in_with_acr(env, await authenticate_with_totp(env, await open_login_form(env)), "gold")
    await assert_logged_in_with_acr(env, await open_login_form_with_acr_claim(env, True, "silver"), "silver")
    await assert_logged_in_with_acr(env, await open_login_form_with_acr_claim(env, False, "silver"), "silver")


async def test_max_age_condition_with_sso(env: Env) -> None:
    """testMaxAgeConditionWithSSO: levels expire one after the other; SSO logins asking for no level get the
    highest level still held. Keycloak's token names ``3`` for the first SSO login because its client session
    keeps the first login's ``claims`` note (asking for ``3``); Doorkeep's client session takes the new login's
    notes, which ask for none, so the level is named from the map."""
    await reconfigure_step_up_flow(env, 300, 300, 200)
    page = await authenticate_with_username_password(env, await open_login_form_with_acr_claim(env, True, "3"))
    await assert_logged_in_with_acr(env, await authenticate_with_totp(env, page), "3")
    await assert_logged_in_with_acr(env, await open_login_form(env, acr_values="3"), "3")
    env.clock.advance(210)
    await assert_logged_in_with_acr(env, await open_login_form(env), "gold")
    env.clock.advance(100)
    await assert_logged_in_with_acr(env, await open_login_form(env), "copper")


async def test_max_age_condition_with_acr(env: Env) -> None:
    """testMaxAgeConditionWithAcr: after level 2 and 3 expire, only they are asked again; after level 1
    expires, only the password (levels 2 and 3 are still held)."""
    await reconfigure_step_up_flow(env, 300, 200, 200)
    page = await authenticate_with_username_password(env, await open_login_form_with_acr_claim(env, True, "3"))
    await assert_logged_in_with_acr(env, await authenticate_with_totp(env, page), "3")
    await assert_logged_in_with_acr(env, await open_login_form_with_acr_claim(env, True, "3"), "3")
    env.clock.advance(210)
    done = await authenticate_with_totp(env, await open_login_form_with_acr_claim(env, True, "3"))
    await assert_logged_in_with_acr(env, done, "3")
    env.clock.advance(100)
    page = await open_login_form_with_acr_claim(env, True, "3")
    assert REAUTHENTICATE not in page.text  # a step-up forwards no message (CookieAuthenticator)
    done = await reauthenticate_with_password(env, page)
    await assert_logged_in_with_acr(env, done, "3")


async def test_max_age_condition_with_forced_reauthentication(env: Env) -> None:
    """testMaxAgeConditionWithForcedReauthentication: ``prompt=login`` asks for every level asked again."""
    await reconfigure_step_up_flow(env, 300, 300, 300)
    page = await authenticate_with_username_password(env, await open_login_form_with_acr_claim(env, True, "3"))
    await assert_logged_in_with_acr(env, await authenticate_with_totp(env, page), "3")
    page = await open_login_form(env, prompt="login")
    assert REAUTHENTICATE in page.text  # Messages.REAUTHENTICATE, forwarded by CookieAuthenticator
    done = await reauthenticate_with_password(env, page)
    await assert_logged_in_with_acr(env, done, "silver")
    page = await reauthenticate_with_password(
        env, await open_login_form_with_acr_claim(env, True, "gold", prompt="login")
    )
    await assert_logged_in_with_acr(env, await authenticate_with_totp(env, page), "gold")
    await assert_logged_in_with_acr(env, await open_login_form_with_acr_claim(env, True, "3"), "3")


async def test_changing_loa_condition_configuration(env: Env) -> None:
    """testChangingLoaConditionConfiguration: a level's age is judged by the condition's max age of today."""
    done = await authenticate_with_username_password(env, await open_login_form(env))
    await assert_logged_in_with_acr(env, done, "silver")
    env.clock.advance(120)
    await reconfigure_step_up_flow(env, 60, 0, 0)
    await assert_logged_in_with_acr(env, await open_login_form(env), "copper")
    done = await reauthenticate_with_password(env, await open_login_form_with_acr_claim(env, True, "silver"))
    await assert_logged_in_with_acr(env, done, "silver")


async def test_backwards_compatibility_for_loa_condition_config(env: Env) -> None:
    """testBackwardsCompatibilityForLoaConditionConfig: Keycloak 17's ``loa-store-in-user-session`` stands for
    the max age (true: 36000 seconds, false: 0); ``stepupAuthentication`` then runs as before."""
    await reconfigure_step_up_flow(env, 0, 0, 0, store_in_user_session=True)
    await test_stepup_authentication(env)


@pytest.mark.parametrize(
    ("params", "steps", "acr"),
    [
        ({}, 2, "gold"),  # testLoginWithMinimumAcrWithoutAcrValues
        ({"acr_values": "silver"}, 2, "gold"),  # testLoginWithMinimumAcrWithLowerAcrValues
        ({"acr_values": "3"}, 2, "3"),  # testLoginWithMinimumAcrWithHigherAcrValues
        ({"claims": acr_claim(True, "gold")}, 2, "gold"),  # testEssentialAcrMinimumOk
        ({"claims": acr_claim(False, "silver")}, 2, "gold"),  # testNonEssentialAcrMinimumUpgrade
    ],
)
async def test_login_with_minimum_acr(env: Env, params: dict[str, str], steps: int, acr: str) -> None:
    """testLoginWithMinimumAcrWithoutAcrValues, testLoginWithMinimumAcrWithLowerAcrValues,
    testLoginWithMinimumAcrWithHigherAcrValues, testEssentialAcrMinimumOk, testNonEssentialAcrMinimumUpgrade:
    ``minimum.acr.value`` gold raises what is asked to at least level 2."""
    await update_client(env, APP, attributes={"minimum.acr.value": "gold"})
    page = await authenticate_with_username_password(env, await open_login_form(env, **params))
    await assert_logged_in_with_acr(env, await authenticate_with_totp(env, page), acr)


async def test_essential_acr_minimum_too_low(env: Env) -> None:
    """testEssentialAcrMinimumTooLow"""
    await update_client(env, APP, attributes={"minimum.acr.value": "gold"})
    await assert_error_page(env, await open_login_form_with_acr_claim(env, True, "silver"), INVALID_CLAIMS)


async def test_client_override_loa_flow(env: Env) -> None:
    """testClientOverrideLOAFlow: the realm binds the built-in browser flow, the client overrides it with the
    step-up flow; the SSO login then holds level 2 (max ages 300)."""
    await reconfigure_step_up_flow(env, 300, 300, 300)
    flows = await get(env, f"{AUTH}/flows")
    flow_id = next(f["id"] for f in flows if f["alias"] == FLOW)
    await update_realm(env, browserFlow="browser")
    overrides = {"browser": flow_id}
    await update_client(
        env, APP, attributes={"minimum.acr.value": "gold"}, authenticationFlowBindingOverrides=overrides
    )
    page = await authenticate_with_username_password(env, await open_login_form_with_acr_claim(env, True, "gold"))
    await assert_logged_in_with_acr(env, await authenticate_with_totp(env, page), "gold")
    await assert_logged_in_with_acr(env, await open_login_form_with_acr_claim(env, True, "gold"), "gold")


async def configure_second_totp(env: Env, page: httpx.Response, label: str) -> httpx.Response:
    """``totpSetupPage.configure(code, label)``, and its UPDATE_TOTP and UPDATE_CREDENTIAL events."""
    assert 'id="kc-totp-settings-form"' in page.text, page.text[:400]
    secret = re.search(r'name="totpSecret" value="([^"]+)"', page.text)
    assert secret is not None
    code = server_totp(html.unescape(secret[1]), env.clock.now())
    done = await submit(env.http, page, totp=code, userLabel=label)
    return done


async def test_with_multiple_otp_codes(env: Env) -> None:
    """testWithMultipleOTPCodes: ``kc_action=CONFIGURE_TOTP`` asks for the level at which the flow checks OTP
    (2: the user has one) before a second one is set up; the token then names gold. Asked again, the OTP form
    offers both devices."""
    done = await authenticate_with_username_password(env, await open_login_form(env))
    token1 = (await assert_logged_in_with_acr(env, done, "silver"))["access_token"]
    page = await open_login_form(env, kc_action="CONFIGURE_TOTP")
    assert 'name="otp"' in page.text and "totp2-label" not in page.text
    assert AUTHENTICATE_STRONG in page.text  # Messages.AUTHENTICATE_STRONG: a kc_action's step-up
    done = await configure_second_totp(env, await authenticate_with_totp(env, page), "totp2-label")
    token2 = await assert_logged_in_with_acr_after_action(env, done, "gold", "UPDATE_TOTP", "UPDATE_CREDENTIAL")
    page = await open_login_form(env, kc_action="CONFIGURE_TOTP")
    assert 'name="otp"' in page.text and "totp2-label" in page.text
    second = await second_totp_id(env)
    # the Account API with the level-1 token: 403 (CredentialDeleteHelper's level check); with the level-2 one: 204
    removed = await env.http.delete(f"/realms/test/account/credentials/{second}", headers=bearer(token1))
    assert removed.status_code == 403, removed.text
    assert removed.json() == {"error": "Insufficient level of authentication for removing credential of type 'otp'."}
    removed = await env.http.delete(f"/realms/test/account/credentials/{second}", headers=bearer(token2))
    assert removed.status_code == 204, removed.text
    assert await second_totp_id(env) == ""


async def test_delete_credential_action(env: Env) -> None:
    """testDeleteCredentialAction: deleting an OTP device asks for level 2 again (its max age is 0), then the
    delete-credential page."""
    done = await authenticate_with_username_password(env, await open_login_form(env))
    await assert_logged_in_with_acr(env, done, "silver")
    page = await authenticate_with_totp(env, await open_login_form(env, kc_action="CONFIGURE_TOTP"))
    done = await configure_second_totp(env, page, "totp2-label")
    await assert_logged_in_with_acr_after_action(env, done, "gold", "UPDATE_TOTP", "UPDATE_CREDENTIAL")
    second = await second_totp_id(env)
    page = await open_login_form(env, kc_action=f"delete_credential:{second}")
    page = await authenticate_with_totp(env, page)
    assert '<div id="kc-delete-text">Do you want to delete totp2-label?</div>' in page.text, page.text[:600]
    done = await submit(env.http, page, accept="Confirm deletion")
    # REMOVE_CREDENTIAL is not among the event types the realm stores by default (Keycloak's test listens to all)
    await assert_logged_in_with_acr_after_action(env, done, "gold", "REMOVE_TOTP")


async def second_totp_id(env: Env) -> str:
    uid = await user_id(env, USER)
    found = [c for c in await get(env, f"/users/{uid}/credentials") if c.get("userLabel") == "totp2-label"]
    return str(found[0]["id"]) if found else ""


async def remove_second_totp(env: Env) -> None:
    """The test's user is the module's: the second device goes again."""
    second = await second_totp_id(env)
    if second:
        await delete(env, f"/users/{await user_id(env, USER)}/credentials/{second}")


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}", "Accept": "application/json"}


async def assert_logged_in_with_acr_after_action(env: Env, done: httpx.Response, acr: str, *kinds: str) -> str:
    """``events.expectRequiredAction(...)`` for each of ``kinds``, then ``assertLoggedInWithAcr``: the access
    token."""
    events = await poll(env)
    assert [e["type"] for e in events if e["type"] in kinds] == list(kinds), [e["type"] for e in events]
    assert [e["type"] for e in events if e["type"] in ("LOGIN", "LOGIN_ERROR")] == ["LOGIN"]
    response = await exchange(env.http, "test", APP, code_from(done)["code"], secret=SECRET)
    assert response.status_code == 200, response.text
    assert claims(response.json()["id_token"])["acr"] == acr
    return str(response.json()["access_token"])


async def configure_flows_with_recovery_codes(env: Env) -> None:
    """``configureFlowsWithRecoveryCodes``: level 2's REQUIRED OTP form replaced by the OTP form and the Recovery
    Authentication Code Form, both ALTERNATIVE (the condition is no step: the alternatives run). The alternatives
    go in first (ignored beside a REQUIRED step), as Doorkeep refuses to leave the bound flow without a level 2."""
    level2 = "level2-subflow"
    (required,) = [e for e in await executions(env, level2) if e.get("providerId") == "auth-otp-form"]
    await add(env, level2, "auth-otp-form", ALT)
    await add(env, level2, recovery_codes.AUTHENTICATOR, ALT)
    await delete(env, f"{AUTH}/executions/{required['id']}")


async def restore_level2(env: Env) -> None:
    """The class's level 2 again (the OTP form alone, REQUIRED), the user's original OTP device and nothing else."""
    level2 = "level2-subflow"
    await add(env, level2, "auth-otp-form", REQ)
    for step in await executions(env, level2):
        if step.get("requirement") == ALT:
            await delete(env, f"{AUTH}/executions/{step['id']}")
    uid = await user_id(env, USER)
    for credential in await get(env, f"/users/{uid}/credentials"):
        if credential["type"] != "password":
            await delete(env, f"/users/{uid}/credentials/{credential['id']}")
    await add_totp(env, USER, TOTP_SECRET)


async def credential_id_by_type(env: Env, kind: str) -> str:
    """``getCredentialIdByType``."""
    uid = await user_id(env, USER)
    (found,) = [c["id"] for c in await get(env, f"/users/{uid}/credentials") if c["type"] == kind]
    return str(found)


async def assert_actions_then_acr(env: Env, done: httpx.Response, acr: str, *expected: tuple[str, str]) -> None:
    """``events.expectRequiredAction(type).detail(CREDENTIAL_TYPE, ...)`` for each, in order, then
    ``assertLoggedInWithAcr``."""
    found = await poll(env)
    kinds = {kind for kind, _ in expected}
    actions = [(e["type"], e["details"].get("credential_type")) for e in found if e["type"] in kinds]
    assert actions == list(expected), [(e["type"], e["details"]) for e in found]
    assert [e["type"] for e in found if e["type"] in ("LOGIN", "LOGIN_ERROR")] == ["LOGIN"]
    response = await exchange(env.http, "test", APP, code_from(done)["code"], secret=SECRET)
    assert response.status_code == 200, response.text
    assert claims(response.json()["id_token"])["acr"] == acr


async def test_with_otp_and_recovery_codes_at_level2(env: Env) -> None:
    """testWithOTPAndRecoveryCodesAtLevel2: level 2 is the OTP form or the recovery codes. Deleting the user's
    one OTP asks for it first (a step-up notice); without a second factor a new OTP is set up at level 1; the
    recovery codes' setup asks for the new OTP (level 2); deleting the codes asks for level 2 again, with "Try
    Another Way" listing both kinds, and the OTP taken."""
    # the Java test listens to every event type; the realm keeps these only when asked to
    kinds = ["LOGIN", "LOGIN_ERROR", "CODE_TO_TOKEN", "UPDATE_TOTP", "REMOVE_TOTP", "UPDATE_CREDENTIAL"]
    await update_realm(env, enabledEventTypes=[*kinds, "REMOVE_CREDENTIAL"])
    await configure_flows_with_recovery_codes(env)
    try:
        done = await authenticate_with_username_password(env, await open_login_form(env))
        await assert_logged_in_with_acr(env, done, "silver")

        otp_id = await credential_id_by_type(env, "otp")
        page = await open_login_form(env, kc_action=f"delete_credential:{otp_id}")
        assert AUTHENTICATE_STRONG in page.text
        page = await authenticate_with_totp(env, page)
        assert 'id="kc-delete-text">Do you want to delete otp?</div>' in page.text, page.text[:800]
        done = await submit(env.http, page, accept="Confirm deletion")
        await assert_actions_then_acr(env, done, "gold", ("REMOVE_TOTP", "otp"), ("REMOVE_CREDENTIAL", "otp"))

        page = await open_login_form(env, kc_action="CONFIGURE_TOTP")
        secret = totp_secret(page)
        done = await configure_second_totp(env, page, "totp2-label")
        await assert_actions_then_acr(env, done, "silver", ("UPDATE_TOTP", "otp"), ("UPDATE_CREDENTIAL", "otp"))

        env.clock.advance(30)  # setOtpTimeOffset(DEFAULT_INTERVAL_SECONDS): a code of its own for the next login
        page = await open_login_form(env, kc_action="CONFIGURE_RECOVERY_AUTHN_CODES")
        assert 'name="otp"' in page.text, page.text[:600]
        page = await submit(env.http, page, otp=server_totp(secret, env.clock.now()))
        assert 'id="kc-recovery-codes-list"' in page.text, page.text[:600]
        done = await submit(env.http, page)
        await assert_actions_then_acr(env, done, "gold", ("UPDATE_CREDENTIAL", "recovery-authn-codes"))

        codes_id = await credential_id_by_type(env, "recovery-authn-codes")
        page = await open_login_form(env, kc_action=f"delete_credential:{codes_id}")
        assert 'name="otp"' in page.text, page.text[:600]
        selection = await try_another_way(env, page)
        assert [name for _, name, _ in listed(selection)] == [
            "Authenticator Application",
            "Recovery Authentication Code",
        ]
        (otp_execution,) = [e for e, name, _ in listed(selection) if name == "Authenticator Application"]
        page = await choose(env, selection, otp_execution)
        assert 'name="otp"' in page.text, page.text[:600]
        page = await submit(env.http, page, otp=server_totp(secret, env.clock.now()))
        assert 'id="kc-delete-text">Do you want to delete Recovery codes?</div>' in page.text, page.text[:800]
        done = await submit(env.http, page, accept="Confirm deletion")
        await assert_actions_then_acr(env, done, "gold", ("REMOVE_CREDENTIAL", "recovery-authn-codes"))
    finally:
        await update_realm(env, enabledEventTypes=[])
        await restore_level2(env)


async def test_a_level_of_alternatives_the_user_has_none_of_ends_the_login(env: Env) -> None:
    """Beyond the Java class: with level 2 the OTP form or the recovery codes, a user holding neither who asks
    for gold fails the login, as each alternative throws CREDENTIAL_SETUP_REQUIRED in Keycloak
    (DefaultAuthenticationFlow.processSingleFlowExecutionModel): the error page, LOGIN_ERROR
    ``invalid_user_credentials``; never level 2 without a second factor."""
    await configure_flows_with_recovery_codes(env)
    try:
        uid = await user_id(env, USER)
        await delete(env, f"/users/{uid}/credentials/{await credential_id_by_type(env, 'otp')}")
        await poll(env)
        page = await authenticate_with_username_password(env, await open_login_form_with_acr_claim(env, True, "gold"))
        assert page.status_code == 400 and "Cannot login, credential setup required." in page.text, page.text[:400]
        errors = [e for e in await poll(env) if e["type"] in ("LOGIN", "LOGIN_ERROR")]
        assert [(e["type"], e.get("error")) for e in errors] == [("LOGIN_ERROR", "invalid_user_credentials")]
    finally:
        await restore_level2(env)
