"""Passkeys on the login form (Keycloak 26.4's ``passkeys``: UsernamePasswordForm and UsernameForm with
WebAuthnConditionalUIAuthenticator, a WebAuthnPasswordlessAuthenticator whose errors show the login form again).

While the realm's passwordless policy has passkeys on (``webAuthnPolicyPasswordlessPasskeysEnabled``), the
username(-password) page carries a WebAuthn challenge (the authentication session's WEBAUTH_CHALLENGE note, new
at every page) and ``autocomplete="username webauthn"``, so that the browser's autofill offers the user's passkeys
(conditional mediation) beside a "Sign in with Passkey" button; for a user already known (a re-authentication,
identity-first's password page) only while that user holds a passkey (isConditionalPasskeysEnabled). A form posted
with ``authenticatorData`` or ``error`` is the passkey's answer (UsernamePasswordForm.action hands it to
WebAuthnAuthenticator.action): the credential's user handle names the user, whose ``webauthn-passwordless``
credential must verify the assertion under the passwordless policy. Failures are WebAuthnAuthenticator's
LOGIN_ERRORs (``credential_type`` ``webauthn-passwordless``, ``web_authn_authentication_error``) and the login form
again with the error and a new challenge (createErrorResponse); the credential of a user of another realm, a
two-factor (``webauthn``) key or a handle naming no user is WEBAUTHN_ERROR_USER_NOT_FOUND. A verified passkey moves
its counter on and signs the user in without a password: AuthenticationProcessor.setAutheticatedUser refuses a
disabled user (USER_DISABLED: LOGIN_ERROR ``user_disabled`` and the "Account is disabled" page), then the flow's
steps after the password run as they would after it (a conditional 2FA sub-flow included).
"""

from __future__ import annotations

import dataclasses
import logging
from typing import TYPE_CHECKING

from doorkeep.model import Client, Realm, User
from doorkeep.oauth import flow_gates, login_completion, login_events, login_gates
from doorkeep.oauth.authorize import AuthRequest
from doorkeep.oauth.login_outcomes import NeedLogin, Outcome, Refused
from doorkeep.oauth.login_step import LoginSite, StepContext
from doorkeep.oauth.login_webauthn import (
    AUTHENTICATED_USER,
    ERR_DETAIL_LABEL,
    ERR_LABEL,
    FIRST_AUTHENTICATED_USER,
    MISSING,
    UV_CHECKED,
)
from doorkeep.oauth.webauthn_register import host_and_origin, origins
from doorkeep.users import brute_force, webauthn, webauthn_policy

if TYPE_CHECKING:
    from doorkeep.oauth.context import Form
    from doorkeep.store.tx import Tx

log = logging.getLogger(__name__)

KIND = webauthn.PASSWORDLESS_TYPE
# createErrorResponse's ``setError(errorCase, "")``: the message of each WebAuthn error key, its parameter empty
ERRORS = {
    "webauthn-error-api-get": "Failed to authenticate by the Passkey.",
    "webauthn-error-different-user": "First authenticated user is not the one authenticated by the Passkey.",
    "webauthn-error-auth-verification": "Passkey authentication result is invalid.",
    "webauthn-error-user-not-found": "Unknown user authenticated by the Passkey.",
}
ACCOUNT_DISABLED = "Account is disabled, contact your administrator."  # Messages.ACCOUNT_DISABLED
INVALID_CREDENTIALS = "Invalid username or password."
_COMPULSORY = ("credentialId", "clientDataJSON", "authenticatorData", "signature")


async def offered(tx: Tx, realm: Realm, client: Client, request: AuthRequest, user_id: str | None) -> bool:
    """Whether the login's sign-in page asks for a passkey: always in a flow that starts with the passkey (no
    username step); else isConditionalPasskeysEnabled: passkeys on, and no user known yet or a known user holding
    a passkey."""
    if flow_gates.usernameless(realm, client, request.requested_flow):
        return True
    if not webauthn_policy.passkeys_enabled(realm):
        return False
    return user_id is None or any(c.type == KIND for c in await tx.users.credentials(user_id))


def is_answer(realm: Realm, client: Client, request: AuthRequest, form: Form) -> bool:
    """UsernamePasswordForm.action: a form with ``authenticatorData`` or ``error`` is the passkey's, while passkeys
    are on (otherwise it is a username and password form like any other); in a flow that starts with the passkey
    every form of the sign-in page is (WebAuthnPasswordlessAuthenticator.action)."""
    if flow_gates.usernameless(realm, client, request.requested_flow):
        return True
    answered = form.get("authenticatorData") is not None or form.get("error") is not None
    return answered and webauthn_policy.passkeys_enabled(realm)


async def verify(
    site: LoginSite, form: Form, challenge: str | None, *, known: User | None, remember_me: bool = False
) -> Outcome:
    """The passkey's answer posted from the login form (WebAuthnAuthenticator.action with the passwordless
    policy); ``known``: the user the login already has (a re-authentication), whom the passkey must name."""
    tx, realm = site.tx, site.realm
    if form.get("isSetRetry"):  # webauthn-error.ftl's "Try again" (a flow that starts with the passkey)
        return _again(None, known, remember_me)

    async def refused(key: str, error: str, user: User | None, more: dict[str, str]) -> NeedLogin:
        if known is not None:  # AuthenticationProcessor.logFailure: a failure of the login's user counts
            await brute_force.failed_login(tx, realm, known, site.browser.ip_address, site.services.clock.now_ms())
        await login_events.step_error(site, user, error, {"credential_type": KIND, **more, ERR_LABEL: key})
        return _again(ERRORS[key], known, remember_me)

    from_api = form.get("error")
    if from_api or any(not (form.get(name) or "").strip() for name in _COMPULSORY):
        detail = from_api or MISSING
        log.warning("error returned from navigator.credentials.get(). %s", detail)
        return await refused("webauthn-error-api-get", "not_allowed", known, {ERR_DETAIL_LABEL: detail})
    try:
        raw_id = webauthn.from_b64url(form.get("credentialId") or "")
        handle = (form.get("userHandle") or "").strip()
        named = webauthn.from_b64url(handle).decode() if handle else None
    except (webauthn.Refused, UnicodeDecodeError):
        return await refused("webauthn-error-user-not-found", "user_not_found", known, {})
    credential = webauthn.b64url(raw_id)
    if named is None and known is None:  # no user handle (not a discoverable credential) and no user yet
        return await refused("webauthn-error-user-not-found", "user_not_found", None, {})
    if known is not None and named is not None and named != known.id:
        more = {FIRST_AUTHENTICATED_USER: known.id, AUTHENTICATED_USER: named}
        return await refused("webauthn-error-different-user", "different_user_authenticated", known, more)
    user = known if named is None else await tx.users.get(named)
    unknown = {AUTHENTICATED_USER: named or "", "public_key_credential_id": credential}
    if user is None or user.realm_id != realm.id:  # getUserById(realm, id): another realm's user is nobody here
        return await refused("webauthn-error-user-not-found", "user_not_found", known, unknown)
    policy = webauthn_policy.policy(realm, webauthn_policy.PASSWORDLESS)
    host, _ = host_and_origin(site.browser.base_url)
    creds = [c for c in await tx.users.credentials(user.id) if c.type == KIND]
    try:
        asserted = webauthn.verify_assertion(
            policy,
            creds,
            expected_challenge=challenge or "",
            rp=webauthn.rp_id(policy, host),
            origins=origins(policy, site.browser.base_url)[:1],
            credential=credential,
            client_data_json=form.get("clientDataJSON") or "",
            authenticator_data=form.get("authenticatorData") or "",
            signature=form.get("signature") or "",
        )
    except webauthn.Refused as problem:
        log.warning("WebAuthn API .get() response validation failure. %s", problem)
        why = {ERR_DETAIL_LABEL: str(problem)}
        return await refused("webauthn-error-auth-verification", "invalid_user_credentials", known, why)
    if asserted is None:  # none of the user's passkeys: a security key, another user's, an unknown one
        return await refused("webauthn-error-user-not-found", "user_not_found", known, unknown)
    return await _signed_in(site, user, asserted, policy, remember_me)


async def _signed_in(
    site: LoginSite, user: User, asserted: webauthn.Asserted, policy: webauthn_policy.Policy, remember_me: bool
) -> Outcome:
    """The verified passkey: the user set on the login (a disabled or locked one refused), the counter moved on,
    then the flow's steps after the password."""
    ctx = StepContext(site.tx, site.services, site.realm, site.client, site.request, user, site.browser)
    if not user.enabled:  # validateUser: USER_DISABLED, handleBrowserException's error page
        await login_events.login_event(ctx, user.username, error="user_disabled")
        return Refused(ACCOUNT_DISABLED)
    locked = await brute_force.refusal(site.tx, site.realm, user, site.services.clock.now())
    if locked is not None:  # a user Brute Force Detection locks out signs in with no credential
        await login_events.login_event(ctx, user.username, error=locked)
        return _again(INVALID_CREDENTIALS, None, remember_me)
    data = {**asserted.credential.credential_data, "counter": asserted.counter}
    await site.tx.users.update_credential_data(asserted.credential.id, data)
    checked = "true" if policy.user_verification_requirement == webauthn_policy.REQUIRED else "false"
    details = {
        "credential_type": KIND,
        UV_CHECKED: checked,
        "public_key_credential_id": webauthn.b64url(webauthn.credential_id(asserted.credential)),
    }
    request = dataclasses.replace(ctx.request, passkey_signed_in=True)
    ctx = dataclasses.replace(ctx, request=request, event_details={**ctx.event_details, **details})
    page, ctx = await login_gates.after(ctx, _first_gate(ctx), remember_me=remember_me, used=KIND)
    if page is not None:
        return page
    return await login_completion.proceed(ctx, remember_me=remember_me)


def _first_gate(ctx: StepContext) -> int:
    """The gates after the password form, or after the passkey step of a passwordless flow (its
    alreadyAuthenticatedUsingPasswordlessCredential: the passkey given on the username page counts)."""
    try:
        plan = flow_gates.plan(ctx.realm, ctx.client, flow_gates.BROWSER, ctx.request.requested_flow)
    except flow_gates.CannotRun:
        return 0
    return 1 if plan.passwordless else 0


def _again(error: str | None, known: User | None, remember_me: bool) -> NeedLogin:
    """createErrorResponse: the login form again with the error, the passkeys kept (the page draws a new
    challenge); a known user's form stays a re-authentication (setupReauthenticationInUsernamePasswordFormError)."""
    if known is None:
        return NeedLogin(error, "", remember_me)
    return NeedLogin(error, known.username, remember_me, user_id=known.id)
