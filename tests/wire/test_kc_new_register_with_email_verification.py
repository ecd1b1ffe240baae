"""Keycloak's new-framework RegisterWithEmailVerificationTest (tests/base/.../tests/forms/, Keycloak 26.7; keycloak
PR 47538) over HTTP: where the realm verifies e-mails (``verifyEmail``, or VERIFY_EMAIL a default required
action) the registration form has no password; the new user verifies the e-mail first and then sets the
password (UPDATE_PASSWORD), unless the Password Validation execution's ``always_set_password_on_register_form``
puts the password back on the form. One app for the module (``group_port.shared_env``), the realm imported anew
for each test; the verification link is opened in the same cookie jar, as the Java test's one browser does.

Keycloak 26.7 ranks CONFIGURE_TOTP (54) and UPDATE_PASSWORD (57) after VERIFY_EMAIL (50) in a new realm
(DefaultRequiredActions; MigrateTo26_7_0 moves an older realm's), which is what makes the e-mail come first.
Doorkeep's new realms have the same ranks; ``test_older_ranks_ask_for_the_password_first`` gives a realm the
Keycloak 26 ranks (UPDATE_PASSWORD 30, ``register_port.rank_as_keycloak_26``) and shows what Keycloak 26.7 does
with them: UPDATE_PASSWORD first.

The new-framework forms/RegisterTest's one method, registerUserSuccessWithEmailVerification_passwordOnRegisterForm,
is this class's method of that name (ported below).

Not ported:
* the last step of registerUserSuccessWithEmailVerificationWithForgetPassword (and its _emailVerifyDefaultAction
  twin, both ported up to it): the first browser's refresh showing the verify-email-success page;
  registerUserSuccessWithEmailVerificationInFreshBrowserAfterRestart removes the authentication session on the
  server (run-on-server); registerWithEmailVerification_originalTab*, refreshingVerifyEmailPageDoesNotExtend
  PollingToken, changingEmailReissuesPollingTokenExpiry, resendCooldownPageKeepsPollingToVerifyEmailSuccess
  Endpoint, verifyEmailSuccessPageKeepsTokenWhenSwitchingLanguage, verifyEmailSuccessEndpoint* and
  registrationVerifyEmailPagePollsToVerifyEmailSuccessEndpoint test the verify-email-success endpoint and the
  session polling of authChecker.js (keycloak#43896, #51088, later than 26.7), which Doorkeep does not have.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

import group_port
from browser_flow import form_action, form_fields, start
from group_port import fresh_realm
from keycloak_port import ADMIN, admin_headers, get, put, update_realm
from login_test_realm import clear_cooldown
from mail_sink import Sink
from register_port import (
    ALWAYS_SET_PASSWORD,
    APP,
    always_set_password_on_register_form,
    auth_response,
    expect,
    expect_login,
    expect_register,
    forget_events,
    is_register_page,
    open_register,
    rank_as_keycloak_26,
    realm_rep,
    register,
)
from reset_password_port import is_update_password_page
from wire_env import Env, client_at

pytestmark = pytest.mark.anyio
anyio_backend, shared_env, env = group_port.anyio_backend, group_port.shared_env, group_port.env

NAME = "registerUserSuccessWithEmailVerification"
EMAIL = f"{NAME}@email"


@pytest.fixture
async def kc(env: Env, mail: Sink) -> AsyncIterator[Env]:
    env.http.cookies.clear()
    await fresh_realm(env, realm_rep(smtpServer=mail.settings()))
    forget_events(env)
    yield env
    env.http.cookies.clear()


def has_password(page: httpx.Response) -> bool:
    """``registerPage.isPasswordPresent()``."""
    return 'name="password"' in page.text


def is_verify_email_page(page: httpx.Response) -> bool:
    """``verifyEmailPage.assertCurrent()``."""
    return page.status_code == 200 and "verify your email address" in page.text


async def register_without_password(
    kc: Env, page: httpx.Response, email: str = EMAIL, username: str = NAME
) -> httpx.Response:
    """``registerPage.registerWithoutPassword(first, last, email, username)``."""
    typed = {"firstName": "firstName", "lastName": "lastName", "email": email, "username": username}
    return await kc.http.post(form_action(page.text), data={**form_fields(page.text), **typed})


async def set_verify_email_default(kc: Env, on: bool) -> None:
    """The VERIFY_EMAIL required action's ``defaultAction`` switched, the realm's ``verifyEmail`` left off."""
    rep = await get(kc, "/authentication/required-actions/VERIFY_EMAIL")
    await put(kc, "/authentication/required-actions/VERIFY_EMAIL", {**rep, "defaultAction": on})


async def expect_sent(kc: Env, user: str) -> None:
    await expect(kc, "SEND_VERIFY_EMAIL", user=user, email=EMAIL.lower())


async def update_password_on_change_password_page(kc: Env, page: httpx.Response, user: str) -> httpx.Response:
    """``updatePasswordOnChangePasswordPage``: the page, a new password, UPDATE_PASSWORD and UPDATE_CREDENTIAL."""
    assert is_update_password_page(page), page.text[:800]
    new = "Password-2b-Verified"
    response = await kc.http.post(
        form_action(page.text), data={**form_fields(page.text), "password-new": new, "password-confirm": new}
    )
    await expect(kc, "UPDATE_PASSWORD", user=user, credential_type="password")
    await expect(kc, "UPDATE_CREDENTIAL", user=user, credential_type="password")
    return response


async def assert_user_registered(kc: Env, user: str) -> dict[str, Any]:
    """``assertUserRegistered``: LOGIN with the lower-cased username, the names and e-mail stored."""
    await expect_login(kc, user, user)
    found = await get(kc, "/users", username=user, exact="true")
    rep: dict[str, Any] = found[0]
    assert (rep["username"], rep["email"], rep["firstName"], rep["lastName"]) == (
        user,
        EMAIL.lower(),
        "firstName",
        "lastName",
    ), rep
    return rep


async def register_then_verify(kc: Env, mail: Sink, *, resend: bool = False) -> None:
    """``registerUserSuccessWithEmailVerification(receiveEmailFunction)``."""
    page = await open_register(kc)
    assert not has_password(page), "the password is set after the e-mail is verified"
    verify = await register_without_password(kc, page)
    assert is_verify_email_page(verify), verify.text[:800]
    event = await expect_register(kc, NAME, EMAIL)
    user = NAME.lower()
    await expect_sent(kc, user)
    if resend:  # timeOffSet past the resend cooldown, then "Click here to re-send the e-mail"
        await clear_cooldown(kc, str(event["userId"]))
        found = re.search(r'id="kc-resend" href="([^"]+)"', verify.text)
        assert found, verify.text[:800]
        again = await kc.http.get(found[1].replace("&amp;", "&"))
        assert is_verify_email_page(again), again.text[:800]
        await expect_sent(kc, user)
        assert len(mail.received) == 2
    change = await kc.http.get(mail.received[-1].link())
    await expect(kc, "VERIFY_EMAIL", user=user, email=EMAIL.lower())
    done = await update_password_on_change_password_page(kc, change, user)
    await assert_user_registered(kc, user)
    auth_response(done)
    rep = await get(kc, f"/users/{event['userId']}")
    assert rep["emailVerified"] is True and not rep.get("requiredActions"), rep


async def test_register_user_success_with_email_verification(kc: Env, mail: Sink) -> None:
    """RegisterWithEmailVerificationTest#registerUserSuccessWithEmailVerification: no password on the form;
    REGISTER, SEND_VERIFY_EMAIL; the link verifies (VERIFY_EMAIL), then the password is set (UPDATE_PASSWORD,
    UPDATE_CREDENTIAL) and the login ends at the client (LOGIN)."""
    await update_realm(kc, verifyEmail=True)
    await register_then_verify(kc, mail)


async def test_register_user_success_with_email_verification_email_verify_default_action(kc: Env, mail: Sink) -> None:
    """RegisterWithEmailVerificationTest#registerUserSuccessWithEmailVerification_emailVerifyDefaultAction: the
    realm's verifyEmail off, VERIFY_EMAIL a default required action: the same flow."""
    await set_verify_email_default(kc, True)
    await register_then_verify(kc, mail)


async def test_register_user_success_with_email_verification_with_resend(kc: Env, mail: Sink) -> None:
    """RegisterWithEmailVerificationTest#registerUserSuccessWithEmailVerificationWithResend: a second mail sent
    from the verify-email page (SEND_VERIFY_EMAIL again), its link verifies, then the password is set."""
    await update_realm(kc, verifyEmail=True)
    await register_then_verify(kc, mail, resend=True)


async def test_register_user_success_with_email_verification_password_on_register_form(kc: Env, mail: Sink) -> None:
    """RegisterWithEmailVerificationTest#registerUserSuccessWithEmailVerification_passwordOnRegisterForm: with
    ``always_set_password_on_register_form`` the form asks for the password, which the user keeps; the link
    verifies and ends the login (no UPDATE_PASSWORD)."""
    config_id = await always_set_password_on_register_form(kc)
    await update_realm(kc, verifyEmail=True)
    page = await open_register(kc)
    assert has_password(page), page.text[:800]
    verify = await register(kc, page, "firstName", "lastName", EMAIL, NAME, "Pass-w0rd-1", "Pass-w0rd-1")
    assert is_verify_email_page(verify), verify.text[:800]
    await expect_register(kc, NAME, EMAIL)
    user = NAME.lower()
    await expect_sent(kc, user)
    done = await kc.http.get(mail.received[0].link())
    await expect(kc, "VERIFY_EMAIL", user=user, email=EMAIL.lower())
    await assert_user_registered(kc, user)
    auth_response(done)
    # disableAlwaysSetPasswordOnRegisterForm: "false" is the option off again
    config = await get(kc, f"/authentication/config/{config_id}")
    await put(kc, f"/authentication/config/{config_id}", {**config, "config": {ALWAYS_SET_PASSWORD: "false"}})
    kc.http.cookies.clear()  # a new browser: the one above is logged in
    assert not has_password(await open_register(kc))


async def test_option_not_true_keeps_the_password_off_the_form(kc: Env) -> None:
    """RegistrationPassword.isVerifyEmail reads the option as ``"true".equals(...)``: any other value leaves
    the password off the form while the realm verifies e-mails; without verification the form has it."""
    await always_set_password_on_register_form(kc, "yes")
    assert has_password(await open_register(kc))
    await update_realm(kc, verifyEmail=True)
    assert not has_password(await open_register(kc))


async def test_a_posted_password_is_never_stored_when_the_form_has_none(kc: Env, mail: Sink) -> None:
    """Hostile variant: a password posted to a form that has none is neither checked against the policy nor
    stored; the user still gets UPDATE_PASSWORD and cannot log in with it."""
    await update_realm(kc, verifyEmail=True, passwordPolicy="length(30)")
    page = await open_register(kc)
    verify = await register(kc, page, "firstName", "lastName", EMAIL, NAME, "short", "other")
    assert is_verify_email_page(verify), verify.text[:800]
    event = await expect_register(kc, NAME, EMAIL)
    rep = await get(kc, f"/users/{event['userId']}")
    assert set(rep["requiredActions"]) == {"VERIFY_EMAIL", "UPDATE_PASSWORD"}, rep
    assert await get(kc, f"/users/{event['userId']}/credentials") == []


async def test_older_ranks_ask_for_the_password_first(env: Env, mail: Sink) -> None:
    """A realm keeping the Keycloak 26 ranks (UPDATE_PASSWORD 30 before VERIFY_EMAIL 50) runs the new user's
    actions by them, as Keycloak 26.7's RequiredActionManager sorts any realm's: the password page comes first."""
    env.http.cookies.clear()
    await fresh_realm(env, realm_rep(smtpServer=mail.settings(), verifyEmail=True))
    await rank_as_keycloak_26(env)
    forget_events(env)
    page = await open_register(env)
    assert not has_password(page)
    first = await register_without_password(env, page)
    assert is_update_password_page(first), first.text[:800]
    assert not is_register_page(first)
    env.http.cookies.clear()


async def test_password_validation_config_beyond_the_option_is_refused(kc: Env) -> None:
    """Hostile variant: a Password Validation config holding anything but the one option would leave the bound
    registration flow one Doorkeep does not run, so it is refused and nothing is stored; a request without a
    bearer token may not write the option at all."""
    rows = await get(kc, "/authentication/flows/registration/executions")
    row = next(r for r in rows if r.get("providerId") == "registration-password-action")
    url = f"{ADMIN}/authentication/executions/{row['id']}/config"
    body = {"alias": "odd", "config": {ALWAYS_SET_PASSWORD: "true", "other": "x"}}
    refused = await kc.http.post(url, json=body, headers=await admin_headers(kc))
    assert refused.status_code == 400, refused.text
    after = await get(kc, "/authentication/flows/registration/executions")
    assert not next(r for r in after if r.get("providerId") == "registration-password-action").get(
        "authenticationConfig"
    )
    viewer = await kc.http.post(url, json={"alias": "v", "config": {ALWAYS_SET_PASSWORD: "true"}}, headers={})
    assert viewer.status_code == 401, viewer.text
    assert has_password(await open_register(kc))


async def forget_password_then_verify(kc: Env, mail: Sink) -> None:
    """``registerUserSuccessWithEmailVerificationWithForgetPasswordImpl`` (keycloak#48206) up to the first
    browser's refresh: registered without a password in one browser; in a second one "Forgot Password?" for the
    user, its link asks to verify the e-mail first, the verification link then asks for the password, and the
    login ends at the client."""
    page = await open_register(kc)
    assert not has_password(page)
    verify = await register_without_password(kc, page, "john@email.cz", "john")
    assert is_verify_email_page(verify), verify.text[:800]
    await expect_register(kc, "john", "john@email.cz")
    await expect(kc, "SEND_VERIFY_EMAIL", user="john", email="john@email.cz")
    async with client_at(kc, "127.0.0.2") as second:
        login = await start(second, "test", APP)
        found = re.search(r'id="kc-forgot-password" href="([^"]+)"', login.text)
        assert found, login.text[:800]
        reset = await second.get(found[1].replace("&amp;", "&"))
        sent = await second.post(form_action(reset.text), data={**form_fields(reset.text), "username": "john@email.cz"})
        assert sent.status_code == 200, sent.text[:800]
        verify2 = await second.get(mail.received[-1].link())
        assert is_verify_email_page(verify2), verify2.text[:800]
        assert len(mail.received) == 3  # the registration's, the reset's, then this browser's verification
        update = await second.get(mail.received[-1].link())
        assert is_update_password_page(update), update.text[:800]
        new = "Password-2b-Verified"
        data = {**form_fields(update.text), "password-new": new, "password-confirm": new}
        auth_response(await second.post(form_action(update.text), data=data))
    rep = (await get(kc, "/users", username="john", exact="true"))[0]
    assert rep["emailVerified"] is True and not rep.get("requiredActions"), rep


async def test_register_user_success_with_email_verification_with_forget_password(kc: Env, mail: Sink) -> None:
    """RegisterWithEmailVerificationTest#registerUserSuccessWithEmailVerificationWithForgetPassword, the realm's
    verifyEmail on; the first browser's refresh to the verify-email-success page is not ported (see above)."""
    await update_realm(kc, verifyEmail=True, resetPasswordAllowed=True)
    await forget_password_then_verify(kc, mail)


async def test_register_user_success_with_email_verification_with_forget_password_email_verify_default_action(
    kc: Env, mail: Sink
) -> None:
    """…WithForgetPassword_emailVerifyDefaultAction: VERIFY_EMAIL a default action instead of verifyEmail."""
    await set_verify_email_default(kc, True)
    await update_realm(kc, resetPasswordAllowed=True)
    await forget_password_then_verify(kc, mail)
