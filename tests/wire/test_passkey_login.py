"""Passwordless WebAuthn as the first factor (realms/flow_plan.py, oauth/login_username.py, oauth/login_webauthn.py,
oauth/webauthn_register.py), driven over HTTP with a software passkey (webauthn_port): a browser flow whose forms
are the Username Form then the WebAuthn Passwordless Authenticator, both REQUIRED, as Keycloak's documented
passwordless flow. A user without a passkey is sent to webauthn-register-passwordless
(WebAuthnPasswordlessAuthenticator.setRequiredActions), which follows the realm's passwordless policy and stores a
``webauthn-passwordless`` credential; a user with one gets the passkey page (no list of authenticators:
shouldDisplayAuthenticators) and WebAuthnAuthenticator.action's checks, with ``credential_type``
``webauthn-passwordless`` on the events. The Chromium virtual-authenticator run is
tests/browser/test_passkey_login_in_chromium.py."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from browser_flow import code_from, start, submit
from flow_builder import ADMIN, ALT, AUTH, REQ, add, add_flow, admin, events
from support import seed_login_realm
from webauthn_port import SoftKey, b64url, page_options
from wire_env import Env

pytestmark = pytest.mark.anyio
PASSKEY = "webauthn-authenticator-passwordless"


@pytest.fixture
async def realm(env: Env) -> Env:
    await seed_login_realm(env.db, env.clock, events=True)
    body = {"alias": "passkeys", "providerId": "basic-flow", "topLevel": True, "builtIn": False, "description": ""}
    await admin(env, "POST", f"{AUTH}/flows", body, 201)
    await add(env, "passkeys", "auth-cookie", ALT)
    await add_flow(env, "passkeys", "passkeys forms", ALT)
    await add(env, "passkeys forms", "auth-username-form", REQ)
    await add(env, "passkeys forms", PASSKEY, REQ)
    await admin(env, "PUT", ADMIN, {"browserFlow": "passkeys"}, 204)
    return env


async def after_username(env: Env, **params: str) -> httpx.Response:
    page = await start(env.http, "test", "app", **params)
    assert page.status_code == 200 and 'name="password"' not in page.text, page.text[:300]
    return await submit(env.http, page, username="user1")


async def user_id(env: Env) -> str:
    [user] = (await admin(env, "GET", f"{ADMIN}/users?username=user1&exact=true", status=200)).json()
    found: str = user["id"]
    return found


async def credentials(env: Env, kind: str) -> list[dict[str, Any]]:
    stored = (await admin(env, "GET", f"{ADMIN}/users/{await user_id(env)}/credentials", status=200)).json()
    return [c for c in stored if c["type"] == kind]


async def register(env: Env, key: SoftKey) -> None:
    page = await after_username(env)
    assert "execution=webauthn-register-passwordless" in page.text
    code_from(await submit(env.http, page, **key.create(page_options(page.text)["challenge"], label="my passkey")))
    env.http.cookies.clear()


async def test_a_user_without_a_passkey_registers_one_under_the_passwordless_policy(realm: Env) -> None:
    """setRequiredActions: webauthn-register-passwordless after the username; its options follow
    ``webAuthnPolicyPasswordless*`` (here a resident key and user verification required, as Keycloak's docs set
    it); the passkey is stored as ``webauthn-passwordless`` with its events, and no password was asked."""
    policy = {
        "webAuthnPolicyPasswordlessRequireResidentKey": "Yes",
        "webAuthnPolicyPasswordlessUserVerificationRequirement": "required",
        "webAuthnPolicyPasswordlessRpEntityName": "passkeys",
    }
    await admin(realm, "PUT", ADMIN, policy, 204)
    page = await after_username(realm)
    options = page_options(page.text)
    assert options["rpEntityName"] == "passkeys"
    selection = {"residentKey": "required", "requireResidentKey": True, "userVerification": "required"}
    assert options["authenticatorSelection"] == selection
    key = SoftKey()
    assert "code" in code_from(await submit(realm.http, page, **key.create(options["challenge"], label="phone")))
    [stored] = await credentials(realm, "webauthn-passwordless")
    assert stored["userLabel"] == "phone" and await credentials(realm, "webauthn") == []
    (updated,) = await events(realm, "UPDATE_CREDENTIAL")
    assert updated.details["credential_type"] == "webauthn-passwordless"
    (custom,) = await events(realm, "CUSTOM_REQUIRED_ACTION")
    assert custom.details["custom_required_action"] == "webauthn-register-passwordless"


async def test_a_user_with_a_passkey_signs_in_with_it(realm: Env) -> None:
    """The passkey page after the username: the user's passkeys allowed but not listed; the assertion with the
    user handle signs in; LOGIN with ``credential_type`` ``webauthn-passwordless``; the counter moves on."""
    key = SoftKey()
    await register(realm, key)
    page = await after_username(realm)
    assert 'id="authenticateWebAuthnButton"' in page.text and "kc-webauthn-authenticator-label" not in page.text
    assert 'id="kc-attempted-username">user1<' in page.text
    options = page_options(page.text)
    assert options["allowCredentials"] == [b64url(key.credential_id)]
    done = await submit(realm.http, page, **key.get(options["challenge"], user_handle=await user_id(realm)))
    assert "code" in code_from(done)
    logins = [e for e in await events(realm, "LOGIN") if e.details.get("credential_type") == "webauthn-passwordless"]
    assert len(logins) == 1 and logins[0].details["public_key_credential_id"] == b64url(key.credential_id)
    [stored] = await credentials(realm, "webauthn-passwordless")
    assert json.loads(stored["credentialData"])["counter"] == key.counter


async def test_a_two_factor_key_is_not_a_passkey(realm: Env) -> None:
    """A ``webauthn`` (two-factor) credential does not answer the passkey step: a user with the webauthn-register
    action registers a security key, then is still sent to register a passkey (the actions by the realm's
    priorities); the security key's assertion at the passkey page is an unknown one (WEBAUTHN_ERROR_USER_NOT_FOUND)."""
    await admin(realm, "PUT", f"{ADMIN}/users/{await user_id(realm)}", {"requiredActions": ["webauthn-register"]}, 204)
    page = await after_username(realm)
    assert "execution=webauthn-register&" in page.text.replace("&amp;", "&")
    security_key, passkey = SoftKey(), SoftKey()
    then = await submit(realm.http, page, **security_key.create(page_options(page.text)["challenge"]))
    assert "execution=webauthn-register-passwordless" in then.text
    code_from(await submit(realm.http, then, **passkey.create(page_options(then.text)["challenge"])))
    assert (
        len(await credentials(realm, "webauthn")) == 1 and len(await credentials(realm, "webauthn-passwordless")) == 1
    )
    realm.http.cookies.clear()
    page = await after_username(realm)
    assert page_options(page.text)["allowCredentials"] == [b64url(passkey.credential_id)]
    unknown = await submit(realm.http, page, **security_key.get(page_options(page.text)["challenge"]))
    assert "Unknown user authenticated by the Passkey." in unknown.text
    [error] = await events(realm, "LOGIN_ERROR")
    assert (error.error, error.details["credential_type"]) == ("user_not_found", "webauthn-passwordless")


async def test_errors_of_the_passkey_page_and_try_again(realm: Env) -> None:
    """WebAuthnAuthenticator.action under the passwordless authenticator: an error from the browser is
    ``not_allowed``, another user's handle ``different_user_authenticated``; "Try again" shows the passkey page
    with a new challenge, which then signs in."""
    key = SoftKey()
    await register(realm, key)
    page = await after_username(realm)
    refused = await submit(realm.http, page, error="NotAllowedError: The operation timed out.")
    assert "Failed to authenticate by the Passkey." in refused.text
    again = await submit(realm.http, refused, isSetRetry="retry")
    other = await submit(realm.http, again, **key.get(page_options(again.text)["challenge"], user_handle="someone"))
    assert "First authenticated user is not the one authenticated by the Passkey." in other.text
    last = await submit(realm.http, other, isSetRetry="retry")
    assert "code" in code_from(await submit(realm.http, last, **key.get(page_options(last.text)["challenge"])))
    errors = sorted((e.error, e.details["credential_type"]) for e in await events(realm, "LOGIN_ERROR"))
    assert errors == [
        ("different_user_authenticated", "webauthn-passwordless"),
        ("not_allowed", "webauthn-passwordless"),
    ]


async def test_without_the_register_action_enabled_the_login_stops(realm: Env) -> None:
    """A REQUIRED passkey step for a user without one, webauthn-register-passwordless disabled: Keycloak's
    CREDENTIAL_SETUP_REQUIRED ("Cannot login, credential setup required.")."""
    path = f"{ADMIN}/authentication/required-actions/webauthn-register-passwordless"
    action = (await admin(realm, "GET", path, status=200)).json()
    await admin(realm, "PUT", path, {**action, "enabled": False}, 204)
    refused = await after_username(realm)
    assert "Cannot login, credential setup required." in refused.text
    assert "code=" not in refused.headers.get("location", "")


async def test_a_re_authentication_asks_the_passkey(realm: Env) -> None:
    """``prompt=login`` over the SSO session: UsernameForm passes (the user is known), the passkey asks."""
    key = SoftKey()
    await register(realm, key)
    code_from(await _sign_in(realm, key))
    again = await start(realm.http, "test", "app", prompt="login")
    assert 'id="authenticateWebAuthnButton"' in again.text and 'name="username"' not in again.text
    assert "code" in code_from(await submit(realm.http, again, **key.get(page_options(again.text)["challenge"])))


async def _sign_in(env: Env, key: SoftKey) -> httpx.Response:
    page = await after_username(env)
    return await submit(env.http, page, **key.get(page_options(page.text)["challenge"]))
