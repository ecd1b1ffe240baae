"""The browser login's one-time-password steps: Keycloak 26's OTP Form and CONFIGURE_TOTP required action.

OTPFormAuthenticator.validateOTP: the code in ``otp``, checked against the credential ``selectedCredentialId``
names (else the user's default one); Brute Force Detection asked first, a wrong code counted as a failed
login and answered "Invalid authenticator code." with a LOGIN_ERROR ``invalid_user_credentials`` (the post broker
login flow's form records its own events instead, oauth/login_broker_post.py).

UpdateTotp.processAction: the code in ``totp`` checked against the secret the page showed, a device name
(``userLabel``) required once the user has another OTP credential and unique among them, then the credential
stored and the code spent on it (CredentialHelper.createOTPCredential), UPDATE_TOTP and UPDATE_CREDENTIAL
recorded, and a setup the client asked for (``kc_action=CONFIGURE_TOTP``) answered ``kc_action_status=success``
(its page's ``cancel-aia`` is handled by ``action_steps`` as for the other actions). Keycloak reads the secret
back from the form's hidden ``totpSecret``; Doorkeep keeps it in the authentication session (where Keycloak's
TotpBean keeps it too) and ignores the form's copy, so the secret stored is always one this server drew.

A realm OTP policy Keycloak's code arithmetic throws on (``otp.UnusablePolicy``: a period of 0, digits outside
0-8, an unknown algorithm) ends the OTP form as AuthenticationProcessor.handleBrowserException ends any
unexpected failure: a 400 error page "Unexpected error when handling authentication request to identity
provider." and LOGIN_ERROR ``invalid_user_credentials``. Keycloak lets the same exception out of
UpdateTotp.processAction (a 500); Doorkeep answers the setup form with that same 400 page instead.
"""

from __future__ import annotations

import dataclasses

from doorkeep.errors import UNEXPECTED_ERROR_HANDLING_REQUEST
from doorkeep.oauth import (
    login_broker_post,
    login_completion,
    login_events,
    login_gates,
    login_password,
    otp_recovery_codes,
    required_actions,
)
from doorkeep.oauth.login_outcomes import NeedOtp, NeedTotpSetup, Outcome, Refused
from doorkeep.oauth.login_step import StepContext
from doorkeep.oauth.logout_others import logout_other_sessions
from doorkeep.users import brute_force, otp

INVALID_TOTP = "Invalid authenticator code."  # Messages.INVALID_TOTP
MISSING_TOTP = "Please specify authenticator code."  # Messages.MISSING_TOTP
MISSING_TOTP_DEVICE_NAME = "Please specify device name."  # Messages.MISSING_TOTP_DEVICE_NAME
DUPLICATE_DEVICE = "Device already exists with the same name"  # the credential store's ModelDuplicateException
UNEXPECTED_ERROR = UNEXPECTED_ERROR_HANDLING_REQUEST


async def verify(ctx: StepContext, token: str | None, selected: str | None, *, remember_me: bool = False) -> Outcome:
    """The OTP form's POST. No ``otp`` field at all shows the form again without an error or a count."""
    tx, services, realm, user = ctx.tx, ctx.services, ctx.realm, ctx.user
    creds = await otp.stored(tx, user.id)
    chosen = selected or (creds[0].id if creds else "")
    details = {"selected_credential_id": chosen}

    async def record(error: str) -> None:
        if ctx.request.post_broker:  # the post broker login flow's event, not the login's
            await login_broker_post.record(ctx, error=error, user_id=user.id, extra=details)
        else:
            await login_events.login_event(ctx, user.username, error=error, extra=details)

    async def refused(error: str) -> NeedOtp:
        await record(error)
        return NeedOtp(user.id, INVALID_TOTP, chosen, remember_me)

    now = services.clock.now()
    locked = await brute_force.refusal(tx, realm, user, now)
    if locked is not None:  # disabledByBruteForceError: the OTP form's own "invalid code" text
        return await refused(locked)
    if token is None:
        if ctx.request.post_broker:
            await login_broker_post.record(ctx, extra=details)
        return NeedOtp(user.id, None, chosen, remember_me)
    cred = next((c for c in creds if c.id == chosen), None)
    try:
        valid = cred is not None and await otp.is_valid(tx, realm, cred, token, now)
    except otp.UnusablePolicy:  # handleBrowserException: no failed login counted
        await record("invalid_user_credentials")
        return Refused(UNEXPECTED_ERROR)
    if not valid:
        await brute_force.failed_login(tx, realm, user, ctx.browser.ip_address, services.clock.now_ms())
        return await refused("invalid_user_credentials")
    if ctx.request.post_broker:  # the post broker login flow's OTP form: the login ends here
        await login_broker_post.record(ctx, extra=details)
        return await login_completion.proceed(login_broker_post.passed(ctx), remember_me=remember_me)
    page, ctx = await login_gates.after(ctx, ctx.request.flow_gate + 1, remember_me=remember_me, used=otp.TYPE)
    if page is not None:
        return page
    if ctx.request.broker_continuation is None:  # a broker login validated no password
        user = await login_password.password_validated(tx, services, realm, user)  # the flow's end: its triggers
    return await login_completion.proceed(dataclasses.replace(ctx, user=user), remember_me=remember_me)


async def configure(
    ctx: StepContext,
    token: str | None,
    label: str | None,
    secret: str,
    *,
    logout_others: bool = False,
    mode: str | None = None,
) -> Outcome:
    """The CONFIGURE_TOTP page's POST, checked in UpdateTotp.processAction's order; ``logout_others``: the
    "Sign out from other devices" box, acted on once the code and the device name pass, before the credential
    is stored; ``mode``: the page's view, shown again with an error."""
    tx, realm, user = ctx.tx, ctx.realm, ctx.user

    def again(error: str) -> NeedTotpSetup:
        cancel = required_actions.app_initiated(ctx.request, user, otp.CONFIGURE_TOTP)
        return NeedTotpSetup(user.id, error, secret, cancel, ctx.request, mode)

    policy, now = otp.policy(realm), ctx.services.clock.now()
    if not (token or "").strip():  # Validation.isBlank
        return again(MISSING_TOTP)
    try:
        if not otp.valid_for_policy(token or "", secret, policy, now):
            return again(INVALID_TOTP)
    except otp.UnusablePolicy:
        return Refused(UNEXPECTED_ERROR)
    existing = await otp.stored(tx, user.id)
    if existing and not (label or "").strip():
        return again(MISSING_TOTP_DEVICE_NAME)
    if logout_others:
        await logout_other_sessions(ctx, otp.CONFIGURE_TOTP)
    if otp.duplicate_label(existing, label):
        return again(DUPLICATE_DEVICE)
    cred = otp.new_credential(user.id, policy, secret, label, ctx.services.clock.now_ms())
    await tx.users.add_credential(cred)
    if not await otp.is_valid(tx, realm, cred, token or "", now):  # the setup code is spent (HOTP: counter moves)
        return again(INVALID_TOTP)
    await login_events.credential_updated(ctx, otp.TYPE)
    actions = tuple(a for a in user.required_actions if a != otp.CONFIGURE_TOTP)
    user = dataclasses.replace(user, required_actions=actions)
    user = await otp_recovery_codes.after_totp(tx, realm, user, ctx.services.disabled_features)
    await tx.users.update(user)
    request = required_actions.settled(ctx.request, otp.CONFIGURE_TOTP, required_actions.SUCCESS)
    return await login_completion.proceed(dataclasses.replace(ctx, request=request, user=user))
