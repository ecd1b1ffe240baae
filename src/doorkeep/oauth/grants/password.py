"""Resource Owner Password Credentials, Keycloak's Direct Access Grant (RFC 6749 §4.3; KEYCLOAK.md §2.3).

An offline token from this grant always removes the online session it came from (S7). Every ``invalid_grant``
the direct grant flow answers (an unknown user, a wrong password or OTP, a service account's user, a user locked by
brute force detection) is HTTP 400, as Keycloak 26.6+ (keycloak/keycloak#46528, "Updated HTTP status code for
invalid_grant errors in the Resource Owner Password Credentials Grant"; RFC 6749 §5.2); they were 401 before.
The ``invalid_request`` refusals (no username, an e-mail two users share) stay 401.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from doorkeep import events
from doorkeep.clientpolicies import enforce as client_policies
from doorkeep.clientpolicies.context import Event
from doorkeep.console.messages import en
from doorkeep.errors import (
    ACCOUNT_DISABLED,
    ACCOUNT_NOT_SET_UP,
    CONSENT_REQUIRED,
    FLOW_ACCESS_DENIED,
    INVALID_USER_CREDENTIALS,
    MISSING_USERNAME,
    NO_DIRECT_GRANTS,
    SERVICE_ACCOUNT_USER,
    FlowErrorPage,
    InvalidClient,
    InvalidGrant,
    InvalidRequest,
    InvalidScope,
    OAuthError,
    UnauthorizedClient,
)
from doorkeep.events import MAX_USERNAME_LENGTH, typed_username
from doorkeep.model import ISSUER_NOTE, Client, User
from doorkeep.oauth import (
    acr,
    flow_gates,
    loa,
    parameter_limits,
    profile_check,
    required_actions,
    session_limits,
    verify_profile,
)
from doorkeep.oauth import scopes as scope_rules
from doorkeep.oauth.client_auth import authenticate_client
from doorkeep.oauth.grants.common import bind_resource, issue_new_session_tokens, require_offline_allowed
from doorkeep.oauth.issue import GrantContext
from doorkeep.oauth.mappers import lightweight
from doorkeep.oauth.minted import Minted
from doorkeep.oauth.origin_check import origin_refused
from doorkeep.oauth.roles import effective_roles
from doorkeep.realms import flow_plan
from doorkeep.sessions import service
from doorkeep.users import brute_force, otp
from doorkeep.users.credentials import SharedEmail, assess, check_password, find_login_user

if TYPE_CHECKING:
    from doorkeep.oauth.context import OAuthRequest, Services
    from doorkeep.store.tx import Tx

GRANT_TYPE = "password"


async def precheck(tx: Tx, req: OAuthRequest) -> OAuthRequest:
    """Check a password grant's password in a reading transaction, before the writing one opens."""
    import dataclasses

    if req.form.get("grant_type") != GRANT_TYPE or req.form.has_duplicates():
        return req
    try:  # only an authenticated client that may use this grant gets a password hashed
        client = await authenticate_client(tx, req, record_assertion=False)  # the grant spends its jti
    except OAuthError:
        return req
    if not client.direct_access_grants_enabled or client.consent_required or client.bearer_only:
        return req
    if origin_refused(req, client):  # the grant will be refused (403) before it looks at the password
        return req
    try:
        form = parameter_limits.within_limits(req.form, GRANT_TYPE, req.oidc)  # as the grant will see it
    except OAuthError:  # refused by fail-fast: the token endpoint answers it
        return req
    username = _within_cap(typed_username(form.get("username"))) or ""
    realm = req.realm
    try:
        user = await find_login_user(tx, realm.id, username, realm.login_with_email_allowed) if username else None
    except SharedEmail:
        return req
    verdict = await assess(tx, realm, user, form.get("password") or "")
    return dataclasses.replace(req, password_verdict=verdict)


async def _after_password(tx: Tx, services: Services, req: OAuthRequest, client: Client, user: User) -> loa.Tracker:
    """The direct grant flow's steps after ValidatePassword (oauth/flow_gates.py): each ValidateOTP whose
    conditions hold for the user (Keycloak's default flow: the user has an OTP credential). A flow Doorkeep
    cannot run refuses the grant rather than skip a step. The token endpoint asks for no level (no
    REQUESTED_LEVEL_OF_AUTHENTICATION): of the level sub-flows, only the first runs (the login has no level yet),
    and its level is the one reached."""
    try:
        plan = flow_gates.plan(req.realm, client, flow_gates.DIRECT_GRANT)
    except flow_gates.CannotRun:
        raise _named(user, InvalidGrant(INVALID_USER_CREDENTIALS, event_error="invalid_flow")) from None
    levels = loa.Tracker(loa.NO_LOA, loa.NO_LOA, None, False, services.clock.now())
    index, running = 0, None
    scopes = frozenset[str]()
    if flow_gates.asks_scopes(plan):  # conditional-client-scope: the grant's requested client scopes
        scopes = await flow_gates.requested_scopes(tx, client, req.form.get("scope"))
    while (
        found := await flow_gates.next_gate(tx, req.realm, user, plan, index, levels, running, scopes=scopes)
    ) is not None:
        if found.step == flow_plan.LIMITS:
            await _session_limits(tx, services, req, client, user, found.gate)
        elif found.step == flow_plan.DENY_ACCESS:
            await _deny_access(tx, services, req, user, found.gate.message)
        elif found.step != flow_plan.ALLOW_ACCESS:  # AllowAccessAuthenticator: success, nothing asked
            await _validate_otp(tx, services, req, user)
        index, running = found.index + 1, found.gate.group
    return levels


async def _session_limits(
    tx: Tx, services: Services, req: OAuthRequest, client: Client, user: User, gate: flow_plan.Gate
) -> None:
    """The User Session Count Limiter (oauth/session_limits.py): a direct grant always makes a new session. Its
    refusal is the error page's JSON (403 ``{"error": message}``, LOGIN_ERROR ``generic_authentication_error``
    without a user); the sessions it ends are each a LOGOUT event with the grant's details so far
    (``logoutOldestSessions``: ``eventBuilder.clone().event(LOGOUT)``)."""
    now = services.clock.now()
    try:
        verdict = await session_limits.enforce(
            tx, req.realm, user, client, gate.config, new_user_session=True, new_client_session=True, now=now
        )
    except session_limits.Misconfigured:
        raise InvalidGrant(INVALID_USER_CREDENTIALS, event_error="invalid_flow") from None
    details = events.password_flow_details(req, client)  # the LOGOUT is a clone of the grant's event builder
    for session_id in verdict.ended:
        await events.record(
            tx, req.realm, "LOGOUT", now=now, client_id=client.client_id, user_id=user.id, session_id=session_id,
            ip=req.ip_address, details=details,
        )  # fmt: skip
    if verdict.denied is not None:
        raise FlowErrorPage(verdict.denied, status=403, event_error=session_limits.EVENT_ERROR, detail="session limit")


async def _deny_access(tx: Tx, services: Services, req: OAuthRequest, user: User, message: str | None) -> None:
    """DenyAccessAuthenticator in the direct grant: its challenge is ``createErrorPage(UNAUTHORIZED)`` with the
    configured message (a message key's English text where it names one) or "Access denied", answered as the
    session limiter's (``FlowErrorPage``: ``{"error": ...}`` to a JSON Accept, else the page); a failure Brute Force
    Detection counts (AuthenticationProcessor.logFailure); its LOGIN_ERROR ``access_denied`` names no user."""
    await brute_force.failed_login(tx, req.realm, user, req.ip_address, services.clock.now_ms(), _typed(req))
    text = en.MESSAGES.get(message, message) if message else FLOW_ACCESS_DENIED
    raise FlowErrorPage(text, status=401, event_error="access_denied")


def _typed(req: OAuthRequest) -> str | None:
    """The identifier the grant named (trimmed, as ValidateUsername reads it): the brute-force property counter a
    later step's failure moves (users/brute_force_keys.py)."""
    return (req.form.get("username") or "").strip() or None


async def _validate_otp(tx: Tx, services: Services, req: OAuthRequest, user: User) -> None:
    """ValidateOTP for a user with an OTP credential: the code in ``otp`` (or ``totp``, KEYCLOAK-12908) checked
    against the user's default credential; missing or wrong, 400 ``invalid_grant`` "Invalid user credentials",
    counted as a failed login. Under an OTP policy Keycloak's arithmetic throws on (``otp.UnusablePolicy``; a
    500 there) no code is valid: the same answer. A user without one gets the same answer (a REQUIRED
    ValidateOTP without conditional-user-configured: CREDENTIAL_SETUP_REQUIRED)."""
    creds = await otp.stored(tx, user.id)
    token = req.form.get("otp")
    token = req.form.get("totp") if token is None else token
    try:
        valid = (
            bool(creds)
            and token is not None
            and await otp.is_valid(tx, req.realm, creds[0], token, services.clock.now())
        )
    except otp.UnusablePolicy:
        valid = False
    if not valid:
        await brute_force.failed_login(tx, req.realm, user, req.ip_address, services.clock.now_ms(), _typed(req))
        raise _named(
            user,
            InvalidGrant(INVALID_USER_CREDENTIALS, event_error="invalid_user_credentials", detail="wrong otp"),
        )


def _within_cap(username: str | None) -> str | None:
    """ValidateUsername's cap on the trimmed username, in UTF-16 code units as Java's ``length()``."""
    if username is None or len(username.encode("utf-16-le")) // 2 > MAX_USERNAME_LENGTH:
        return None
    return username


def _named(user: User, err: OAuthError) -> OAuthError:
    """A refusal after ValidateUsername found the user: its LOGIN_ERROR names the user (event.user)."""
    err.event_user = user.id
    return err


def _reason(err: OAuthError, reason: str) -> OAuthError:
    """A refusal whose LOGIN_ERROR gives Keycloak's Details.REASON (and, as no failing step set one, no user)."""
    err.event_details["reason"] = reason
    return err


async def grant(tx: Tx, services: Services, req: OAuthRequest, client: Client) -> Minted:
    realm = req.realm
    if not client.direct_access_grants_enabled:
        raise UnauthorizedClient(NO_DIRECT_GRANTS, status=400, event_error="not_allowed")
    if client.consent_required:
        raise InvalidClient(CONSENT_REQUIRED, status=400, event_error="consent_denied")
    event = Event.RESOURCE_OWNER_PASSWORD_CREDENTIALS_REQUEST
    verdict = await client_policies.on_request(tx, realm, event, client, req.form, scope=req.form.get("scope"))
    client = lightweight.for_request(client, verdict.lightweight_access_token)
    scope_param = req.form.get("scope") or ""
    try:  # getRequestedScopes: invalid_scope to the caller, Errors.INVALID_REQUEST with the reason in the event
        scope_rules.check_names(req.form.get("scope"))
        granted = await scope_rules.resolve(tx, client, scope_param)
    except InvalidScope as err:
        err.event_error = "invalid_request"
        raise _reason(err, err.description) from None
    # Keycloak's direct grant flow: ValidateUsername (missing, unknown, a service account, locked, disabled),
    # then ValidatePassword.
    typed = typed_username(req.form.get("username"))  # trimmed (Keycloak 26.8, PR 51129)
    if typed is None:
        raise InvalidRequest(MISSING_USERNAME, status=401, event_error="user_not_found")
    username = _within_cap(typed)
    if username is None:  # over Validation.MAX_USERNAME_LENGTH: refused before any lookup, no username detail
        raise InvalidGrant(INVALID_USER_CREDENTIALS, event_error="user_not_found", detail="too long")
    try:
        user = await find_login_user(tx, realm.id, username, realm.login_with_email_allowed) if username else None
    except SharedEmail:  # ValidateUsername's ModelDuplicateException: its challenge, and no event
        raise InvalidRequest(INVALID_USER_CREDENTIALS, status=401, event_error="", detail="e-mail shared") from None
    if user is not None and user.service_account_client_id is not None:
        await check_password(tx, None, req.form.get("password") or "", req.password_verdict, realm=realm)  # the same
        raise _reason(InvalidGrant(INVALID_USER_CREDENTIALS, event_error="invalid_user"), SERVICE_ACCOUNT_USER)
    now = services.clock.now()
    refused = await brute_force.refusal(tx, realm, user, now) if user is not None else None
    if user is not None and refused is not None:  # locked: refused even with the right password
        locked = InvalidGrant(INVALID_USER_CREDENTIALS, event_error=refused, detail="locked by brute force detection")
        raise _named(user, locked)
    if user is not None and not user.enabled:  # before the password, as Keycloak's ValidateUsername
        raise _named(user, InvalidGrant(ACCOUNT_DISABLED, event_error="user_disabled"))
    right = await check_password(tx, user, req.form.get("password") or "", req.password_verdict, realm=realm)
    if not right or user is None:
        if user is not None:
            await brute_force.failed_login(tx, realm, user, req.ip_address, services.clock.now_ms(), username)
        unknown = user is None
        wrong = InvalidGrant(
            INVALID_USER_CREDENTIALS,
            event_error="user_not_found" if unknown else "invalid_user_credentials",
            detail="no such user" if unknown else "wrong password",
        )
        raise wrong if user is None else _named(user, wrong)
    levels = await _after_password(tx, services, req, client, user)
    await brute_force.successful_login(tx, realm, user)
    # ResourceOwnerPasswordCredentialsGrantType: evaluateRequiredActionTriggers once the flow passed
    user = await required_actions.password_validated(tx, realm, user, services.clock.now_ms(), direct_grant=True)
    subject = profile_check.Subject(tx, realm, client, user, req.form.get("scope"), services.read_only.user)
    user, unverified = await verify_profile.granted(subject)  # VERIFY_PROFILE on the authentication session
    if user.required_actions or unverified:  # any action on the user, enabled in the realm or not
        raise _reason(InvalidGrant(ACCOUNT_NOT_SET_UP, event_error="resolve_required_actions"), ACCOUNT_NOT_SET_UP)
    granted = await scope_rules.permitted(tx, user, granted)
    roles = await effective_roles(tx, user, client, granted.scopes)
    use_refresh = client.attr_bool("use.refresh.tokens", True)
    level = levels.level if levels.level >= loa.MINIMUM_LOA else 1  # none recorded: a login with credentials
    probe = GrantContext(realm, client, user, None, None, granted, roles, GRANT_TYPE)
    if use_refresh and granted.offline:
        try:
            require_offline_allowed(probe)  # validate before writing anything
        except OAuthError as err:
            raise _named(user, err) from None
    probe = await bind_resource(tx, services, req, probe)  # resource-indicators: before the session is written
    us, cs = await service.start_online(
        tx,
        realm,
        user,
        client,
        scope_param=scope_param,
        now=now,
        ip_address=req.ip_address,
        login_username=username,
        notes={"grant_type": GRANT_TYPE, ISSUER_NOTE: req.issuer, acr.LEVEL_NOTE: str(level)},
        session_notes={loa.LOA_MAP_NOTE: loa.write_map(levels.levels)} if levels.levels else None,
        user_agent=req.user_agent,
    )
    named = acr.token_acr(level, client, realm, None, None)  # AcrProtocolMapper: no claims, no acr_values
    ctx = GrantContext(realm, client, user, us, cs, granted, roles, GRANT_TYPE, acr=named, resource=probe.resource)
    return await issue_new_session_tokens(
        tx, services, req, ctx, use_refresh=use_refresh, remove_online_when_offline=True
    )
