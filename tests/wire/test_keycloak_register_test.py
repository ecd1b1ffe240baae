"""Keycloak's RegisterTest (testsuite/integration-arquillian/tests/base/.../forms/RegisterTest.java) over HTTP:
the registration form opened from the login page, its field errors and kept values, the password policies, the
REGISTER / REGISTER_ERROR and LOGIN events, e-mail as username and the verification e-mail. One app for the
module (``group_port.shared_env``); the realm (``register_port.realm_rep``) is imported anew for each test, in
place of the Java test's RealmAttributeUpdater clean-ups.

Not ported here:
* registerUserMissingTermsAcceptance, registerUserSuccessTermsAcceptance and
  registerUserSuccessTermsAcceptanceWithRequiredActionEnabled are in test_kc_port10_register_terms.py, with the
  built-in registration flow's Terms and conditions set REQUIRED in place of the Java tests' copied flow.
* customRegistrationPageFormTest rebuilds the registration flow inside the server through the testing client
  (FlowUtil.copyRegistrationFlow, a cookie execution and nested form sub-flows); Doorkeep runs the registration
  flow only as the built-in one (realms/flow_support.py).
"""

from __future__ import annotations

import re
import secrets

import httpx
import pytest

import group_port
import register_port
from browser_flow import REDIRECT, exchange, start, submit
from keycloak_port import ADMIN, admin_headers, get, update_realm, user_id
from login_test_realm import clear_cooldown
from mail_sink import Sink
from register_port import (
    APP,
    SECRET,
    always_set_password_on_register_form,
    auth_response,
    clear,
    expect,
    expect_login,
    expect_register,
    field_error,
    is_register_page,
    open_register,
    register,
    register_email_as_username,
    register_link,
    value_of,
)
from wire_env import Env

pytestmark = pytest.mark.anyio
anyio_backend, shared_env, env = group_port.anyio_backend, group_port.shared_env, group_port.env
kc = register_port.kc

OIDC = "/realms/test/protocol/openid-connect"
USERNAME_EXISTS, EMAIL_EXISTS = "Username already exists.", "Email already exists."
MISSING_USERNAME, MISSING_EMAIL = "Please specify username.", "Please specify email."
MISSING_PASSWORD, INVALID_EMAIL = "Please specify password.", "Invalid email address."


async def user_rep(kc: Env, username: str) -> dict[str, object]:
    rep: dict[str, object] = await get(kc, f"/users/{await user_id(kc, username)}")
    return rep


async def assert_basic_attributes(kc: Env, username: str, email: str) -> dict[str, object]:
    """``assertUserBasicRegisterAttributes``: the stored username (any case), e-mail (lower case) and names."""
    user = await user_rep(kc, username.lower())
    assert str(user["username"]).lower() == username.lower(), user
    assert (user["email"], user["firstName"], user["lastName"]) == (email.lower(), "firstName", "lastName"), user
    return user


async def assert_registered(kc: Env, username: str, email: str) -> dict[str, object]:
    """``assertUserRegistered``: the LOGIN (lower-cased username), a fresh createdTimestamp, the attributes."""
    await expect_login(kc, username.lower(), username.lower())
    user = await assert_basic_attributes(kc, username, email)
    created = user["createdTimestamp"]
    assert isinstance(created, int) and 0 <= kc.clock.now() * 1000 - created < 10000, user
    return user


async def test_register_existing_username_forbidden(kc: Env) -> None:
    """RegisterTest.registerExistingUsernameForbidden: "Username already exists.", every field but the
    passwords kept, REGISTER_ERROR ``username_in_use`` with the lower-cased username and no user."""
    page = await register(
        kc,
        await open_register(kc),
        "firstName",
        "lastName",
        "registerExistingUser@email",
        "roleRichUser",
        "password",
        "password",
    )
    assert is_register_page(page)
    assert field_error(page, "username") == USERNAME_EXISTS
    kept = [value_of(page, f) for f in ("firstName", "lastName", "email", "username", "password", "password-confirm")]
    assert kept == ["firstName", "lastName", "registerExistingUser@email", "roleRichUser", "", ""]
    await expect_register(kc, "rolerichuser", None, error="username_in_use")


async def test_register_existing_email_forbidden(kc: Env) -> None:
    """RegisterTest.registerExistingEmailForbidden: "Email already exists." and ``email_in_use``."""
    page = await register(
        kc,
        await open_register(kc),
        "firstName",
        "lastName",
        "test-user@localhost",
        "registerExistingUser",
        "password",
        "password",
    )
    assert is_register_page(page)
    assert field_error(page, "email") == EMAIL_EXISTS
    kept = [value_of(page, f) for f in ("firstName", "lastName", "email", "username", "password", "password-confirm")]
    assert kept == ["firstName", "lastName", "test-user@localhost", "registerExistingUser", "", ""]
    await expect_register(kc, "registerexistinguser", None, error="email_in_use")


async def test_register_existing_email_allowed(kc: Env) -> None:
    """RegisterTest.registerExistingEmailAllowed: with duplicate e-mails allowed the user is registered and
    logged in; REGISTER names the username as typed, LOGIN in lower case."""
    await update_realm(kc, duplicateEmailsAllowed=True)
    response = await register(
        kc,
        await open_register(kc),
        "firstName",
        "lastName",
        "test-user@localhost",
        "registerExistingEmailUser",
        "password",
        "password",
    )
    auth_response(response)
    await expect_register(kc, "registerExistingEmailUser", "test-user@localhost")
    await expect_login(kc, "registerexistingemailuser", "registerexistingemailuser")
    await assert_basic_attributes(kc, "registerexistingemailuser", "test-user@localhost")


async def register_upper_case(kc: Env, email_as_username: bool) -> dict[str, str]:
    """``registerUpperCaseAndGetUserId``: ``TEST@localhost`` (and ``UPPERCASE``) registered; REGISTER keeps the
    typed case, LOGIN and the stored user are lower case; the code exchanged for tokens."""
    email, username = "TEST@localhost", "UPPERCASE"
    named = email if email_as_username else username
    page = await open_register(kc)
    if email_as_username:
        response = await register_email_as_username(kc, page, "firstName", "lastName", email, "password", "password")
    else:
        response = await register(kc, page, "firstName", "lastName", email, username, "password", "password")
    code = auth_response(response)["code"]
    await expect_register(kc, named, email)
    login = await expect_login(kc, named.lower(), named.lower())
    tokens = await exchange(kc.http, "test", APP, code, secret=SECRET)
    assert tokens.status_code == 200, tokens.text
    await assert_basic_attributes(kc, named, email)
    await clear(kc)  # CODE_TO_TOKEN
    return {"id_token": tokens.json()["id_token"], "user": login["userId"]}


async def test_register_upper_case_email(kc: Env) -> None:
    """RegisterTest.registerUpperCaseEmail."""
    assert (await register_upper_case(kc, False))["user"]


async def test_register_upper_case_email_as_username(kc: Env) -> None:
    """RegisterTest.registerUpperCaseEmailAsUsername."""
    await update_realm(kc, registrationEmailAsUsername=True)
    assert (await register_upper_case(kc, True))["user"]


async def test_register_upper_case_email_with_changed_email_as_username(kc: Env) -> None:
    """RegisterTest.registerUpperCaseEmailWithChangedEmailAsUsername: registered as ``uppercase``, logged out,
    then with e-mail as username on, ``TEST@localhost`` logs the same user in; LOGIN names it as typed."""
    registered = await register_upper_case(kc, False)
    logout = await kc.http.get(f"{OIDC}/logout", params={"id_token_hint": registered["id_token"]})
    assert logout.status_code == 200, logout.text[:800]
    if 'name="confirmLogout"' in logout.text:  # the logout confirmation, when it is asked for
        await submit(kc.http, logout, confirmLogout="Logout")
    await clear(kc)
    await update_realm(kc, registrationEmailAsUsername=True)
    page = await start(kc.http, "test", APP)
    assert 'id="kc-form-login"' in page.text, page.text[:800]
    auth_response(await submit(kc.http, page, username="TEST@localhost", password="password"))
    event = await expect(kc, "LOGIN", user="uppercase", username="TEST@localhost")
    assert event["userId"] == registered["user"]


async def test_register_user_invalid_password_confirm(kc: Env) -> None:
    """RegisterTest.registerUserInvalidPasswordConfirm: "Password confirmation doesn't match.", the fields
    kept but the passwords, REGISTER_ERROR ``invalid_registration``."""
    page = await register(
        kc,
        await open_register(kc),
        "firstName",
        "lastName",
        "registerUserInvalidPasswordConfirm@email",
        "registerUserInvalidPasswordConfirm",
        "password",
        "invalid",
    )
    assert is_register_page(page)
    assert field_error(page, "password-confirm") == "Password confirmation doesn't match."
    kept = [value_of(page, f) for f in ("firstName", "lastName", "email", "username", "password", "password-confirm")]
    assert kept == [
        "firstName",
        "lastName",
        "registerUserInvalidPasswordConfirm@email",
        "registerUserInvalidPasswordConfirm",
        "",
        "",
    ]
    await expect_register(kc, None, None, error="invalid_registration")


async def test_register_user_missing_password(kc: Env) -> None:
    """RegisterTest.registerUserMissingPassword: "Please specify password."."""
    page = await register(
        kc,
        await open_register(kc),
        "firstName",
        "lastName",
        "registerUserMissingPassword@email",
        "registerUserMissingPassword",
        None,
        None,
    )
    assert is_register_page(page)
    assert field_error(page, "password") == MISSING_PASSWORD
    await expect_register(kc, None, None, error="invalid_registration")


async def test_register_password_policy(kc: Env) -> None:
    """RegisterTest.registerPasswordPolicy: ``length`` refuses "pass" ("Invalid password: minimum length 8."),
    then "password" registers the user."""
    await update_realm(kc, passwordPolicy="length")
    page = await register(
        kc,
        await open_register(kc),
        "firstName",
        "lastName",
        "registerPasswordPolicy@email",
        "registerPasswordPolicy",
        "pass",
        "pass",
    )
    assert is_register_page(page)
    assert field_error(page, "password") == "Invalid password: minimum length 8."
    await expect_register(kc, None, None, error="invalid_registration")
    response = await register(
        kc,
        page,
        "firstName",
        "lastName",
        "registerPasswordPolicy@email",
        "registerPasswordPolicy",
        "password",
        "password",
    )
    auth_response(response)
    await expect_register(kc, "registerPasswordPolicy", "registerPasswordPolicy@email")
    await expect_login(kc, "registerpasswordpolicy", "registerpasswordpolicy")


async def test_register_user_missing_username(kc: Env) -> None:
    """RegisterTest.registerUserMissingUsername: "Please specify username."; the REGISTER_ERROR names no user."""
    page = await register(
        kc,
        await open_register(kc),
        "firstName",
        "lastName",
        "registerUserMissingUsername@email",
        None,
        "password",
        "password",
    )
    assert is_register_page(page)
    assert field_error(page, "username") == MISSING_USERNAME
    await expect_register(kc, None, None, error="invalid_registration")


async def test_register_user_many_errors(kc: Env) -> None:
    """RegisterTest.registerUserManyErrors: every field empty, every field's error shown at once."""
    page = await register(kc, await open_register(kc), None, None, None, None, None, None)
    assert is_register_page(page)
    assert field_error(page, "username") == MISSING_USERNAME
    for field, named in (("firstname", "first name"), ("lastname", "last name"), ("email", "email")):
        shown = field_error(page, field) or ""
        assert f"Please specify {named}" in shown or "Please specify this field" in shown, (field, shown)
    assert field_error(page, "password") == MISSING_PASSWORD
    await expect_register(kc, None, None, error="invalid_registration")


async def test_register_user_missing_email(kc: Env) -> None:
    """RegisterTest.registerUserMissingEmail: "Please specify email."; the username detail lower-cased."""
    page = await register(
        kc, await open_register(kc), "firstName", "lastName", None, "registerUserMissingEmail", "password", "password"
    )
    assert is_register_page(page)
    assert field_error(page, "email") == MISSING_EMAIL
    await expect_register(kc, "registerusermissingemail", None, error="invalid_registration")


async def test_register_user_invalid_email(kc: Env) -> None:
    """RegisterTest.registerUserInvalidEmail: "Invalid email address.", the typed e-mail kept; the details
    carry the username and the e-mail lower-cased."""
    page = await register(
        kc,
        await open_register(kc),
        "firstName",
        "lastName",
        "registerUserInvalidEmailemail",
        "registerUserInvalidEmail",
        "password",
        "password",
    )
    assert is_register_page(page)
    assert value_of(page, "email") == "registerUserInvalidEmailemail"
    assert field_error(page, "email") == INVALID_EMAIL
    await expect_register(kc, "registeruserinvalidemail", "registeruserinvalidemailemail", error="invalid_registration")


async def test_register_user_success(kc: Env) -> None:
    """RegisterTest.registerUserSuccess: a username with ``.``, ``-``, ``@`` and ``_`` is allowed; the user is
    registered, logged in, created now, and has no attributes."""
    username = "register.U-se@rS_uccess"
    response = await register(
        kc,
        await open_register(kc),
        "firstName",
        "lastName",
        "registerUserSuccess@email",
        username,
        "password",
        "password",
    )
    auth_response(response)
    await expect_register(kc, username, "registerUserSuccess@email")
    user = await assert_registered(kc, username, "registerusersuccess@email")
    assert user.get("attributes") is None, user


async def register_with_edit_username(kc: Env, allowed: bool) -> None:
    await update_realm(kc, editUsernameAllowed=allowed, registrationEmailAsUsername=False)
    username = secrets.token_hex(16)
    email = username + "@email.com"
    response = await register(
        kc, await open_register(kc), "firstName", "lastName", email, username, "password", "password"
    )
    auth_response(response)
    await expect_register(kc, username, email)
    await assert_registered(kc, username, email)


async def test_register_user_success_edit_username_disabled(kc: Env) -> None:
    """RegisterTest.registerUserSuccessEditUsernameDisabled: the username is still asked for and kept."""
    await register_with_edit_username(kc, False)


async def test_register_user_success_edit_username_enabled(kc: Env) -> None:
    """RegisterTest.registerUserSuccessEditUsernameEnabled."""
    await register_with_edit_username(kc, True)


async def verification_start(kc: Env, mail: Sink, name: str) -> tuple[httpx.Response, str]:
    """The password typed on the form, as before Keycloak 26.7: its ``always_set_password_on_register_form``
    (RegisterWithEmailVerificationTest#registerUserSuccessWithEmailVerification_passwordOnRegisterForm, where
    keycloak PR 47538 moved these two methods; tests/wire/test_kc_new_register_with_email_verification.py)."""
    await always_set_password_on_register_form(kc)
    await update_realm(kc, verifyEmail=True, smtpServer=mail.settings())
    page = await register(
        kc, await open_register(kc), "firstName", "lastName", f"{name}@email", name, "password", "password"
    )
    assert page.status_code == 200 and "verify your email address" in page.text, page.text[:800]
    event = await expect_register(kc, name, f"{name}@email")
    assert len(mail.received) == 1
    await expect(kc, "SEND_VERIFY_EMAIL", user=name.lower(), email=f"{name}@email".lower())
    return page, str(event["userId"])


async def verification_end(kc: Env, mail: Sink, name: str) -> None:
    response = await kc.http.get(mail.received[-1].link())
    auth_response(response)
    await expect(kc, "VERIFY_EMAIL", user=name.lower(), email=f"{name}@email".lower())
    await assert_registered(kc, name, f"{name}@email")


async def test_register_user_success_with_email_verification(kc: Env, mail: Sink) -> None:
    """RegisterTest.registerUserSuccessWithEmailVerification: the verify-email page, REGISTER, the mail and
    SEND_VERIFY_EMAIL; its link verifies (VERIFY_EMAIL), logs in (LOGIN) and returns to the client."""
    name = "registerUserSuccessWithEmailVerification"
    await verification_start(kc, mail, name)
    await verification_end(kc, mail, name)


async def test_register_user_success_with_email_verification_with_resend(kc: Env, mail: Sink) -> None:
    """RegisterTest.registerUserSuccessWithEmailVerificationWithResend: "Click here" sends a second mail
    (SEND_VERIFY_EMAIL again, the resend cooldown cleared); the last link verifies and logs in."""
    name = "registerUserSuccessWithEmailVerificationWithResend"
    page, user = await verification_start(kc, mail, name)
    await clear_cooldown(kc, user)  # the resend cooldown, as Keycloak's test clears it
    found = re.search(r'id="kc-resend" href="([^"]+)"', page.text)
    assert found, page.text[:800]
    again = await kc.http.get(found[1].replace("&amp;", "&"))
    assert again.status_code == 200 and "verify your email address" in again.text, again.text[:800]
    assert len(mail.received) == 2
    await expect(kc, "SEND_VERIFY_EMAIL", user=name.lower(), email=f"{name}@email".lower())
    await verification_end(kc, mail, name)


async def test_register_user_umlats(kc: Env) -> None:
    """RegisterTest.registerUserUmlats: first and last names with combining accents are kept as typed."""
    response = await register(
        kc,
        await open_register(kc),
        "Äǜṳǚǘǖ",
        "Öṏṏ",
        "registeruserumlats@email",
        "registeruserumlats",
        "password",
        "password",
    )
    auth_response(response)
    await expect_register(kc, "registeruserumlats", "registeruserumlats@email")
    await expect_login(kc, "registeruserumlats", "registeruserumlats")
    user = await user_rep(kc, "registeruserumlats")
    assert (user["firstName"], user["lastName"]) == ("Äǜṳǚǘǖ", "Öṏṏ")


async def create_user(kc: Env, username: str) -> None:
    created = await kc.http.post(f"{ADMIN}/users", json={"username": username}, headers=await admin_headers(kc))
    assert created.status_code == 201, created.text


async def test_register_user_not_username_password_policy(kc: Env) -> None:
    """RegisterTest.registerUserNotUsernamePasswordPolicy (KEYCLOAK-3266): the password equal to the username,
    in any case, is refused; a taken username and a missing one are named."""
    await update_realm(kc, passwordPolicy="notUsername")
    refused = "Invalid password: must not be equal to the username."
    email, name = "registerUserNotUsername@email", "registerUserNotUsername"
    page = await register(kc, await open_register(kc), "firstName", "lastName", email, name, name, name)
    assert is_register_page(page) and field_error(page, "password") == refused
    page = await register(kc, page, "firstName", "lastName", email, name, name.lower(), name.lower())
    assert is_register_page(page) and field_error(page, "password") == refused
    await create_user(kc, name)
    page = await register(kc, page, "firstName", "lastName", email, name, name, name)
    assert is_register_page(page) and field_error(page, "username") == USERNAME_EXISTS
    page = await register(kc, page, "firstName", "lastName", email, None, "password", "password")
    assert is_register_page(page) and field_error(page, "username") == MISSING_USERNAME


async def test_register_user_not_contains_username_password_policy(kc: Env) -> None:
    """RegisterTest.registerUserNotContainsUsernamePasswordPolicy (KEYCLOAK-27643): a password containing the
    username, in any case, is refused."""
    await update_realm(kc, passwordPolicy="notContainsUsername")
    refused = "Invalid password: Can not contain the username."
    email = "registerUserNotContainsUsername@email"
    page = await register(kc, await open_register(kc), "firstName", "lastName", email, "Bob", "Bob123", "Bob123")
    assert is_register_page(page) and field_error(page, "password") == refused
    page = await register(kc, page, "firstName", "lastName", email, "Bob", "123Bob", "123Bob")
    assert is_register_page(page) and field_error(page, "password") == refused
    page = await register(kc, page, "firstName", "lastName", "registerUserNotUsername@email", "Bob", "123bob", "123bob")
    assert is_register_page(page) and field_error(page, "password") == refused
    await create_user(kc, "Bob")
    page = await register(
        kc,
        page,
        "firstName",
        "lastName",
        email,
        "Bob",
        "registerUserNotContainsUsername",
        "registerUserNotContainsUsername",
    )
    assert is_register_page(page) and field_error(page, "username") == USERNAME_EXISTS
    page = await register(kc, page, "firstName", "lastName", email, None, "password", "password")
    assert is_register_page(page) and field_error(page, "username") == MISSING_USERNAME


async def test_register_user_not_email_password_policy(kc: Env) -> None:
    """RegisterTest.registerUserNotEmailPasswordPolicy (KEYCLOAK-12729): with e-mail as username, a password
    equal to the e-mail, in any case, is refused."""
    await update_realm(kc, registrationEmailAsUsername=True, passwordPolicy="notEmail")
    refused = "Invalid password: must not be equal to the email."
    email = "registerUserNotEmail@email"
    page = await register_email_as_username(kc, await open_register(kc), "firstName", "lastName", email, email, email)
    assert is_register_page(page) and field_error(page, "password") == refused
    page = await register_email_as_username(kc, page, "firstName", "lastName", email, email.lower(), email.lower())
    assert is_register_page(page) and field_error(page, "password") == refused


async def test_register_existing_user_email_as_username(kc: Env) -> None:
    """RegisterTest.registerExistingUser_emailAsUsername: "Email already exists." and ``email_in_use`` naming
    the e-mail as both username and e-mail."""
    await update_realm(kc, registrationEmailAsUsername=True)
    page = await register_email_as_username(
        kc, await open_register(kc), "firstName", "lastName", "test-user@localhost", "password", "password"
    )
    assert is_register_page(page) and field_error(page, "email") == EMAIL_EXISTS
    await expect_register(kc, "test-user@localhost", "test-user@localhost", error="email_in_use")


async def test_register_user_missing_or_invalid_email_email_as_username(kc: Env) -> None:
    """RegisterTest.registerUserMissingOrInvalidEmail_emailAsUsername: "Please specify email.", then "Invalid
    email address." with the lower-cased e-mail as username and e-mail."""
    await update_realm(kc, registrationEmailAsUsername=True)
    page = await register_email_as_username(
        kc, await open_register(kc), "firstName", "lastName", None, "password", "password"
    )
    assert is_register_page(page) and field_error(page, "email") == MISSING_EMAIL
    await expect_register(kc, None, None, error="invalid_registration")
    page = await register_email_as_username(
        kc, page, "firstName", "lastName", "registerUserInvalidEmailemail", "password", "password"
    )
    assert is_register_page(page) and field_error(page, "email") == INVALID_EMAIL
    invalid = "registeruserinvalidemailemail"
    await expect_register(kc, invalid, invalid, error="invalid_registration")


async def test_register_user_success_email_as_username(kc: Env) -> None:
    """RegisterTest.registerUserSuccess_emailAsUsername: REGISTER names the e-mail as typed, LOGIN in lower
    case; the user is created now."""
    await update_realm(kc, registrationEmailAsUsername=True)
    response = await register_email_as_username(
        kc, await open_register(kc), "firstName", "lastName", "registerUserSuccessE@email", "password", "password"
    )
    auth_response(response)
    await expect_register(kc, "registerUserSuccessE@email", "registerUserSuccessE@email")
    await expect_login(kc, "registerusersuccesse@email", "registerusersuccesse@email")
    user = await user_rep(kc, "registerusersuccesse@email")
    created = user["createdTimestamp"]
    assert isinstance(created, int) and 0 <= kc.clock.now() * 1000 - created < 10000, user


async def test_email_as_username_when_edit_user_name_disabled(kc: Env) -> None:
    """RegisterTest.testEmailAsUsernameWhenEditUserNameDisabled."""
    await update_realm(kc, registrationEmailAsUsername=True, editUsernameAllowed=False)
    response = await register_email_as_username(
        kc, await open_register(kc), "firstName", "lastName", "alice@email", "password", "password"
    )
    auth_response(response)


async def open_with_login_hint(kc: Env, hint: str) -> httpx.Response:
    """``registerPage.openWithLoginHint(hint)``: the registrations endpoint with ``login_hint``."""
    query = {"client_id": APP, "redirect_uri": REDIRECT, "response_type": "code", "scope": "openid", "login_hint": hint}
    page = await kc.http.get(f"{OIDC}/registrations", params=query)
    assert is_register_page(page), page.text[:800]
    return page


async def test_register_with_login_hint(kc: Env) -> None:
    """RegisterTest.registerWithLoginHint: the username field holds the hint."""
    assert value_of(await open_with_login_hint(kc, "username_test"), "username") == "username_test"


async def test_register_with_login_hint_email_as_username(kc: Env) -> None:
    """RegisterTest.registerWithLoginHint_emailAsUsername: the e-mail field holds the hint."""
    await update_realm(kc, registrationEmailAsUsername=True)
    assert value_of(await open_with_login_hint(kc, "test@test.com"), "email") == "test@test.com"


async def to_reset_password(kc: Env) -> tuple[list[str], httpx.Response]:
    """The login page, Register, "Back to Login", "Forgot Password?" and the username sent: the URLs visited
    (the browser's history) and the page the reset request answered with."""
    login = await start(kc.http, "test", APP)
    registration = register_link(login)
    page = await kc.http.get(registration)
    back = re.search(r'<div id="kc-form-options"><a href="([^"]+)"', page.text)
    assert back, page.text[:800]
    back_url = back[1].replace("&amp;", "&")
    login_again = await kc.http.get(back_url)
    assert 'id="kc-form-login"' in login_again.text, login_again.text[:800]
    forgot = re.search(r'id="kc-forgot-password" href="([^"]+)"', login_again.text)
    assert forgot, login_again.text[:800]
    reset_url = forgot[1].replace("&amp;", "&")
    reset = await kc.http.get(reset_url)
    assert 'id="kc-reset-password-form"' in reset.text, reset.text[:800]
    sent = await submit(kc.http, reset, username="test-user@localhost")
    assert sent.status_code == 200 and 'id="kc-form-login"' in sent.text, sent.text[:800]
    return [str(login.url), registration, back_url, reset_url], sent


async def test_register_should_fail_before_user_creation_when_user_is_in_context(kc: Env, mail: Sink) -> None:
    """RegisterTest.testRegisterShouldFailBeforeUserCreationWhenUserIsInContext: once the reset-password form
    has put test-user@localhost in the login, the registration URL shows "Action expired. Please continue with
    login now." and records REGISTER_ERROR ``generic_authentication_error`` with ``existing_username`` and
    ``authentication_error_detail=different_user_authenticating``."""
    await update_realm(kc, resetPasswordAllowed=True, smtpServer=mail.settings())
    visited, _ = await to_reset_password(kc)
    await clear(kc)
    page = await kc.http.get(visited[1])
    assert page.status_code == 400 and not is_register_page(page), page.text[:800]
    assert "Action expired. Please continue with login now." in page.text, page.text[:800]
    event = await expect(
        kc,
        "REGISTER_ERROR",
        user=None,
        error="generic_authentication_error",
        existing_username="test-user@localhost",
        authentication_error_detail="different_user_authenticating",
    )
    assert "register_method" not in event["details"], event


async def test_login_page_clears_user_from_context_if_user_navigates_back_from_reset_password(
    kc: Env, mail: Sink
) -> None:
    """RegisterTest.testLoginPageClearsUserFromContextIfUserNavigatesBackFromResetPassword: Back from the
    reset-password answer to the reset page, to the login page (which forgets the user), then to the
    registration form: it is shown again."""
    await update_realm(kc, resetPasswordAllowed=True, smtpServer=mail.settings())
    visited, _ = await to_reset_password(kc)
    await kc.http.get(visited[3])  # back: the reset-password page
    await kc.http.get(visited[2])  # back: the login page
    await clear(kc)
    assert is_register_page(await kc.http.get(visited[1]))  # back: the registration form


async def test_the_register_link_of_the_page_after_a_reset_request_opens_the_form(kc: Env, mail: Sink) -> None:
    """Not in RegisterTest: the login page that answers the reset request is a fork of the tab (a tab of its
    own, AuthenticationProcessor.clone), so its Register link opens the registration form, and the user is
    registered, though the tab that asked has test-user@localhost."""
    await update_realm(kc, resetPasswordAllowed=True, smtpServer=mail.settings())
    visited, sent = await to_reset_password(kc)
    link = register_link(sent)
    assert link != visited[1] and "tab_id=" in link, (link, visited[1])
    page = await kc.http.get(link)
    assert is_register_page(page), page.text[:800]
    response = await register(kc, page, "firstName", "lastName", "forked@email", "forked", "password", "password")
    auth_response(response)
