"""Hostile answers to the login form's passkeys (oauth/login_passkeys.py): each is refused as Keycloak's
WebAuthnAuthenticator.action refuses it under WebAuthnConditionalUIAuthenticator (a LOGIN_ERROR with
``credential_type`` ``webauthn-passwordless`` and ``web_authn_authentication_error``, the login form again with the
error and a new challenge), and none signs anybody in."""

from __future__ import annotations

import pytest

from browser_flow import code_from, start, submit
from flow_builder import ADMIN, admin, events
from passkeys_support import login_page, passkey_options, register_passkey, seed, user_id
from support import seed_user
from webauthn_port import SoftKey, b64url
from wire_env import Env

pytestmark = pytest.mark.anyio


async def _refused(env: Env, text: str) -> tuple[str, dict[str, str | None]]:
    """The one LOGIN_ERROR, and no LOGIN."""
    assert [e for e in await events(env, "LOGIN") if e.details.get("credential_type")] == []
    [error] = await events(env, "LOGIN_ERROR")
    assert error.details["credential_type"] == "webauthn-passwordless", error.details
    assert error.details["web_authn_authentication_error"] == text
    return error.error or "", error.details


async def test_a_disabled_user_is_refused_after_the_passkey_verifies(env: Env) -> None:
    """setAutheticatedUser's validateUser: USER_DISABLED, LOGIN_ERROR ``user_disabled``, the error page."""
    await seed(env)
    key = SoftKey()
    await register_passkey(env, key)
    await admin(env, "PUT", f"{ADMIN}/users/{await user_id(env)}", {"enabled": False}, 204)
    page = await login_page(env)
    refused = await submit(
        env.http, page, **key.get(passkey_options(page.text)["challenge"], user_handle=await user_id(env))
    )
    assert refused.status_code == 400 and "Account is disabled, contact your administrator." in refused.text
    [error] = await events(env, "LOGIN_ERROR")
    assert error.error == "user_disabled" and error.user_id == await user_id(env)


async def test_a_wrong_signature_is_an_invalid_result(env: Env) -> None:
    await seed(env)
    key = SoftKey()
    await register_passkey(env, key)
    page = await login_page(env)
    answer = key.get(passkey_options(page.text)["challenge"], user_handle=await user_id(env))
    answer["signature"] = b64url(b"\x30\x06\x02\x01\x01\x02\x01\x01")  # a well-formed DER signature of nothing
    again = await submit(env.http, page, **answer)
    assert again.status_code == 200 and "Passkey authentication result is invalid." in again.text
    assert passkey_options(again.text)["challenge"] != passkey_options(page.text)["challenge"]
    error, details = await _refused(env, "webauthn-error-auth-verification")
    assert error == "invalid_user_credentials" and details["web_authn_authentication_error_detail"]


async def test_a_replayed_challenge_is_refused(env: Env) -> None:
    """The challenge of a page is good for that page only: an assertion over it posted after the form was shown
    again does not verify; the signed-in form's assertion posted again signs nobody in."""
    await seed(env)
    key = SoftKey()
    await register_passkey(env, key)
    handle = await user_id(env)
    page = await login_page(env)
    old = passkey_options(page.text)["challenge"]
    again = await submit(env.http, page, username="user1", password="wrong")
    replayed = await submit(env.http, again, **key.get(old, user_handle=handle))
    assert "Passkey authentication result is invalid." in replayed.text
    answer = key.get(passkey_options(replayed.text)["challenge"], user_handle=handle)
    code_from(await submit(env.http, replayed, **answer))
    after = await submit(env.http, replayed, **answer)
    assert after.status_code != 302 or "code=" not in after.headers.get("location", "")
    assert len([e for e in await events(env, "LOGIN") if e.details.get("credential_type")]) == 1


async def test_a_user_of_another_realm_is_nobody_here(env: Env) -> None:
    """getUserById(realm, id): a handle naming a user of another realm (here the master admin) is
    WEBAUTHN_ERROR_USER_NOT_FOUND, with the id it named and the credential."""
    await seed(env)
    key = SoftKey()
    await register_passkey(env, key)
    stranger = await user_id(env, "admin", realm="master")
    page = await login_page(env)
    again = await submit(env.http, page, **key.get(passkey_options(page.text)["challenge"], user_handle=stranger))
    assert "Unknown user authenticated by the Passkey." in again.text
    error, details = await _refused(env, "webauthn-error-user-not-found")
    assert error == "user_not_found" and details["web_authn_authenticated_user_id"] == stranger
    assert details["public_key_credential_id"] == b64url(key.credential_id)


async def test_a_credential_without_a_user_handle_names_nobody(env: Env) -> None:
    """A credential that is not discoverable answers with no user handle: no user was identified before it."""
    await seed(env)
    key = SoftKey()
    await register_passkey(env, key)
    page = await login_page(env)
    again = await submit(env.http, page, **key.get(passkey_options(page.text)["challenge"]))
    assert "Unknown user authenticated by the Passkey." in again.text
    error, _ = await _refused(env, "webauthn-error-user-not-found")
    assert error == "user_not_found"


async def test_a_two_factor_key_is_not_a_passkey(env: Env) -> None:
    """A ``webauthn`` (two-factor) credential is none of the user's passkeys, even with the user's handle."""
    await seed(env)
    key = SoftKey()
    await register_passkey(env, key, action="webauthn-register")
    page = await login_page(env)
    again = await submit(
        env.http, page, **key.get(passkey_options(page.text)["challenge"], user_handle=await user_id(env))
    )
    assert "Unknown user authenticated by the Passkey." in again.text
    error, _ = await _refused(env, "webauthn-error-user-not-found")
    assert error == "user_not_found"


async def test_another_users_passkey_with_this_users_handle_is_refused(env: Env) -> None:
    """The handle names user1 but the key is user2's: not one of user1's passkeys."""
    await seed(env)
    await seed_user(env.db, env.clock, "test", "user2")
    key = SoftKey()
    await register_passkey(env, key, username="user2")
    page = await login_page(env)
    again = await submit(
        env.http, page, **key.get(passkey_options(page.text)["challenge"], user_handle=await user_id(env))
    )
    assert "Unknown user authenticated by the Passkey." in again.text
    assert (await _refused(env, "webauthn-error-user-not-found"))[0] == "user_not_found"


async def test_an_error_of_the_browsers_api_is_not_allowed(env: Env) -> None:
    await seed(env)
    page = await login_page(env)
    again = await submit(env.http, page, error="NotAllowedError: The operation either timed out or was not allowed.")
    assert again.status_code == 200 and "Failed to authenticate by the Passkey." in again.text
    error, details = await _refused(env, "webauthn-error-api-get")
    assert error == "not_allowed" and (details["web_authn_authentication_error_detail"] or "").startswith("NotAllowed")


@pytest.mark.parametrize(
    "fields",
    [
        {"authenticatorData": "", "credentialId": "", "clientDataJSON": "", "signature": ""},
        {"authenticatorData": "AAAA", "credentialId": "%%%", "clientDataJSON": "x", "signature": "y"},
        {
            "authenticatorData": "AAAA",
            "credentialId": "AAAA",
            "clientDataJSON": "x",
            "signature": "y",
            "userHandle": "%%%",
        },
        {
            "authenticatorData": "AAAA",
            "credentialId": "AAAA",
            "clientDataJSON": "x",
            "signature": "y",
            "userHandle": "_w",
        },
    ],
)
async def test_junk_answers_are_refused_without_a_server_error(env: Env, fields: dict[str, str]) -> None:
    await seed(env)
    page = await login_page(env)
    again = await submit(env.http, page, **fields)
    assert again.status_code == 200 and 'id="kc-form-login"' in again.text
    assert [e.error for e in await events(env, "LOGIN_ERROR")] in (["not_allowed"], ["user_not_found"])


async def test_without_the_switch_an_assertion_is_a_username_and_password_form(env: Env) -> None:
    """UsernamePasswordForm.action hands the form to the passkey only while passkeys are on."""
    await seed(env)
    key = SoftKey()
    await register_passkey(env, key)
    await admin(
        env,
        "PUT",
        ADMIN,
        {"webAuthnPolicyPasswordlessRpEntityName": "keycloak", "webAuthnPolicyPasswordlessPasskeysEnabled": False},
        204,
    )
    page = await start(env.http, "test", "app")
    again = await submit(env.http, page, **key.get("AAAA", user_handle=await user_id(env)))
    assert "Invalid username or password." in again.text
    assert [e.error for e in await events(env, "LOGIN_ERROR")] == ["user_not_found"]


async def test_a_re_authentication_refuses_another_users_passkey(env: Env) -> None:
    """The user known before the form (USER_SET_BEFORE_USERNAME_PASSWORD_AUTH) must be the passkey's: another
    handle is WEBAUTHN_ERROR_DIFFERENT_USER, counted against the known user; the form stays a re-authentication."""
    await seed(env)
    key = SoftKey()
    await register_passkey(env, key)
    first = await login_page(env)
    code_from(await submit(env.http, first, username="user1", password="password"))
    again = await start(env.http, "test", "app", prompt="login")
    other = await submit(env.http, again, **key.get(passkey_options(again.text)["challenge"], user_handle="someone"))
    assert "First authenticated user is not the one authenticated by the Passkey." in other.text
    assert 'name="username"' not in other.text
    error, details = await _refused(env, "webauthn-error-different-user")
    assert error == "different_user_authenticated" and details["web_authn_authenticated_user_id"] == "someone"
