"""The authorization request (RFC 6749 §4.1.1, OIDC Core §3.1.2) and issuing the code (§4.1.2).

Errors about the client or the redirect URI are shown to the user (never redirected, RFC 6749
§4.1.2.1); every other error goes back to the client's redirect URI.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import asdict, dataclass, replace
from typing import TYPE_CHECKING, Any

from doorkeep import errors as e
from doorkeep.errors import (
    INVALID_SCOPES,
    FatalRequest,
    InvalidClient,
    InvalidRequest,
    InvalidScope,
    OAuthError,
    UnauthorizedClient,
    UnsupportedResponseType,
)
from doorkeep.model import ISSUER_NOTE, Client, Realm, StoredCode, User, UserSession
from doorkeep.numbers import parse_int
from doorkeep.oauth import pkce, redirect_uris, request_parser, response_types
from doorkeep.oauth import scopes as scope_rules
from doorkeep.oauth.context import Form
from doorkeep.oauth.request_parser import Parsed
from doorkeep.sessions import service

if TYPE_CHECKING:
    from doorkeep.store.tx import Tx

RESPONSE_MODES = response_types.MODES
# getClientId's LOGIN_ERROR reason (AuthorizationEndpointRequestParserProcessor)
CLIENT_ID_NOT_ONE = "Parameter 'client_id' not present or present multiple times in the HTTP request parameters"
UNSUPPORTED_RESPONSE_TYPE_REASON = "Unsupported response_type"  # OIDCResponseType.parse's message


# An authorization error shown to the user as a page: an OAuthError whose class is not redirectable.
AuthorizeError = OAuthError


@dataclass(frozen=True)
class AuthRequest:
    """A validated authorization request, kept in the authentication session while the user logs in."""

    client_id: str
    redirect_uri: str
    response_type: str
    response_mode: str
    scope: str
    state: str | None = None
    nonce: str | None = None
    code_challenge: str | None = None
    code_challenge_method: str | None = None
    prompt: str | None = None
    login_hint: str | None = None
    max_age: int | None = None
    # Set when the login approves a device authorization (RFC 8628 §3.3): the user code it was started with,
    # normalised; there is then no redirect URI, and the end is the device verification status page.
    device_user_code: str | None = None
    issuer: str | None = None  # where the request came in; None in authentication sessions from before
    # The SSO session the login continues, pinned when the request came in (Keycloak's root authentication
    # session takes the user session's id), and whether that session's cookie authenticated the user (True)
    # or the user must give credentials again (prompt=login, max_age): see login_flow.pinned.
    user_session_id: str | None = None
    sso_login: bool = False
    # The login pages' language (Keycloak's authentication-session notes): the client's ``ui_locales``
    # (locale_client_requested) and the user's pick on a page, ``kc_locale`` (locale_user_requested).
    ui_locales: str | None = None
    kc_locale: str | None = None
    # An application-initiated action (the ``kc_action`` client note) while it is pending, then its outcome for
    # the response: ``kc_action_status`` and the alias of the last required action the user submitted
    # (LAST_PROCESSED_EXECUTION), sent back as ``kc_action`` (OIDCLoginProtocol.authenticated).
    kc_action: str | None = None
    kc_action_status: str | None = None
    kc_action_done: str | None = None
    # Required actions of this login only (AuthenticationSessionModel.addRequiredAction: an e-mailed link's
    # actions, the reset-credentials flow's UPDATE_PASSWORD), run with the user's own by priority; the
    # END_AFTER_REQUIRED_ACTIONS note (the login ends on "Your account has been updated." instead of a code);
    # and the INVALIDATE_ACTION_TOKEN note: the single-use key of the link, spent when the login ends.
    session_actions: tuple[str, ...] = ()
    end_after_actions: bool = False
    action_token: str | None = None
    # The part of ``kc_action`` after its ``:`` (the KC_ACTION_PARAMETER client note): delete_credential's id.
    kc_action_parameter: str | None = None
    # Whether the request sent ``redirect_uri`` (Keycloak's REDIRECT_URI_PARAM note): the code binds the token
    # request to it only then (RFC 6749 §4.1.3). True in authentication sessions from before this field.
    redirect_uri_sent: bool = True
    # The ``redirect_uri`` as sent (REDIRECT_URI_PARAM), which the token request must repeat: it differs from
    # ``redirect_uri`` for the installed-app URN and a relative URI. None in sessions from before this field.
    redirect_uri_param: str | None = None
    # The username as the login form took it, trimmed (the ATTEMPTED_USERNAME auth note): the user session's
    # login username (AuthenticationManager.createUserSession), so the LOGIN event's ``username`` and the
    # remember-me cookie keep the e-mail a user logged in with (LoginTest.loginUserWithEmailAsUsername).
    attempted_username: str | None = None

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> AuthRequest:
        return cls(**{**data, "session_actions": tuple(data.get("session_actions") or ())})


# OIDCConfigAttributes: a client may leave these out of its authorization responses (OIDCLoginProtocol).
EXCLUDE_SESSION_STATE = "exclude.session.state.from.auth.response"
EXCLUDE_ISSUER = "exclude.issuer.from.auth.response"


@dataclass(frozen=True)
class EarlyRedirect:
    """What an error needs to be sent back to the client even before a full AuthRequest exists."""

    redirect_uri: str
    response_mode: str
    state: str | None
    with_issuer: bool = True  # False: the client excludes ``iss`` from its authorization responses


async def validate(
    tx: Tx, realm: Realm, params: Form, base_url: str, parsed: Parsed | OAuthError | None = None
) -> tuple[Client, AuthRequest]:
    """Check the request in Keycloak's order (``AuthorizationEndpoint.process``). Raises a
    non-redirectable OAuthError (a page) or a RedirectingError (back to the client).

    ``params`` is the query (or form) as sent; ``parsed`` what the request parser made of it with the
    request object read (oauth/request_parser.py, before this transaction), or the error it ended with."""
    client_id = params.get("client_id")
    if client_id is None or len(params.all("client_id")) != 1:  # getClientId: absent or repeated
        err = FatalRequest(e.AUTHZ_INVALID_REQUEST)
        err.event_details["reason"] = CLIENT_ID_NOT_ONE
        raise err
    client = await tx.clients.get_by_client_id(realm.id, client_id)
    if client is None:  # checkClient, each with its event error
        raise InvalidClient(e.AUTHZ_CLIENT_NOT_FOUND, status=400, event_error="client_not_found")
    if not client.enabled:
        raise InvalidClient(e.AUTHZ_CLIENT_DISABLED, status=400, event_error="client_disabled")
    if client.bearer_only:
        raise InvalidClient(e.AUTHZ_BEARER_ONLY, status=400, event_error="not_allowed")
    if isinstance(parsed, OAuthError):  # parseRequest's catch-all: after the client checks
        raise parsed
    if parsed is None:
        problem = request_parser.query_problem(params, response_type_required=False)
        parsed = Parsed(request_parser.first_values(params), problem)
    # AuthzEndpointParParser's singleUseStore.remove: the pushed request is used up here, whatever follows
    if parsed.pushed_key is not None and not await tx.pushed_requests.take(parsed.pushed_key):
        raise request_parser.refused("PAR not found. not issued or used multiple times.")
    try:
        return client, checked(client, parsed, base_url, realm, await scope_ok(tx, client, parsed.params))
    except RedirectingError as err:  # redirectErrorToClient: ``iss`` unless the client excludes it
        err.target = replace(err.target, with_issuer=not client.attr_bool(EXCLUDE_ISSUER))
        raise


async def scope_ok(tx: Tx, client: Client, params: Form) -> bool:
    try:
        await scope_rules.resolve(tx, client, params.get("scope") or "")
    except OAuthError:
        return False
    return True


def checked(
    client: Client, parsed: Parsed, base_url: str, realm: Realm, scope_valid: bool, *, par_endpoint: bool = False
) -> AuthRequest:
    """The checks after parsing (AuthorizationEndpointChecker), on the parameters the parser settled on; the
    PAR endpoint runs them too, without ``checkParRequired``."""
    params = parsed.params
    max_age = _max_age(params.get("max_age"))  # parsed (and refused) before the redirect URI is checked
    # OpenID Connect requires redirect_uri; plain OAuth 2.0 may default to the one registered URI.
    openid = "openid" in (params.get("scope") or "").split()
    redirect_uri = redirect_uris.resolve(params.get("redirect_uri"), client, base_url, required=openid)
    if redirect_uri is None:  # checkRedirectUri
        raise FatalRequest(e.AUTHZ_INVALID_REDIRECT_URI, event_error="invalid_redirect_uri")
    redirect_uri = redirect_uris.installed_app(redirect_uri, base_url, realm.name)
    response_type, response_mode = _response_type(client, params, redirect_uri)
    early = (redirect_uri, response_mode, params.get("state"))
    # checkParRequired: only the client's require.pushed.authorization.requests (ParPolicy)
    required = client.attr_bool("require.pushed.authorization.requests")
    if required and not par_endpoint and parsed.pushed_key is None:
        raise _redirecting(InvalidRequest(e.PAR_REQUIRED), early)
    if parsed.invalid is not None:  # checkInvalidRequestMessage: its event has no reason
        raise _redirecting(InvalidRequest(parsed.invalid), early, reason=None)
    scope = params.get("scope") or ""
    if not scope_valid:  # checkValidScope: invalid_scope to the client, invalid_request in the event
        raise _redirecting(InvalidScope(INVALID_SCOPES.format(scope), event_error="invalid_request"), early)
    # checkOIDCParams: every ID token from the authorization endpoint carries the client's nonce
    if response_type.has(response_types.ID_TOKEN) and params.get("nonce") is None:
        raise _redirecting(InvalidRequest(e.AUTHZ_MISSING_NONCE), early)
    challenge, method = (None, None) if response_type.implicit else _pkce(client, params, early)
    return AuthRequest(
        client_id=client.client_id,
        redirect_uri=redirect_uri,
        response_type=params.get("response_type") or "",
        response_mode=response_mode,
        scope=scope,
        state=params.get("state"),
        nonce=params.get("nonce"),
        code_challenge=challenge,
        code_challenge_method=method,
        prompt=params.get("prompt"),
        login_hint=params.get("login_hint"),
        max_age=max_age,
        issuer=f"{base_url}/realms/{realm.name}",
        ui_locales=params.get("ui_locales"),
        kc_action=_kc_action(params.get("kc_action"))[0],
        kc_action_parameter=_kc_action(params.get("kc_action"))[1],
        redirect_uri_sent=bool(params.get("redirect_uri")),
        redirect_uri_param=params.get("redirect_uri") or None,
    )


def _kc_action(raw: str | None) -> tuple[str | None, str | None]:
    """AuthorizationEndpoint.performActionOnParameters: ``kc_action`` is the part before a ``:``, the action's
    parameter the next part (``split(":")[1]``: ``delete_credential:{id}`` names the credential)."""
    if not raw:
        return raw, None
    parts = raw.split(":")
    return parts[0], parts[1] if len(parts) > 1 and parts[1] else None


def _response_type(client: Client, params: Form, redirect_uri: str) -> tuple[response_types.ResponseType, str]:
    """``AuthorizationEndpointChecker.checkResponseType``: the response type and mode, or the error sent
    back in the mode Keycloak picks for it (as asked for a bad type; query for a bad or forbidden mode)."""
    raw, raw_mode, state = params.get("response_type"), params.get("response_mode"), params.get("state")
    if raw is None:
        early = (redirect_uri, response_types.mode_for_invalid_type(raw_mode), state)
        raise _redirecting(InvalidRequest(e.AUTHZ_MISSING_RESPONSE_TYPE), early, mode_known=False)
    parsed = response_types.parse(raw)
    if parsed is None:
        early = (redirect_uri, response_types.mode_for_invalid_type(raw_mode), state)
        err = UnsupportedResponseType("", event_error="invalid_request")
        raise _redirecting(err, early, reason=UNSUPPORTED_RESPONSE_TYPE_REASON, mode_known=False)
    mode = response_types.default_mode(parsed) if raw_mode is None else raw_mode
    query = (redirect_uri, response_types.QUERY, state)
    if mode not in response_types.MODES:
        raise _redirecting(InvalidRequest(e.AUTHZ_INVALID_RESPONSE_MODE), query, mode_known=False)
    # OIDC Core §3.2.2.5, §3.3.2.5; the mode was parsed, so the event's RESPONSE_MODE detail says "query"
    if parsed.implicit_or_hybrid and mode == response_types.QUERY:
        raise _redirecting(InvalidRequest(e.AUTHZ_QUERY_NOT_ALLOWED), query)
    early = (redirect_uri, mode, state)
    if (parsed.has(response_types.CODE) or parsed.has(response_types.NONE)) and not client.standard_flow_enabled:
        raise _redirecting(UnauthorizedClient(e.AUTHZ_STANDARD_DISABLED, event_error="not_allowed"), early)
    if parsed.implicit_or_hybrid and not client.implicit_flow_enabled:
        raise _redirecting(UnauthorizedClient(e.AUTHZ_IMPLICIT_DISABLED, event_error="not_allowed"), early)
    return parsed, mode


def _max_age(raw: str | None) -> int | None:
    """``max_age`` as Keycloak's parser reads it: ``Integer.valueOf``, so anything but a Java int (an empty
    value too) is its "Invalid Request" page. A negative value is kept: ``isAuthTimeExpired``
    (authTime + maxAge < now) then asks for the login again."""
    if raw is None:
        return None
    value = parse_int(raw)
    if value is None:
        raise FatalRequest(e.AUTHZ_INVALID_REQUEST)
    return value


class RedirectingError(Exception):
    """An error sent back to the client's redirect URI (RFC 6749 §4.1.2.1): its code, text and target."""

    def __init__(
        self,
        error: str,
        description: str,
        target: EarlyRedirect,
        *,
        event_error: str = "invalid_request",
        reason: str | None = None,
        mode_known: bool = True,
    ) -> None:
        super().__init__(description)
        self.error = error
        self.description = description
        self.target = target
        # The LOGIN_ERROR AuthorizationEndpointChecker records before redirecting: its error, its REASON
        # detail (None where the check sets none) and whether the response mode was parsed by then (its
        # RESPONSE_MODE detail is set only once it was).
        self.event_error = event_error
        self.reason = reason
        self.mode_known = mode_known


_AS_DESCRIPTION = "as description"


def _redirecting(
    err: OAuthError,
    early: tuple[str, str, str | None],
    *,
    reason: str | None = _AS_DESCRIPTION,
    mode_known: bool = True,
) -> RedirectingError:
    """The error sent back to the client; its event's reason is the description unless given."""
    assert err.redirectable, f"{err.error} is never redirected to the client"
    why = err.description if reason is _AS_DESCRIPTION else reason
    return RedirectingError(
        err.error,
        err.description,
        EarlyRedirect(*early),
        event_error=err.event_error,
        reason=why,
        mode_known=mode_known,
    )


def _pkce(client: Client, params: Form, early: tuple[str, str, str | None]) -> tuple[str | None, str | None]:
    challenge = params.get("code_challenge")
    method = params.get("code_challenge_method")
    problem = pkce_problem(challenge, method, client.attr("pkce.code.challenge.method"))
    if problem:
        raise _redirecting(InvalidRequest(problem), early)
    if challenge is not None and method is None:
        method = "plain"  # RFC 7636 §4.3
    return challenge, method


def pkce_problem(challenge: str | None, method: str | None, required: str | None) -> str | None:
    """What is wrong with the PKCE parameters, in Keycloak's order, or None.

    Keycloak's ``AuthorizationEndpointChecker.checkPKCEParams``: a client with
    ``pkce.code.challenge.method`` set checks the method before the challenge
    (``checkParamsForPkceEnforcedClient``); any other client asks for a challenge as soon as a method
    is sent, whatever the method, and checks the method only next to a challenge
    (``checkParamsForPkceNotEnforcedClient``). A parameter sent empty is present, as in Keycloak.
    """
    if required:
        if method is None:
            return e.PKCE_MISSING_METHOD
        if method != required:
            return e.PKCE_METHOD_NOT_CONFIGURED
        if challenge is None:
            return e.PKCE_MISSING_CHALLENGE
    else:
        if challenge is None:
            return e.PKCE_MISSING_CHALLENGE if method is not None else None
        if method is not None and method not in pkce.METHODS:
            return e.PKCE_INVALID_METHOD
    return None if pkce.VERIFIER.fullmatch(challenge) else e.PKCE_INVALID_CHALLENGE


def code_hash(code: str) -> str:
    return hashlib.sha256(code.encode()).hexdigest()


async def attach_client(
    tx: Tx,
    realm: Realm,
    client: Client,
    user: User,
    request: AuthRequest,
    *,
    now: int,
    ip_address: str,
    session: UserSession | None,
    remember_me: bool = False,
    user_agent: str = "",
) -> UserSession:
    """Create (or join) the user session and attach the client: what a finished login gives the client."""
    redirect_uri = request.redirect_uri or None
    created = session is None
    if session is None:
        session, _ = await service.start_online(
            tx,
            realm,
            user,
            client,
            scope_param=request.scope,
            now=now,
            ip_address=ip_address,
            login_username=request.attempted_username,
            remember_me=remember_me,
            redirect_uri=redirect_uri,
            user_agent=user_agent,
        )
        had_clients = False
    else:
        had_clients = bool(await tx.sessions.client_sessions(session.id, False))
    notes: dict[str, object] = {"nonce": request.nonce} if request.nonce else {}
    if request.issuer:  # Keycloak notes the authorization request's issuer for the logout token's iss
        notes[ISSUER_NOTE] = request.issuer
    if created and not had_clients and scope_rules.OFFLINE_ACCESS in scope_rules.split(request.scope):
        notes[service.FIRST_OFFLINE_ACCESS] = "true"
    await service.add_client(
        tx, session, client, scope_param=request.scope, now=now, redirect_uri=redirect_uri, notes=notes
    )
    return session


async def issue_code(
    tx: Tx,
    realm: Realm,
    client: Client,
    user: User,
    request: AuthRequest,
    *,
    now: int,
    ip_address: str,
    session: UserSession | None,
    fresh_login: bool,
    remember_me: bool = False,
    user_agent: str = "",
) -> tuple[UserSession, str]:
    """Create (or join) the user session, attach the client, and store a single-use code."""
    session = await attach_client(
        tx,
        realm,
        client,
        user,
        request,
        now=now,
        ip_address=ip_address,
        session=session,
        remember_me=remember_me,
        user_agent=user_agent,
    )
    code = secrets.token_urlsafe(32)
    data = {
        "redirect_uri": (request.redirect_uri_param or request.redirect_uri) if request.redirect_uri_sent else None,
        "scope": request.scope,
        "nonce": request.nonce,
        "code_challenge": request.code_challenge,
        "code_challenge_method": request.code_challenge_method,
        "acr": "1" if fresh_login else "0",
        "user_id": user.id,
    }
    await tx.flows.save_code(
        code_hash(code),
        StoredCode(realm.id, client.id, session.id, data, now + max(realm.access_code_lifespan, 1), False),
    )
    return session, code


def has_prompt(request: AuthRequest, value: str) -> bool:
    """Keycloak's ``TokenUtil.hasPrompt``: ``prompt`` is a space-separated list (OIDC Core §3.1.2.1), so
    ``login consent`` asks for both."""
    return value in (request.prompt or "").split(" ")
