"""The "Forgot Password?" flow (Keycloak's default reset-credentials flow): its first two steps,
ResetCredentialChooseUser then ResetCredentialEmail, and the required actions the rest of it adds once the link
is followed (``flow_actions``).

The user is looked up by username, then by e-mail where the realm lets users log in with it; a user that is
unknown, disabled or without an address gets no mail, only a RESET_PASSWORD_ERROR event
(``user_not_found``, ``user_disabled``, ``invalid_email``), and the answer is the same as for a mail sent:
"we don't want people guessing usernames". The link's token (ResetCredentialsActionToken) names the
authentication session, so the browser that asked continues its login once the password is set.

That page is a fork (AuthenticationProcessor's FORK_FLOW, ``forkWithSuccessMessage``): a new tab of the same root
authentication session, at the login form, while the tab that asked keeps the chosen user
(ResetCredentialChooseUser's ``setUser``) and waits for the link. That tab's registration URL, opened again,
is then refused (RegistrationUserCreation's checkNotOtherUserAuthenticating, ``registration.other_user``); showing
its login form or the reset form again forgets the user, as Keycloak's flow reset does.

A browser with a valid SSO session skips the form (ResetCredentialChooseUser.authenticate: "skip user choice if
sso session exists", authenticateIdentityCookie): the session's user is chosen at once, the username it logged in
with becoming ATTEMPTED_USERNAME (ResetPasswordTest.resetPasswordLoggedUser).

A User Session Count Limiter the flow holds after the e-mail step (realms/flow_support.py) runs once the link is
followed, for the link's user and client, as Keycloak's flow goes on after ResetCredentialEmail
(``limit_sessions``; UserSessionLimitsResetPasswordTest).
"""

from __future__ import annotations

import dataclasses
import secrets
from typing import TYPE_CHECKING

from doorkeep import events
from doorkeep.model import UPDATE_PASSWORD, AuthSession, Client, Realm, User
from doorkeep.oauth import login_events, login_session, session_limits
from doorkeep.oauth.authorize import AuthRequest
from doorkeep.oauth.required_actions import CONFIGURE_TOTP
from doorkeep.realms import flow_support
from doorkeep.sessions import sso
from doorkeep.users import otp
from doorkeep.users.credentials import find_user

if TYPE_CHECKING:
    from doorkeep.oauth.context import Services
    from doorkeep.store.tx import Tx

EVENT = "RESET_PASSWORD"
STEP = "reset-credentials"  # the authentication session shows the "Forgot Password?" form
NOT_ALLOWED = "Reset Credential not allowed"  # Messages.RESET_CREDENTIAL_NOT_ALLOWED
MISSING_USERNAME = "Please specify username."  # Messages.MISSING_USERNAME
EMAIL_SENT = "You should receive an email shortly with further instructions."  # Messages.EMAIL_SENT
INVALID_USER = "Invalid username or password."  # Messages.INVALID_USER
DIFFERENT_USER = "You are already authenticated as different user '{}' in this session. Please log out first."
CHOSEN_USER_NOTE = "reset_chosen_user"  # the username of the tab's authenticated user (ResetCredentialChooseUser)
FORKED_FROM_NOTE = "FORKED_FROM"  # AuthenticationProcessor.FORKED_FROM: the tab a fork was cloned from


class ServiceAccountNamed(Exception):
    """The name is a service account's: AuthenticationProcessor.validateUser refuses it (UNKNOWN_USER), and the
    login page says "Invalid username or password." (ResetPasswordTest.failResetPasswordServiceAccount)."""


@dataclasses.dataclass(frozen=True)
class SessionChoice:
    """The SSO session's user, chosen without the form: the request now naming them as ATTEMPTED_USERNAME,
    the user a link goes to (None without an address) and the username to show as typed."""

    request: AuthRequest
    user: User | None
    username: str


_JAVA_TRIMMED = "".join(map(chr, range(0x21)))


def details(request: AuthRequest, username: str | None = None) -> dict[str, str | None]:
    """What the flow's events carry (LoginActionsService.initLoginEvent, then the username typed)."""
    return login_events.details(request, username)


async def event(
    tx: Tx,
    services: Services,
    realm: Realm,
    client: Client | None,
    ip: str,
    *,
    error: str | None = None,
    user: User | None = None,
    extra: dict[str, str | None] | None = None,
) -> None:
    await events.record(
        tx,
        realm,
        f"{EVENT}_ERROR" if error else EVENT,
        now=services.clock.now(),
        client_id=client.client_id if client else None,
        user_id=user.id if user else None,
        ip=ip,
        error=error,
        details=extra,
    )


def trimmed(typed: str) -> str:
    """The username as ResetCredentialChooseUser looks it up (Java's ``String.trim``)."""
    return typed.strip(_JAVA_TRIMMED)


async def choose_user(
    tx: Tx, services: Services, realm: Realm, client: Client, request: AuthRequest, typed: str, ip: str
) -> User | None:
    """ResetCredentialChooseUser.action and ResetCredentialEmail's checks: the user a link may be sent to, or
    None (with the event saying why); ServiceAccountNamed for a service account. ``typed`` is not empty."""
    username = trimmed(typed)
    user = await find_user(tx, realm.id, username, realm.login_with_email_allowed)
    shown = details(request, username)
    if user is None:
        await event(tx, services, realm, client, ip, error="user_not_found", extra=shown)
        return None
    if not user.enabled:
        await event(tx, services, realm, client, ip, error="user_disabled", user=user, extra=shown)
        return None
    if user.service_account_client_id is not None:
        await event(tx, services, realm, client, ip, error="user_not_found", extra=shown)
        raise ServiceAccountNamed
    return await email_check(tx, services, realm, client, request, user, ip)


async def email_check(
    tx: Tx, services: Services, realm: Realm, client: Client, request: AuthRequest, user: User, ip: str
) -> User | None:
    """ResetCredentialEmail's address check: the chosen user, or None (RESET_PASSWORD_ERROR ``invalid_email``)
    for one without an e-mail address."""
    if not (user.email or "").strip():
        shown = details(request, request.attempted_username)
        await event(tx, services, realm, client, ip, error="invalid_email", user=user, extra=shown)
        return None
    return user


async def other_user(
    tx: Tx, services: Services, realm: Realm, client: Client, auth_session: AuthSession, user: User | None, ip: str
) -> str | None:
    """AuthenticationProcessor.setAutheticatedUser: the tab already identified a user (identity-first's username
    step) and the form names another existing one: USER_CONFLICT, RESET_PASSWORD_ERROR
    ``different_user_authenticated`` and the error page's text (no mail); None otherwise. A name that finds nobody
    clears the user instead (ResetCredentialChooseUser's clearUser)."""
    if user is None or auth_session.user_id is None or auth_session.user_id == user.id:
        return None
    earlier = await tx.users.get(auth_session.user_id)
    if earlier is None:
        return None
    shown = details(AuthRequest.from_json(auth_session.request), user.username)
    await event(tx, services, realm, client, ip, error="different_user_authenticated", extra=shown)
    return DIFFERENT_USER.format(earlier.username)


async def fork(tx: Tx, realm: Realm, auth_session: AuthSession, user: User | None, now: int) -> AuthSession:
    """AuthenticationProcessor.clone after ResetCredentialEmail's ``forkWithSuccessMessage``: the asking tab keeps
    waiting for the link with the chosen ``user`` noted; a new tab of its root, with the same login request and
    no user, shows the login form (its page is rendered on that tab)."""
    notes = {CHOSEN_USER_NOTE: user.username} if user is not None else {}
    # the asking tab at the login step, as its own page would have left it (the link's handler tells a tab it
    # made itself by the reset step)
    await tx.flows.advance_auth_session(
        auth_session.id, None, login_session.AUTHENTICATE, secrets.token_urlsafe(24), notes
    )
    clone = AuthSession(
        login_session.new_tab_id(),
        auth_session.realm_id,
        auth_session.client_id,
        secrets.token_urlsafe(24),
        auth_session.request,
        None,
        now + login_session.lifespan(realm),
        login_session.AUTHENTICATE,
        {FORKED_FROM_NOTE: auth_session.id},
        auth_session.root,
        started=now,
        step_time=now,
    )
    await tx.flows.create_auth_session(clone)
    return clone


async def attempted(tx: Tx, auth_session: AuthSession, username: str) -> AuthRequest:
    """The authentication session's request with ATTEMPTED_USERNAME set, stored."""
    request = dataclasses.replace(AuthRequest.from_json(auth_session.request), attempted_username=username)
    await tx.flows.replace_auth_request(auth_session.id, request.to_json())
    return request


async def choose_by_session(
    tx: Tx,
    services: Services,
    realm: Realm,
    client: Client,
    auth_session: AuthSession,
    ip: str,
    *,
    issuer: str,
    cookie: str | None,
) -> SessionChoice | None:
    """ResetCredentialChooseUser.authenticate: with a valid SSO session (the identity ``cookie``) its user is
    chosen without the form; None, and the form is shown, without one."""
    current = await sso.current_session(tx, services, realm, issuer, cookie)
    if current is None:
        return None
    username = current[1].username
    request = await attempted(tx, auth_session, username)
    user = await email_check(tx, services, realm, client, request, current[1], ip)
    return SessionChoice(request, user, username)


async def flow_actions(tx: Tx, realm: Realm, user: User, pending: tuple[str, ...]) -> tuple[str, ...]:
    """The login's actions once the link is followed: ResetPassword's UPDATE_PASSWORD, then, for a user with an
    OTP credential, the "Reset - Conditional OTP" sub-flow (CONDITIONAL: conditional-user-configured holds when
    ResetOTP is configured for the user), whose ResetOTP without a configuration keeps the credentials and adds
    CONFIGURE_TOTP; a flow without that sub-flow, or with it DISABLED, adds none. The realm's priorities order
    them (CONFIGURE_TOTP first by default)."""
    otp_reset = flow_support.reset_otp_runs(realm) and await otp.stored(tx, user.id)
    added = (UPDATE_PASSWORD, CONFIGURE_TOTP) if otp_reset else (UPDATE_PASSWORD,)
    return (*(a for a in pending if a not in added), *added)


async def limit_sessions(
    tx: Tx, services: Services, realm: Realm, client: Client, user: User, *, issuer: str, cookie: str | None
) -> session_limits.Verdict:
    """The User Session Count Limiters of the realm's reset credentials flow, in their order, for ``user`` signing
    in to ``client`` from the browser whose identity ``cookie`` names its SSO session (authenticateIdentityCookie):
    the sessions they ended, and the first refusal. ``session_limits.Misconfigured`` when one cannot run."""
    configs = flow_support.reset_limiters(realm)
    if not configs:
        return session_limits.Verdict()
    now = services.clock.now()
    current = await sso.current_session(tx, services, realm, issuer, cookie)
    ended: tuple[str, ...] = ()
    for config in configs:
        sso_session = current[0].id if current is not None and current[0].id not in ended else None
        new_user, new_client = await session_limits.is_new(tx, realm, client, sso_session, now)
        verdict = await session_limits.enforce(
            tx, realm, user, client, config, new_user_session=new_user, new_client_session=new_client, now=now
        )
        ended += verdict.ended
        if verdict.denied is not None:
            return dataclasses.replace(verdict, ended=ended)
    return session_limits.Verdict(ended=ended)
