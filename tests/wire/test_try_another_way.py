""" "Try Another Way" between the ALTERNATIVE steps of the 2FA sub-flow, after Keycloak 26's
MultiFactorAuthenticationTest (testAlternativeCredentials, testAlternativeMechanismsInDifferentSubflows,
testUsernameLabelAndResetLogin) and BrowserFlowTest, on the shape Doorkeep runs (the password first, then the
choice): which steps are offered and in which order (the user's credential priority), the link only when there
is another step, the list and the switch, and the login finished through the step picked."""

from __future__ import annotations

import re

import pytest

from browser_flow import code_from, submit
from flow_builder import ADMIN, add_otp, admin, events, totp
from recovery_flow import (
    OTP_FORM,
    RECOVERY,
    WEBAUTHN,
    asked_number,
    choose,
    credentials,
    give_codes,
    listed,
    password_page,
    seed,
    try_another_way,
    try_another_way_action,
    two_factor_flow,
    user_rep,
)
from webauthn_flow import webauthn_flow
from webauthn_port import SoftKey, page_options
from wire_env import Env

pytestmark = pytest.mark.anyio
OTP_NAME, RECOVERY_NAME = "Authenticator Application", "Recovery Authentication Code"


@pytest.fixture
async def realm(env: Env) -> Env:
    await seed(env)
    return env


async def test_a_user_with_one_second_factor_sees_no_link(realm: Env) -> None:
    """testAlternativeCredentials: with one step to take, its page has no "Try Another Way"."""
    env = realm
    await two_factor_flow(env, OTP_FORM, RECOVERY)
    await add_otp(env)
    page = await password_page(env)
    assert 'name="otp"' in page.text and try_another_way_action(page) is None
    assert "code" in code_from(await submit(env.http, page, otp=totp(env.clock.now())))


async def test_the_users_preferred_credential_runs_first_and_the_list_follows_the_priority(realm: Env) -> None:
    """The first step is the one of the user's first credential (AuthenticationSelectionResolver: the stored
    credentials in priority order); moving the other first changes both the page and the list's order."""
    env = realm
    ids = await two_factor_flow(env, OTP_FORM, RECOVERY)
    await give_codes(env)
    await add_otp(env)
    first = await password_page(env)
    assert asked_number(first) == 1
    assert [name for _, name, _ in listed(await try_another_way(env, first))] == [RECOVERY_NAME, OTP_NAME]

    user = await user_rep(env)
    otp_id = next(c["id"] for c in await credentials(env) if c["type"] == "otp")
    await admin(env, "POST", f"{ADMIN}/users/{user['id']}/credentials/{otp_id}/moveToFirst", None, 204)
    env.http.cookies.clear()
    page = await password_page(env)
    assert 'name="otp"' in page.text and try_another_way_action(page) is not None
    selection = await try_another_way(env, page)
    assert [(e, n) for e, n, _ in listed(selection)] == [(ids[OTP_FORM], OTP_NAME), (ids[RECOVERY], RECOVERY_NAME)]


async def test_switching_back_and_forth_then_finishing_with_the_otp(realm: Env) -> None:
    """testAlternativeMechanismsInDifferentSubflows: the list from either page, each switch shows the step's page
    with the link again, and the step finally used ends the login; the selection records no event."""
    env = realm
    ids = await two_factor_flow(env, OTP_FORM, RECOVERY)
    await add_otp(env)
    await give_codes(env)
    page = await password_page(env)
    recovery = await choose(env, await try_another_way(env, page), ids[RECOVERY])
    assert asked_number(recovery) == 1 and try_another_way_action(recovery) is not None
    back = await choose(env, await try_another_way(env, recovery), ids[OTP_FORM])
    assert 'name="otp"' in back.text and try_another_way_action(back) is not None
    assert await events(env, "LOGIN_ERROR") == []
    assert "code" in code_from(await submit(env.http, back, otp=totp(env.clock.now())))
    [login] = await events(env, "LOGIN")
    assert "credential_type" not in login.details or login.details["credential_type"] != "recovery-authn-codes"


async def test_the_selection_page_names_the_user_and_offers_restart(realm: Env) -> None:
    """testUsernameLabelAndResetLogin: the attempted username and the "Restart login" link on the list."""
    env = realm
    await two_factor_flow(env, OTP_FORM, RECOVERY)
    await add_otp(env)
    await give_codes(env)
    selection = await try_another_way(env, await password_page(env))
    assert 'id="kc-attempted-username">user1<' in selection.text
    assert 'id="reset-login" href="' in selection.text and "login-actions/restart" in selection.text


async def test_the_list_shown_again_on_a_refresh_and_after_a_post_without_a_pick(realm: Env) -> None:
    """The list is the page the login waits on: a GET of its URL and its own form posted empty show it again."""
    env = realm
    ids = await two_factor_flow(env, OTP_FORM, RECOVERY)
    await add_otp(env)
    await give_codes(env)
    selection = await try_another_way(env, await password_page(env))
    again = await submit(env.http, selection)
    assert [e for e, _, _ in listed(again)] == [ids[OTP_FORM], ids[RECOVERY]]
    refreshed = await env.http.get("/realms/test/login-actions/authenticate", params={"client_id": "app"})
    assert [e for e, _, _ in listed(refreshed)] == [ids[OTP_FORM], ids[RECOVERY]]


async def test_the_default_flow_with_the_recovery_step_enabled_offers_it(realm: Env) -> None:
    """Keycloak's own "Browser - Conditional 2FA" with its Recovery Authentication Code Form made ALTERNATIVE: the
    OTP form first, the recovery code through "Try Another Way"."""
    env = realm
    found = (await admin(env, "GET", f"{ADMIN}/authentication/flows/browser/executions", status=200)).json()
    step = next(e for e in found if e.get("providerId") == RECOVERY)
    await admin(
        env, "PUT", f"{ADMIN}/authentication/flows/browser/executions", {**step, "requirement": "ALTERNATIVE"}, 202
    )
    await add_otp(env)
    codes = await give_codes(env)
    page = await password_page(env)
    assert 'name="otp"' in page.text
    asked = await choose(env, await try_another_way(env, page), step["id"])
    assert "code" in code_from(await submit(env.http, asked, recoveryCodeInput=codes[0]))


async def test_changing_the_locale_on_the_selection_page_keeps_it(realm: Env) -> None:
    """testChangingLocaleOnAuthenticationSelectorScreen (issue 30520): the language picked on the list shows the
    list again, in that language, and back."""
    env = realm
    locales = {"internationalizationEnabled": True, "supportedLocales": ["en", "de"], "defaultLocale": "en"}
    await admin(env, "PUT", ADMIN, locales, 204)
    await two_factor_flow(env, OTP_FORM, RECOVERY)
    await add_otp(env)
    await give_codes(env)
    selection = await try_another_way(env, await password_page(env))
    links = dict(re.findall(r'<a role="menuitem" id="language-\d+" href="([^"]+)">([^<]+)</a>', selection.text))
    by_label = {label: href.replace("&amp;", "&") for href, label in links.items()}
    german = await env.http.get(by_label["Deutsch"])
    assert [n for _, n, _ in listed(german)] == ["Authenticator-Anwendung", "Wiederherstellungscode"]
    assert "Login Methode auswählen" in german.text
    english = await env.http.get(by_label["English"])
    assert [n for _, n, _ in listed(english)] == [OTP_NAME, RECOVERY_NAME]


async def test_a_security_key_and_an_authenticator_app_each_lead_to_the_other(realm: Env) -> None:
    """BrowserFlowTest's WebAuthn beside OTP: the key (registered first, so preferred) asks first, its page offers
    "Try Another Way", the OTP form offers it back, and the key still signs the user in."""
    env = realm
    await webauthn_flow(env)  # WebAuthn REQUIRED: the key is registered at the first login
    key = SoftKey()
    first = await password_page(env)
    code_from(await submit(env.http, first, **key.create(page_options(first.text)["challenge"])))
    env.http.cookies.clear()
    ids = await two_factor_flow(env, OTP_FORM, WEBAUTHN)
    await add_otp(env)
    page = await password_page(env)
    assert 'id="authenticateWebAuthnButton"' in page.text and try_another_way_action(page) is not None
    selection = await try_another_way(env, page)
    assert [(e, n) for e, n, _ in listed(selection)] == [(ids[WEBAUTHN], "Passkey"), (ids[OTP_FORM], OTP_NAME)]
    otp_page = await choose(env, selection, ids[OTP_FORM])
    assert 'name="otp"' in otp_page.text
    back = await choose(env, await try_another_way(env, otp_page), ids[WEBAUTHN])
    challenge = page_options(back.text)["challenge"]
    assert "code" in code_from(
        await submit(env.http, back, **key.get(challenge, user_handle=(await user_rep(env))["id"]))
    )
