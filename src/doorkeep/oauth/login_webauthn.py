"""The browser flow's WebAuthn step (Keycloak 26's WebAuthnAuthenticator, two-factor): its POST.

WebAuthnAuthenticator.action, in its order: an ``error`` from navigator.credentials.get(), or a missing
``credentialId``, ``clientDataJSON``, ``authenticatorData`` or ``signature``, is WEBAUTHN_ERROR_API_GET
(``not_allowed``); a ``userHandle`` naming another user than the one the password identified is
WEBAUTHN_ERROR_DIFFERENT_USER (``different_user_authenticated``); a key that is not one of the user's is
WEBAUTHN_ERROR_USER_NOT_FOUND (``user_not_found``); an assertion that does not verify is
WEBAUTHN_ERROR_AUTH_VERIFICATION (``invalid_user_credentials``). Each is a LOGIN_ERROR with
``credential_type`` ``webauthn`` and the ``web_authn_authentication_error`` details, a failure Brute Force
Detection counts (AuthenticationProcessor.logFailure), and webauthn-error.ftl. A verified key moves its
signature counter on, and the flow goes on (the gates after it, then the login's end) with
``web_authn_authenticator_user_verification_checked`` and ``public_key_credential_id`` on the LOGIN event
(WebAuthnConstants' keys). The error page's "Try again" (``isSetRetry``) shows the step again with a new
challenge.

WebAuthnPasswordlessAuthenticator (``passwordless``) is the same step with the user's passkeys
(``webauthn-passwordless`` credentials, the events' ``credential_type``) and the realm's passwordless policy.
"""

from __future__ import annotations

import dataclasses
import logging
from typing import TYPE_CHECKING

from doorkeep.oauth import login_completion, login_events, login_gates, login_password
from doorkeep.oauth.login_outcomes import NeedWebAuthn, Outcome
from doorkeep.oauth.login_step import StepContext
from doorkeep.oauth.webauthn_register import host_and_origin, origins
from doorkeep.users import brute_force, webauthn, webauthn_policy

if TYPE_CHECKING:
    from doorkeep.oauth.context import Form

log = logging.getLogger(__name__)

ERROR_API_GET = "webauthn-error-api-get"  # Messages.WEBAUTHN_ERROR_API_GET
ERROR_DIFFERENT_USER = "webauthn-error-different-user"
ERROR_AUTH_VERIFICATION = "webauthn-error-auth-verification"
ERROR_USER_NOT_FOUND = "webauthn-error-user-not-found"
ERR_LABEL, ERR_DETAIL_LABEL = "web_authn_authentication_error", "web_authn_authentication_error_detail"
# WebAuthnConstants' event keys (USER_VERIFICATION_CHECKED, AUTHENTICATED_USER_ID, FIRST_AUTHENTICATED_USER_ID)
UV_CHECKED = "web_authn_authenticator_user_verification_checked"
AUTHENTICATED_USER, FIRST_AUTHENTICATED_USER = "web_authn_authenticated_user_id", "first_authenticated_user_id"
MISSING = "Missing compulsory webauthn parameters"
_COMPULSORY = ("credentialId", "clientDataJSON", "authenticatorData", "signature")


async def verify(
    ctx: StepContext, form: Form, challenge: str | None, *, remember_me: bool = False, passwordless: bool = False
) -> Outcome:
    """The WebAuthn page's POST (``passwordless``: WebAuthnPasswordlessAuthenticator's)."""
    user = ctx.user
    kind = webauthn.PASSWORDLESS_TYPE if passwordless else webauthn.TYPE
    if form.get("isSetRetry"):
        return NeedWebAuthn(user.id, remember_me=remember_me, request=ctx.request, passwordless=passwordless)

    async def refused(key: str, error: str, more: dict[str, str]) -> NeedWebAuthn:
        await brute_force.failed_login(ctx.tx, ctx.realm, user, ctx.browser.ip_address, ctx.services.clock.now_ms())
        extra = {"credential_type": kind, **more, ERR_LABEL: key}
        await login_events.login_event(ctx, user.username, error=error, extra=extra)
        return NeedWebAuthn(user.id, key, remember_me, ctx.request, passwordless)

    from_api = form.get("error")
    if from_api or any(not (form.get(name) or "").strip() for name in _COMPULSORY):
        detail = from_api or MISSING
        log.warning("error returned from navigator.credentials.get(). %s", detail)
        return await refused(ERROR_API_GET, "not_allowed", {ERR_DETAIL_LABEL: detail})
    handle = (form.get("userHandle") or "").strip()
    if handle:
        try:
            named = webauthn.from_b64url(handle).decode()
        except (webauthn.Refused, UnicodeDecodeError):
            named = ""
        if named != user.id:
            more = {FIRST_AUTHENTICATED_USER: user.id, AUTHENTICATED_USER: named}
            return await refused(ERROR_DIFFERENT_USER, "different_user_authenticated", more)
    policy = webauthn_policy.policy(
        ctx.realm, webauthn_policy.PASSWORDLESS if passwordless else webauthn_policy.TWO_FACTOR
    )
    host, _ = host_and_origin(ctx.browser.base_url)
    creds = [c for c in await ctx.tx.users.credentials(user.id) if c.type == kind]
    credential = form.get("credentialId") or ""
    try:
        asserted = webauthn.verify_assertion(
            policy,
            creds,
            expected_challenge=challenge or "",
            rp=webauthn.rp_id(policy, host),
            origins=origins(policy, ctx.browser.base_url)[:1],  # the authenticator checks the server's origin only
            credential=credential,
            client_data_json=form.get("clientDataJSON") or "",
            authenticator_data=form.get("authenticatorData") or "",
            signature=form.get("signature") or "",
        )
    except webauthn.Refused as problem:
        log.warning("WebAuthn API .get() response validation failure. %s", problem)
        return await refused(ERROR_AUTH_VERIFICATION, "invalid_user_credentials", {ERR_DETAIL_LABEL: str(problem)})
    if asserted is None:
        more = {AUTHENTICATED_USER: user.id, "public_key_credential_id": credential}
        return await refused(ERROR_USER_NOT_FOUND, "user_not_found", more)
    data = {**asserted.credential.credential_data, "counter": asserted.counter}
    await ctx.tx.users.update_credential_data(asserted.credential.id, data)
    checked = "true" if policy.user_verification_requirement == webauthn_policy.REQUIRED else "false"
    details = {
        "credential_type": kind,
        UV_CHECKED: checked,
        "public_key_credential_id": webauthn.b64url(webauthn.credential_id(asserted.credential)),
    }
    ctx = dataclasses.replace(ctx, event_details={**ctx.event_details, **details})
    page, ctx = await login_gates.after(ctx, ctx.request.flow_gate + 1, remember_me=remember_me, used=kind)
    if page is not None:
        return page
    return await _through(dataclasses.replace(ctx, user=user), remember_me)


async def _through(ctx: StepContext, remember_me: bool) -> Outcome:
    """The flow is through after the step: the login's end (required actions, consent, the code)."""
    user = ctx.user
    if login_gates.password_first(ctx):  # a key or passkey as the first factor validated no password
        user = await login_password.password_validated(ctx.tx, ctx.services, ctx.realm, user)
    return await login_completion.proceed(dataclasses.replace(ctx, user=user), remember_me=remember_me)


async def shown_again(ctx: StepContext, shown: NeedWebAuthn) -> Outcome:
    """A GET of the step's page (a refresh: LoginActionsService.processFlow without an action runs the step's
    authenticate() again). While the user holds a key of the step's kind the page stays; a user whose keys are gone
    meanwhile (an admin removed them) is treated as the step treats a user without one: the gates from this one on
    decide (a REQUIRED step: its register action, setRequiredActions; a conditional one: passed over)."""
    kind = webauthn.PASSWORDLESS_TYPE if shown.passwordless else webauthn.TYPE
    if shown.error is not None or any(c.type == kind for c in await ctx.tx.users.credentials(ctx.user.id)):
        return shown
    page, ctx = await login_gates.after(ctx, ctx.request.flow_gate, remember_me=shown.remember_me, done=False)
    if page is not None:
        return page
    return await _through(ctx, shown.remember_me)
