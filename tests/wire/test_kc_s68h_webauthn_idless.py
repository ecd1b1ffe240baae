"""Ports of Keycloak's WebAuthnIdlessTest (testsuite webauthn): a passkey registered at
webauthn-register-passwordless after the username and password, then the usernameless ("ID-less") flow whose
forms hold only a REQUIRED WebAuthn Passwordless Authenticator. The virtual authenticator is a software key
(webauthn_port); a key the browser cannot use (not discoverable, or none registered) is the browser's
NotAllowedError posted in the form's ``error``.

Not ported: testWebAuthnIDLessAndWebAuthnAndWebAuthnPasswordlessLogin's flow of three ALTERNATIVE ways (a
sub-flow of username, password and security key; one of username and passkey; the passkey alone). Doorkeep
binds the WebAuthn Passwordless Authenticator as an ALTERNATIVE only beside the Password Form
(docs/webauthn.md, "Not supported")."""

from __future__ import annotations

import pytest

from browser_flow import code_from, start, submit
from flow_builder import ADMIN, ALT, AUTH, REQ, add, add_flow, admin, events
from passkeys_support import ENTITY, user_id
from support import seed_login_realm
from webauthn_port import SoftKey, b64url, page_options
from wire_env import Env

pytestmark = pytest.mark.anyio
PASSKEY = "webauthn-authenticator-passwordless"
UV_CHECKED = "web_authn_authenticator_user_verification_checked"
ALL_ZERO_AAGUID = "00000000-0000-0000-0000-000000000000"


async def realm(env: Env) -> None:
    """setWebAuthnRealmSettings(false, false, true, true): the passwordless policy asks for a resident key and
    user verification; the two-factor policy neither."""
    await seed_login_realm(env.db, env.clock, events=True)
    policy = {
        ENTITY: "localhost",
        "webAuthnPolicyPasswordlessRpId": "localhost",
        "webAuthnPolicyPasswordlessRequireResidentKey": "Yes",
        "webAuthnPolicyPasswordlessUserVerificationRequirement": "required",
        "webAuthnPolicyRpEntityName": "localhost",
        "webAuthnPolicyRpId": "localhost",
        "webAuthnPolicyRequireResidentKey": "No",
        "webAuthnPolicyUserVerificationRequirement": "discouraged",
    }
    await admin(env, "PUT", ADMIN, policy, 204)
    rep = (await admin(env, "GET", ADMIN, status=200)).json()
    assert {k: rep[k] for k in policy} == policy


async def idless_only_flow(env: Env) -> None:
    """setUpIDLessOnlyFlow: the forms hold the WebAuthn Passwordless Authenticator alone."""
    body = {"alias": "idless-only-flow", "providerId": "basic-flow", "topLevel": True, "builtIn": False}
    await admin(env, "POST", f"{AUTH}/flows", {**body, "description": ""}, 201)
    await add(env, "idless-only-flow", "auth-cookie", ALT)
    await add_flow(env, "idless-only-flow", "idless forms", ALT)
    await add(env, "idless forms", PASSKEY, REQ)
    await admin(env, "PUT", ADMIN, {"browserFlow": "idless-only-flow"}, 204)


async def register_with_setup(env: Env, key: SoftKey, label: str) -> str:
    """usernamePasswordAuthWithAuthSetup(passwordless): the password, then webauthn-register-passwordless; its
    CUSTOM_REQUIRED_ACTION and UPDATE_CREDENTIAL name the action, the label and the all-zero AAGUID and the same
    credential id; the passkey is the user's one ``webauthn-passwordless`` credential; then the LOGIN."""
    uid = await user_id(env)
    await admin(env, "PUT", f"{ADMIN}/users/{uid}", {"requiredActions": ["webauthn-register-passwordless"]}, 204)
    page = await submit(env.http, await start(env.http, "test", "app"), username="user1", password="password")
    assert 'id="registerWebAuthn"' in page.text
    assert "code" in code_from(
        await submit(env.http, page, **key.create(page_options(page.text)["challenge"], label=label))
    )
    ids: set[str] = set()
    for kind in ("CUSTOM_REQUIRED_ACTION", "UPDATE_CREDENTIAL"):
        [event] = await events(env, kind)
        assert event.user_id == uid
        assert event.details["custom_required_action"] == "webauthn-register-passwordless"
        assert event.details["public_key_credential_label"] == label
        assert event.details["public_key_credential_aaguid"] == ALL_ZERO_AAGUID
        ids.add(event.details["public_key_credential_id"])
    assert ids == {b64url(key.credential_id)}
    stored = (await admin(env, "GET", f"{ADMIN}/users/{uid}/credentials", status=200)).json()
    assert [c["userLabel"] for c in stored if c["type"] == "webauthn-passwordless"] == [label]
    [login] = await events(env, "LOGIN")
    assert login.user_id == uid
    env.http.cookies.clear()
    return ids.pop()


async def test_webauthn_idless_login(env: Env) -> None:
    """WebAuthnIdlessTest.testWebAuthnIDLessLogin: the passkey registered, then the usernameless flow's passkey
    page; the discoverable key's answer signs in: LOGIN with the credential id and
    ``web_authn_authenticator_user_verification_checked`` true (the passwordless policy requires it)."""
    await realm(env)
    key = SoftKey()
    credential_id = await register_with_setup(env, key, "wapl-idless")
    await idless_only_flow(env)
    page = await start(env.http, "test", "app")
    assert 'id="authenticateWebAuthnButton"' in page.text and 'name="username"' not in page.text
    answer = key.get(page_options(page.text)["challenge"], user_handle=await user_id(env))
    assert "code" in code_from(await submit(env.http, page, **answer))
    logins = [e for e in await events(env, "LOGIN") if e.details.get("credential_type") == "webauthn-passwordless"]
    assert len(logins) == 1 and logins[0].user_id == await user_id(env)
    assert logins[0].details["public_key_credential_id"] == credential_id
    assert logins[0].details[UV_CHECKED] == "true"


@pytest.mark.parametrize("registered", [True, False], ids=["non-resident credential", "no passkey"])
async def test_webauthn_idless_without_a_discoverable_passkey_fails(env: Env, registered: bool) -> None:
    """WebAuthnIdlessTest.testWebAuthnIDLessWithNonResidentCredentialLogin and
    testWebAuthnIDLessWithNoWebAuthnPasswordlessCredentialLogin: with no discoverable passkey the browser's
    navigator.credentials.get() ends in NotAllowedError; the page says "Failed to authenticate by the Passkey."
    and nobody signs in (LOGIN_ERROR ``not_allowed``)."""
    await realm(env)
    if registered:
        await register_with_setup(env, SoftKey(), "wapl-non-resident")
    await idless_only_flow(env)
    page = await start(env.http, "test", "app")
    failed = await submit(env.http, page, error="NotAllowedError: The operation either timed out or was not allowed.")
    assert failed.status_code == 200 and "Failed to authenticate by the Passkey." in failed.text
    assert "location" not in failed.headers
    [error] = await events(env, "LOGIN_ERROR")
    assert (error.error, error.details["credential_type"]) == ("not_allowed", "webauthn-passwordless")
    assert [e for e in await events(env, "LOGIN") if e.details.get("credential_type")] == []
