"""Ports of Keycloak's WebAuthnSigningInTest (testsuite webauthn/account) over the Account REST API the Account
Console's "Signing in" page reads (AccountCredentialResource.credentialTypes) and the registration pages its
"Set up" links open (``kc_action=webauthn-register``, ``webauthn-register-passwordless``). The methods about the
login page's list of keys are in test_kc_s68h_webauthn_authenticators.py."""

from __future__ import annotations

from typing import Any

import pytest

from browser_flow import code_from, start, submit
from flow_builder import ADMIN, ALT, AUTH, REQ, add, add_flow, admin, events
from passkeys_support import user_id
from support import password_grant, seed_login_realm
from webauthn_port import SoftKey, b64url, page_options
from wire_env import Env

pytestmark = pytest.mark.anyio
ACCOUNT = "/realms/test/account/credentials"
ACTIONS = {"webauthn": "webauthn-register", "webauthn-passwordless": "webauthn-register-passwordless"}


async def realm(env: Env) -> None:
    """Realm ``test`` with two flows an admin built (not bound), one running the WebAuthn Authenticator and one
    the WebAuthn Passwordless Authenticator, so that Signing in lists both types (getEnabledCredentialTypes)."""
    await seed_login_realm(env.db, env.clock, events=True)
    for alias, provider in (
        ("webauthn", "webauthn-authenticator"),
        ("passwordless", "webauthn-authenticator-passwordless"),
    ):
        body = {"alias": alias, "providerId": "basic-flow", "topLevel": True, "builtIn": False, "description": ""}
        await admin(env, "POST", f"{AUTH}/flows", body, 201)
        await add_flow(env, alias, f"{alias} forms", ALT)
        await add(env, f"{alias} forms", "auth-username-password-form", REQ)
        await add(env, f"{alias} forms", provider, REQ)


async def account(env: Env) -> list[dict[str, Any]]:
    token = (await password_grant(env.http, "test", "app")).json()["access_token"]
    headers = {"Authorization": f"Bearer {token}", "Accept": "application/json"}
    found: list[dict[str, Any]] = (await env.http.get(ACCOUNT, headers=headers)).json()
    return found


def of_type(containers: list[dict[str, Any]], kind: str) -> dict[str, Any]:
    [container] = [c for c in containers if c["type"] == kind]
    return container


async def set_up(env: Env, kind: str, label: str, key: SoftKey | None = None) -> Any:
    """The "Set up" link: ``kc_action`` of the type's action, the password, the registration page; the key's
    answer with ``label``; the response."""
    env.http.cookies.clear()
    page = await start(env.http, "test", "app", kc_action=ACTIONS[kind])
    shown = await submit(env.http, page, username="user1", password="password")
    assert 'id="registerWebAuthn"' in shown.text and 'id="cancelWebAuthnAIA"' in shown.text
    return await submit(
        env.http, shown, **(key or SoftKey()).create(page_options(shown.text)["challenge"], label=label)
    )


async def test_categories(env: Env) -> None:
    """categoriesTest: Basic authentication, Two-factor authentication and Passwordless; the flow running the
    passwordless authenticator deleted, the passwordless category is gone."""
    await realm(env)
    assert sorted({c["category"] for c in await account(env)}) == ["basic-authentication", "passwordless", "two-factor"]
    flows = (await admin(env, "GET", f"{AUTH}/flows", status=200)).json()
    [flow] = [f["id"] for f in flows if f["alias"] == "passwordless"]
    await admin(env, "DELETE", f"{AUTH}/flows/{flow}", status=204)
    assert sorted({c["category"] for c in await account(env)}) == ["basic-authentication", "two-factor"]


@pytest.mark.parametrize("kind", ACTIONS)
async def test_web_authn_types(env: Env, kind: str) -> None:
    """twoFactorWebAuthnTest and passwordlessWebAuthnTest: the type titled "Passkey" (``webauthn-display-name``
    or ``webauthn-passwordless-display-name``) with its help text, set up by its action; two keys added are
    listed with their labels; the action disabled, the type loses its set-up link but still lists both keys; one
    removed, the other stays."""
    await realm(env)
    helptext = {"webauthn": "webauthn-help-text", "webauthn-passwordless": "webauthn-passwordless-help-text"}[kind]
    container = of_type(await account(env), kind)
    assert (container["displayName"], container["helptext"]) == (f"{kind}-display-name", helptext)
    assert container["createAction"] == ACTIONS[kind] and container["userCredentialMetadatas"] == []
    labels = ["WebAuthn is convenient", "but not yet widely adopted"]
    for label in labels:
        assert code_from(await set_up(env, kind, label))["kc_action_status"] == "success"
    listed = of_type(await account(env), kind)["userCredentialMetadatas"]
    assert [m["credential"]["userLabel"] for m in listed] == labels
    path = f"{AUTH}/required-actions/{ACTIONS[kind]}"
    action = (await admin(env, "GET", path, status=200)).json()
    await admin(env, "PUT", path, {**action, "enabled": False}, 204)
    container = of_type(await account(env), kind)
    assert "createAction" not in container and len(container["userCredentialMetadatas"]) == 2
    uid = await user_id(env)
    await admin(env, "DELETE", f"{ADMIN}/users/{uid}/credentials/{listed[0]['credential']['id']}", status=204)
    remaining = of_type(await account(env), kind)["userCredentialMetadatas"]
    assert [m["credential"]["userLabel"] for m in remaining] == labels[1:]


@pytest.mark.parametrize("kind", ACTIONS)
async def test_create_web_authn_same_user_label(env: Env, kind: str) -> None:
    """createWebAuthnSameUserLabel: a key labelled "key123", then another of the same type labelled " KEY123 ":
    the error page "Failed to register your Passkey." with "Device already exists with the same name"
    (JpaUserCredentialStore.validateDuplicateCredential's ModelDuplicateException, which WebAuthnRegister's
    catch-all turns into WEBAUTHN_ERROR_REGISTRATION: UPDATE_CREDENTIAL_ERROR ``invalid_registration``); "Try
    again" shows the registration page again; the second key was not stored.

    Keycloak's test registers the second key as the other type (a passkey after a security key); the credential
    store it runs on checks the label per type (``existing.getType().equals(credType)``), so a key of the other
    type may bear the label: that is what Doorkeep does."""
    await realm(env)
    other = "webauthn" if kind == "webauthn-passwordless" else "webauthn-passwordless"
    assert "code" in code_from(await set_up(env, kind, "key123"))
    refused = await set_up(env, kind, " KEY123 ")
    assert refused.status_code == 200 and "Failed to register your Passkey." in refused.text
    assert "Device already exists with the same name" in refused.text
    errors = await events(env, "UPDATE_CREDENTIAL_ERROR")
    assert [(e.error, e.details["web_authn_registration_error_detail"]) for e in errors] == [
        ("invalid_registration", "Device already exists with the same name")
    ]
    again = await submit(env.http, refused, isSetRetry="retry")
    assert 'id="registerWebAuthn"' in again.text
    assert len(of_type(await account(env), kind)["userCredentialMetadatas"]) == 1
    assert "code" in code_from(await set_up(env, other, "key123"))


async def test_multiple_security_keys(env: Env) -> None:
    """multipleSecurityKeys: ten keys, alternately passkeys and security keys: five of each listed, every label
    among the user's credentials; two removed (one of each), four of each remain."""
    await realm(env)
    for i in range(10):
        kind = "webauthn-passwordless" if i % 2 == 0 else "webauthn"
        assert "code" in code_from(await set_up(env, kind, f"SecurityKey#{i}"))
    containers = await account(env)
    assert [len(of_type(containers, k)["userCredentialMetadatas"]) for k in ACTIONS] == [5, 5]
    uid = await user_id(env)
    stored = (await admin(env, "GET", f"{ADMIN}/users/{uid}/credentials", status=200)).json()
    assert {f"SecurityKey#{i}" for i in range(10)} <= {c.get("userLabel") for c in stored}
    for label in ("SecurityKey#0", "SecurityKey#1"):
        [gone] = [c["id"] for c in stored if c.get("userLabel") == label]
        await admin(env, "DELETE", f"{ADMIN}/users/{uid}/credentials/{gone}", status=204)
    containers = await account(env)
    assert [len(of_type(containers, k)["userCredentialMetadatas"]) for k in ACTIONS] == [4, 4]


@pytest.mark.parametrize("kind", ACTIONS)
async def test_avoid_same_authenticator_register(env: Env, kind: str) -> None:
    """avoidSameAuthenticatorRegister and avoidSameAuthenticatorRegisterPasswordless: with the policy's
    ``AvoidSameAuthenticatorRegister`` the second registration's page excludes the registered key (the browser
    then refuses with its InvalidStateError, shown on the error page)."""
    await realm(env)
    prefix = "webAuthnPolicy" if kind == "webauthn" else "webAuthnPolicyPasswordless"
    policy = {f"{prefix}RpEntityName": "keycloak", f"{prefix}AvoidSameAuthenticatorRegister": True}
    await admin(env, "PUT", ADMIN, policy, 204)
    key = SoftKey()
    assert "code" in code_from(await set_up(env, kind, "label1", key))
    env.http.cookies.clear()
    page = await start(env.http, "test", "app", kc_action=ACTIONS[kind])
    shown = await submit(env.http, page, username="user1", password="password")
    assert page_options(shown.text)["excludeCredentialIds"] == [b64url(key.credential_id)]
    message = (
        "InvalidStateError: The user attempted to register an authenticator that contains one of the credentials "
        "already registered with the relying party."
    )
    refused = await submit(env.http, shown, error=message)
    assert refused.status_code == 200 and message in refused.text


@pytest.mark.parametrize("kind", ACTIONS)
async def test_cancel_registration(env: Env, kind: str) -> None:
    """cancelRegistration and cancelPasswordlessRegistration: the set-up page is an application-initiated action
    (its Cancel); cancelled, the user is back at the application with ``kc_action_status=cancelled`` and no key."""
    await realm(env)
    page = await start(env.http, "test", "app", kc_action=ACTIONS[kind])
    shown = await submit(env.http, page, username="user1", password="password")
    assert 'id="cancelWebAuthnAIA"' in shown.text
    cancelled = await submit(env.http, shown, **{"cancel-aia": "true"})
    assert code_from(cancelled)["kc_action_status"] == "cancelled"
    assert of_type(await account(env), kind)["userCredentialMetadatas"] == []
