"""The UPDATE_EMAIL required action (Keycloak 26's UpdateEmail, the ``update-email`` feature, on by default; the
realm registers the action disabled until an admin enables it).

The page (update-email.ftl) asks for the new address, with "Sign out from other devices". The address is
validated in the UPDATE_EMAIL context of the user profile: blank is "Please specify email.", a bad one "Invalid
email address.", another user's "Email already exists.". Without verification (neither the realm's
``verifyEmail`` nor the action's ``verifyEmail`` config), or for the user's own verified address, the address is
written at once: the user keeps no UPDATE_EMAIL, the event is UPDATE_EMAIL with ``previous_email`` and
``updated_email``. With verification an UpdateEmailActionToken (``update-email``) is mailed to the new address,
the address is kept as the user's ``kc.email.pending`` attribute, and the page says the e-mail went; the link
writes the address (``confirm``). An action whose e-mail the user may not edit is dropped unseen.
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Any

from doorkeep.admin import user_profile as up_config
from doorkeep.model import Realm, User
from doorkeep.oauth import email_cooldown, login_events, profile_check, required_actions
from doorkeep.oauth.authorize import AuthRequest
from doorkeep.oauth.login_outcomes import EmailUpdateSent, NeedEmailUpdate, Outcome
from doorkeep.oauth.login_step import StepContext
from doorkeep.oauth.logout_others import logout_other_sessions
from doorkeep.realms import required_actions as registered
from doorkeep.sessions import service
from doorkeep.users import account_profile, declared

if TYPE_CHECKING:
    from doorkeep.oauth.context import Form
    from doorkeep.store.tx import Tx

UPDATE_EMAIL = "UPDATE_EMAIL"
PENDING = "kc.email.pending"  # UserModel.EMAIL_PENDING
CONFIG_VERIFY_EMAIL = "verifyEmail"  # UpdateEmail.CONFIG_VERIFY_EMAIL
LOGOUT_FIELD = "logout-sessions"
CANCELLED = "emailVerificationCancelled"  # Messages.EMAIL_VERIFICATION_CANCELLED
LOGOUT_TRIGGERED_BY = "logout_triggered_by_action_token"  # Details.LOGOUT_TRIGGERED_BY_ACTION_TOKEN
COOLDOWN_PREFIX = "update-email-cooldown-"  # UpdateEmail.EMAIL_RESEND_COOLDOWN_KEY_PREFIX
SEND_FAILED = "Failed to send email, please try again later."  # Messages.EMAIL_SENT_ERROR (emailSendErrorMessage)


def verification_on(realm: Realm) -> bool:
    """UpdateEmail.isVerifyEmailEnabled: the action enabled, and its ``verifyEmail`` config forcing
    verification, else the realm's ``verifyEmail``."""
    action = registered.by_alias(realm, UPDATE_EMAIL)
    if action is None or not action.enabled:
        return False
    return action.config.get(CONFIG_VERIFY_EMAIL, "false").lower() == "true" or realm.verify_email


def email_read_only(realm: Realm) -> bool:
    """The e-mail's configured permissions do not let the user edit it (the UPDATE_EMAIL context's role is
    ``user``): the challenge then removes the action from the user and shows nothing."""
    config = up_config.config_of(realm)
    rep = next((a for a in config.get("attributes") or [] if a.get("name") == "email"), None)
    return rep is not None and rep.get("permissions") is not None and not declared.can_edit(rep, declared.ACCOUNT)


def trigger(realm: Realm, user: User) -> User:
    """UpdateEmail.evaluateTriggers (after VerifyEmail's, by priority) while the action is enabled: a pending
    address gives the user UPDATE_EMAIL; with UPDATE_EMAIL, VERIFY_EMAIL gives way (the link verifies)."""
    if not account_profile.update_email_enabled(realm):
        return user
    actions = user.required_actions
    if _pending(user) is not None and UPDATE_EMAIL not in actions:
        actions = (*actions, UPDATE_EMAIL)
    if UPDATE_EMAIL in actions:
        actions = tuple(a for a in actions if a != required_actions.VERIFY_EMAIL)
    return user if actions == user.required_actions else dataclasses.replace(user, required_actions=actions)


def page(user: User, request: AuthRequest) -> NeedEmailUpdate:
    """The challenge: the form, with the address still awaiting its link as the value and an info message."""
    pending = _pending(user)
    cancel = required_actions.app_initiated(request, user, UPDATE_EMAIL)
    return NeedEmailUpdate(user.id, pending or user.email or "", cancel=cancel, request=request, pending=pending)


def _pending(user: User) -> str | None:
    values = declared.as_values(user.attributes.get(PENDING))
    return values[0] if values else None


async def errors(tx: Tx, realm: Realm, user: User, new: str) -> str | None:
    """UpdateEmail.validateEmailUpdate: the first error of the e-mail field, in the login theme's words."""
    rep = {"email": new}
    values = {**account_profile.current(user), "email": new}
    found = [e for e in await account_profile.errors(tx, realm, user, rep, values) if e["field"] == "email"]
    found += declared.root_errors(up_config.config_of(realm), declared.ACCOUNT, "email", new)  # its validations
    if not found:
        return None
    text = profile_check.text_of(found[0])
    for index, param in enumerate(found[0].get("params") or []):
        text = text.replace(f"{{{index}}}", str(param))
    return text


def written(realm: Realm, user: User, new: str, *, verified: bool) -> User:
    """UpdateEmail.updateEmailNow: the new address (then unverified unless the link confirmed it), the username
    too where it is the e-mail, the action and the pending address gone."""
    email = new.strip().lower()
    changes: dict[str, Any] = {"email": email}
    if email != user.email:
        changes["email_verified"] = verified
    elif verified:
        changes["email_verified"] = True
    if realm.registration_email_as_username:
        changes["username"] = email
    attributes = {k: v for k, v in user.attributes.items() if k != PENDING}
    kept = tuple(a for a in user.required_actions if a != UPDATE_EMAIL)
    return dataclasses.replace(user, **changes, attributes=attributes, required_actions=kept)


def event_details(before: User, after: User) -> dict[str, str | None]:
    """UPDATE_EMAIL's details: ``previous_email`` and ``updated_email`` (and the username's where it moved)."""
    return {
        "previous_email": before.email,
        "updated_email": after.email,
        **account_profile.change_details(before, after),
    }


async def submit(ctx: StepContext, form: Form) -> Outcome | StepContext:
    """UpdateEmail.processAction: the form refused with its error, the link mailed, or the address written now
    (the step, with the user and the request updated, for the login to go on)."""
    realm, user = ctx.realm, ctx.user
    new = form.get("email") or ""
    cancel = required_actions.app_initiated(ctx.request, user, UPDATE_EMAIL)
    error = await errors(ctx.tx, realm, user, new)
    if error is not None:
        return NeedEmailUpdate(user.id, new, error=error, cancel=cancel, request=ctx.request)
    others = form.get(LOGOUT_FIELD) == "on"
    same = new.strip().lower() == (user.email or "") and user.email_verified
    if not verification_on(realm) or same:
        if others:
            await logout_other_sessions(ctx, UPDATE_EMAIL)
        updated = written(realm, user, new, verified=same)
        await ctx.tx.users.update(updated)
        await login_events.record(ctx, UPDATE_EMAIL, more=event_details(user, updated))
        request = required_actions.settled(ctx.request, UPDATE_EMAIL, required_actions.SUCCESS)
        return dataclasses.replace(ctx, request=request, user=updated)
    return await send_confirmation(ctx, new.strip().lower(), logout_sessions=others)


def confirmed_later(realm: Realm, user: User, changes: dict[str, Any]) -> str | None:
    """UpdateProfile.processAction: a new e-mail typed on the update-profile page while UPDATE_EMAIL verifies
    addresses waits for the link (the user gets UPDATE_EMAIL); that address, else None. The static
    UpdateEmail.isVerifyEmailEnabled(realm) it asks answers false for an action whose config was never saved."""
    email = changes.get("email")
    action = registered.by_alias(realm, UPDATE_EMAIL)
    configured = action is not None and bool(action.config)
    if not isinstance(email, str) or email == (user.email or "") or not configured or not verification_on(realm):
        return None
    return email


async def send_confirmation(ctx: StepContext, email: str, *, logout_sessions: bool = False) -> Outcome:
    """UpdateEmail.sendEmailUpdateConfirmation: refused while the user's cooldown runs (the form again, with
    the pending address and the seconds left); else the address kept pending, VERIFY_EMAIL given way to the
    link (which verifies the address), the cooldown started, and the info page (the web layer mails the link)."""
    user, now = ctx.user, ctx.services.clock.now()
    left = await email_cooldown.remaining(ctx.tx, user.id, now, prefix=COOLDOWN_PREFIX)
    if left is not None:
        cancel = required_actions.app_initiated(ctx.request, user, UPDATE_EMAIL)
        shown = _pending(user) or ""
        return NeedEmailUpdate(user.id, shown, cancel=cancel, request=ctx.request, cooldown=left)
    kept = tuple(a for a in user.required_actions if a != required_actions.VERIFY_EMAIL)
    attributes = {**user.attributes, PENDING: [email]}
    await ctx.tx.users.update(dataclasses.replace(user, attributes=attributes, required_actions=kept))
    await email_cooldown.start(ctx.tx, ctx.realm, UPDATE_EMAIL, user.id, now, prefix=COOLDOWN_PREFIX)
    return EmailUpdateSent(user.id, email, logout_sessions, ctx.request, previous=_pending(user))


async def unsent(tx: Tx, sent: EmailUpdateSent) -> None:
    """The link could not be mailed: as Keycloak, which sets them only once it is sent, the pending address as it
    was (none, or an earlier link's) and no cooldown; the user keeps UPDATE_EMAIL. The mail goes out after the
    form's transaction committed: a pending address another request set meanwhile is left alone."""
    user = await tx.users.get(sent.user_id)
    if user is not None and _pending(user) == sent.email:
        attributes = {k: v for k, v in user.attributes.items() if k != PENDING}
        if sent.previous is not None:
            attributes[PENDING] = [sent.previous]
        await tx.users.update(dataclasses.replace(user, attributes=attributes))
    await tx.action_tokens.remove(COOLDOWN_PREFIX + sent.user_id)


def stale(user: User, old_email: str | None) -> bool:
    """UpdateEmailActionTokenHandler's verifier: the address the link was sent from is no longer the user's."""
    return (old_email or None) != (user.email or None)


def cancelled(user: User, new_email: str | None) -> bool:
    """The pending address is gone or another one (an admin removed it, or a later link superseded it)."""
    return _pending(user) is None or _pending(user) != new_email


async def confirm(tx: Tx, realm: Realm, user: User, new_email: str | None) -> User | str:
    """UpdateEmailActionTokenHandler.handleToken: the pending address written, verified, VERIFY_EMAIL gone (the
    updated user); else the error page's message key or text: the pending address no longer the link's
    (``emailVerificationCancelled``), or the address now refused (another user's meanwhile)."""
    if cancelled(user, new_email) or new_email is None:
        return CANCELLED
    error = await errors(tx, realm, user, new_email)
    if error is not None:
        return error
    updated = written(realm, user, new_email, verified=True)
    kept = tuple(a for a in updated.required_actions if a != required_actions.VERIFY_EMAIL)
    updated = dataclasses.replace(updated, email_verified=True, required_actions=kept)
    await tx.users.update(updated)
    return updated


async def end_sessions(tx: Tx, user_id: str) -> list[str]:
    """AuthenticatorUtil.logoutOtherSessions(token, context): the link's browser has no session of the user,
    so every session of the user ends, online then offline; the ids ended, for their LOGOUT events."""
    ended: list[str] = []
    for offline in (False, True):
        for session in await tx.sessions.user_sessions_of(user_id, offline):
            if await service.end(tx, session.id, offline):
                ended.append(session.id)
    return ended
