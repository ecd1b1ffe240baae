"""A browser flow that starts with the passkey (oauth/login_passkeys.py, realms/flow_plan.py ``usernameless``):
its sign-in sub-flow holds a REQUIRED WebAuthn Passwordless Authenticator and no username step, as Keycloak's
usernameless passkey login (WebAuthnPasswordlessAuthenticator with no user: isUserIdentified false). The passkey
page asks first; the credential's user handle names the user; its errors are webauthn-error.ftl with "Try again"."""

from __future__ import annotations

import pytest

from browser_flow import code_from, start, submit
from flow_builder import ADMIN, ALT, AUTH, REQ, add, add_flow, admin, events
from passkeys_support import register_passkey, seed, user_id
from webauthn_port import SoftKey, b64url, page_options
from wire_env import Env

pytestmark = pytest.mark.anyio
PASSKEY = "webauthn-authenticator-passwordless"


async def bind(env: Env, *after: str) -> None:
    body = {"alias": "keys", "providerId": "basic-flow", "topLevel": True, "builtIn": False, "description": ""}
    await admin(env, "POST", f"{AUTH}/flows", body, 201)
    await add(env, "keys", "auth-cookie", ALT)
    await add_flow(env, "keys", "keys forms", ALT)
    await add(env, "keys forms", PASSKEY, REQ)
    for provider in after:
        await add(env, "keys forms", provider, REQ)
    await admin(env, "PUT", ADMIN, {"browserFlow": "keys"}, 204)


async def test_the_passkey_signs_in_with_no_username_step(env: Env) -> None:
    """The first page is the passkey page, naming no user and no credential; the user handle names user1."""
    await seed(env, passkeys=False)
    key = SoftKey()
    await register_passkey(env, key)
    await bind(env)
    page = await start(env.http, "test", "app")
    assert 'id="authenticateWebAuthnButton"' in page.text and 'name="username"' not in page.text
    assert 'name="password"' not in page.text and 'id="kc-attempted-username"' not in page.text
    options = page_options(page.text)
    assert options["allowCredentials"] == []
    assert "code" in code_from(
        await submit(env.http, page, **key.get(options["challenge"], user_handle=await user_id(env)))
    )
    [login] = [e for e in await events(env, "LOGIN") if e.details.get("credential_type") == "webauthn-passwordless"]
    assert login.user_id == await user_id(env) and login.details["public_key_credential_id"] == b64url(
        key.credential_id
    )


async def test_an_unknown_passkey_is_the_error_page_and_try_again_asks_anew(env: Env) -> None:
    """No user handle (no user named): WEBAUTHN_ERROR_USER_NOT_FOUND on webauthn-error.ftl; "Try again" shows the
    passkey page with a new challenge, whose answer then signs in."""
    await seed(env, passkeys=False)
    key = SoftKey()
    await register_passkey(env, key)
    await bind(env)
    page = await start(env.http, "test", "app")
    first = page_options(page.text)["challenge"]
    refused = await submit(env.http, page, **key.get(first))
    assert "Unknown user authenticated by the Passkey." in refused.text and 'name="isSetRetry"' in refused.text
    [error] = await events(env, "LOGIN_ERROR")
    assert error.error == "user_not_found" and error.details["credential_type"] == "webauthn-passwordless"
    again = await submit(env.http, refused, isSetRetry="retry")
    challenge = page_options(again.text)["challenge"]
    assert challenge != first
    stale = await submit(env.http, again, **key.get(first, user_handle=await user_id(env)))
    assert "Passkey authentication result is invalid." in stale.text
    last = await submit(env.http, stale, isSetRetry="retry")
    done = await submit(env.http, last, **key.get(page_options(last.text)["challenge"], user_handle=await user_id(env)))
    assert "code" in code_from(done)


async def test_the_steps_after_the_passkey_run(env: Env) -> None:
    """The sub-flow's steps after the passkey are the gates after a password: here Deny Access."""
    await seed(env, passkeys=False)
    key = SoftKey()
    await register_passkey(env, key)
    await bind(env, "deny-access-authenticator")
    page = await start(env.http, "test", "app")
    denied = await submit(
        env.http, page, **key.get(page_options(page.text)["challenge"], user_handle=await user_id(env))
    )
    assert denied.status_code == 401
    assert "access_denied" in [e.error for e in await events(env, "LOGIN_ERROR")]


async def test_a_re_authentication_asks_the_known_users_passkey(env: Env) -> None:
    """``prompt=login`` over the SSO session: the passkey page names the known user and that user's passkeys; a
    passkey of another user's handle is WEBAUTHN_ERROR_DIFFERENT_USER; the user's own re-authenticates."""
    await seed(env, passkeys=False)
    key = SoftKey()
    await register_passkey(env, key)
    await bind(env)
    page = await start(env.http, "test", "app")
    handle = await user_id(env)
    code_from(await submit(env.http, page, **key.get(page_options(page.text)["challenge"], user_handle=handle)))
    again = await start(env.http, "test", "app", prompt="login")
    assert 'id="kc-attempted-username">user1<' in again.text
    options = page_options(again.text)
    assert options["allowCredentials"] == [b64url(key.credential_id)]
    other = await submit(env.http, again, **key.get(options["challenge"], user_handle="someone"))
    assert "First authenticated user is not the one authenticated by the Passkey." in other.text
    retry = await submit(env.http, other, isSetRetry="retry")
    done = await submit(env.http, retry, **key.get(page_options(retry.text)["challenge"], user_handle=handle))
    assert "code" in code_from(done)
