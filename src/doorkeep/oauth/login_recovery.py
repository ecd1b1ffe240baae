"""The browser login's recovery authentication codes: Keycloak 26's RecoveryAuthnCodesFormAuthenticator (the code
asked for after the password) and RecoveryAuthnCodesAction (CONFIGURE_RECOVERY_AUTHN_CODES, the page that shows a
new set once).

RecoveryAuthnCodesFormAuthenticator.action, in its order: Brute Force Detection first (a locked user gets the
lock's LOGIN_ERROR and "Invalid username or password."); then the code in ``recoveryCodeInput``, its dashes
dropped, checked against the next code of the set (users/recovery_codes.py). A wrong or blank code is a failed
login Brute Force Detection counts (``failureChallenge(INVALID_CREDENTIALS)``), a LOGIN_ERROR
``invalid_user_credentials`` and "Invalid recovery authentication code"; a right one is spent, and once the set is
empty its credential goes and the user gets CONFIGURE_RECOVERY_AUTHN_CODES. Every event names
``credential_type`` ``recovery-authn-codes``; no event, log line or page ever holds a code.

RecoveryAuthnCodesAction.processAction: the codes the page showed (Keycloak keeps them in the authentication
session's notes and checks the form's hidden copy against them; Doorkeep reads only its notes), stored hashed as
the user's one set, replacing the old one; UPDATE_CREDENTIAL with the ``credential_type``; the page's
``logout-sessions`` box ends the user's other sessions first.
"""

from __future__ import annotations

import dataclasses

from doorkeep.oauth import login_completion, login_events, login_gates, login_password, required_actions
from doorkeep.oauth.login_outcomes import NeedRecoveryCode, NeedRecoverySetup, Outcome
from doorkeep.oauth.login_step import StepContext
from doorkeep.oauth.logout_others import logout_other_sessions
from doorkeep.users import brute_force, recovery_codes

# RecoveryAuthnCodesUtils.RECOVERY_AUTHN_CODES_INPUT_DEFAULT_ERROR_MESSAGE
INVALID_CODE = "recovery-codes-error-invalid"
INVALID_USER = "invalidUserMessage"  # Messages.INVALID_USER, on the username field
FIELD = "recoveryCodeInput"  # RecoveryAuthnCodesUtils.FIELD_RECOVERY_CODE_IN_BROWSER_FLOW
MAX_LABEL = 255  # the credential's USER_LABEL column


async def verify(ctx: StepContext, typed: str | None, *, remember_me: bool = False) -> Outcome:
    """The recovery code page's POST."""
    tx, realm, user = ctx.tx, ctx.realm, ctx.user
    details = {"credential_type": recovery_codes.TYPE}

    async def again(error: str, *, on_username: bool = False) -> NeedRecoveryCode:
        # the set as it now stands: after a refusal under the credential's lock, another tab may have spent a code
        cred = await recovery_codes.stored(tx, user.id)
        number = (recovery_codes.next_number(cred) if cred is not None else None) or 1
        return NeedRecoveryCode(user.id, number, error, remember_me, ctx.request, on_username)

    locked = await brute_force.refusal(tx, realm, user, ctx.services.clock.now())
    if locked is not None:  # isDisabledByBruteForce: the lock's event, the username field's message
        await login_events.login_event(ctx, user.username, error=locked, extra=details)
        return await again(INVALID_USER, on_username=True)
    code = typed or ""
    used = await recovery_codes.use(tx, user.id, code) if code.strip() else None
    if used is None:
        await brute_force.failed_login(tx, realm, user, ctx.browser.ip_address, ctx.services.clock.now_ms())
        await login_events.login_event(ctx, user.username, error="invalid_user_credentials", extra=details)
        return await again(INVALID_CODE)
    if used.exhausted and recovery_codes.CONFIGURE not in user.required_actions:
        user = dataclasses.replace(user, required_actions=(*user.required_actions, recovery_codes.CONFIGURE))
        await tx.users.update(user)
    ctx = dataclasses.replace(ctx, user=user, event_details={**ctx.event_details, **details})
    page, ctx = await login_gates.after(
        ctx, ctx.request.flow_gate + 1, remember_me=remember_me, used=recovery_codes.TYPE
    )
    if page is not None:
        return page
    if ctx.request.broker_continuation is None:  # a broker login validated no password
        user = await login_password.password_validated(tx, ctx.services, realm, user)  # the flow's end: its triggers
    return await login_completion.proceed(dataclasses.replace(ctx, user=user), remember_me=remember_me)


def parse_codes(note: str | None) -> list[str]:
    """The codes the setup page showed, as the authentication session keeps them (comma-separated)."""
    codes = [c for c in (note or "").split(",") if c]
    return codes if len(codes) == recovery_codes.QUANTITY else []


async def configure(
    ctx: StepContext, codes: list[str], generated_at: int, label: str | None, *, logout_others: bool = False
) -> Outcome:
    """CONFIGURE_RECOVERY_AUTHN_CODES's POST: the set the page showed stored, the action done."""
    user = ctx.user
    if not codes:  # no set in the authentication session (never shown): the page again, with a new one
        cancel = required_actions.app_initiated(ctx.request, user, recovery_codes.CONFIGURE)
        return NeedRecoverySetup(user.id, cancel, ctx.request)
    if logout_others:
        await logout_other_sessions(ctx, recovery_codes.CONFIGURE)
    shown = (label or "").strip()
    name = shown if shown and len(shown) <= MAX_LABEL else recovery_codes.DEFAULT_LABEL
    await recovery_codes.store(ctx.tx, user.id, codes, generated_at, name)
    await login_events.record(ctx, "UPDATE_CREDENTIAL", more={"credential_type": recovery_codes.TYPE})
    actions = tuple(a for a in user.required_actions if a != recovery_codes.CONFIGURE)
    if actions != user.required_actions:
        user = dataclasses.replace(user, required_actions=actions)
        await ctx.tx.users.update(user)
    request = required_actions.settled(ctx.request, recovery_codes.CONFIGURE, required_actions.SUCCESS)
    return await login_completion.proceed(dataclasses.replace(ctx, request=request, user=user))
