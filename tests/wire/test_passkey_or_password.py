"""A passkey beside the password (realms/flow_plan.py ``_password_or_passkey``, oauth/flow_gates.py,
oauth/login_choices.py): Keycloak's identity-first flow with the Username Form, then a REQUIRED sub-flow holding the
Password Form and the WebAuthn Passwordless Authenticator, both ALTERNATIVE. After the username the step of the
user's first credential asks (AuthenticationSelectionResolver: the stored credentials in priority order), with
"Try Another Way" when the user has the other; picking it runs the other; a user without a passkey gets the
password page alone. Hostile: an execution not offered, another user's passkey, a forged form code."""

from __future__ import annotations

import httpx
import pytest

from browser_flow import code_from, start, submit, submit_forged
from flow_builder import ADMIN, ALT, AUTH, COND, REQ, add, add_flow, add_otp, admin, events, executions, totp
from passkeys_support import register_passkey, user_id
from recovery_flow import choose, listed, try_another_way, try_another_way_action
from support import seed_login_realm, seed_user, update_realm
from webauthn_port import SoftKey, page_options
from wire_env import Env

pytestmark = pytest.mark.anyio
PASSKEY = "webauthn-authenticator-passwordless"
PASSWORD = "auth-password-form"
CHOICE = "password or passkey"
UNEXPECTED = "Unexpected error when handling authentication request to identity provider."


async def bind_choice_flow(env: Env, *, two_factor: bool = False) -> dict[str, str]:
    """The flow bound as the browser flow (``two_factor``: then a conditional OTP sub-flow, as Keycloak's
    "Browser - Conditional 2FA"); the ids of the two ALTERNATIVE executions by provider."""
    body = {"alias": "either", "providerId": "basic-flow", "topLevel": True, "builtIn": False, "description": ""}
    await admin(env, "POST", f"{AUTH}/flows", body, 201)
    await add(env, "either", "auth-cookie", ALT)
    await add_flow(env, "either", "either forms", ALT)
    await add(env, "either forms", "auth-username-form", REQ)
    await add_flow(env, "either forms", CHOICE, REQ)
    await add(env, CHOICE, PASSWORD, ALT)
    await add(env, CHOICE, PASSKEY, ALT)
    if two_factor:
        await add_flow(env, "either forms", "either 2fa", COND)
        await add(env, "either 2fa", "conditional-user-configured", REQ)
        await add(env, "either 2fa", "auth-otp-form", REQ)
    await admin(env, "PUT", ADMIN, {"browserFlow": "either"}, 204)
    return {e["providerId"]: e["id"] for e in await executions(env, CHOICE) if e.get("providerId")}


@pytest.fixture
async def realm(env: Env) -> Env:
    await seed_login_realm(env.db, env.clock, events=True)
    return env


async def after_username(env: Env, username: str = "user1", **params: str) -> httpx.Response:
    env.http.cookies.clear()
    page = await start(env.http, "test", "app", **params)
    assert page.status_code == 200 and 'name="password"' not in page.text, page.text[:300]
    return await submit(env.http, page, username=username)


def is_password_page(page: httpx.Response) -> bool:
    return (
        page.status_code == 200 and 'name="password"' in page.text and 'id="kc-attempted-username">user1<' in page.text
    )


def is_passkey_page(page: httpx.Response) -> bool:
    return (
        page.status_code == 200
        and 'id="authenticateWebAuthnButton"' in page.text
        and 'name="password"' not in page.text
    )


async def test_a_user_without_a_passkey_gets_the_password_page_without_the_link(realm: Env) -> None:
    """The flow binds (it was a 400); a user holding only a password: the password page, no "Try Another Way",
    and the password signs in (LOGIN without a passkey's credential type)."""
    await bind_choice_flow(realm)
    page = await after_username(realm)
    assert is_password_page(page) and try_another_way_action(page) is None
    assert "code" in code_from(await submit(realm.http, page, password="password"))
    [login] = await events(realm, "LOGIN")
    assert login.details.get("credential_type") != "webauthn-passwordless"


async def test_the_password_first_then_another_way_to_the_passkey(realm: Env) -> None:
    """A user whose password comes first: the password page with the link; the list names Password then Passkey
    (Keycloak's display names and help texts), in the credentials' order; picking the passkey shows the passkey
    page, itself with the link, and the passkey signs in with no password."""
    key = SoftKey()
    await register_passkey(realm, key)
    ids = await bind_choice_flow(realm)
    page = await after_username(realm)
    assert is_password_page(page) and try_another_way_action(page) is not None
    selection = await try_another_way(realm, page)
    assert listed(selection) == [
        (ids[PASSWORD], "Password", "Sign in by entering your password."),
        (ids[PASSKEY], "Passkey", "Use your Passkey for passwordless sign in."),
    ]
    passkey_page = await choose(realm, selection, ids[PASSKEY])
    assert is_passkey_page(passkey_page) and try_another_way_action(passkey_page) is not None
    answer = key.get(page_options(passkey_page.text)["challenge"], user_handle=await user_id(realm))
    assert "code" in code_from(await submit(realm.http, passkey_page, **answer))
    logins = [e for e in await events(realm, "LOGIN") if e.details.get("credential_type") == "webauthn-passwordless"]
    assert len(logins) == 1
    assert [e.error for e in await events(realm, "LOGIN_ERROR")] == []


async def test_a_passkey_moved_first_asks_first_and_the_password_is_the_other_way(realm: Env) -> None:
    """The passkey credential moved to the top: the passkey page right after the username, with the link; the
    list then starts with the passkey; picking the password shows the password page, whose password signs in."""
    await register_passkey(realm, SoftKey())
    ids = await bind_choice_flow(realm)
    uid = await user_id(realm)
    stored = (await admin(realm, "GET", f"{ADMIN}/users/{uid}/credentials", status=200)).json()
    passkey_id = next(c["id"] for c in stored if c["type"] == "webauthn-passwordless")
    await admin(realm, "POST", f"{ADMIN}/users/{uid}/credentials/{passkey_id}/moveToFirst", None, 204)
    page = await after_username(realm)
    assert is_passkey_page(page) and try_another_way_action(page) is not None
    selection = await try_another_way(realm, page)
    assert [e for e, _, _ in listed(selection)] == [ids[PASSKEY], ids[PASSWORD]]
    password_page = await choose(realm, selection, ids[PASSWORD])
    assert is_password_page(password_page) and try_another_way_action(password_page) is not None
    wrong = await submit(realm.http, password_page, password="nope")
    assert is_password_page(wrong) and "Invalid password." in wrong.text
    assert "code" in code_from(await submit(realm.http, wrong, password="password"))


async def test_an_execution_not_offered_ends_the_login(realm: Env) -> None:
    """Hostile: the passkey's execution picked by a user who has no passkey (never offered), and a junk id from
    the password page: Keycloak's "Requested authentication execution is not allowed", a LOGIN_ERROR and the
    400 page; nobody is signed in."""
    ids = await bind_choice_flow(realm)
    page = await after_username(realm)
    refused = await submit(realm.http, page, authenticationExecution=ids[PASSKEY])
    assert refused.status_code == 400 and UNEXPECTED in refused.text
    page = await after_username(realm)
    junk = await submit(realm.http, page, authenticationExecution="x" * 500)
    assert junk.status_code == 400 and "x" * 100 not in junk.text
    errors = [e.error for e in await events(realm, "LOGIN_ERROR")]
    assert errors == ["invalid_user_credentials", "invalid_user_credentials"]
    assert await events(realm, "LOGIN") == []


async def test_another_users_passkey_at_the_passkey_step_is_refused(realm: Env) -> None:
    """Hostile: user1 switches to the passkey page and answers with user2's passkey (user2's handle): refused as
    WebAuthnAuthenticator does, a LOGIN_ERROR, no code; user1's own passkey then still works."""
    await seed_user(realm.db, realm.clock, "test", "user2")
    mine, theirs = SoftKey(), SoftKey()
    await register_passkey(realm, mine)
    await register_passkey(realm, theirs, username="user2")
    ids = await bind_choice_flow(realm)
    page = await choose(realm, await try_another_way(realm, await after_username(realm)), ids[PASSKEY])
    assert is_passkey_page(page)
    forged = theirs.get(page_options(page.text)["challenge"], user_handle=await user_id(realm, "user2"))
    refused = await submit(realm.http, page, **forged)
    assert refused.status_code != 302 and "code=" not in refused.headers.get("location", "")
    [error] = await events(realm, "LOGIN_ERROR")
    assert error.details["credential_type"] == "webauthn-passwordless"
    assert [
        e for e in await events(realm, "LOGIN") if e.details.get("credential_type") == "webauthn-passwordless"
    ] == []
    again = await submit(realm.http, refused, isSetRetry="retry")
    answer = mine.get(page_options(again.text)["challenge"], user_handle=await user_id(realm))
    assert "code" in code_from(await submit(realm.http, again, **answer))


async def test_a_forged_form_code_shows_no_list(realm: Env) -> None:
    """Hostile: "Try Another Way" posted with a wrong session code from the password page: the tab's page comes
    back with "Action expired", no list and no passkey page."""
    await register_passkey(realm, SoftKey())
    await bind_choice_flow(realm)
    page = await after_username(realm)
    forged = await submit_forged(realm.http, page, "forged", tryAnotherWay="on")
    assert forged.status_code == 302
    again = await realm.http.get(forged.headers["location"])
    assert "Action expired. Please continue with login now." in again.text
    assert "authenticationExecution" not in again.text and is_password_page(again)


async def test_a_sub_flow_with_a_step_that_is_no_first_factor_cannot_be_bound(realm: Env) -> None:
    """The password, the passkey and the OTP form make the choice (MultiFactorAuthenticationTest's flow has the
    password and the OTP): a third ALTERNATIVE OTP form binds; Deny Access beside them is a 400 naming the
    sub-flow."""
    await bind_choice_flow(realm)
    await admin(realm, "PUT", ADMIN, {"browserFlow": "browser"}, 204)
    await add(realm, CHOICE, "auth-otp-form", ALT)
    await admin(realm, "PUT", ADMIN, {"browserFlow": "either"}, 204)
    await admin(realm, "PUT", ADMIN, {"browserFlow": "browser"}, 204)
    await add(realm, CHOICE, "deny-access-authenticator", ALT)
    refused = await admin(realm, "PUT", ADMIN, {"browserFlow": "either"}, 400)
    assert CHOICE in refused.text


async def test_the_steps_after_the_choice_run_after_either_factor(realm: Env) -> None:
    """A conditional OTP sub-flow after the choice: a user with OTP is asked the code after the password, and
    after the passkey picked instead (neither factor skips it)."""
    key = SoftKey()
    await register_passkey(realm, key)
    await add_otp(realm)
    ids = await bind_choice_flow(realm, two_factor=True)
    otp_page = await submit(realm.http, await after_username(realm), password="password")
    assert otp_page.status_code == 200 and 'name="otp"' in otp_page.text
    assert "code" in code_from(await submit(realm.http, otp_page, otp=totp(realm.clock.now())))
    page = await choose(realm, await try_another_way(realm, await after_username(realm)), ids[PASSKEY])
    answer = key.get(page_options(page.text)["challenge"], user_handle=await user_id(realm))
    otp_page = await submit(realm.http, page, **answer)
    assert otp_page.status_code == 200 and 'name="otp"' in otp_page.text
    realm.clock.advance(30)
    assert "code" in code_from(await submit(realm.http, otp_page, otp=totp(realm.clock.now())))


async def test_the_choice_and_the_login_forms_passkey_button_speak_german(realm: Env) -> None:
    """messages_de.properties: the list's "Passwort" and "Passkey" with their help texts, "Einen anderen Weg
    versuchen", and the login form's passkey button ``passkey-doAuthenticate`` "Anmelden mit Passkey"."""
    await update_realm(realm.db, "test", internationalization_enabled=True, supported_locales=("en", "de"))
    await register_passkey(realm, SoftKey())
    ids = await bind_choice_flow(realm)
    page = await after_username(realm, ui_locales="de")
    assert ">Einen anderen Weg versuchen</button>" in page.text
    assert listed(await try_another_way(realm, page)) == [
        (ids[PASSWORD], "Passwort", "Melden Sie sich an, indem Sie Ihr Passwort eingeben."),
        (ids[PASSKEY], "Passkey", "Verwenden Sie Ihren Passkey zur kennwortlosen Anmeldung."),
    ]
    await admin(
        realm,
        "PUT",
        ADMIN,
        {
            "webAuthnPolicyPasswordlessRpEntityName": "keycloak",
            "webAuthnPolicyPasswordlessPasskeysEnabled": True,
            "browserFlow": "browser",
        },
        204,
    )
    realm.http.cookies.clear()
    form = await start(realm.http, "test", "app", ui_locales="de")
    assert ">Anmelden mit Passkey</button>" in form.text


async def test_a_re_authentication_asks_the_preferred_step_with_the_other_way(realm: Env) -> None:
    """``prompt=login`` over the SSO session: the known user's preferred step (the password page) with the link,
    and the passkey picked instead signs in again."""
    key = SoftKey()
    await register_passkey(realm, key)
    ids = await bind_choice_flow(realm)
    code_from(await submit(realm.http, await after_username(realm), password="password"))
    page = await start(realm.http, "test", "app", prompt="login")
    assert is_password_page(page) and try_another_way_action(page) is not None
    passkey_page = await choose(realm, await try_another_way(realm, page), ids[PASSKEY])
    answer = key.get(page_options(passkey_page.text)["challenge"], user_handle=await user_id(realm))
    assert "code" in code_from(await submit(realm.http, passkey_page, **answer))
