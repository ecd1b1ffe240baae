"""Two UserResource / RealmAdminResource routes of Keycloak 26 Doorkeep answered 404 to: the deprecated
``PUT users/{id}/reset-password-email`` (executeActionsEmail with UPDATE_PASSWORD) through a real SMTP server, and
``GET credential-registrators``. ``GET users/{id}/configured-user-storage-credential-types`` was served already
(test_admin_users_credentials). Who may call each is in tests/admin_route_matrix_data.py."""

from __future__ import annotations

import httpx
import pytest

from admin_support import realm_admin
from mail_sink import Sink
from support import seed_client, seed_realm, seed_user, update_realm
from wire_env import Env

pytestmark = pytest.mark.anyio
API = "/admin/realms/test"
CB = "http://127.0.0.1:9999/cb"


@pytest.fixture
async def mailed(env: Env, mail: Sink) -> Env:
    await seed_realm(env.db, env.clock)
    await update_realm(env.db, "test", smtp_server=mail.settings())
    await seed_client(env.db, "test", "app", redirect_uris=("http://127.0.0.1:9999/*",))
    await seed_user(env.db, env.clock, "test", "user1")
    return env


async def _user1(env: Env) -> str:
    found = await env.http.get(f"{API}/users?username=user1&exact=true", headers=await env.admin_headers())
    return str(found.json()[0]["id"])


async def _reset(env: Env, user: str, headers: dict[str, str] | None = None, **query: str) -> httpx.Response:
    headers = headers or await env.admin_headers()
    return await env.http.put(f"{API}/users/{user}/reset-password-email", params=query, headers=headers)


async def test_reset_password_email_sends_an_update_password_link(mailed: Env, mail: Sink) -> None:
    """resetPasswordEmail is executeActionsEmail(redirectUri, clientId, null, [UPDATE_PASSWORD]): the realm's
    admin-generated action lifespan (12 hours), whatever ``lifespan`` says; the link opens the password form."""
    env = mailed
    response = await _reset(env, await _user1(env), client_id="app", redirect_uri=CB, lifespan="60")
    assert (response.status_code, response.content) == (204, b"")
    [sent] = mail.received
    assert sent.recipients == ["user1@example.com"] and sent.subject == "Update Your Account"
    text = sent.part("plain")
    assert "following action(s): Update Password." in text and "This link will expire within 12 hours." in text
    confirm = await env.http.get(sent.link())
    assert confirm.status_code == 200 and "Perform the following action(s)" in confirm.text


async def test_reset_password_email_checks_as_execute_actions_email_does(mailed: Env, mail: Sink) -> None:
    """verifySendEmailParams' 400s, then the user lookup's 404 and manage-users' 403; nothing is sent."""
    env = mailed
    user1 = await _user1(env)
    missing_client = await _reset(env, user1, redirect_uri=CB)
    assert (missing_client.status_code, missing_client.json()) == (400, {"errorMessage": "Client id missing"})
    unknown = await _reset(env, user1, client_id="nobody")
    assert (unknown.status_code, unknown.json()) == (400, {"errorMessage": "Client doesn't exist"})
    gone = await _reset(env, "no-such-user")
    assert (gone.status_code, gone.json()) == (404, {"error": "User not found"})
    viewer = await realm_admin(env, "viewer", "view-users")
    assert (await _reset(env, user1, viewer)).status_code == 403
    assert mail.received == []


async def test_credential_registrators_are_the_enabled_actions_that_register_credentials(mailed: Env) -> None:
    """getCredentialRegistrators: the realm's enabled required actions, in its order, whose provider is a
    CredentialRegistrator (OTP, the two WebAuthn registrations, recovery codes; not UPDATE_PASSWORD); a disabled
    one leaves the list; view-realm reads it."""
    env = mailed
    headers = await env.admin_headers()
    listed = await env.http.get(f"{API}/credential-registrators", headers=headers)
    assert listed.status_code == 200, listed.text
    assert listed.json() == [
        "CONFIGURE_TOTP",
        "webauthn-register",
        "webauthn-register-passwordless",
        "CONFIGURE_RECOVERY_AUTHN_CODES",
    ]
    action = f"{API}/authentication/required-actions/webauthn-register"
    rep = (await env.http.get(action, headers=headers)).json()
    assert (await env.http.put(action, json={**rep, "enabled": False}, headers=headers)).status_code == 204
    viewer = await realm_admin(env, "realm-viewer", "view-realm")
    after = await env.http.get(f"{API}/credential-registrators", headers=viewer)
    assert after.json() == ["CONFIGURE_TOTP", "webauthn-register-passwordless", "CONFIGURE_RECOVERY_AUTHN_CODES"]
    users = await realm_admin(env, "users-viewer", "view-users")
    assert (await env.http.get(f"{API}/credential-registrators", headers=users)).status_code == 403
