"""The webauthn-register required action (Keycloak 26's WebAuthnRegister) over HTTP: its errors and their events,
the challenge spent once, the policy's options on the page, a client asking for it (kc_action, cancel-aia), and the
stored key in the admin and Account REST APIs (listed, removed: REMOVE_CREDENTIAL)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from browser_flow import code_from, form_action, form_fields, start, submit
from support import password_grant, update_user
from webauthn_flow import admin, events, password_page, seed, user_id, webauthn_flow
from webauthn_port import SoftKey, b64url, page_options
from wire_env import Env

pytestmark = pytest.mark.anyio
ADMIN = "/admin/realms/test"
ACCOUNT = "/realms/test/account/credentials"


@pytest.fixture
async def realm(env: Env) -> Env:
    await seed(env)
    await update_user(env.db, "test", "user1", required_actions=("webauthn-register",))
    return env


async def test_an_error_from_the_browser_is_a_register_verification_error(realm: Env) -> None:
    env = realm
    page = await password_page(env)
    assert page_options(page.text)["challenge"]
    refused = await submit(env.http, page, error="NotAllowedError")
    assert refused.status_code == 200 and "Passkey registration result is invalid. NotAllowedError" in refused.text
    errors = {e.type: e for e in await events(env, "UPDATE_CREDENTIAL_ERROR", "CUSTOM_REQUIRED_ACTION_ERROR")}
    assert set(errors) == {"UPDATE_CREDENTIAL_ERROR", "CUSTOM_REQUIRED_ACTION_ERROR"}
    for found in errors.values():
        assert found.error == "invalid_user_credentials"
        assert found.details["web_authn_registration_error"] == "webauthn-error-register-verification"
        assert found.details["web_authn_registration_error_detail"] == "NotAllowedError"
        assert found.details["credential_type"] == "webauthn"
    again = await submit(env.http, refused, isSetRetry="retry")
    key = SoftKey()
    assert "code" in code_from(await submit(env.http, again, **key.create(page_options(again.text)["challenge"])))


async def test_an_attestation_that_does_not_verify_is_a_registration_error(realm: Env) -> None:
    env = realm
    page = await password_page(env)
    challenge = page_options(page.text)["challenge"]
    refused = await submit(env.http, page, **SoftKey().create(challenge, origin="http://evil.example"))
    assert "Failed to register your Passkey." in refused.text
    found = await events(env, "UPDATE_CREDENTIAL_ERROR")
    assert [e.error for e in found] == ["invalid_registration"]
    assert found[0].details["web_authn_registration_error"] == "webauthn-error-registration"
    uid = await user_id(env)
    stored = (await admin(env, "GET", f"{ADMIN}/users/{uid}/credentials", status=200)).json()
    assert [c["type"] for c in stored] == ["password"]


async def test_the_challenge_is_spent_once(realm: Env) -> None:
    """Two posts of one page's answer: the second finds its challenge spent (a replay from another tab)."""
    env = realm
    page = await password_page(env)
    answer = SoftKey().create(page_options(page.text)["challenge"])
    refused = await submit(env.http, page, **SoftKey().create(page_options(page.text)["challenge"], origin="http://x"))
    assert "Failed to register your Passkey." in refused.text  # the challenge is spent by this post
    again = await submit(env.http, refused, isSetRetry="retry")
    replayed = {**form_fields(again.text), **answer}
    replay = await env.http.post(form_action(again.text), data=replayed)
    assert "Failed to register your Passkey." in replay.text
    details = {e.details["web_authn_registration_error_detail"] for e in await events(env, "UPDATE_CREDENTIAL_ERROR")}
    assert len(details) == 2  # the origin, then the challenge that is not the page's


async def test_the_policy_shapes_the_page_and_avoids_registering_the_same_key(realm: Env) -> None:
    env = realm
    policy = {
        "webAuthnPolicyRpEntityName": "Example",
        "webAuthnPolicySignatureAlgorithms": ["ES256"],
        "webAuthnPolicyAttestationConveyancePreference": "none",
        "webAuthnPolicyAuthenticatorAttachment": "cross-platform",
        "webAuthnPolicyRequireResidentKey": "No",
        "webAuthnPolicyUserVerificationRequirement": "preferred",
        "webAuthnPolicyCreateTimeout": 30,
        "webAuthnPolicyAvoidSameAuthenticatorRegister": True,
    }
    await admin(env, "PUT", ADMIN, policy, 204)
    key = SoftKey()
    page = await password_page(env)
    answer = key.create(page_options(page.text)["challenge"], attachment="cross-platform")
    code_from(await submit(env.http, page, **answer))
    env.http.cookies.clear()
    await update_user(env.db, "test", "user1", required_actions=("webauthn-register",))
    options = page_options((await password_page(env)).text)
    assert options["rpEntityName"] == "Example" and options["algorithms"] == [-7] and options["timeout"] == 30000
    assert options["attestation"] == "none"
    assert options["authenticatorSelection"] == {
        "authenticatorAttachment": "cross-platform",
        "residentKey": "discouraged",
        "requireResidentKey": False,
        "userVerification": "preferred",
    }
    assert options["excludeCredentialIds"] == [b64url(key.credential_id)]


async def test_a_client_asks_for_it_and_the_user_cancels(realm: Env) -> None:
    """kc_action=webauthn-register: the page offers cancel-aia; cancelled, kc_action_status=cancelled."""
    env = realm
    await update_user(env.db, "test", "user1", required_actions=())
    page = await start(env.http, "test", "app", kc_action="webauthn-register")
    shown = await submit(env.http, page, username="user1", password="password")
    assert 'id="cancelWebAuthnAIA"' in shown.text
    cancelled = await submit(env.http, shown, **{"cancel-aia": "true"})
    assert code_from(cancelled)["kc_action_status"] == "cancelled"


async def test_the_key_in_the_admin_and_account_apis(realm: Env) -> None:
    """Listed (Account REST: while a flow runs the WebAuthn authenticator) and removed (REMOVE_CREDENTIAL)."""
    env = realm
    await webauthn_flow(env, conditional=True)
    page = await password_page(env)
    code_from(await submit(env.http, page, **SoftKey().create(page_options(page.text)["challenge"], label="blue")))
    token = (await password_grant(env.http, "test", "app")).json()["access_token"]
    headers = {"Authorization": f"Bearer {token}", "Accept": "application/json"}
    body: list[dict[str, Any]] = (await env.http.get(ACCOUNT, headers=headers)).json()
    assert [c["type"] for c in body] == ["password", "otp", "webauthn"]
    container = body[2]
    meta = container.pop("userCredentialMetadatas")
    assert container == {
        "type": "webauthn",
        "category": "two-factor",
        "displayName": "webauthn-display-name",
        "helptext": "webauthn-help-text",
        "iconCssClass": "kcAuthenticatorWebAuthnClass",
        "createAction": "webauthn-register",
        "removeable": True,
    }
    credential = meta[0]["credential"]
    assert credential["userLabel"] == "blue" and json.loads(credential["credentialData"])["counter"] == 0
    gone = await env.http.delete(f"{ACCOUNT}/{credential['id']}", headers=headers)
    assert gone.status_code == 204
    (removed,) = await events(env, "REMOVE_CREDENTIAL")
    assert removed.details["credential_type"] == "webauthn"
    assert await events(env, "REMOVE_TOTP") == []

    await update_user(env.db, "test", "user1", required_actions=("webauthn-register",))
    env.http.cookies.clear()
    page = await password_page(env)
    code_from(await submit(env.http, page, **SoftKey().create(page_options(page.text)["challenge"])))
    uid = await user_id(env)
    stored = (await admin(env, "GET", f"{ADMIN}/users/{uid}/credentials", status=200)).json()
    (key,) = [c for c in stored if c["type"] == "webauthn"]
    await admin(env, "DELETE", f"{ADMIN}/users/{uid}/credentials/{key['id']}", status=204)
    stored = (await admin(env, "GET", f"{ADMIN}/users/{uid}/credentials", status=200)).json()
    assert [c["type"] for c in stored] == ["password"]


async def test_sign_out_from_other_devices(realm: Env) -> None:
    """The page's logout-sessions box: the user's other sessions end once the key is checked."""
    env = realm
    await update_user(env.db, "test", "user1", required_actions=())
    elsewhere = (await password_grant(env.http, "test", "app")).json()["session_state"]  # a session elsewhere
    await update_user(env.db, "test", "user1", required_actions=("webauthn-register",))
    uid = await user_id(env)
    assert len((await admin(env, "GET", f"{ADMIN}/users/{uid}/sessions", status=200)).json()) == 1
    page = await password_page(env)
    assert 'name="logout-sessions"' in page.text
    answer = SoftKey().create(page_options(page.text)["challenge"])
    code_from(await submit(env.http, page, **answer, **{"logout-sessions": "on"}))
    sessions = (await admin(env, "GET", f"{ADMIN}/users/{uid}/sessions", status=200)).json()
    assert len(sessions) == 1 and sessions[0]["id"] != elsewhere  # only this login's


async def test_the_account_consoles_delete_removes_a_key(realm: Env) -> None:
    """kc_action=delete_credential:{id} (Signing in's Delete): delete-credential.ftl, then the key is gone."""
    env = realm
    page = await password_page(env)
    code_from(await submit(env.http, page, **SoftKey().create(page_options(page.text)["challenge"], label="blue")))
    uid = await user_id(env)
    stored = (await admin(env, "GET", f"{ADMIN}/users/{uid}/credentials", status=200)).json()
    (key,) = [c for c in stored if c["type"] == "webauthn"]
    confirm = await start(env.http, "test", "app", kc_action=f"delete_credential:{key['id']}")
    assert confirm.status_code == 200 and '<h1 id="kc-page-title">Delete blue</h1>' in confirm.text
    done = await env.http.post(form_action(confirm.text), data={**form_fields(confirm.text), "accept": "yes"})
    assert code_from(done)["kc_action_status"] == "success"
    stored = (await admin(env, "GET", f"{ADMIN}/users/{uid}/credentials", status=200)).json()
    assert [c["type"] for c in stored] == ["password"]
    (removed,) = await events(env, "REMOVE_CREDENTIAL")
    assert (removed.details["credential_type"], removed.details["credential_id"]) == ("webauthn", key["id"])


async def test_skip_if_exists_passes_over_a_user_with_a_key(realm: Env) -> None:
    """WebAuthnRegister.requiredActionChallenge: ``kc_action=webauthn-register:skip_if_exists`` needs no page for a
    user who has a key (CUSTOM_REQUIRED_ACTION, kc_action_status=success); without one the page shows."""
    env = realm
    await update_user(env.db, "test", "user1", required_actions=())
    page = await start(env.http, "test", "app", kc_action="webauthn-register:skip_if_exists")
    shown = await submit(env.http, page, username="user1", password="password")
    assert 'id="registerWebAuthn"' in shown.text
    code_from(await submit(env.http, shown, **SoftKey().create(page_options(shown.text)["challenge"])))
    env.http.cookies.clear()
    page = await start(env.http, "test", "app", kc_action="webauthn-register:skip_if_exists")
    params = code_from(await submit(env.http, page, username="user1", password="password"))
    assert params["kc_action_status"] == "success" and "code" in params
    passed = [e for e in await events(env, "CUSTOM_REQUIRED_ACTION") if e.details.get("credential_type") is None]
    assert [e.details["custom_required_action"] for e in passed] == ["webauthn-register"]
