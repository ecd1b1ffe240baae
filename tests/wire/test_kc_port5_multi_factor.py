"""Keycloak's MultiFactorAuthenticationTest (testsuite/.../forms/MultiFactorAuthenticationTest.java) and
BrowserFlowTest.testLoginMultiFactorWithWrongCredentialsMessage over HTTP, on their own flow
(``configureBrowserFlowWithAlternativeCredentials``): UsernameForm, then a REQUIRED sub-flow whose PasswordForm and
OTP form are both ALTERNATIVE, so that the first factor is the password or the code, the user's preferred one
asked first and "Try Another Way" between them. The realm is ``testrealm.json``'s slice (tests/browser_flow_realm.py),
internationalized in English and German for the locale method.

Not ported: testAlternativeMechanismsInDifferentSubflows and its ``_firstMechanismUnavailable`` sibling, whose
alternatives are sub-flows (an "otp subflow", a "password and otp subflow"); Doorkeep refuses to bind such a flow
(realms/flow_plan.py), and test_try_another_way.py covers their switching on the shape Doorkeep runs."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator

import httpx
import pytest

from browser_flow import attempted, is_password_page, is_username_page, start, submit
from browser_flow_realm import FIRST_KEY, code, is_otp_page, offered, realm_rep
from flow_builder import ADMIN, ALT, AUTH, REQ, add, add_flow, admin, bind, executions
from keycloak_port import forget, import_realm, one_event, poll, user_id
from login_test_realm import APP, auth_response, expect_login
from recovery_flow import listed, try_another_way, try_another_way_action
from support import update_realm
from wire_env import Env

pytestmark = pytest.mark.anyio

FLOW = "browser - alternative"
ALTERNATIVES = f"{FLOW} alternatives"
PASSWORD, OTP_APP = (
    "Password",
    "Authenticator Application",
)  # SelectAuthenticatorPage.PASSWORD, AUTHENTICATOR_APPLICATION


@pytest.fixture
async def kc(env: Env) -> AsyncIterator[Env]:
    rep = realm_rep() | {"internationalizationEnabled": True, "supportedLocales": ["en", "de"], "defaultLocale": "en"}
    await import_realm(env, rep)
    await alternative_credentials_flow(env)
    await poll(env)
    yield env
    forget(env)


async def alternative_credentials_flow(env: Env) -> None:
    """``configureBrowserFlowWithAlternativeCredentials``, bound."""
    body = {"alias": FLOW, "providerId": "basic-flow", "topLevel": True, "builtIn": False, "description": FLOW}
    await admin(env, "POST", f"{AUTH}/flows", body, 201)
    await add(env, FLOW, "auth-cookie", ALT)
    await add_flow(env, FLOW, f"{FLOW} forms", ALT)
    await add(env, f"{FLOW} forms", "auth-username-form", REQ)
    await add_flow(env, f"{FLOW} forms", ALTERNATIVES, REQ)
    await add(env, ALTERNATIVES, "auth-password-form", ALT)
    await add(env, ALTERNATIVES, "auth-otp-form", ALT)
    await bind(env, "browserFlow", FLOW)


def methods(page: httpx.Response) -> list[str]:
    """``selectAuthenticatorPage.getAvailableLoginMethods()``."""
    return [name for _, name, _ in listed(page)]


def pick(page: httpx.Response, name: str) -> str:
    (execution,) = [e for e, shown, _ in listed(page) if shown == name]
    return execution


async def username_step(env: Env, username: str) -> httpx.Response:
    """``loginUsernameOnlyPage.open(); login(username)``: a new browser each time."""
    env.http.cookies.clear()
    page = await start(env.http, "test", APP)
    assert is_username_page(page) and attempted(page) is None, page.text[:500]
    return await submit(env.http, page, username=username)


async def test_alternative_credentials(kc: Env) -> None:
    """testAlternativeCredentials: no link for a user with the password alone; the password first with the link
    for a user whose password comes before the OTP, the list (help texts included) and the OTP form from it
    without a credential selector; the OTP form first for a user whose preferred credential is an OTP, with its
    selector, and the list in that order."""
    page = await username_step(kc, "test-user@localhost")
    assert is_password_page(page) and try_another_way_action(page) is None
    page = await username_step(kc, "user-with-one-configured-otp")
    assert is_password_page(page) and try_another_way_action(page) is not None
    selection = await try_another_way(kc, page)
    assert methods(selection) == [PASSWORD, OTP_APP]
    helps = {name: help_text for _, name, help_text in listed(selection)}
    assert helps[PASSWORD] == "Sign in by entering your password."
    assert helps[OTP_APP] == "Enter a verification code from authenticator application."
    otp_page = await submit(kc.http, selection, authenticationExecution=pick(selection, OTP_APP))
    assert is_otp_page(otp_page) and try_another_way_action(otp_page) is not None and not offered(otp_page)
    page = await username_step(kc, "user-with-two-configured-otp")
    assert is_otp_page(page) and try_another_way_action(page) is not None and len(offered(page)) == 2
    assert methods(await try_another_way(kc, page)) == [OTP_APP, PASSWORD]


async def test_the_code_alone_signs_in_as_the_first_factor(kc: Env) -> None:
    """The OTP form picked instead of the password ends the login: LOGIN for the user (the sub-flow is through with
    one of its alternatives)."""
    selection = await try_another_way(kc, await username_step(kc, "user-with-one-configured-otp"))
    otp_page = await submit(kc.http, selection, authenticationExecution=pick(selection, OTP_APP))
    assert "code" in auth_response(await submit(kc.http, otp_page, otp=code(kc, FIRST_KEY)))
    await expect_login(kc, "user-with-one-configured-otp", username="user-with-one-configured-otp")


async def test_changing_locale_on_authentication_selector_screen(kc: Env) -> None:
    """testChangingLocaleOnAuthenticationSelectorScreen (issue 30520): the list stays, in German, then English."""
    selection = await try_another_way(kc, await username_step(kc, "user-with-one-configured-otp"))
    assert methods(selection) == [PASSWORD, OTP_APP]
    links = re.findall(r'<a role="menuitem" id="language-\d+" href="([^"]+)">([^<]+)</a>', selection.text)
    by_label = {label: href.replace("&amp;", "&") for href, label in links}
    assert methods(await kc.http.get(by_label["Deutsch"])) == ["Passwort", "Authenticator-Anwendung"]
    assert methods(await kc.http.get(by_label["English"])) == [PASSWORD, OTP_APP]


async def test_username_label_and_reset_login(kc: Env) -> None:
    """testUsernameLabelAndResetLogin: the attempted username on the password page and the list, "Restart login"
    (RESTART_AUTHENTICATION) back to the username page; an e-mail typed is the name shown, and the password signs
    in."""
    page = await username_step(kc, "user-with-one-configured-otp")
    assert is_password_page(page) and attempted(page) == "user-with-one-configured-otp"
    selection = await try_another_way(kc, page)
    assert attempted(selection) == "user-with-one-configured-otp"
    restart = re.search(r'id="reset-login" href="([^"]+)"', selection.text)
    assert restart is not None
    await poll(kc)
    back = await kc.http.get(restart.group(1).replace("&amp;", "&"), follow_redirects=True)
    event = await one_event(kc)
    assert event["type"] == "RESTART_AUTHENTICATION" and event["clientId"] == APP, event
    assert event["userId"] == await user_id(kc, "user-with-one-configured-otp"), event
    assert event["details"]["auth_method"] == "openid-connect", event
    assert is_username_page(back) and attempted(back) is None, back.text[:500]
    page = await submit(kc.http, back, username="otp1@redhat.com")
    assert is_password_page(page) and attempted(page) == "otp1@redhat.com"
    assert "code" in auth_response(await submit(kc.http, page, password="password"))
    await expect_login(kc, "user-with-one-configured-otp")


async def test_login_multi_factor_with_wrong_credentials_message(kc: Env) -> None:
    """BrowserFlowTest.testLoginMultiFactorWithWrongCredentialsMessage: "Invalid username." on the username page
    while e-mails do not sign in, "Invalid username or email." when they do, "Invalid password." on the password
    page, then the LOGIN."""
    await admin(kc, "PUT", ADMIN, {"loginWithEmailAllowed": False}, 204)
    page = await username_step(kc, "non_existing_user")
    assert is_username_page(page) and "Invalid username." in page.text and "or email" not in page.text
    await admin(kc, "PUT", ADMIN, {"loginWithEmailAllowed": True}, 204)
    page = await submit(kc.http, page, username="non_existing_user")
    assert is_username_page(page) and "Invalid username or email." in page.text
    page = await submit(kc.http, page, username="test-user@localhost")
    assert is_password_page(page)
    page = await submit(kc.http, page, password="wrong_password")
    assert is_password_page(page) and "Invalid password." in page.text
    await poll(kc)  # events.clear()
    assert "code" in auth_response(await submit(kc.http, page, password="password"))
    await expect_login(kc, "test-user@localhost", username="test-user@localhost")


async def test_the_flow_lists_its_two_alternatives(kc: Env) -> None:
    """The bound flow is the Java one: the sub-flow after UsernameForm holds the two ALTERNATIVE steps."""
    found = [(e.get("providerId"), e["requirement"]) for e in await executions(kc, FLOW) if e.get("level") == 2]
    assert found == [("auth-password-form", ALT), ("auth-otp-form", ALT)]


async def test_hostile_the_code_as_first_factor_counts_failures_and_offers_nothing_else(kc: Env) -> None:
    """Hostile variants of the OTP form as the first factor: a wrong code signs nobody in and counts as a failure
    (two lock the user under a failure factor of 2, after which even the right code is refused); a user without an
    OTP who posts the OTP form's execution is refused, not shown the code form."""
    await update_realm(kc.db, "test", brute_force_protected=True, failure_factor=2, quick_login_check_milli_seconds=0)
    selection = await try_another_way(kc, await username_step(kc, "user-with-one-configured-otp"))
    otp_execution = pick(selection, OTP_APP)
    otp_page = await submit(kc.http, selection, authenticationExecution=otp_execution)
    for _ in range(2):
        otp_page = await submit(kc.http, otp_page, otp="000000")
        assert otp_page.status_code == 200 and is_otp_page(otp_page), otp_page.text[:500]
    locked = await submit(kc.http, otp_page, otp=code(kc, FIRST_KEY))
    assert locked.status_code != 302, locked.headers  # the user is locked: no code for the client

    page = await username_step(kc, "test-user@localhost")  # the password alone, nothing to choose
    assert is_password_page(page)
    refused = await submit(kc.http, page, authenticationExecution=otp_execution)
    assert refused.status_code == 400 and not is_otp_page(refused), refused.text[:500]
