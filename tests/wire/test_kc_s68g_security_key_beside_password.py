"""The flow of Keycloak's AppInitiatedActionWebAuthnTest.setUpWebAuthnFlow (two-factor variant): a Username Form,
then a REQUIRED sub-flow holding the Password Form and the WebAuthn Authenticator (``webauthn-authenticator``, the
two-factor one), both ALTERNATIVE. Keycloak runs it as any ALTERNATIVE sub-flow (DefaultAuthenticationFlow with
AuthenticationSelectionResolver): after the username the step of the user's first credential asks, "Try Another
Way" lists the other one the user holds, and either one satisfies the sub-flow. Doorkeep refused to bind it (400)
before; the passwordless variant (test_passkey_or_password.py) already ran."""

from __future__ import annotations

import pytest

from browser_flow import code_from, is_password_page, submit
from flow_builder import ADMIN, admin, events
from passkeys_support import KEY, PASSWORD, after_username, bind_choice_flow, is_key_page, register_key, user_id
from recovery_flow import choose, listed, try_another_way, try_another_way_action
from support import seed_login_realm, seed_user
from webauthn_port import SoftKey, page_options
from wire_env import Env

pytestmark = pytest.mark.anyio


@pytest.fixture
async def realm(env: Env) -> Env:
    await seed_login_realm(env.db, env.clock, events=True)
    return env


async def key_logins(env: Env) -> list[str | None]:
    return [e.user_id for e in await events(env, "LOGIN") if e.details.get("credential_type") == "webauthn"]


async def test_a_user_without_a_key_gets_the_password_page_alone(realm: Env) -> None:
    """The flow binds (it was a 400 naming the sub-flow); a user holding only a password: the password page without
    "Try Another Way", and the password signs in."""
    await bind_choice_flow(realm)
    page = await after_username(realm)
    assert is_password_page(page) and try_another_way_action(page) is None
    assert "code" in code_from(await submit(realm.http, page, password="password"))


async def test_the_password_first_then_another_way_to_the_security_key(realm: Env) -> None:
    """A user whose password comes first (its credential's priority): the password page with the link; the list
    names Password then Passkey (webauthn-display-name), in the credentials' order; picking the key shows the
    WebAuthn page (the user's key allowed), whose answer signs in without the password: LOGIN with
    ``credential_type`` ``webauthn``."""
    key = SoftKey()
    await register_key(realm, key)
    ids = await bind_choice_flow(realm)
    page = await after_username(realm)
    assert is_password_page(page) and try_another_way_action(page) is not None
    assert listed(await try_another_way(realm, page)) == [
        (ids[PASSWORD], "Password", "Sign in by entering your password."),
        (ids[KEY], "Passkey", "Use your Passkey to sign in."),
    ]
    page = await choose(realm, await try_another_way(realm, await after_username(realm)), ids[KEY])
    assert is_key_page(page) and try_another_way_action(page) is not None
    assert "code" in code_from(await submit(realm.http, page, **key.get(page_options(page.text)["challenge"])))
    assert await key_logins(realm) == [await user_id(realm)]


async def test_a_key_moved_first_asks_first(realm: Env) -> None:
    """The key's credential moved to the top (Admin REST ``moveToFirst``): the WebAuthn page right after the
    username, with the link to the password."""
    key = SoftKey()
    await register_key(realm, key)
    ids = await bind_choice_flow(realm)
    uid = await user_id(realm)
    stored = (await admin(realm, "GET", f"{ADMIN}/users/{uid}/credentials", status=200)).json()
    key_id = next(c["id"] for c in stored if c["type"] == "webauthn")
    await admin(realm, "POST", f"{ADMIN}/users/{uid}/credentials/{key_id}/moveToFirst", None, 204)
    page = await after_username(realm)
    assert is_key_page(page)
    selection = await try_another_way(realm, page)
    assert [e for e, _, _ in listed(selection)] == [ids[KEY], ids[PASSWORD]]
    password = await choose(realm, selection, ids[PASSWORD])
    assert is_password_page(password)
    assert "code" in code_from(await submit(realm.http, password, password="password"))


async def test_another_users_key_is_refused(realm: Env) -> None:
    """Hostile: user1 switches to the WebAuthn page and answers with user2's security key: refused as
    WebAuthnAuthenticator.action does (a LOGIN_ERROR, no code, nobody signed in by a key)."""
    await seed_user(realm.db, realm.clock, "test", "user2")
    mine, theirs = SoftKey(), SoftKey()
    await register_key(realm, mine)
    await register_key(realm, theirs, "user2")
    ids = await bind_choice_flow(realm)
    page = await choose(realm, await try_another_way(realm, await after_username(realm)), ids[KEY])
    assert is_key_page(page)
    refused = await submit(realm.http, page, **theirs.get(page_options(page.text)["challenge"]))
    assert refused.status_code != 302
    assert [e.details.get("credential_type") for e in await events(realm, "LOGIN_ERROR")] == ["webauthn"]
    assert await key_logins(realm) == []


async def test_the_keys_execution_for_a_user_without_a_key_ends_the_login(realm: Env) -> None:
    """Hostile: the key's execution posted by a user who has no key (never offered): Keycloak's "Requested
    authentication execution is not allowed", the 400 page, a LOGIN_ERROR."""
    ids = await bind_choice_flow(realm)
    page = await after_username(realm)
    refused = await submit(realm.http, page, authenticationExecution=ids[KEY])
    assert refused.status_code == 400
    assert [e.error for e in await events(realm, "LOGIN_ERROR")] == ["invalid_user_credentials"]
    assert await events(realm, "LOGIN") == []


async def test_the_key_as_first_factor_leaves_an_expired_password_alone(realm: Env) -> None:
    """The key picked instead of the password validated no password (AuthenticatorUtil.isPasswordValidated), so the
    flow's end does not run UpdatePassword's trigger (forceExpiredPasswordChange): the code, no password page;
    the password picked instead asks for a new one."""
    key = SoftKey()
    await register_key(realm, key)
    ids = await bind_choice_flow(realm)
    await admin(realm, "PUT", ADMIN, {"passwordPolicy": "forceExpiredPasswordChange(1)"}, 204)
    realm.clock.advance(2 * 86400)
    page = await choose(realm, await try_another_way(realm, await after_username(realm)), ids[KEY])
    assert "code" in code_from(await submit(realm.http, page, **key.get(page_options(page.text)["challenge"])))
    update = await submit(realm.http, await after_username(realm), password="password")
    if update.status_code == 302:
        update = await realm.http.get(update.headers["location"])
    assert update.status_code == 200 and 'name="password-new"' in update.text, update.text[:300]
