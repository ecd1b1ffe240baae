"""The login-actions forms posted (LoginActionsService): Keycloak's SessionCodeChecks first, then the step the
authentication session waits on — the password form, the OTP form, a required action, the consent screen or
the registration form — and the page a login waits on shown again (another language, "Back to Login").

Cross-site request forgery: every form carries a random ``session_code`` that must match the authentication
session of its tab (``tab_id``) under the root session the HttpOnly ``AUTH_SESSION_ID`` cookie names. The code
changes at every step (a failed login too), and each form is accepted only when its step is the one the
authentication session is waiting for. A form posted with a spent code (the back button, a page of the same
tab left open) logs nobody in: as SessionCodeChecks, its tab's current page is shown again with "Action
expired. Please continue with login now." when the form was that page's (``execution``), else the "Page has
expired" page.
"""

from __future__ import annotations

import dataclasses
import hmac
import secrets
from dataclasses import dataclass
from typing import TYPE_CHECKING

from doorkeep import events
from doorkeep.model import AuthSession, Client, Realm, User
from doorkeep.oauth import (
    action_redirect,
    action_steps,
    device_verification,
    flow_gates,
    login_broker,
    login_choices,
    login_completion,
    login_consent,
    login_flow,
    login_gates,
    login_organization,
    login_otp,
    login_outcomes,
    login_passkeys,
    login_password,
    login_recovery,
    login_restart,
    login_session,
    login_tabs,
    login_username,
    login_webauthn,
    registration,
    required_actions,
)
from doorkeep.oauth.authorize import AuthRequest
from doorkeep.oauth.login_outcomes import Browser, NeedEmailVerification, Outcome
from doorkeep.oauth.login_session import (
    AUTHENTICATE,
    CONSENT,
    CONSENT_SCOPES_NOTE,
    LOGIN_ACTION,
    RECOVERY_AT_NOTE,
    RECOVERY_CODES_NOTE,
    REGISTER,
    REMEMBER_ME_NOTE,
    TOTP_SECRET_NOTE,
    USER_ACTION,
    WEBAUTHN_CHALLENGE_NOTE,
    accepts,
    action_active,
    mail_again,
)
from doorkeep.oauth.login_step import LoginSite, StepContext
from doorkeep.users import otp

if TYPE_CHECKING:
    from doorkeep.oauth.context import Form, Services
    from doorkeep.store.tx import Tx
    from doorkeep.users.credentials import Verdict

TIMED_OUT = login_restart.LOGIN_TIMEOUT
EXPIRED_CODE = "Login timeout. Please sign in again."
BAD_CODE = "Invalid request: the form has expired. Please try again."
REQUESTER_DISABLED = "Login requester not enabled"  # loginRequesterNotEnabledMessage, as LoginTest reads it
CLIENT_NOT_FOUND = "Client not found."
EXPIRED_ACTION = "Action expired. Please continue with login now."  # Messages.EXPIRED_ACTION
FORWARDED_ERROR_NOTE = "forwardedErrorMessage"  # LoginActionsService.FORWARDED_ERROR_MESSAGE_NOTE
# AuthenticationProcessor.resetFlow cleared the executions' statuses: the next GET of the tab runs the flow from the
# top (``login_rerun``), its Cookie authenticator included
FLOW_RESET_NOTE = "doorkeep.flowReset"


@dataclass(frozen=True)
class ErrorPage:
    """The login's error page; ``request``: the login's, whose language the page speaks."""

    text: str
    request: AuthRequest | None = None


@dataclass(frozen=True)
class ClientDisabled:
    """The client was disabled while its login form was open."""

    client: Client
    auth_session: AuthSession


@dataclass(frozen=True)
class Stale:
    """A form or link of a live tab with a spent code, or for a step the tab has left: ``same_page``, the tab's
    current page is shown again (with EXPIRED_ACTION); otherwise the "Page has expired" page."""

    auth_session: AuthSession
    client: Client
    same_page: bool
    # verifyRequiredAction's first check: a required-action URL opened while the login is not at its actions
    # records CUSTOM_REQUIRED_ACTION_ERROR ``invalid_code``
    invalid_code: bool = False


@dataclass(frozen=True)
class ToCurrentAction:
    """verifyRequiredAction on a required action's form with the current code but another action's
    ``execution`` (or none): the browser is sent to the action the login waits on, nothing done."""

    auth_session: AuthSession
    client: Client


@dataclass(frozen=True)
class TimedOut:
    """SessionCodeChecks.isActionActive failed: the posted (or opened) step's lifespan ran out since the root
    authentication session's last step, though the login itself is still alive."""

    auth_session: AuthSession
    client: Client


# verifyRequiredAction (the required actions' forms, processConsent): the step's validity first, then the USER
# lifespan; verifyActiveAndValidAction (the login and registration forms): the LOGIN lifespan, then the step
_USER_SIDE = frozenset({"required-action", "consent"})


def _kind(action: str) -> str:
    return USER_ACTION if action in _USER_SIDE else LOGIN_ACTION


@dataclass(frozen=True)
class Posted:
    """A form its authentication session accepts: the session, its client and request, the user it knows."""

    auth_session: AuthSession
    client: Client
    request: AuthRequest
    user: User | None


async def check(
    tx: Tx,
    services: Services,
    realm: Realm,
    action: str,
    auth_session: AuthSession | None,
    session_code: str,
    execution: str | None = None,
) -> Posted | ClientDisabled | Stale | TimedOut | ToCurrentAction | ErrorPage:
    """SessionCodeChecks, in its order, for the tab's live authentication session (a tab without one restarts
    from KC_RESTART, ``login_restart``): its client (disabled first), the form's code (a spent one: ``Stale``),
    the step it waits on, for a required action's form the action it names (``ToCurrentAction``); then the request
    as the posted step leaves it."""
    if auth_session is None or auth_session.realm_id != realm.id or auth_session.expires <= services.clock.now():
        return ErrorPage(TIMED_OUT)
    client = await tx.clients.get(auth_session.client_id)  # SessionCodeChecks: the client before the code
    if client is not None and not client.enabled:
        return ClientDisabled(client, auth_session)
    if client is None:
        return ErrorPage(CLIENT_NOT_FOUND)
    if not hmac.compare_digest(session_code.encode(), auth_session.form_token.encode()):
        return Stale(auth_session, client, same_page=_same_page(action, auth_session.step, execution))
    now, kind = services.clock.now(), _kind(action)
    if kind == LOGIN_ACTION and not action_active(realm, auth_session, kind, now):
        return TimedOut(auth_session, client)
    if not accepts(action, auth_session.step):  # only the pending step: no skipping to another form
        return ErrorPage(EXPIRED_CODE)
    if kind == USER_ACTION and not action_active(realm, auth_session, kind, now):
        return TimedOut(auth_session, client)
    if action == action_redirect.PATH and action_redirect.step_of(execution) != auth_session.step:
        return ToCurrentAction(auth_session, client)
    request = AuthRequest.from_json(auth_session.request)
    # the login's own action is done once its form is through (VERIFY_EMAIL's POST asks for the e-mail again)
    if action == "required-action" and auth_session.step != required_actions.VERIFY_EMAIL:
        request = required_actions.leaving(request, auth_session.step)
    user = await tx.users.get(auth_session.user_id) if auth_session.user_id else None
    return Posted(auth_session, client, request, user)


def _same_page(action: str, step: str, execution: str | None) -> bool:
    """``isEqualOrBothNull(execution, CURRENT_AUTHENTICATION_EXECUTION)``: the spent form was the page the tab
    shows now (the consent form names no execution)."""
    if execution is None:
        return action == "consent" and step == CONSENT
    return execution == step and accepts(action, step)


async def invalid_code(tx: Tx, services: Services, realm: Realm, spent: Stale, ip: str) -> None:
    """SessionCodeChecks.verifyRequiredAction refusing a login not at its actions: CUSTOM_REQUIRED_ACTION_ERROR
    ``invalid_code`` for the tab's client and root (``code_id``)."""
    now, details = services.clock.now(), {"code_id": spent.auth_session.root}
    client_id = spent.client.client_id
    error = "invalid_code"
    await events.record(
        tx, realm, "CUSTOM_REQUIRED_ACTION_ERROR", now=now, client_id=client_id, ip=ip, error=error, details=details
    )


async def forward_error(tx: Tx, auth_session: AuthSession, text: str) -> None:
    """FORWARDED_ERROR_MESSAGE_NOTE: the message the tab's page shows when it is next opened."""
    notes = {**auth_session.notes, FORWARDED_ERROR_NOTE: text}
    await tx.flows.advance_auth_session(
        auth_session.id, auth_session.user_id, auth_session.step, auth_session.form_token, notes
    )


async def time_out(tx: Tx, services: Services, realm: Realm, expired: TimedOut, action: str, ip: str) -> AuthSession:
    """SessionCodeChecks.isActionActive failing: the endpoint's ``*_ERROR`` ``expired_code``, then
    AuthenticationProcessor.resetFlow: the tab back at the login form with no user and no notes but Messages.
    LOGIN_TIMEOUT forwarded to it and the flow marked as reset (``FLOW_RESET_NOTE``), its root's timestamp moved.
    The web layer sends the browser to that form, whose GET runs the flow again (``login_rerun``)."""
    now, tab = services.clock.now(), expired.auth_session
    stored = AuthRequest.from_json(tab.request)
    if stored.post_broker and action == "authenticate":  # the post broker login flow's OTP form (brokerLoginFlow)
        action = "post-broker-login"
    await events.record(
        tx,
        realm,
        f"{login_tabs.EVENT_TYPES.get(action, 'LOGIN')}_ERROR",
        now=now,
        client_id=expired.client.client_id,
        ip=ip,
        error="expired_code",
        details={"code_id": tab.root},
    )
    request = stored.flow_reset()
    notes, token = {FORWARDED_ERROR_NOTE: TIMED_OUT, FLOW_RESET_NOTE: "true"}, secrets.token_urlsafe(24)
    await tx.flows.advance_auth_session(tab.id, None, AUTHENTICATE, token, notes)
    if request != stored:
        await tx.flows.replace_auth_request(tab.id, request.to_json())
    tab = dataclasses.replace(tab, user_id=None, step=AUTHENTICATE, form_token=token, notes=notes)
    return await login_session.touch(tx, realm, dataclasses.replace(tab, request=request.to_json()), now)


async def submit(
    tx: Tx,
    services: Services,
    realm: Realm,
    posted: Posted,
    action: str,
    form: Form,
    browser: Browser,
    *,
    verdict: Verdict | None = None,
    locale: str | None = None,
) -> Outcome | ErrorPage:
    """The posted step run: ``verdict``, the password form's password checked before the writing transaction;
    ``locale``, the registration page's language (the new user's locale)."""
    auth_session, client, request, user = posted.auth_session, posted.client, posted.request, posted.user
    browser = dataclasses.replace(browser, auth_session_id=auth_session.root)
    if action == "authenticate" and auth_session.step == AUTHENTICATE:  # credentials pending (checked above)
        site = LoginSite(tx, services, realm, client, request, browser)
        if (no_form := await login_broker.no_provider(site)) is not None:  # the flow has no sign-in form to post
            return no_form
        # the box on the form, or (identity-first's password page) the one the username page kept
        kept = auth_session.notes.get(REMEMBER_ME_NOTE) == "true"
        remember_me = (form.get("rememberMe") or "").lower() == "on" or kept
        choosing = form.get(login_choices.TRY_ANOTHER_WAY) is not None or form.get(login_choices.EXECUTION) is not None
        if user is not None and choosing:  # "Try Another Way" from identity-first's password page
            ctx = StepContext(tx, services, realm, client, request, user, browser)
            tried, picked = form.get(login_choices.TRY_ANOTHER_WAY), form.get(login_choices.EXECUTION)
            if login_gates.password_gate(ctx) is not None:
                return await login_choices.answer(ctx, login_choices.PASSWORD_PAGE, tried, picked, remember_me=kept)
            # no choice here: the page's own step alone is on offer (DefaultAuthenticationFlow.processAction)
            if picked:
                return await login_choices.password_page(ctx, picked, remember_me=kept)
        # the passkey of the form's conditional UI or its button, or of a flow that starts with the passkey
        if login_passkeys.is_answer(realm, client, request, form):
            challenge = auth_session.notes.get(WEBAUTHN_CHALLENGE_NOTE)
            site = LoginSite(tx, services, realm, client, request, browser)
            return await login_passkeys.verify(site, form, challenge, known=user, remember_me=remember_me)
        if (
            user is None
            and request.attempted_username is None
            and await login_organization.runs(tx, realm, client, request)
        ):
            site = LoginSite(tx, services, realm, client, request, browser)  # the organization step's username page
            return await login_organization.identify(
                site, form.get("username") or "", remember_me=remember_me, verdict=verdict
            )
        plan = flow_gates.username_first(realm, client, request.requested_flow)
        if plan is not None and user is None:
            site = LoginSite(tx, services, realm, client, request, browser)
            typed, passkey = form.get("username") or "", plan.passwordless
            return await login_username.identify(site, typed, remember_me=remember_me, verdict=verdict, passkey=passkey)
        hidden = request.attempted_username if user is None and request.username_hidden else None
        return await login_password.authenticate(
            tx,
            services,
            realm,
            client,
            request,
            hidden or form.get("username") or "",  # USERNAME_HIDDEN: the name the organization step passed on
            form.get("password") or "",
            browser,
            remember_me=remember_me,  # equalsIgnoreCase("on")
            verdict=verdict,
            known=user,
            password_form=plan is not None and not plan.user_set_form,
        )
    if action == "registration":
        if not realm.registration_allowed and request.invitation is None:
            return ErrorPage(registration.NOT_ALLOWED, request)
        return await registration.register(tx, services, realm, client, request, form, browser, locale)
    if user is not None and not user.enabled:  # disabled mid-flow (LoginTest.testUserDisabledDuringRequiredAction)
        return ErrorPage(login_password.ACCOUNT_DISABLED)
    if user is None:
        return login_outcomes.NeedLogin()
    kept = auth_session.notes.get(REMEMBER_ME_NOTE) == "true"
    if auth_session.step == login_flow.ORGANIZATION_STEP:  # select-organization.ftl's pick
        site = LoginSite(tx, services, realm, client, request, browser)
        return await login_organization.choose(site, user, form.get(login_organization.PICKED), remember_me=kept)
    ctx = StepContext(tx, services, realm, client, request, user, browser)
    choosing = form.get(login_choices.TRY_ANOTHER_WAY) is not None or form.get(login_choices.EXECUTION) is not None
    choosing = choosing and not request.post_broker  # the post broker login flow's OTP form offers no other way
    if auth_session.step == login_flow.SELECT_STEP or (auth_session.step in login_flow.GATE_STEPS and choosing):
        tried, picked = form.get(login_choices.TRY_ANOTHER_WAY), form.get(login_choices.EXECUTION)
        return await login_choices.answer(ctx, auth_session.step, tried, picked, remember_me=kept)
    if auth_session.step == login_flow.RECOVERY_STEP:
        return await login_recovery.verify(ctx, form.get(login_recovery.FIELD), remember_me=kept)
    if auth_session.step == login_flow.OTP_STEP:
        remember_me = auth_session.notes.get(REMEMBER_ME_NOTE) == "true"
        return await login_otp.verify(ctx, form.get("otp"), form.get("selectedCredentialId"), remember_me=remember_me)
    challenge = auth_session.notes.get(WEBAUTHN_CHALLENGE_NOTE)
    if auth_session.step in (login_flow.WEBAUTHN_STEP, login_flow.PASSKEY_STEP):
        remember_me = auth_session.notes.get(REMEMBER_ME_NOTE) == "true"
        passwordless = auth_session.step == login_flow.PASSKEY_STEP
        return await login_webauthn.verify(ctx, form, challenge, remember_me=remember_me, passwordless=passwordless)
    if action == "required-action":
        secret = auth_session.notes.get(TOTP_SECRET_NOTE) or otp.generate_secret()
        recovery = (auth_session.notes.get(RECOVERY_CODES_NOTE), auth_session.notes.get(RECOVERY_AT_NOTE))
        return await action_steps.submit(
            ctx, auth_session.step, form, totp_secret=secret, challenge=challenge, recovery=recovery
        )
    if request.device_user_code is not None and await device_verification.denied(
        tx, realm, request.device_user_code, services.clock.now()
    ):  # LoginActionsService.processConsent: Yes pressed after No (the back button) is still No
        return await login_consent.deny_consent(ctx)
    if form.get("accept"):
        noted = auth_session.notes.get(CONSENT_SCOPES_NOTE)
        return await login_consent.grant_consent(ctx, frozenset(noted.split()) if noted is not None else None)
    return await login_consent.deny_consent(ctx)  # the user said no


@dataclass(frozen=True)
class Shown:
    """The page a login waits on, to be shown again."""

    auth_session: AuthSession
    client: Client
    request: AuthRequest
    outcome: Outcome
    user: User | None = None


async def shown_again(
    tx: Tx,
    realm: Realm,
    auth_session: AuthSession | None,
    target: str,
    *,
    pick: str | None,
    execution: str | None,
    now: int,
    code: str | None = None,
) -> Shown | Stale | TimedOut | ErrorPage:
    """A GET of a login-actions URL (``target``) of the tab: a refresh, the back button, the locale dropdown's
    links. SessionCodeChecks.initialVerify: without a code, the page the login waits on (in the language
    ``pick`` asks for, processLocaleParam) unless ``execution`` names a step it has left ("Page has expired"; a
    required-action URL names the consent screen OAUTH_GRANT, ``oauth.action_redirect``);
    with a spent code, as a form posted with it; with the current code, the login form's URL without its
    execution is expired while a required action's shows the action pending."""
    if auth_session is None or auth_session.realm_id != realm.id or auth_session.expires <= now:
        return ErrorPage(TIMED_OUT)
    client = await tx.clients.get(auth_session.client_id)
    if client is None or not client.enabled:
        return ErrorPage(REQUESTER_DISABLED if client else CLIENT_NOT_FOUND)
    step = auth_session.step
    if target == action_redirect.PATH:
        execution = action_redirect.step_of(execution)
    if code is not None and not hmac.compare_digest(code.encode(), auth_session.form_token.encode()):
        return Stale(auth_session, client, same_page=_same_page(target, step, execution))
    if code is not None and execution != step and target != "required-action":
        return Stale(auth_session, client, same_page=False)  # AuthenticationProcessor.authenticationAction
    if code is None and execution is not None and execution != step:
        return Stale(auth_session, client, same_page=False)
    if code is None and target == "authenticate" and step in action_redirect.STEPS:
        # verifyActiveAndValidAction(AUTHENTICATE): the user authenticated already, the login page is gone
        return Stale(auth_session, client, same_page=False)
    if target == action_redirect.PATH and step not in action_redirect.STEPS:
        # verifyRequiredAction: the login is not at its required actions yet ("Page has expired")
        return Stale(auth_session, client, same_page=False, invalid_code=True)
    if not action_active(realm, auth_session, _kind(target), now):  # the page's own lifespan (isActionActive)
        return TimedOut(auth_session, client)
    request = AuthRequest.from_json(auth_session.request)
    if pick is not None:
        request = dataclasses.replace(request, kc_locale=pick)
        await tx.flows.replace_auth_request(auth_session.id, request.to_json())
    user = await tx.users.get(auth_session.user_id) if auth_session.user_id else None
    if target == "registration":  # login.ftl's "Register" link
        step = REGISTER
    elif step == REGISTER and target == "authenticate":  # register.ftl's "Back to Login"
        step = AUTHENTICATE
    remembered = auth_session.notes.get(REMEMBER_ME_NOTE) == "true"
    outcome = await login_flow.pending(tx, client, request, step, user, remember_me=remembered)
    if isinstance(outcome, NeedEmailVerification) and code is not None and execution == step:
        # the page's "Click here" (its code and execution): send it again
        outcome = await mail_again(tx, outcome, now)
    forwarded = auth_session.notes.get(FORWARDED_ERROR_NOTE)
    if isinstance(forwarded, str) and isinstance(outcome, login_outcomes.NeedLogin):
        outcome = dataclasses.replace(outcome, error=forwarded)
    return Shown(auth_session, client, request, outcome, user)


async def without_cookie(
    tx: Tx, services: Services, realm: Realm, named: str | None, ip: str, event_type: str = "LOGIN"
) -> str | None:
    """SessionCodeChecks without a live authentication session nor the KC_RESTART cookie to restart it from:
    a LOGIN_ERROR ``cookie_not_found`` (LoginTest); the "Back to Application" link of the enabled client the
    form's ``client_id`` names (its base URL)."""
    client = await tx.clients.get_by_client_id(realm.id, named) if named else None
    known = client.client_id if client is not None else None
    now = services.clock.now()
    error_type = f"{event_type}_ERROR"
    await events.record(tx, realm, error_type, now=now, client_id=known, ip=ip, error="cookie_not_found")
    return login_completion.client_base(client) if client is not None and client.enabled else None


async def drop_for_disabled_client(
    tx: Tx, services: Services, realm: Realm, disabled: ClientDisabled, action: str, ip: str
) -> None:
    """The client was disabled while its login form was open (SessionCodeChecks): the authentication session is
    dropped; the login form's POST, a LOGIN event, records ``client_disabled``."""
    await tx.flows.delete_auth_session(disabled.auth_session.id)
    if action == "authenticate":
        now = services.clock.now()
        client_id = disabled.client.client_id
        await events.record(tx, realm, "LOGIN_ERROR", now=now, client_id=client_id, ip=ip, error="client_disabled")
