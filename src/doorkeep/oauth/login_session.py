"""The authentication session a browser login keeps between its pages (Keycloak's AuthenticationSessionModel):
the step its next form must post (SessionCodeChecks accepts no other), who is logging in, the notes a step
keeps for the next one, and a fresh form code at every page.
"""

from __future__ import annotations

import dataclasses
import secrets
from dataclasses import dataclass
from typing import TYPE_CHECKING

from doorkeep.email import action_tokens
from doorkeep.model import UPDATE_PASSWORD, AuthSession, Client, Realm, User
from doorkeep.oauth import email_cooldown, login_flow, login_outcomes, login_passkeys, required_actions
from doorkeep.oauth.authorize import AuthRequest
from doorkeep.users import otp, recovery_codes, webauthn

if TYPE_CHECKING:
    from doorkeep.store.tx import Tx

AUTHENTICATE = "authenticate"
CONSENT = "consent"
REGISTER = login_flow.REGISTER
# The steps each login-actions form posts, as recorded on the authentication session: the OTP form posts
# to ``authenticate`` as the password form does (both are authenticators of the browser flow); the
# required-action form posts whichever required action is pending.
FORM_STEPS = {
    "authenticate": frozenset(
        {AUTHENTICATE, login_flow.PASSKEY_STEP, login_flow.ORGANIZATION_STEP, *login_flow.GATE_STEPS}
    ),
    "required-action": required_actions.HANDLED,
    "consent": frozenset({CONSENT}),
    "registration": frozenset({REGISTER}),
}
STEP_ACTIONS = {step: action for action, steps in FORM_STEPS.items() for step in steps}
REMEMBER_ME_NOTE, TOTP_SECRET_NOTE = "remember_me", "totpSecret"  # Constants.TOTP_SECRET_KEY
WEBAUTHN_CHALLENGE_NOTE = "WEBAUTH_CHALLENGE"  # WebAuthnConstants.AUTH_CHALLENGE_NOTE
VERIFY_EMAIL_NOTE = "VERIFY_EMAIL_KEY"  # Constants.VERIFY_EMAIL_KEY: the address the link was mailed to
CONSENT_SCOPES_NOTE = "consent_scopes"  # the client scope ids a consent screen stands for (its grant stores those)
# The required action the page shows is one of the user's stored ones: once another tab has done it, this tab's
# page shown again goes on with the login (AuthenticationManager.nextActionAfterAuthentication). An action a
# policy asks for (an expired password) is never noted, so no refresh passes over it.
STORED_ACTION_NOTE = "stored_required_action"
# RecoveryAuthnCodesFormAuthenticator.GENERATED_RECOVERY_AUTHN_CODES_NOTE and GENERATED_AT_NOTE: the set the
# CONFIGURE_RECOVERY_AUTHN_CODES page shows, and when it was drawn (ms)
RECOVERY_CODES_NOTE = "RecoveryAuthnCodes.generatedRecoveryAuthnCodes"
RECOVERY_AT_NOTE = "RecoveryAuthnCodes.generatedAt"
_NO_USER = User("", "", "")


# ClientSessionCode.ActionType: the login forms' lifespan (accessCodeLifespanLogin), and the required actions' and
# the consent screen's (accessCodeLifespanUserAction)
LOGIN_ACTION, USER_ACTION = "LOGIN", "USER"


def lifespan(realm: Realm) -> int:
    """SessionExpiration.getAuthSessionLifespan: a root authentication session lives the longest of the three code
    lifespans after its last step."""
    return max(realm.access_code_lifespan_login, realm.access_code_lifespan_user_action, realm.access_code_lifespan)


def action_active(realm: Realm, auth_session: AuthSession, kind: str, now: int) -> bool:
    """ClientSessionCode.isActionActive: the action's lifespan (LOGIN: the Login timeout, or the Login Action timeout
    when it is not positive; USER: the Login Action timeout) runs from the root's last step."""
    login = realm.access_code_lifespan_login
    span = login if kind == LOGIN_ACTION and login > 0 else realm.access_code_lifespan_user_action
    return span > now - auth_session.step_time


async def touch(tx: Tx, realm: Realm, auth_session: AuthSession, now: int) -> AuthSession:
    """A step of the login (a page's code generated, an action checked, the flow reset): the root authentication
    session's timestamp moves to ``now`` on all its tabs, and their expiry with it."""
    await tx.flows.touch_root(auth_session.root, now, now + lifespan(realm))
    return dataclasses.replace(auth_session, step_time=now, expires=now + lifespan(realm))


async def remove_tab(tx: Tx, realm: Realm, auth_session: AuthSession, now: int) -> None:
    """RootAuthenticationSessionAdapter.removeAuthenticationSessionByTabId: the tab goes (its login is over); the
    root's other live tabs take ``now`` as its timestamp, so their logins live on from this moment."""
    await tx.flows.delete_auth_session(auth_session.id)
    await tx.flows.touch_root(auth_session.root, now, now + lifespan(realm))


async def finish_tab(tx: Tx, realm: Realm, auth_session: AuthSession, now: int) -> None:
    """AuthenticationSessionManager.updateAuthenticationSessionAfterSuccessfulAuthentication: the signed-in tab goes;
    the root's other tabs are only there for the SSO session to finish their logins at once (authChecker.js), so
    the root expires accessCodeLifespan from now, or goes at once when both SSO timeouts are shorter than its
    lifespan. Keycloak moves the root's timestamp back to expire it early, which also ends those tabs' required
    action and consent pages (accessCodeLifespanUserAction from that timestamp): their refresh restarts the login,
    whose cookie authenticator then signs the tab in. Here the step time stays ``now`` and the page refreshed in
    that minute signs the tab in directly (no ``expired_code`` event, one redirect fewer); a step of such a tab that
    times out later is reset, and its form's next GET runs the SSO cookie again (``login_rerun``)."""
    await tx.flows.delete_auth_session(auth_session.id)
    if not await tx.flows.root_alive(realm.id, auth_session.root, None):
        return
    span = lifespan(realm)
    if realm.sso_session_idle_timeout < span and realm.sso_session_max_lifespan < span:
        await tx.flows.delete_root(auth_session.root)
        return
    await tx.flows.touch_root(auth_session.root, now, now + realm.access_code_lifespan)


def new_tab_id() -> str:
    """RootAuthenticationSessionAdapter.generateTabId: eight random bytes, base64url (11 characters)."""
    return secrets.token_urlsafe(8)


def new_root_id() -> str:
    """A new root authentication session's id, the AUTH_SESSION_ID cookie's value."""
    return secrets.token_urlsafe(24)


def accepts(action: str, step: str) -> bool:
    """Whether a login-actions form may be posted while the login waits on ``step``."""
    return step in FORM_STEPS.get(action, frozenset())


# The step a page rendered for an outcome waits for, by the outcome's type (no outcome type subclasses another);
# the WebAuthn pages are by ``passwordless`` (``_WEBAUTHN_STEPS``), any other outcome waits for ``authenticate``.
_PAGE_STEPS: dict[type, str] = {
    login_outcomes.NeedOtp: login_flow.OTP_STEP,
    login_outcomes.NeedTotpSetup: otp.CONFIGURE_TOTP,
    login_outcomes.NeedRecoveryCode: login_flow.RECOVERY_STEP,
    login_outcomes.NeedSelection: login_flow.SELECT_STEP,
    login_outcomes.NeedOrganization: login_flow.ORGANIZATION_STEP,
    login_outcomes.NeedRecoverySetup: recovery_codes.CONFIGURE,
    login_outcomes.NeedPasswordUpdate: UPDATE_PASSWORD,
    login_outcomes.NeedProfileUpdate: required_actions.UPDATE_PROFILE,
    login_outcomes.NeedTerms: required_actions.TERMS_AND_CONDITIONS,
    login_outcomes.NeedEmailVerification: required_actions.VERIFY_EMAIL,
    login_outcomes.NeedEmailUpdate: required_actions.UPDATE_EMAIL,
    login_outcomes.EmailUpdateSent: required_actions.UPDATE_EMAIL,
    login_outcomes.NeedDeleteCredential: required_actions.DELETE_CREDENTIAL,
    login_outcomes.NeedDeleteAccount: required_actions.DELETE_ACCOUNT,
    login_outcomes.NeedIdpLink: required_actions.IDP_LINK,
    login_outcomes.NeedRegistration: REGISTER,
    login_outcomes.NeedConsent: CONSENT,
}
_WEBAUTHN_STEPS: dict[type, tuple[str, str]] = {  # (security key, passkey)
    login_outcomes.NeedWebAuthn: (login_flow.WEBAUTHN_STEP, login_flow.PASSKEY_STEP),
    login_outcomes.NeedWebAuthnRegister: (
        required_actions.WEBAUTHN_REGISTER,
        required_actions.WEBAUTHN_REGISTER_PASSWORDLESS,
    ),
}


def pending_step(outcome: login_outcomes.Outcome) -> str:
    """The step a page rendered for this outcome waits for."""
    webauthn_steps = _WEBAUTHN_STEPS.get(type(outcome))
    if webauthn_steps is not None:
        return webauthn_steps[bool(getattr(outcome, "passwordless", False))]
    if isinstance(outcome, login_outcomes.NeedProfileUpdate):  # UPDATE_PROFILE's page, or VERIFY_PROFILE's
        return outcome.action
    return _PAGE_STEPS.get(type(outcome), AUTHENTICATE)


def step_notes(outcome: login_outcomes.Outcome, auth_session: AuthSession | None) -> dict[str, str]:
    """The auth notes the next step needs: the OTP form's Remember me box; the TOTP setup's secret, drawn once
    per authentication session (TotpBean) so that the page shown again keeps the secret already scanned; the
    client scopes a consent screen stands for."""
    gate_pages = (
        login_outcomes.NeedOtp
        | login_outcomes.NeedRecoveryCode
        | login_outcomes.NeedSelection
        | login_outcomes.NeedOrganization
    )
    if isinstance(outcome, gate_pages) and outcome.remember_me:
        return {REMEMBER_ME_NOTE: "true"}
    if isinstance(outcome, login_outcomes.NeedLogin) and outcome.user_id is not None and outcome.remember_me:
        return {REMEMBER_ME_NOTE: "true"}  # identity-first: the username page's box, for the password page
    if isinstance(outcome, login_outcomes.NeedWebAuthn | login_outcomes.NeedWebAuthnRegister):
        # a new challenge at every page (WebAuthnAuthenticator.authenticate, WebAuthnRegister's challenge)
        remember = isinstance(outcome, login_outcomes.NeedWebAuthn) and outcome.remember_me
        return {WEBAUTHN_CHALLENGE_NOTE: webauthn.challenge(), **({REMEMBER_ME_NOTE: "true"} if remember else {})}
    if isinstance(outcome, login_outcomes.NeedTotpSetup):
        kept = auth_session.notes.get(TOTP_SECRET_NOTE) if auth_session is not None else None
        return {TOTP_SECRET_NOTE: outcome.secret or kept or otp.generate_secret()}
    if isinstance(outcome, login_outcomes.NeedRecoverySetup):  # drawn once, kept until the set is stored
        kept = auth_session.notes.get(RECOVERY_CODES_NOTE) if auth_session is not None else None
        if kept and auth_session is not None and auth_session.notes.get(RECOVERY_AT_NOTE):
            return {RECOVERY_CODES_NOTE: kept, RECOVERY_AT_NOTE: auth_session.notes[RECOVERY_AT_NOTE]}
        return {RECOVERY_CODES_NOTE: ",".join(recovery_codes.generate()), RECOVERY_AT_NOTE: ""}
    if isinstance(outcome, login_outcomes.NeedConsent):  # fixed when the screen first shows
        noted = auth_session.notes.get(CONSENT_SCOPES_NOTE) if auth_session is not None else None
        return {CONSENT_SCOPES_NOTE: noted if noted is not None else " ".join(outcome.offered)}
    return {}


def done_elsewhere(auth_session: AuthSession, user: User | None) -> bool:
    """Whether the user's stored required action this tab waits on was done meanwhile (in another tab)."""
    step = auth_session.step
    noted = auth_session.notes.get(STORED_ACTION_NOTE) == step
    return noted and user is not None and step not in user.required_actions


async def mail_again(
    tx: Tx, outcome: login_outcomes.NeedEmailVerification, now: int
) -> login_outcomes.NeedEmailVerification:
    """VerifyEmail.processAction: the page asked again (its POST, or its "Click here" link) sends the e-mail
    again, as if none had been sent in this session, unless the user's cooldown is still running."""
    left = await email_cooldown.remaining(tx, outcome.user_id, now)
    return dataclasses.replace(outcome, resend=left is None, cooldown=left)


def authenticated_user_id(outcome: login_outcomes.Outcome) -> str | None:
    """The user the login has authenticated once it reached this outcome (None: not yet, or not any more)."""
    if isinstance(outcome, login_outcomes.Done | login_outcomes.DeviceDone):
        return outcome.session.user_id
    if isinstance(
        outcome,
        login_outcomes.NeedPasswordUpdate
        | login_outcomes.NeedProfileUpdate
        | login_outcomes.NeedTerms
        | login_outcomes.NeedEmailVerification
        | login_outcomes.NeedEmailUpdate
        | login_outcomes.EmailUpdateSent
        | login_outcomes.NeedConsent
        | login_outcomes.NeedOtp
        | login_outcomes.NeedTotpSetup
        | login_outcomes.NeedWebAuthn
        | login_outcomes.NeedWebAuthnRegister
        | login_outcomes.NeedRecoveryCode
        | login_outcomes.NeedSelection
        | login_outcomes.NeedRecoverySetup
        | login_outcomes.NeedDeleteCredential
        | login_outcomes.NeedDeleteAccount
        | login_outcomes.NeedIdpLink
        | login_outcomes.ToIdpLink,
    ):
        return outcome.user_id
    return None


@dataclass(frozen=True)
class Waiting:
    """A page's authentication session, created or advanced: what the page shows and where it posts."""

    auth_session: AuthSession
    request: AuthRequest  # the login request as the step left it
    user: User | None
    mail_to: str | None  # VerifyEmail.process: the address to mail now (not yet mailed in this session)


async def wait_for(
    tx: Tx,
    realm: Realm,
    client: Client,
    request: AuthRequest,
    outcome: login_outcomes.Outcome,
    auth_session: AuthSession | None,
    now: int,
    *,
    root_id: str = "",
    tab_id: str | None = None,
    keep_code: bool = False,
) -> Waiting:
    """The authentication session of the page ``outcome`` asks for: created with the login's first page (a new
    tab of the root authentication session ``root_id``, or the tab ``tab_id`` begun again), else moved to the
    page's step with a new form code (every step, a failed login too, burns the form's code). ``keep_code``: a GET
    showing the page of the step the tab waits on keeps its code (ClientSessionCode.getOrGenerateCode returns the
    ACTIVE_CODE until a POST verifies it), so a page an earlier GET drew still posts."""
    user_id = getattr(outcome, "user_id", None)
    step = pending_step(outcome)
    notes = step_notes(outcome, auth_session)
    sign_in = isinstance(outcome, login_outcomes.NeedLogin)
    if sign_in and await login_passkeys.offered(tx, realm, client, request, user_id):  # a new challenge each page
        notes = {**notes, WEBAUTHN_CHALLENGE_NOTE: webauthn.challenge()}
    if notes.get(RECOVERY_AT_NOTE) == "":
        notes[RECOVERY_AT_NOTE] = str(now * 1000)
    mail_to: str | None = None
    if isinstance(outcome, login_outcomes.NeedEmailVerification):
        address = (await tx.users.get(outcome.user_id) or _NO_USER).email or ""
        mailed = auth_session.notes.get(VERIFY_EMAIL_NOTE) if auth_session is not None else None
        # asked for by the client, the challenge shows the page without mailing (its form sends the e-mail)
        challenge_mails = required_actions.mails_on_challenge(outcome.request or request)
        wanted = outcome.resend or (mailed != address and challenge_mails)
        mail_to = address if wanted and outcome.cooldown is None else None
        noted = address if mail_to or challenge_mails else mailed
        notes = {VERIFY_EMAIL_NOTE: noted} if noted else {}
        if mail_to:  # VerifyEmail.process: the cooldown starts before the e-mail goes
            await email_cooldown.start(tx, realm, required_actions.VERIFY_EMAIL, outcome.user_id, now)
    current = getattr(outcome, "request", None) or request  # a step may have changed the request
    user = await tx.users.get(user_id) if user_id else None
    if user is not None and step in required_actions.HANDLED and step in user.required_actions:
        notes = {**notes, STORED_ACTION_NOTE: step}
    if auth_session is None:
        auth_session = AuthSession(
            tab_id or new_tab_id(),
            realm.id,
            client.id,
            secrets.token_urlsafe(24),
            current.to_json(),
            user_id,
            now + lifespan(realm),
            step,
            notes,
            root_id,
            started=now,
            step_time=now,
        )
        await tx.flows.create_auth_session(auth_session)
    else:
        kept = keep_code and step == auth_session.step and user_id == auth_session.user_id
        token = auth_session.form_token if kept else secrets.token_urlsafe(24)
        auth_session = dataclasses.replace(auth_session, user_id=user_id, step=step, form_token=token, notes=notes)
        await tx.flows.advance_auth_session(auth_session.id, user_id, step, auth_session.form_token, notes)
        auth_session = await touch(tx, realm, auth_session, now)  # the page's code generated: generateCode
        if current != request:
            await tx.flows.replace_auth_request(auth_session.id, current.to_json())
    return Waiting(auth_session, current, user, mail_to)


class LinkSpent(Exception):
    """An e-mailed link's single-use key was spent by another request while this login ran: the
    transaction is rolled back and the page says so."""


async def spend_link(tx: Tx, key: str, now: int) -> None:
    """AuthenticationManager's INVALIDATE_ACTION_TOKEN: the link's key spent when its login ends."""
    if not await tx.action_tokens.put_if_absent(key, action_tokens.key_expiry(key), now):
        raise LinkSpent(key)
