"""Two-factor WebAuthn in a browser flow an admin builds, as Keycloak 26 runs it (WebAuthnAuthenticator after the
password, WebAuthnRegister for a user without a key), driven over HTTP with a software key built in Python
(webauthn_port). After Keycloak's WebAuthnRegisterAndLoginTest (registerUserSuccess) and
BrowserFlowTest.testLoginWithWithNoWebAuthnCredential, with the error cases of WebAuthnAuthenticator.action."""

from __future__ import annotations

import json
from typing import Any

import pytest

from browser_flow import code_from, submit
from webauthn_flow import admin, events, password_page, seed, user_id, webauthn_flow
from webauthn_port import UP, SoftKey, b64url, page_options
from wire_env import Env

pytestmark = pytest.mark.anyio
ADMIN = "/admin/realms/test"


@pytest.fixture
async def realm(env: Env) -> Env:
    await seed(env)
    return env


async def webauthn_logins(env: Env) -> list[Any]:
    """The LOGIN events of logins the WebAuthn step ended (the others have no credential_type)."""
    return [e for e in await events(env, "LOGIN") if e.details.get("credential_type") == "webauthn"]


async def register_key(env: Env, key: SoftKey) -> None:
    """A login whose REQUIRED WebAuthn step sends the keyless user1 to webauthn-register; the key registered."""
    page = await password_page(env)
    assert 'id="registerWebAuthn"' in page.text and "execution=webauthn-register" in page.text
    code_from(await submit(env.http, page, **key.create(page_options(page.text)["challenge"])))
    env.http.cookies.clear()


async def test_register_user_success_then_login_with_the_key(realm: Env) -> None:
    """WebAuthnRegisterAndLoginTest.registerUserSuccess: the page's options, the key stored, the login with it."""
    env = realm
    await webauthn_flow(env)
    uid = await user_id(env)
    page = await password_page(env)
    options = page_options(page.text)
    assert (options["userId"], options["username"], options["rpId"]) == (b64url(uid.encode()), "user1", "localhost")
    assert (options["rpEntityName"], options["algorithms"], options["excludeCredentialIds"]) == (
        "keycloak",
        [-7, -257],
        [],
    )
    key = SoftKey()
    done = await submit(env.http, page, **key.create(options["challenge"], label="yubikey"))
    assert "code" in code_from(done)

    stored = (await admin(env, "GET", f"{ADMIN}/users/{uid}/credentials", status=200)).json()
    webauthn = [c for c in stored if c["type"] == "webauthn"]
    assert len(webauthn) == 1 and webauthn[0]["userLabel"] == "yubikey" and "secretData" not in webauthn[0]
    data = json.loads(webauthn[0]["credentialData"])
    assert data["attestationStatementFormat"] == "none" and data["transports"] == ["usb"]
    assert data["aaguid"] == "00000000-0000-0000-0000-000000000000"
    (updated,) = await events(env, "UPDATE_CREDENTIAL")
    assert updated.details["credential_type"] == "webauthn"
    assert updated.details["public_key_credential_label"] == "yubikey"
    assert updated.details["public_key_credential_id"] == b64url(key.credential_id)
    (custom,) = await events(env, "CUSTOM_REQUIRED_ACTION")
    assert custom.details["custom_required_action"] == "webauthn-register"

    env.http.cookies.clear()
    page = await password_page(env)
    options = page_options(page.text)
    assert options["allowCredentials"] == [b64url(key.credential_id)] and options["rpId"] == "localhost"
    assert 'class="kc-webauthn-authenticator-label">yubikey<' in page.text
    assert "code" in code_from(await submit(env.http, page, **key.get(options["challenge"], user_handle=uid)))
    (login,) = await webauthn_logins(env)
    assert login.details["public_key_credential_id"] == b64url(key.credential_id)
    assert login.details["web_authn_authenticator_user_verification_checked"] == "false"
    counter = json.loads(
        next(
            c for c in (await admin(env, "GET", f"{ADMIN}/users/{uid}/credentials")).json() if c["type"] == "webauthn"
        )["credentialData"]
    )["counter"]
    assert counter == 1


async def test_a_wrong_assertion_is_refused_and_try_again_shows_a_new_challenge(realm: Env) -> None:
    """WebAuthnAuthenticator.action: WEBAUTHN_ERROR_AUTH_VERIFICATION, then the error page's Try again."""
    env = realm
    await webauthn_flow(env)
    key = SoftKey()
    await register_key(env, key)
    page = await password_page(env)
    challenge = page_options(page.text)["challenge"]
    forged = {**key.get(challenge), "signature": b64url(b"\x30\x06\x02\x01\x01\x02\x01\x01")}
    refused = await submit(env.http, page, **forged)
    assert refused.status_code == 200 and "Passkey authentication result is invalid." in refused.text
    (error,) = await events(env, "LOGIN_ERROR")
    assert (error.error, error.details["credential_type"]) == ("invalid_user_credentials", "webauthn")
    assert error.details["web_authn_authentication_error"] == "webauthn-error-auth-verification"
    again = await submit(env.http, refused, isSetRetry="retry")
    fresh = page_options(again.text)["challenge"]
    assert fresh != challenge
    assert "code" in code_from(await submit(env.http, again, **key.get(fresh)))


async def test_an_error_from_the_browser_and_missing_fields_are_not_allowed(realm: Env) -> None:
    env = realm
    await webauthn_flow(env)
    await register_key(env, SoftKey())
    page = await password_page(env)
    refused = await submit(env.http, page, error="NotAllowedError: The operation timed out.")
    assert "Failed to authenticate by the Passkey." in refused.text
    again = await submit(env.http, refused, isSetRetry="retry")
    missing = await submit(env.http, again, clientDataJSON="e30")
    assert "Failed to authenticate by the Passkey." in missing.text
    found = await events(env, "LOGIN_ERROR")
    assert [e.error for e in found] == ["not_allowed", "not_allowed"]
    details = sorted(e.details["web_authn_authentication_error_detail"] for e in found)
    assert details == ["Missing compulsory webauthn parameters", "NotAllowedError: The operation timed out."]


async def test_another_users_handle_and_an_unknown_key_are_refused(realm: Env) -> None:
    env = realm
    await webauthn_flow(env)
    key = SoftKey()
    await register_key(env, key)
    page = await password_page(env)
    options = page_options(page.text)
    other = await submit(env.http, page, **key.get(options["challenge"], user_handle="someone-else"))
    assert "First authenticated user is not the one authenticated by the Passkey." in other.text
    again = await submit(env.http, other, isSetRetry="retry")
    unknown = await submit(env.http, again, **SoftKey().get(page_options(again.text)["challenge"]))
    assert "Unknown user authenticated by the Passkey." in unknown.text
    errors = {e.error: e for e in await events(env, "LOGIN_ERROR")}
    assert set(errors) == {"different_user_authenticated", "user_not_found"}
    assert errors["different_user_authenticated"].details["web_authn_authenticated_user_id"] == "someone-else"


async def test_user_verification_required_by_the_policy(realm: Env) -> None:
    """A key that did not verify the user is refused once the policy requires it."""
    env = realm
    await webauthn_flow(env)
    key = SoftKey()
    await register_key(env, key)
    await admin(
        env,
        "PUT",
        ADMIN,
        {"webAuthnPolicyRpEntityName": "keycloak", "webAuthnPolicyUserVerificationRequirement": "required"},
        204,
    )
    page = await password_page(env)
    assert page_options(page.text)["userVerification"] == "required"
    refused = await submit(env.http, page, **key.get(page_options(page.text)["challenge"], flags=UP))
    assert "Passkey authentication result is invalid." in refused.text
    again = await submit(env.http, refused, isSetRetry="retry")
    assert "code" in code_from(await submit(env.http, again, **key.get(page_options(again.text)["challenge"])))
    (login,) = await webauthn_logins(env)
    assert login.details["web_authn_authenticator_user_verification_checked"] == "true"


async def test_conditional_sub_flow_asks_only_a_user_with_a_key(realm: Env) -> None:
    """conditional-user-configured before the WebAuthn authenticator: a keyless user is not asked to register."""
    env = realm
    await webauthn_flow(env, conditional=True)
    assert "code" in code_from(await password_page(env))
    env.http.cookies.clear()
    await admin(env, "PUT", f"{ADMIN}/users/{await user_id(env)}", {"requiredActions": ["webauthn-register"]}, 204)
    page = await password_page(env)
    key = SoftKey()
    code_from(await submit(env.http, page, **key.create(page_options(page.text)["challenge"])))
    env.http.cookies.clear()
    page = await password_page(env)
    assert 'id="authenticateWebAuthnButton"' in page.text
    assert "code" in code_from(await submit(env.http, page, **key.get(page_options(page.text)["challenge"])))


async def test_required_step_without_the_action_enabled_cannot_log_in(realm: Env) -> None:
    """BrowserFlowTest.testLoginWithWithNoWebAuthnCredentialAndRequiredActionProviderDisabled."""
    env = realm
    await webauthn_flow(env)
    action = (await admin(env, "GET", f"{ADMIN}/authentication/required-actions/webauthn-register", status=200)).json()
    await admin(env, "PUT", f"{ADMIN}/authentication/required-actions/webauthn-register", {**action, "enabled": False})
    page = await password_page(env)
    assert page.status_code == 400 and "Cannot login, credential setup required." in page.text
