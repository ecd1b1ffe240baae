"""Keycloak's AppInitiatedActionWebAuthnTest and its three subclasses (AppInitiatedActionPwdLessTest,
AppInitiatedActionWebAuthnSkipIfExistsTest, AppInitiatedActionPwdLessSkipIfExistsTest) over HTTP with a software key:
a client asks for ``kc_action=webauthn-register`` (or ``webauthn-register-passwordless``, each optionally with
``:skip_if_exists``) from a user already signed in through Keycloak's flow of the tests (a Username Form, then a
REQUIRED sub-flow of the Password Form and the WebAuthn (or WebAuthn Passwordless) Authenticator, ALTERNATIVE).

Each test runs for the four classes (``kind``): the action, and whether the client adds ``:skip_if_exists``.
"""

from __future__ import annotations

from dataclasses import dataclass

import httpx
import pytest

from browser_flow import code_from, is_password_page, is_username_page, start, submit
from flow_builder import ADMIN, ALT, AUTH, REQ, add, add_flow, admin, events
from passkeys_support import user_id
from support import seed_login_realm
from webauthn_port import SoftKey, page_options
from wire_env import Env, client_at

pytestmark = pytest.mark.anyio


@dataclass(frozen=True)
class Kind:
    """One of Keycloak's four classes: the required action, its credential type, the flow's authenticator."""

    action: str
    credential: str
    authenticator: str
    skip_if_exists: bool

    @property
    def kc_action(self) -> str:
        return f"{self.action}:skip_if_exists" if self.skip_if_exists else self.action


TWO_FACTOR = ("webauthn-register", "webauthn", "webauthn-authenticator")
PASSWORDLESS = ("webauthn-register-passwordless", "webauthn-passwordless", "webauthn-authenticator-passwordless")
KINDS = {
    "AppInitiatedActionWebAuthnTest": Kind(*TWO_FACTOR, skip_if_exists=False),
    "AppInitiatedActionPwdLessTest": Kind(*PASSWORDLESS, skip_if_exists=False),
    "AppInitiatedActionWebAuthnSkipIfExistsTest": Kind(*TWO_FACTOR, skip_if_exists=True),
    "AppInitiatedActionPwdLessSkipIfExistsTest": Kind(*PASSWORDLESS, skip_if_exists=True),
}


@pytest.fixture(params=list(KINDS))
def kind(request: pytest.FixtureRequest) -> Kind:
    return KINDS[request.param]


@pytest.fixture
async def realm(env: Env) -> Env:
    await seed_login_realm(env.db, env.clock, events=True)
    return env


async def bind_aia_flow(env: Env, kind: Kind) -> None:
    """AppInitiatedActionWebAuthnTest.setUpWebAuthnFlow: the browser flow copied, its forms cleared, then the
    Username Form and a REQUIRED sub-flow of the Password Form and the kind's authenticator, both ALTERNATIVE."""
    body = {"alias": "browserWebAuthnAIA", "providerId": "basic-flow", "topLevel": True, "description": ""}
    await admin(env, "POST", f"{AUTH}/flows", {**body, "builtIn": False}, 201)
    await add(env, "browserWebAuthnAIA", "auth-cookie", ALT)
    await add_flow(env, "browserWebAuthnAIA", "aia forms", ALT)
    await add(env, "aia forms", "auth-username-form", REQ)
    await add_flow(env, "aia forms", "aia choice", REQ)
    await add(env, "aia choice", "auth-password-form", ALT)
    await add(env, "aia choice", kind.authenticator, ALT)
    await admin(env, "PUT", ADMIN, {"browserFlow": "browserWebAuthnAIA"}, 204)


async def login_user(env: Env) -> str:
    """AppInitiatedActionWebAuthnTest.loginUser: the username page, the password page, the code; the LOGIN event
    (with the username) names the new session, whose id is returned."""
    known = {e.id for e in await events(env, "LOGIN")}
    page = await start(env.http, "test", "app")
    assert is_username_page(page), page.text[:300]
    password = await submit(env.http, page, username="user1")
    assert is_password_page(password), password.text[:300]
    assert "code" in code_from(await submit(env.http, password, password="password"))
    (login,) = [e for e in await events(env, "LOGIN") if e.id not in known]
    assert login.details["username"] == "user1" and login.session_id is not None
    session: str = login.session_id
    return session


async def do_aia(env: Env, kind: Kind) -> httpx.Response:
    """AbstractAppInitiatedActionTest.doAIA: the authorization request with ``kc_action``; the SSO cookie signs
    the user in, so the action's page (or, skipped, the redirect) answers at once."""
    return await start(env.http, "test", "app", kc_action=kind.kc_action)


def is_register_page(page: httpx.Response) -> bool:
    return page.status_code == 200 and 'id="registerWebAuthn"' in page.text


async def credentials(env: Env, of_type: str | None = None) -> list[str]:
    uid = await user_id(env)
    stored = (await admin(env, "GET", f"{ADMIN}/users/{uid}/credentials", status=200)).json()
    return [c["type"] for c in stored if of_type is None or c["type"] == of_type]


async def session_ids(env: Env) -> set[str]:
    uid = await user_id(env)
    return {s["id"] for s in (await admin(env, "GET", f"{ADMIN}/users/{uid}/sessions", status=200)).json()}


async def test_cancel_setup(realm: Env, kind: Kind) -> None:
    """AppInitiatedActionWebAuthnTest.cancelSetupWebAuthn (and in its three subclasses): signed in, the client asks
    for the action; the register page offers Cancel, which returns ``kc_action_status=cancelled`` with a code and
    stores no key."""
    await bind_aia_flow(realm, kind)
    await login_user(realm)
    page = await do_aia(realm, kind)
    assert is_register_page(page) and 'id="cancelWebAuthnAIA"' in page.text
    params = code_from(await submit(realm.http, page, **{"cancel-aia": "true"}))
    assert params["kc_action_status"] == "cancelled" and "code" in params and "error" not in params
    assert await credentials(realm) == ["password"]


@pytest.mark.parametrize("logout_others", [True, False], ids=["checked", "not_checked"])
async def test_proceed_setup_and_logout_other_sessions(realm: Env, kind: Kind, logout_others: bool) -> None:
    """AppInitiatedActionWebAuthnTest.proceedSetupWebAuthnLogoutOtherSessionsChecked and ...NotChecked (and in its
    three subclasses): a session from another browser (the built-in browser flow, user and password), a second
    one through the flow of the test; the client asks for the action. The page's "Sign out from other devices" box
    is unchecked (webauthn-register.ftl since Keycloak 26.3); the key registered, ``kc_action_status=success``,
    one more credential of the kind, and the other browser's session ended only when the box was checked."""
    async with client_at(realm, "127.0.0.2") as elsewhere:
        page = await start(elsewhere, "test", "app")
        assert "code" in code_from(await submit(elsewhere, page, username="user1", password="password"))
    (first,) = [e.session_id for e in await events(realm, "LOGIN")]
    assert first is not None and await session_ids(realm) == {first}
    await bind_aia_flow(realm, kind)
    second = await login_user(realm)
    assert await session_ids(realm) == {first, second}

    page = await do_aia(realm, kind)
    assert is_register_page(page)
    assert 'name="logout-sessions" value="on">' in page.text  # drawn unchecked
    before = await credentials(realm)
    answer = SoftKey().create(page_options(page.text)["challenge"], label="authenticator1")
    box = {"logout-sessions": "on"} if logout_others else {}
    params = code_from(await submit(realm.http, page, **answer, **box))
    assert params["kc_action_status"] == "success" and "code" in params

    assert len(await credentials(realm)) == len(before) + 1
    assert await credentials(realm, kind.credential) == [kind.credential]
    assert await session_ids(realm) == ({second} if logout_others else {first, second})


async def test_process_setup_twice(realm: Env, kind: Kind) -> None:
    """AppInitiatedActionWebAuthnSkipIfExistsTest.processSetupTwice (and AppInitiatedActionPwdLessSkipIfExistsTest):
    a key of the kind registered through the action, a second request with ``:skip_if_exists`` needs no page
    (WebAuthnRegister.requiredActionChallenge: ``context.success()`` when the user has a credential of the
    action's type; WebAuthnPasswordlessRegister's is ``webauthn-passwordless``): ``kc_action_status=success`` and
    no second key. Without ``:skip_if_exists`` the page shows again (the base classes' behaviour)."""
    await bind_aia_flow(realm, kind)
    await login_user(realm)
    page = await do_aia(realm, kind)
    assert is_register_page(page)
    code_from(await submit(realm.http, page, **SoftKey().create(page_options(page.text)["challenge"])))
    assert await credentials(realm, kind.credential) == [kind.credential]

    again = await do_aia(realm, kind)
    if kind.skip_if_exists:
        params = code_from(again)
        assert params["kc_action_status"] == "success" and "code" in params
        passed = [e for e in await events(realm, "CUSTOM_REQUIRED_ACTION") if "credential_type" not in e.details]
        assert [e.details["custom_required_action"] for e in passed] == [kind.action]
    else:
        assert is_register_page(again)
    assert await credentials(realm, kind.credential) == [kind.credential]


async def test_skip_if_exists_counts_only_the_actions_own_credential_type(realm: Env) -> None:
    """WebAuthnRegister.requiredActionChallenge looks for a credential of getCredentialType() only: a user holding
    a passkey alone is still asked for a security key by ``webauthn-register:skip_if_exists``; once the user holds
    both, each action passes."""
    two_factor = KINDS["AppInitiatedActionWebAuthnSkipIfExistsTest"]
    passwordless = KINDS["AppInitiatedActionPwdLessSkipIfExistsTest"]
    await bind_aia_flow(realm, passwordless)
    await login_user(realm)
    page = await do_aia(realm, passwordless)
    code_from(await submit(realm.http, page, **SoftKey().create(page_options(page.text)["challenge"])))
    page = await do_aia(realm, two_factor)
    assert is_register_page(page)
    code_from(await submit(realm.http, page, **SoftKey().create(page_options(page.text)["challenge"])))
    for kind in (passwordless, two_factor):
        assert code_from(await do_aia(realm, kind))["kc_action_status"] == "success"
    assert sorted(await credentials(realm)) == ["password", "webauthn", "webauthn-passwordless"]
