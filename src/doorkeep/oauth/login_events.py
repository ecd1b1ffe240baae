"""The event of a step of a browser login (LoginActionsService.initLoginEvent): the details every such event
carries — ``auth_method``, ``redirect_uri``, ``username`` — and the step's own on top.

Required actions, account actions, the reset-credentials flow and the sessions a "sign out from other
devices" ends all record their events through here, so they say the same things in the same way.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from doorkeep import events
from doorkeep.clientpolicies.enforce import PreAuthorizationRefusal
from doorkeep.errors import OAuthError
from doorkeep.model import Realm, User
from doorkeep.oauth import response_types
from doorkeep.oauth.authorize import AuthRequest, RedirectingError
from doorkeep.oauth.context import Form
from doorkeep.oauth.login_outcomes import Browser
from doorkeep.oauth.login_step import LoginSite, StepContext
from doorkeep.users import otp

if TYPE_CHECKING:
    from doorkeep.oauth.context import Services
    from doorkeep.store.tx import Tx


def details(request: AuthRequest, username: str | None, **more: str | None) -> dict[str, str | None]:
    """initLoginEvent's details (``auth_method``, ``redirect_uri``), the username, then ``more``."""
    return {"auth_method": "openid-connect", "redirect_uri": request.redirect_uri or None, "username": username, **more}


async def record(
    ctx: StepContext,
    type: str,
    *,
    error: str | None = None,
    session_id: str | None = None,
    more: Mapping[str, str | None] | None = None,
) -> None:
    """Record ``type`` for the step's user at its client, with the login's details and ``more``; the username
    as the login typed it (the ATTEMPTED_USERNAME note), else the user's; the ``code_id`` SessionCodeChecks puts
    on every login-actions event (``more`` may name another)."""
    await record_many(ctx, type, error=error, session_ids=[session_id], more=more)


async def record_many(
    ctx: StepContext,
    type: str,
    *,
    session_ids: Sequence[str | None],
    error: str | None = None,
    more: Mapping[str, str | None] | None = None,
) -> None:
    """``record`` of one event per session id, in their order, stored in one statement."""
    username = ctx.request.attempted_username or ctx.user.username
    shared = details(ctx.request, username, **{"code_id": code_id(ctx.request, ctx.browser), **(more or {})})
    each: list[dict[str, Any]] = [
        {"client_id": ctx.client.client_id, "user_id": ctx.user.id, "session_id": session_id}
        | {"ip": ctx.browser.ip_address, "error": error, "details": dict(shared)}
        for session_id in session_ids
    ]
    await events.record_many(ctx.tx, ctx.realm, type, now=ctx.services.clock.now(), each=each)


async def refused_request(
    tx: Tx, services: Services, realm: Realm, params: Form, err: RedirectingError, ip: str, kind: str = "LOGIN"
) -> None:
    """The LOGIN_ERROR of an authorization request refused back to the client (AuthorizationEndpointChecker
    records one for each check): its error, the request's redirect URI and response type, the response mode
    once it was parsed, and the check's reason ("Invalid scopes: openid offline_access"). ``kind``: the event's
    type before ``_ERROR`` (AuthorizationEndpoint.register and forgotCredentials set REGISTER and RESET_PASSWORD
    before the request is checked)."""
    details = {
        "redirect_uri": params.get("redirect_uri"),
        "response_type": params.get("response_type"),
        "response_mode": response_types.event_name(err.target.response_mode) if err.mode_known else None,
        "reason": err.reason,
        **err.more_details,
    }
    await events.record(
        tx,
        realm,
        f"{kind}_ERROR",
        now=services.clock.now(),
        client_id=params.get("client_id"),
        ip=ip,
        error=err.event_error,
        details={k: v for k, v in details.items() if v is not None},
    )


async def refused_page(
    tx: Tx, services: Services, realm: Realm, params: Form, err: OAuthError, ip: str, kind: str = "LOGIN"
) -> None:
    """The LOGIN_ERROR of an authorization request answered with an error page: no client when ``client_id``
    was absent or repeated (getClientId), the client asked for after that (checkClient's ``event.client``),
    and the redirect URI asked for once the client is known (checkRedirectUri). ``kind`` as ``refused_request``."""
    named = params.all("client_id")
    client_id = named[0] if len(named) == 1 and not isinstance(err, PreAuthorizationRefusal) else None
    details: dict[str, str | None] = dict(err.event_details)
    if client_id is not None and err.event_error not in _BEFORE_REDIRECT_CHECK:
        details["redirect_uri"] = params.get("redirect_uri")
    await events.record(
        tx,
        realm,
        f"{kind}_ERROR",
        now=services.clock.now(),
        client_id=client_id,
        ip=ip,
        error=err.event_error,
        details={k: v for k, v in details.items() if v is not None} or None,
    )


# checkClient's errors, recorded before checkRedirectUri adds the redirect URI to the event
_BEFORE_REDIRECT_CHECK = frozenset({"client_not_found", "client_disabled", "not_allowed"})
DEPRECATED_EVENTS = {"password": "UPDATE_PASSWORD", otp.TYPE: "UPDATE_TOTP"}


async def login_event(
    ctx: StepContext,
    username: str,
    *,
    error: str | None = None,
    session_id: str | None = None,
    remember_me: bool = False,
    extra: dict[str, str] | None = None,
) -> None:
    """LOGIN when the code is issued, LOGIN_ERROR when the credentials are refused (``extra``: an
    authenticator's own details, the OTP form's ``selected_credential_id``)."""
    more = {"remember_me": "true" if remember_me else None, **(extra or {})}
    await _login_record(ctx.site, ctx.user, username, error, session_id, more)


async def step_error(site: LoginSite, user: User | None, error: str, extra: Mapping[str, str]) -> None:
    """The LOGIN_ERROR of a step that may not know its user yet (the passkey posted from the login form: the
    event names the user only once the login has one)."""
    await _login_record(site, user, user.username if user else "", error, None, extra)


async def unknown_user(site: LoginSite, username: str) -> None:
    """The LOGIN_ERROR ``user_not_found`` of a login form whose username names no user."""
    await _login_record(site, None, username, "user_not_found", None, {})


async def duplicate_user(site: LoginSite, username: str) -> None:
    """The LOGIN_ERROR ``username_in_use`` of a login form whose e-mail belongs to several users
    (AbstractUsernameFormAuthenticator.setDuplicateUserChallenge)."""
    await _login_record(site, None, username, "username_in_use", None, {})


async def different_user(ctx: StepContext, existing_user_id: str) -> None:
    """AuthenticationProcessor.attachSession's LOGIN_ERROR when the browser's session belongs to another user: no
    user on the event yet (attachSession sets it only on success), the typed username, and ``existing_user``."""
    username = ctx.request.attempted_username or ctx.user.username
    more = {"existing_user": existing_user_id}
    await _login_record(ctx.site, None, username, "different_user_authenticated", None, more)


async def _login_record(
    site: LoginSite,
    user: User | None,
    username: str,
    error: str | None,
    session_id: str | None,
    more: Mapping[str, str | None],
) -> None:
    request = site.request
    details = {
        "auth_method": "openid-connect",
        "auth_type": "code",
        "response_type": request.response_type or None,  # none of the three for a device's login
        "response_mode": response_types.event_name(request.response_mode) or None,
        "redirect_uri": request.redirect_uri or None,
        "code_id": session_id or code_id(site.request, site.browser),
        "username": username or None,
        **more,
    }
    await events.record(
        site.tx,
        site.realm,
        "LOGIN_ERROR" if error else "LOGIN",
        now=site.services.clock.now(),
        client_id=site.client.client_id,
        user_id=user.id if user else None,
        session_id=session_id,
        ip=site.browser.ip_address,
        error=error,
        details=details,
    )


def code_id(request: AuthRequest, browser: Browser) -> str | None:
    """The ``code_id`` of a login step's event before a user session exists: Keycloak's root authentication
    session id (SessionCodeChecks.initialVerify): the SSO session's id when the login continues one (Keycloak
    re-creates the root under that id), else the browser's root, whose id the login's new session takes."""
    return request.user_session_id or browser.auth_session_id


async def credential_updated(ctx: StepContext, credential_type: str) -> None:
    """Keycloak's UpdatePassword and UpdateTotp required actions record their deprecated event (UPDATE_PASSWORD,
    UPDATE_TOTP) and then UPDATE_CREDENTIAL, each with the ``credential_type`` (BruteForceTest.testResetPassword);
    each is kept if the realm keeps its type."""
    for type in (DEPRECATED_EVENTS[credential_type], "UPDATE_CREDENTIAL"):
        await record(ctx, type, more={"credential_type": credential_type})


async def credential_refused(ctx: StepContext, credential_type: str, reason: str) -> None:
    """UpdatePassword.processAction on a password the policy refuses (its ModelException): UPDATE_CREDENTIAL_ERROR
    and then the deprecated UPDATE_PASSWORD_ERROR, ``password_rejected`` with the message key as ``reason``
    (ResetPasswordTest.resetPasswordWithLengthPasswordPolicy)."""
    for type in ("UPDATE_CREDENTIAL", DEPRECATED_EVENTS[credential_type]):
        more = {"credential_type": credential_type, "reason": reason}
        await record(ctx, f"{type}_ERROR", error="password_rejected", more=more)
