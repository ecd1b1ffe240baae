"""Ports of Keycloak's passkey login tests (testsuite webauthn/passwordless): PasskeysDefaultBrowserFlowTest
(the realm's own browser flow with ``webAuthnPolicyPasswordlessPasskeysEnabled``) and PasskeysUsernameFormTest
(the Username Form, then the Password Form, both offering passkeys). Chrome's virtual authenticator answering
the conditional request is a software key (webauthn_port) posting the page's form here; the LOGIN events carry
WebAuthnAuthenticator.action's details under WebAuthnConstants' keys (``USER_VERIFICATION_CHECKED`` is
``web_authn_authenticator_user_verification_checked``)."""

from __future__ import annotations

import httpx
import pytest

from browser_flow import attempted, code_from, start, submit
from flow_builder import ADMIN, add_otp, admin, events, totp
from passkeys_support import (
    ENTITY,
    PASSKEYS,
    autocomplete,
    bind_username_then_password,
    login_page,
    passkey_options,
    register_passkey,
    user_id,
)
from support import seed_login_realm, seed_user
from webauthn_port import SoftKey, b64url
from wire_env import Env

pytestmark = pytest.mark.anyio
UV_CHECKED = "web_authn_authenticator_user_verification_checked"
DISCOVERABLE = {  # the tests' policy for discoverable keys, with user verification required
    ENTITY: "localhost",
    "webAuthnPolicyPasswordlessRequireResidentKey": "Yes",
    "webAuthnPolicyPasswordlessUserVerificationRequirement": "required",
    PASSKEYS: True,
}


async def realm_with_passkeys(env: Env, key: SoftKey, *, username_form: bool = False) -> set[str]:
    """Realm ``test`` with passkeys on the login form under DISCOVERABLE, user1 holding ``key`` (registered at
    webauthn-register-passwordless after the password); ``username_form``: then the browser flow of
    PasskeysUsernameFormTest (the Username Form then the Password Form, both REQUIRED). The ids of the LOGIN
    events so far."""
    await seed_login_realm(env.db, env.clock, events=True)
    await admin(env, "PUT", ADMIN, DISCOVERABLE, 204)
    await register_passkey(env, key)
    if username_form:
        await bind_username_then_password(env, **DISCOVERABLE)
    return {e.id for e in await events(env, "LOGIN")}


def offers_passkeys(page: httpx.Response) -> bool:
    """The page carries passkeys.ftl's ``webauth`` form."""
    return page.status_code == 200 and 'id="webauth"' in page.text


async def passkey_login(env: Env, page: httpx.Response, key: SoftKey) -> dict[str, str]:
    answer = key.get(passkey_options(page.text)["challenge"], user_handle=await user_id(env))
    return code_from(await submit(env.http, page, **answer))


async def new_login(env: Env, seen: set[str]) -> dict[str, str | None]:
    """The details of the one LOGIN event not in ``seen`` (added to it), of user1 (events share the fake
    clock's time, so their order is no guide)."""
    [found] = [e for e in await events(env, "LOGIN") if e.id not in seen]
    seen.add(found.id)
    assert found.user_id == await user_id(env)
    details: dict[str, str | None] = found.details
    return details


def by_passkey(details: dict[str, str | None], key: SoftKey) -> bool:
    """expectLogin's details of a passkey sign-in: the username, the passwordless credential type, the user
    verification the policy required, the credential id."""
    return (
        details.get("username") == "user1"
        and details.get("credential_type") == "webauthn-passwordless"
        and details.get(UV_CHECKED) == "true"
        and details.get("public_key_credential_id") == b64url(key.credential_id)
    )


def by_password(details: dict[str, str | None]) -> bool:
    return details.get("username") == "user1" and "credential_type" not in details and UV_CHECKED not in details


async def test_default_browser_flow_passkey_password_and_otp(env: Env) -> None:
    """PasskeysDefaultBrowserFlowTest.testLoginWithExternalKey: the realm's built-in browser flow with passkeys
    on; the login form asks ``username webauthn`` and holds the ``webauth`` form; the passkey signs in, the
    password too (LOGIN without a credential type); once the user has OTP, the passkey still signs in without the
    code (the built-in Conditional 2FA skips a passkey sign-in: conditional-credential) and the password asks it."""
    key = SoftKey()
    seen = await realm_with_passkeys(env, key)
    for with_otp in (False, True):
        if with_otp:
            await add_otp(env)
        env.http.cookies.clear()
        page = await login_page(env)
        assert autocomplete(page.text) == "username webauthn" and offers_passkeys(page)
        assert "code" in await passkey_login(env, page, key)
        assert by_passkey(await new_login(env, seen), key)
        env.http.cookies.clear()
        page = await login_page(env)
        assert autocomplete(page.text) == "username webauthn" and offers_passkeys(page)
        after = await submit(env.http, page, username="user1", password="password")
        if with_otp:
            assert after.status_code == 200 and 'name="otp"' in after.text
            after = await submit(env.http, after, otp=totp(env.clock.now()))
        assert "code" in code_from(after)
        assert by_password(await new_login(env, seen))


async def test_username_form_passkey_signs_in_a_user_without_a_password(env: Env) -> None:
    """PasskeysUsernameFormTest.webauthnLoginWithDiscoverableKey: the password removed, the passkey is the user's
    only credential; the username page's passkey signs in (LOGIN with the username, ``webauthn-passwordless``,
    ``web_authn_authenticator_user_verification_checked`` true)."""
    key = SoftKey()
    seen = await realm_with_passkeys(env, key, username_form=True)
    uid = await user_id(env)
    stored = (await admin(env, "GET", f"{ADMIN}/users/{uid}/credentials", status=200)).json()
    [password] = [c for c in stored if c["type"] == "password"]
    await admin(env, "DELETE", f"{ADMIN}/users/{uid}/credentials/{password['id']}", status=204)
    page = await login_page(env)
    assert 'name="password"' not in page.text and offers_passkeys(page)
    assert "code" in await passkey_login(env, page, key)
    assert by_passkey(await new_login(env, seen), key)


async def test_username_form_unknown_user_then_the_password_page_with_passkeys(env: Env) -> None:
    """PasskeysUsernameFormTest.passwordLoginWithNonDiscoverableKey: an unknown username is the username page
    again ("Invalid username or email.", still ``username webauthn``; LOGIN_ERROR ``user_not_found`` with the
    username and no user); the user's name then leads to the password page naming the user, with the password
    field and that user's passkeys; the password signs in (LOGIN without a credential type)."""
    key = SoftKey()
    seen = await realm_with_passkeys(env, key, username_form=True)
    page = await login_page(env)
    assert autocomplete(page.text) == "username webauthn" and 'name="password"' not in page.text
    assert offers_passkeys(page)
    again = await submit(env.http, page, username="invalid-user")
    assert again.status_code == 200 and autocomplete(again.text) == "username webauthn"
    assert "Invalid username or email." in again.text
    [error] = await events(env, "LOGIN_ERROR")
    assert (error.error, error.details.get("username"), error.user_id) == ("user_not_found", "invalid-user", None)
    password_page = await submit(env.http, again, username="user1")
    assert attempted(password_page) == "user1" and 'name="password"' in password_page.text
    assert offers_passkeys(password_page)
    assert passkey_options(password_page.text)["allowCredentials"] == [b64url(key.credential_id)]
    assert "code" in code_from(await submit(env.http, password_page, password="password"))
    assert by_password(await new_login(env, seen))


async def test_username_form_passkey_button(env: Env) -> None:
    """PasskeysUsernameFormTest.passwordLoginWithExternalKey: the username page has no password field and the
    ``webauth`` form; its passkey (the button's request) signs in."""
    key = SoftKey()
    seen = await realm_with_passkeys(env, key, username_form=True)
    page = await login_page(env)
    assert autocomplete(page.text) == "username webauthn" and 'name="password"' not in page.text
    assert offers_passkeys(page)
    assert "code" in await passkey_login(env, page, key)
    assert by_passkey(await new_login(env, seen), key)


async def test_username_form_re_authentication_with_the_passkey(env: Env) -> None:
    """PasskeysUsernameFormTest.webauthnLoginWithDiscoverableKey_reauthentication: after a passkey sign-in,
    ``prompt=login`` shows the password page with the ``webauth`` form; the passkey signs in again."""
    key = SoftKey()
    seen = await realm_with_passkeys(env, key, username_form=True)
    assert "code" in await passkey_login(env, await login_page(env), key)
    again = await start(env.http, "test", "app", prompt="login")
    assert 'name="password"' in again.text and offers_passkeys(again)
    assert "code" in await passkey_login(env, again, key)
    logins = [e for e in await events(env, "LOGIN") if e.id not in seen]
    assert len(logins) == 2 and all(by_passkey(e.details, key) for e in logins)


async def test_username_form_re_authentication_of_a_user_without_a_passkey(env: Env) -> None:
    """PasskeysUsernameFormTest.passwordLogin_reauthenticationOfUserWithoutPasskey: user2 has no passkey; the
    username page offers passkeys (no user known yet), the password page after it does not; ``prompt=login``
    says "Please re-authenticate to continue" without passkeys; a wrong password is "Invalid password."; the
    right one signs in (LOGIN without ``web_authn_authenticator_user_verification_checked``)."""
    await realm_with_passkeys(env, SoftKey(), username_form=True)
    await seed_user(env.db, env.clock, "test", "user2")
    page = await login_page(env)
    assert 'name="password"' not in page.text and offers_passkeys(page)
    password_page = await submit(env.http, page, username="user2")
    assert 'name="password"' in password_page.text and not offers_passkeys(password_page)
    code_from(await submit(env.http, password_page, password="password"))
    again = await start(env.http, "test", "app", prompt="login")
    assert "Please re-authenticate to continue" in again.text and not offers_passkeys(again)
    wrong = await submit(env.http, again, password="wrong")
    assert "Invalid password." in wrong.text
    assert "code" in code_from(await submit(env.http, wrong, password="password"))
    logins = [e for e in await events(env, "LOGIN") if e.user_id == await user_id(env, "user2")]
    assert len(logins) == 2 and all(UV_CHECKED not in e.details for e in logins)
