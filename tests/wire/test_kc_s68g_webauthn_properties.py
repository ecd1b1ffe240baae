"""Keycloak's WebAuthnPropertyTest and WebAuthnPwdLessPropertyTest over HTTP with a software key, and
WebAuthnFeatureTest.testWebAuthnEnabled.

The realm of Keycloak's tests (testrealm-webauthn.json): a browser flow of the username and password form then the
WebAuthn Authenticator, both REQUIRED; the passwordless class swaps in the WebAuthn Passwordless Authenticator and
its required action. The policy is changed as WebAuthnRealmAttributeUpdater does it: the realm representation read,
one field set, the whole representation put back (a partial PUT leaves a policy as stored). A user without a key
registers one through the authenticator's required action, as Keycloak's registration does.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

import httpx
import pytest

from browser_flow import code_from, form_action, start, submit
from flow_builder import ADMIN, ALT, AUTH, REQ, add, add_flow, admin, events, executions
from passkeys_support import user_id
from support import seed_login_realm, seed_user
from webauthn_port import UP, SoftKey, page_options
from wire_env import Env, another_worker

pytestmark = pytest.mark.anyio


@dataclass(frozen=True)
class Kind:
    """WebAuthnPropertyTest (two-factor) or WebAuthnPwdLessPropertyTest (passwordless)."""

    prefix: str  # the realm representation's policy fields
    authenticator: str
    credential: str
    action: str

    @property
    def passwordless(self) -> bool:
        return self.credential == "webauthn-passwordless"


KINDS = {
    "WebAuthnPropertyTest": Kind("webAuthnPolicy", "webauthn-authenticator", "webauthn", "webauthn-register"),
    "WebAuthnPwdLessPropertyTest": Kind(
        "webAuthnPolicyPasswordless",
        "webauthn-authenticator-passwordless",
        "webauthn-passwordless",
        "webauthn-register-passwordless",
    ),
}


@pytest.fixture(params=list(KINDS))
def kind(request: pytest.FixtureRequest) -> Kind:
    return KINDS[request.param]


@pytest.fixture
async def realm(env: Env) -> Env:
    await seed_login_realm(env.db, env.clock, events=True)
    return env


async def bind_flow(env: Env, kind: Kind) -> None:
    """testrealm-webauthn.json's ``browser-webauthn``: the Cookie, then the username and password form and the
    kind's WebAuthn authenticator, REQUIRED."""
    body = {"alias": "browser-webauthn", "providerId": "basic-flow", "topLevel": True, "builtIn": False}
    await admin(env, "POST", f"{AUTH}/flows", {**body, "description": ""}, 201)
    await add(env, "browser-webauthn", "auth-cookie", ALT)
    await add_flow(env, "browser-webauthn", "browser-webauthn-forms", ALT)
    await add(env, "browser-webauthn-forms", "auth-username-password-form", REQ)
    await add(env, "browser-webauthn-forms", kind.authenticator, REQ)
    await admin(env, "PUT", ADMIN, {"browserFlow": "browser-webauthn"}, 204)


async def update_policy(env: Env, kind: Kind, **fields: Any) -> dict[str, Any]:
    """WebAuthnRealmAttributeUpdater (PasswordLessRealmAttributeUpdater): the representation with ``fields`` set
    under the kind's prefix, put back whole; the representation read again."""
    rep: dict[str, Any] = (await admin(env, "GET", ADMIN, status=200)).json()
    rep.update({kind.prefix + name: value for name, value in fields.items()})
    await admin(env, "PUT", ADMIN, rep, 204)
    found: dict[str, Any] = (await admin(env, "GET", ADMIN, status=200)).json()
    return found


async def password_page(env: Env, username: str = "user1") -> httpx.Response:
    """loginPage.login: the username and password given; the page that follows."""
    env.http.cookies.clear()
    page = await start(env.http, "test", "app")
    return await submit(env.http, page, username=username, password="password")


async def register(env: Env, kind: Kind, key: SoftKey, username: str = "user1") -> dict[str, Any]:
    """registerDefaultUser: the keyless user sent to the kind's register page; ``key`` registered. Returns the
    page's options."""
    page = await password_page(env, username)
    assert 'id="registerWebAuthn"' in page.text and f"execution={kind.action}" in page.text, page.text[:300]
    options = page_options(page.text)
    assert "code" in code_from(await submit(env.http, page, **key.create(options["challenge"])))
    return options


async def answer(env: Env, kind: Kind, key: SoftKey, page: httpx.Response, flags: int | None = None) -> dict[str, str]:
    """navigator.credentials.get()'s answer to the authenticate page (a passkey names its user)."""
    handle = await user_id(env) if kind.passwordless else None
    if flags is None:
        return key.get(page_options(page.text)["challenge"], user_handle=handle)
    return key.get(page_options(page.text)["challenge"], user_handle=handle, flags=flags)


def page_url(page: httpx.Response) -> str:
    """Where the browser's refresh goes: the page's URL as Keycloak rewrites the history to it
    (BrowserHistoryHelper), the step's ``login-actions/authenticate`` without a session code."""
    parts = urlsplit(form_action(page.text))
    query = [(k, v) for k, v in parse_qsl(parts.query) if k != "session_code"]
    return parts._replace(query=urlencode(query)).geturl()


def is_authenticate_page(page: httpx.Response) -> bool:
    return page.status_code == 200 and 'id="authenticateWebAuthnButton"' in page.text


async def test_resident_key(realm: Env, kind: Kind) -> None:
    """WebAuthnPropertyTest.residentKey (and WebAuthnPwdLessPropertyTest's): Relying Party name ``localhost``, a
    resident key and user verification required, as the representation then shows; the register page asks the
    browser for them (``residentKey`` and ``requireResidentKey``, ``userVerification``); the key signs in and the LOGIN event has
    ``web_authn_authenticator_user_verification_checked`` ``true``."""
    await bind_flow(realm, kind)
    rep = await update_policy(
        realm, kind, RpEntityName="localhost", RequireResidentKey="Yes", UserVerificationRequirement="required"
    )
    assert rep[kind.prefix + "RpEntityName"] == "localhost"
    assert rep[kind.prefix + "RequireResidentKey"] == "Yes"
    assert rep[kind.prefix + "UserVerificationRequirement"] == "required"

    key = SoftKey()
    options = await register(realm, kind, key)
    assert options["rpEntityName"] == "localhost"
    selection = {"residentKey": "required", "requireResidentKey": True, "userVerification": "required"}
    assert options["authenticatorSelection"] == selection

    page = await password_page(realm)
    assert is_authenticate_page(page) and page_options(page.text)["userVerification"] == "required"
    assert "code" in code_from(await submit(realm.http, page, **await answer(realm, kind, key, page)))
    (login,) = [e for e in await events(realm, "LOGIN") if e.details.get("credential_type") == kind.credential]
    assert login.user_id == await user_id(realm)
    assert login.details["web_authn_authenticator_user_verification_checked"] == "true"


async def test_resident_key_without_user_verification_is_refused(realm: Env, kind: Kind) -> None:
    """Beyond WebAuthnPropertyTest.residentKey: with user verification required, an answer whose authenticator data
    lacks the UV flag is refused (WebAuthnAuthenticator checks it against the policy: ``isUVFlagChecked``), a
    LOGIN_ERROR with the kind's credential type and no code."""
    await bind_flow(realm, kind)
    await update_policy(
        realm, kind, RpEntityName="localhost", RequireResidentKey="Yes", UserVerificationRequirement="required"
    )
    key = SoftKey()
    await register(realm, kind, key)
    page = await password_page(realm)
    refused = await submit(realm.http, page, **await answer(realm, kind, key, page, flags=UP))
    assert refused.status_code != 302
    assert [e.details.get("credential_type") for e in await events(realm, "LOGIN_ERROR")] == [kind.credential]


async def test_timeout(realm: Env, kind: Kind) -> None:
    """WebAuthnPropertyTest.timeout: ``CreateTimeout`` 3 (seconds), as the representation shows, is the
    authenticate page's timeout too (WebAuthnAuthenticator passes the create timeout); the browser's API then
    fails (NotAllowedError), which shows webauthn-error.ftl with "Failed to authenticate by the Passkey."."""
    await bind_flow(realm, kind)
    await register(realm, kind, SoftKey())
    rep = await update_policy(realm, kind, CreateTimeout=3)
    assert rep[kind.prefix + "CreateTimeout"] == 3
    page = await password_page(realm)
    assert is_authenticate_page(page) and page_options(page.text)["timeout"] == 3000
    timed_out = "NotAllowedError: The operation either timed out or was not allowed."
    failed = await submit(realm.http, page, error=timed_out)
    assert failed.status_code == 200 and "Failed to authenticate by the Passkey." in failed.text
    assert "code=" not in failed.headers.get("location", "")


async def test_change_authenticator_properties(realm: Env, kind: Kind) -> None:
    """WebAuthnPropertyTest.changeAuthenticatorProperties: a key registered under the resident-key policy, then
    another authenticator answers the login (not the user's key): the WebAuthn error page, no code."""
    await bind_flow(realm, kind)
    await update_policy(
        realm, kind, RpEntityName="localhost", RequireResidentKey="Yes", UserVerificationRequirement="required"
    )
    await register(realm, kind, SoftKey())
    page = await password_page(realm)
    refused = await submit(realm.http, page, **await answer(realm, kind, SoftKey(), page))
    assert refused.status_code == 200 and "code=" not in refused.headers.get("location", "")
    assert 'id="authenticateWebAuthnButton"' in refused.text or "isSetRetry" in refused.text
    assert [e for e in await events(realm, "LOGIN") if e.details.get("credential_type") == kind.credential] == []


async def remove_key(env: Env, kind: Kind) -> None:
    """An admin deletes user1's one credential of ``kind``."""
    uid = await user_id(env)
    stored = (await admin(env, "GET", f"{ADMIN}/users/{uid}/credentials", status=200)).json()
    (key_id,) = [c["id"] for c in stored if c["type"] == kind.credential]
    await admin(env, "DELETE", f"{ADMIN}/users/{uid}/credentials/{key_id}", status=204)


async def test_required_action_registration(realm: Env) -> None:
    """WebAuthnPropertyTest.requiredActionRegistration (two-factor only; WebAuthnPwdLessPropertyTest ignores it):
    a registered user's login reaches the WebAuthn page; an admin removes the key meanwhile; the page loaded
    again (a GET of the login-actions URL, the browser's refresh) runs the step again: the register page, and the
    new key completes the login."""
    kind = KINDS["WebAuthnPropertyTest"]
    await bind_flow(realm, kind)
    await register(realm, kind, SoftKey())
    page = await password_page(realm)
    assert is_authenticate_page(page)
    await remove_key(realm, kind)

    refreshed = await realm.http.get(page_url(page))
    assert refreshed.status_code == 200 and 'id="registerWebAuthn"' in refreshed.text, refreshed.text[:400]
    key = SoftKey()
    done = await submit(realm.http, refreshed, **key.create(page_options(refreshed.text)["challenge"]))
    assert "code" in code_from(done)


async def test_webauthn_enabled(realm: Env) -> None:
    """WebAuthnFeatureTest.testWebAuthnEnabled: serverinfo's authenticator providers include
    ``webauthn-authenticator`` (and the passwordless one). testWebAuthnDisabled has no counterpart: Doorkeep cannot
    turn WEB_AUTHN off, and ``--features-disabled=web-authn`` stops the server from starting rather than leave
    the feature on (cli/options.py)."""
    info = (await admin(realm, "GET", "/admin/serverinfo", status=200)).json()
    providers = info["providers"]["authenticator"]["providers"]
    assert {"webauthn-authenticator", "webauthn-authenticator-passwordless"} <= set(providers)


async def test_a_refresh_after_the_key_is_removed_passes_a_conditional_step(realm: Env) -> None:
    """Beyond WebAuthnPropertyTest.requiredActionRegistration: the WebAuthn Authenticator in a CONDITIONAL sub-flow
    under ``conditional-user-configured`` (as Keycloak's "Browser - Conditional 2FA"); the key removed while its
    page shows, the refresh runs the flow again, whose condition no longer holds: the login completes (the code),
    no register page."""
    kind = KINDS["WebAuthnPropertyTest"]
    await bind_flow(realm, kind)
    await register(realm, kind, SoftKey())
    await admin(realm, "PUT", ADMIN, {"browserFlow": "browser"}, 204)
    await add_flow(realm, "browser-webauthn-forms", "browser-webauthn 2fa", "CONDITIONAL")
    await add(realm, "browser-webauthn 2fa", "conditional-user-configured", REQ)
    await add(realm, "browser-webauthn 2fa", kind.authenticator, REQ)
    forms = [e for e in await executions(realm, "browser-webauthn-forms") if e.get("providerId") == kind.authenticator]
    await admin(realm, "DELETE", f"{AUTH}/executions/{forms[0]['id']}", status=204)
    await admin(realm, "PUT", ADMIN, {"browserFlow": "browser-webauthn"}, 204)
    page = await password_page(realm)
    assert is_authenticate_page(page)
    await remove_key(realm, kind)
    assert "code" in code_from(await realm.http.get(page_url(page)))


async def test_another_users_passkey_after_the_password_is_refused(realm: Env) -> None:
    """WebAuthnPwdLessPropertyTest's flow, hostile: user1's password given, the passkey step answered with user2's
    passkey (user2's handle): WebAuthnAuthenticator's ``different_user_authenticated``, no code; user1's own
    passkey then signs in."""
    kind = KINDS["WebAuthnPwdLessPropertyTest"]
    await seed_user(realm.db, realm.clock, "test", "user2")
    await bind_flow(realm, kind)
    mine, theirs = SoftKey(), SoftKey()
    await register(realm, kind, mine)
    await register(realm, kind, theirs, "user2")
    page = await password_page(realm)
    forged = theirs.get(page_options(page.text)["challenge"], user_handle=await user_id(realm, "user2"))
    refused = await submit(realm.http, page, **forged)
    assert refused.status_code == 200 and "code=" not in refused.headers.get("location", "")
    assert [e.error for e in await events(realm, "LOGIN_ERROR")] == ["different_user_authenticated"]
    again = await submit(realm.http, refused, isSetRetry="retry")
    assert "code" in code_from(await submit(realm.http, again, **await answer(realm, kind, mine, again)))


async def test_an_expired_password_is_changed_after_the_passkey_step(realm: Env) -> None:
    """WebAuthnPwdLessPropertyTest's flow: the password was validated before the passkey, so the flow's end
    evaluates UpdatePassword's trigger (forceExpiredPasswordChange, AuthenticatorUtil.isPasswordValidated): an
    expired password asks for a new one once the passkey signed in."""
    kind = KINDS["WebAuthnPwdLessPropertyTest"]
    await bind_flow(realm, kind)
    key = SoftKey()
    await register(realm, kind, key)
    await admin(realm, "PUT", ADMIN, {"passwordPolicy": "forceExpiredPasswordChange(1)"}, 204)
    realm.clock.advance(2 * 86400)
    page = await password_page(realm)
    assert is_authenticate_page(page)
    update = await submit(realm.http, page, **await answer(realm, kind, key, page))
    if update.status_code == 302:
        update = await realm.http.get(update.headers["location"])
    assert update.status_code == 200 and 'name="password-new"' in update.text, update.text[:300]


async def test_a_feature_turned_off_takes_its_authenticator_out_of_the_lists(realm: Env) -> None:
    """WebAuthnFeatureTest.testWebAuthnDisabled's rule for the feature Doorkeep can turn off: with
    ``--features-disabled=recovery-codes`` RecoveryAuthnCodesFormAuthenticatorFactory is not supported
    (EnvironmentDependentProviderFactory.isSupported), so neither serverinfo's authenticator providers nor the
    admin API's ``authenticator-providers`` name ``auth-recovery-authn-code-form``; with it on, both do."""
    recovery = "auth-recovery-authn-code-form"

    async def named(env: Env) -> tuple[bool, bool]:
        info = (await admin(env, "GET", "/admin/serverinfo", status=200)).json()
        listed = (await admin(env, "GET", f"{AUTH}/authenticator-providers", status=200)).json()
        return recovery in info["providers"]["authenticator"]["providers"], recovery in {p["id"] for p in listed}

    assert await named(realm) == (True, True)
    off = dataclasses.replace(realm.settings, features_disabled="recovery-codes")
    async with another_worker(dataclasses.replace(realm, settings=off)) as http:
        assert await named(dataclasses.replace(realm, http=http)) == (False, False)
