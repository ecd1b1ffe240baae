"""Passkeys on the login form (oauth/login_passkeys.py), as Keycloak 26.4's UsernamePasswordForm with
WebAuthnConditionalUIAuthenticator (PasskeysUsernamePasswordFormTest): with the realm's
``webAuthnPolicyPasswordlessPasskeysEnabled`` on, the username and password page carries a challenge and
``autocomplete="username webauthn"``; a discoverable passkey's assertion posted from it signs the user its user
handle names in, without a password. Its failures are the hostile tests of test_hostile_s43_passkeys.py."""

from __future__ import annotations

import json

import pytest

from browser_flow import code_from, start, submit
from flow_builder import ADMIN, admin, events
from passkeys_support import (
    ENTITY,
    PASSKEYS,
    autocomplete,
    bind_username_then_password,
    login_page,
    passkey_options,
    register_passkey,
    seed,
    user_id,
)
from webauthn_port import SoftKey, b64url
from wire_env import Env

pytestmark = pytest.mark.anyio


async def test_without_the_switch_the_login_form_has_no_passkeys(env: Env) -> None:
    """The switch is off by default: the representation says so, and the page is the plain login form."""
    await seed(env, passkeys=False)
    realm = (await admin(env, "GET", ADMIN, status=200)).json()
    assert realm[PASSKEYS] is False
    page = await login_page(env)
    assert autocomplete(page.text) == "username"
    assert 'id="webauthn-options"' not in page.text and 'id="authenticateWebAuthnButton"' not in page.text


async def test_the_switch_is_stored_and_typed(env: Env) -> None:
    """A Boolean of the representation (the string ``"true"`` read as Jackson does); another type is a 400; a
    PUT that names the policy's entity without it turns it off again, as every other field of the policy
    (getWebAuthnPolicyPasswordless); one that names no entity leaves the policy as it was (updateRealm)."""
    await seed(env, passkeys=False)
    await admin(env, "PUT", ADMIN, {ENTITY: "keycloak", PASSKEYS: "true"}, 204)
    assert (await admin(env, "GET", ADMIN, status=200)).json()[PASSKEYS] is True
    await admin(env, "PUT", ADMIN, {ENTITY: "keycloak", PASSKEYS: 3}, 400)
    await admin(env, "PUT", ADMIN, {"displayName": "Test", PASSKEYS: False}, 204)
    assert (await admin(env, "GET", ADMIN, status=200)).json()[PASSKEYS] is True
    await admin(env, "PUT", ADMIN, {ENTITY: "keycloak"}, 204)
    assert (await admin(env, "GET", ADMIN, status=200)).json()[PASSKEYS] is False


async def test_the_login_form_offers_passkeys_and_one_signs_in_without_a_password(env: Env) -> None:
    """fillContextForm: a challenge, the passwordless policy's options, no user identified, no credentials named
    (the browser's autofill lists the discoverable ones); the assertion with the user handle signs in: LOGIN with
    ``credential_type`` ``webauthn-passwordless``, user verification checked (the passwordless policy requires it by
    default: WebAuthnPolicyPasswordlessDefaults), the counter moved on."""
    await seed(env)
    key = SoftKey()
    await register_passkey(env, key)
    page = await login_page(env)
    assert autocomplete(page.text) == "username webauthn"
    assert 'id="authenticateWebAuthnButton"' in page.text and 'id="kc-form-login"' in page.text
    options = passkey_options(page.text)
    assert options["isUserIdentified"] is False and options["allowCredentials"] == []
    assert options["rpId"] == "localhost"
    answer = key.get(options["challenge"], user_handle=await user_id(env))
    assert "code" in code_from(await submit(env.http, page, **answer))
    [login] = [e for e in await events(env, "LOGIN") if e.details.get("credential_type") == "webauthn-passwordless"]
    assert login.details["public_key_credential_id"] == b64url(key.credential_id)
    assert login.details["web_authn_authenticator_user_verification_checked"] == "true"
    stored = (await admin(env, "GET", f"{ADMIN}/users/{await user_id(env)}/credentials", status=200)).json()
    [passkey] = [c for c in stored if c["type"] == "webauthn-passwordless"]
    assert json.loads(passkey["credentialData"])["counter"] == key.counter


async def test_every_page_draws_a_new_challenge(env: Env) -> None:
    """The form shown again (here after a wrong password) carries a new challenge, and still the passkeys."""
    await seed(env)
    page = await login_page(env)
    again = await submit(env.http, page, username="user1", password="wrong")
    assert "Invalid username or password." in again.text
    assert passkey_options(again.text)["challenge"] != passkey_options(page.text)["challenge"]


async def test_the_password_still_signs_in_beside_the_passkeys(env: Env) -> None:
    await seed(env)
    page = await login_page(env)
    assert "code" in code_from(await submit(env.http, page, username="user1", password="password"))


async def test_the_username_page_of_identity_first_offers_passkeys(env: Env) -> None:
    """UsernameForm does the same: the username page carries the challenge, and the passkey skips the password."""
    await seed(env)
    key = SoftKey()
    await register_passkey(env, key)
    await bind_username_then_password(env, **{PASSKEYS: True})
    page = await login_page(env)
    assert 'name="password"' not in page.text and autocomplete(page.text) == "username webauthn"
    answer = key.get(passkey_options(page.text)["challenge"], user_handle=await user_id(env))
    assert "code" in code_from(await submit(env.http, page, **answer))


async def test_a_re_authentication_offers_the_known_users_passkeys(env: Env) -> None:
    """``prompt=login`` over the SSO session: the user known holds a passkey (isConditionalPasskeysEnabled), so
    the form names that user's passkeys (``isUserIdentified``) and the passkey re-authenticates."""
    await seed(env)
    key = SoftKey()
    await register_passkey(env, key)
    first = await login_page(env)
    code_from(await submit(env.http, first, username="user1", password="password"))
    again = await start(env.http, "test", "app", prompt="login")
    options = passkey_options(again.text)
    assert options["isUserIdentified"] is True and options["allowCredentials"] == [b64url(key.credential_id)]
    assert "code" in code_from(
        await submit(env.http, again, **key.get(options["challenge"], user_handle=await user_id(env)))
    )


async def test_a_re_authentication_of_a_user_without_a_passkey_has_none(env: Env) -> None:
    await seed(env)
    first = await login_page(env)
    code_from(await submit(env.http, first, username="user1", password="password"))
    again = await start(env.http, "test", "app", prompt="login")
    assert 'name="password"' in again.text and 'id="webauthn-options"' not in again.text
