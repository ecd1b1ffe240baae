"""The required-action forms: UPDATE_PASSWORD, UPDATE_PROFILE (login-update-profile.ftl), TERMS_AND_CONDITIONS
(terms.ftl), CONFIGURE_TOTP (``login_otp``), delete_credential and delete_account (``account_actions``), and the
``cancel-aia`` button of an application-initiated action.

Keycloak's LoginActionsService.processRequireAction: a cancelled action records CUSTOM_REQUIRED_ACTION_ERROR
(``rejected_by_user``) and the login goes on with ``kc_action_status=cancelled``; a completed one leaves the
user and, when the client asked for it, answers ``kc_action_status=success``; declined terms end the login
with ``access_denied`` (CONSENT_DENIED, the description TermsAndConditions' message key).
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING

from doorkeep.model import UPDATE_PASSWORD, User, with_password_update
from doorkeep.oauth import (
    account_actions,
    login_completion,
    login_events,
    login_otp,
    login_outcomes,
    login_recovery,
    login_session,
    logout_others,
    profile_check,
    required_actions,
    update_email,
    webauthn_register,
)
from doorkeep.oauth.login_outcomes import NeedPasswordUpdate, Outcome
from doorkeep.oauth.login_step import StepContext
from doorkeep.oauth.logout_others import logout_other_sessions
from doorkeep.oauth.required_actions import (
    CONFIGURE_TOTP,
    TERMS_AND_CONDITIONS,
    TERMS_ATTRIBUTE,
    UPDATE_PROFILE,
    VERIFY_EMAIL,
    VERIFY_PROFILE,
)
from doorkeep.realms.bootstrap import set_password
from doorkeep.sessions import revocation_triggers, triggered
from doorkeep.users import account_profile, declared, read_only, unmanaged
from doorkeep.users.credentials import enforce_policy, retention
from doorkeep.users.password_policy import PolicyViolation

if TYPE_CHECKING:
    from doorkeep.oauth.context import Form

CANCEL_AIA = "cancel-aia"  # LoginActionsService.CANCEL_AIA
TERMS_DECLINED = "termsAndConditionsDeclined"  # Messages.TERMS_AND_CONDITIONS_DECLINED, sent as it is
REJECTED_BY_USER = "rejected_by_user"


async def submit(
    ctx: StepContext,
    step: str,
    form: Form,
    *,
    totp_secret: str = "",
    challenge: str | None = None,
    recovery: tuple[str | None, str | None] = (None, None),
) -> Outcome:
    """The POST of the required action the login waits on (``step``); ``totp_secret``: the one the CONFIGURE_TOTP
    page showed, kept in the authentication session; ``challenge``: the webauthn-register page's; ``recovery``: the
    recovery codes the CONFIGURE_RECOVERY_AUTHN_CODES page showed and when they were drawn (its notes)."""
    ctx = dataclasses.replace(ctx, request=required_actions.processed(ctx.request, step))
    if form.get(CANCEL_AIA) is not None and required_actions.app_initiated(ctx.request, ctx.user, step):
        await _event(ctx, step, error=REJECTED_BY_USER)
        ctx = dataclasses.replace(ctx, request=required_actions.settled(ctx.request, step, required_actions.CANCELLED))
        return await login_completion.proceed(ctx)
    others = logout_others.asked(form.get(logout_others.FIELD))
    if step == CONFIGURE_TOTP:
        totp, label = form.get("totp"), form.get("userLabel")
        mode = form.get("mode")
        return await login_otp.configure(ctx, totp, label, totp_secret, logout_others=others, mode=mode)
    if step == required_actions.CONFIGURE_RECOVERY_AUTHN_CODES:
        codes, at = login_recovery.parse_codes(recovery[0]), recovery[1] or ""
        generated = int(at) if at.isdigit() else ctx.services.clock.now_ms()
        return await login_recovery.configure(ctx, codes, generated, form.get("userLabel"), logout_others=others)
    if step in webauthn_register.KINDS:
        return await webauthn_register.submit(ctx, form, challenge, logout_others=others, action=step)
    if step in account_actions.ACTIONS:
        answer = await account_actions.submit(ctx, step)
        return await login_completion.proceed(answer) if isinstance(answer, StepContext) else answer
    if step in (UPDATE_PROFILE, VERIFY_PROFILE):
        return await update_profile(ctx, form, step)
    if step == update_email.UPDATE_EMAIL:
        changed = await update_email.submit(ctx, form)
        return await login_completion.proceed(changed) if isinstance(changed, StepContext) else changed
    if step == VERIFY_EMAIL:  # a POST of the page asks for the e-mail again (web/login_responses.py sends it)
        cancel = required_actions.app_initiated(ctx.request, ctx.user, VERIFY_EMAIL)
        page = login_outcomes.NeedEmailVerification(ctx.user.id, ctx.request, cancel=cancel)
        return await login_session.mail_again(ctx.tx, page, ctx.services.clock.now())
    if step == TERMS_AND_CONDITIONS:
        return await terms(ctx, form.get("cancel") is not None)
    new, confirm = form.get("password-new") or "", form.get("password-confirm") or ""
    return await update_password(ctx, new, confirm, logout_others=others)


async def update_profile(ctx: StepContext, form: Form, action: str = UPDATE_PROFILE) -> Outcome:
    """UpdateProfile.processAction, for UPDATE_PROFILE and VERIFY_PROFILE (VerifyUserProfile extends it): the
    UPDATE_PROFILE context validated (``profile_check``), the errors shown on the form with the values typed; then
    the user updated, a new e-mail unverified, and an UPDATE_PROFILE event naming what changed; ``action`` leaves
    the user and the login."""
    realm, user = ctx.realm, ctx.user
    check = await profile_check.checked(ctx, form)
    config, current, sent, mine = check.config, dict(user.attributes), check.sent, check.mine
    if check.found:
        lists = {k: declared.as_values(v) for k, v in current.items()}
        lists |= {k: v for k, v in sent.items() if isinstance(v, list)}  # a multivalued one: the values typed
        typed = {k: v or "" for k, v in account_profile.current(user).items()} | check.rep
        typed |= {k: v for k, v in sent.items() if isinstance(v, str)} | mine
        typed |= declared.shown_values(config, declared.UPDATE_PROFILE, current)  # read-only: the user's value
        cancel = required_actions.app_initiated(ctx.request, user, action)
        labels = {f["name"]: f["label"] for f in declared.form_fields(config, declared.UPDATE_PROFILE)}
        errors = profile_check.field_errors(check.found, labels)
        none = not user.email
        return login_outcomes.NeedProfileUpdate(user.id, typed, errors, cancel, ctx.request, lists, none, action)
    changes = account_profile.changes(realm, user, check.values, update_profile=True)
    others = tuple(a for a in user.required_actions if a != action)
    confirm = update_email.confirmed_later(realm, user, changes)
    if confirm is not None:  # UpdateProfile: the new address waits for UPDATE_EMAIL's link
        changes = {k: v for k, v in changes.items() if k not in ("email", "email_verified")}
        others = (*others, update_email.UPDATE_EMAIL) if update_email.UPDATE_EMAIL not in others else others
    attributes = declared.written(config, declared.UPDATE_PROFILE, check.chosen, user.attributes, current)
    if mine:  # ENABLED: the unmanaged attributes the page showed, as posted
        attributes = unmanaged.replaced(config, attributes, unmanaged.updated(config, mine, current))
    attributes = read_only.pinned(ctx.services.read_only.user, attributes, current)
    updated = dataclasses.replace(user, **changes, attributes=attributes, required_actions=others)
    await ctx.tx.users.update(updated)
    await _event(ctx, "UPDATE_PROFILE", details=_changed(user, updated))
    request = required_actions.settled(required_actions.leaving(ctx.request, action), action, required_actions.SUCCESS)
    if confirm is not None:  # UpdateEmail.requiredActionChallenge with the posted e-mail: the link goes at once
        return await update_email.send_confirmation(dataclasses.replace(ctx, request=request, user=updated), confirm)
    return await login_completion.proceed(dataclasses.replace(ctx, request=request, user=updated))


def _changed(before: User, after: User) -> dict[str, str | None]:
    """The UPDATE_PROFILE context and EventAuditingAttributeChangeListener's details, as the Account REST
    API records them."""
    return {"context": "UPDATE_PROFILE", **account_profile.change_details(before, after)}


async def terms(ctx: StepContext, declined: bool) -> Outcome:
    """TermsAndConditions.processAction: accepted, the ``terms_and_conditions`` attribute holds the time
    (seconds); declined, it is removed and the login fails. Keycloak 21's upper-case attribute is dropped."""
    user = ctx.user
    attributes = {k: v for k, v in user.attributes.items() if k not in (TERMS_ATTRIBUTE, TERMS_ATTRIBUTE.upper())}
    if declined:
        await ctx.tx.users.update(dataclasses.replace(user, attributes=attributes))
        await _event(ctx, TERMS_AND_CONDITIONS, error=REJECTED_BY_USER)
        return login_outcomes.Failed("access_denied", TERMS_DECLINED)
    attributes[TERMS_ATTRIBUTE] = [str(ctx.services.clock.now())]
    others = tuple(a for a in user.required_actions if a != TERMS_AND_CONDITIONS)
    ctx = dataclasses.replace(ctx, user=dataclasses.replace(user, attributes=attributes, required_actions=others))
    await ctx.tx.users.update(ctx.user)
    await _event(ctx, TERMS_AND_CONDITIONS)
    return await login_completion.proceed(ctx)


async def _event(
    ctx: StepContext, action: str, *, error: str | None = None, details: dict[str, str | None] | None = None
) -> None:
    """The required action's event: its own type (UPDATE_PROFILE) with the changes, else
    CUSTOM_REQUIRED_ACTION naming the action (CUSTOM_REQUIRED_ACTION_ERROR when the user said no)."""
    own = action == "UPDATE_PROFILE" and error is None
    more = dict(details or {}) if own else {"custom_required_action": action, **(details or {})}
    type = action if own else ("CUSTOM_REQUIRED_ACTION_ERROR" if error else "CUSTOM_REQUIRED_ACTION")
    await login_events.record(ctx, type, error=error, more=more)


async def update_password(ctx: StepContext, new: str, confirm: str, *, logout_others: bool = False) -> Outcome:
    """UpdatePassword.processAction; ``logout_others``: the page's "Sign out from other devices" box, acted on
    once both fields are filled in and equal, before the password is checked against the policy (as Keycloak)."""
    tx, realm, user = ctx.tx, ctx.realm, ctx.user

    def again(error: str) -> NeedPasswordUpdate:
        return NeedPasswordUpdate(user.id, error, required_actions.app_initiated(ctx.request, user, UPDATE_PASSWORD))

    if not new:
        return again("Please specify password.")
    if new != confirm:
        return again("Passwords don't match.")
    if logout_others:
        await logout_other_sessions(ctx, UPDATE_PASSWORD)
    # No check of its own against the current password: as Keycloak's UpdatePassword, only a realm's
    # passwordHistory policy refuses a reused one (SSOTest.loginWithRequiredActionAddedInTheMeantime).
    try:
        await enforce_policy(tx, realm, user, new, ctx.services.clock.now())
    except PolicyViolation as refused:
        await login_events.credential_refused(ctx, "password", refused.key)
        return again(refused.text)
    now = ctx.services.clock.now()
    await set_password(tx, user, new, now, policy=realm.password_policy, kept=retention(realm, now))
    await login_events.credential_updated(ctx, "password")
    user = with_password_update(user, False)
    await tx.users.update(user)
    await triggered.end_for_user(tx, realm, user.id, revocation_triggers.PASSWORD_CHANGE, now=ctx.services.clock.now())
    request = required_actions.settled(ctx.request, UPDATE_PASSWORD, required_actions.SUCCESS)
    return await login_completion.proceed(dataclasses.replace(ctx, request=request, user=user))
