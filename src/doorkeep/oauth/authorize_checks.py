"""The authorization request's checks after parsing, in Keycloak's order (``AuthorizationEndpointChecker``):
the redirect URI (a page), then the response type and mode, PAR, the parser's invalid-request message, the
scope, the resource (with the resource-indicators feature on), the nonce and PKCE, each sent back to the client
(oauth/authorize_redirects.py)."""

from __future__ import annotations

from doorkeep import errors as e
from doorkeep.errors import (
    INVALID_SCOPES,
    FatalRequest,
    InvalidRequest,
    InvalidScope,
    InvalidTarget,
    UnauthorizedClient,
    UnsupportedResponseType,
)
from doorkeep.model import Client, Realm
from doorkeep.numbers import parse_int
from doorkeep.oauth import (
    dpop,
    pkce,
    provider_config,
    redirect_uris,
    request_parser,
    resource_indicators,
    response_types,
)
from doorkeep.oauth.auth_request import AuthRequest
from doorkeep.oauth.authorize_redirects import EarlyRedirect, redirecting, target
from doorkeep.oauth.context import Form
from doorkeep.oauth.provider_config import ProviderConfig
from doorkeep.oauth.request_parser import Parsed
from doorkeep.oauth.token_encryption import AUTHORIZATION

UNSUPPORTED_RESPONSE_TYPE_REASON = "Unsupported response_type"  # OIDCResponseType.parse's message


def checked(
    client: Client,
    parsed: Parsed,
    base_url: str,
    realm: Realm,
    scope_valid: bool,
    *,
    par_endpoint: bool = False,
    admin_base: str | None = None,
    oidc: ProviderConfig = provider_config.DEFAULT,
    resource: bool = False,
) -> AuthRequest:
    """The checks after parsing (AuthorizationEndpointChecker), on the parameters the parser settled on; the
    PAR endpoint runs them too, without ``checkParRequired``. ``resource``: the resource-indicators feature is on,
    so ``resource`` is checked and kept for the code (otherwise it is ignored)."""
    params = parsed.params
    max_age = _max_age(params.get("max_age"))  # parsed (and refused) before the redirect URI is checked
    # OpenID Connect requires redirect_uri; plain OAuth 2.0 may default to the one registered URI.
    openid = "openid" in (params.get("scope") or "").split()
    redirect_uri = redirect_uris.resolve(
        params.get("redirect_uri"),
        client,
        base_url,
        required=openid,
        admin_base=admin_base,
        allow_params=oidc.params_in_redirect_uris(client),
    )
    if redirect_uri is None:  # checkRedirectUri
        raise FatalRequest(e.AUTHZ_INVALID_REDIRECT_URI, event_error="invalid_redirect_uri")
    redirect_uri = redirect_uris.installed_app(redirect_uri, base_url, realm.name)
    response_type, response_mode = _response_type(client, params, redirect_uri)
    early = target(client, redirect_uri, response_mode, params.get("state"))
    # checkParRequired: only the client's require.pushed.authorization.requests (ParPolicy)
    required = client.attr_bool("require.pushed.authorization.requests")
    if required and not par_endpoint and parsed.pushed_key is None:
        raise redirecting(InvalidRequest(e.PAR_REQUIRED), early)
    if parsed.invalid is not None:  # checkInvalidRequestMessage: its event has no reason
        raise redirecting(InvalidRequest(parsed.invalid), early, reason=None)
    scope = params.get("scope") or ""
    if not scope_valid:  # checkValidScope: invalid_scope to the client, invalid_request in the event
        raise redirecting(InvalidScope(INVALID_SCOPES.format(scope), event_error="invalid_request"), early)
    wanted = params.get(resource_indicators.PARAM) if resource else None
    if not resource_indicators.valid_request(wanted):  # checkValidResource: invalid_target, its own reason
        refused = InvalidTarget(e.RESOURCE_INVALID, event_error="invalid_request")
        raise redirecting(refused, early, reason=e.RESOURCE_INVALID_REASON.format(wanted))
    # checkOIDCParams: every ID token from the authorization endpoint carries the client's nonce
    if response_type.has(response_types.ID_TOKEN) and params.get("nonce") is None:
        raise redirecting(InvalidRequest(e.AUTHZ_MISSING_NONCE), early)
    challenge, method = (None, None) if response_type.implicit else _pkce(client, params, early)
    names = params.keys()  # a Form is not iterable
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
        dpop_jkt=params.get(dpop.AUTHORIZE_PARAM),
        prompt=params.get("prompt"),
        login_hint=params.get("login_hint"),
        max_age=max_age,
        issuer=f"{base_url}/realms/{realm.name}",
        ui_locales=params.get("ui_locales"),
        kc_action=_kc_action(params.get("kc_action"))[0],
        kc_action_parameter=_kc_action(params.get("kc_action"))[1],
        redirect_uri_sent=bool(params.get("redirect_uri")),
        redirect_uri_param=params.get("redirect_uri") or None,
        claims=params.get("claims"),
        acr_values=params.get("acr_values"),
        kc_idp_hint=params.get("kc_idp_hint"),  # "" when sent empty: IdentityProviderAuthenticator skips then
        resource=wanted,
        additional_params=request_parser.additional(
            {name: params.get(name) or "" for name in names},
            oidc.add_req_params_max_number,
            oidc.add_req_params_max_size,
            oidc.add_req_params_max_overall_size,
        ),
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
        early = target(client, redirect_uri, response_types.mode_for_invalid_type(raw_mode), state)
        raise redirecting(InvalidRequest(e.AUTHZ_MISSING_RESPONSE_TYPE), early, mode_known=False)
    parsed = response_types.parse(raw)
    if parsed is None:
        early = target(client, redirect_uri, response_types.mode_for_invalid_type(raw_mode), state)
        err = UnsupportedResponseType("", event_error="invalid_request")
        raise redirecting(err, early, reason=UNSUPPORTED_RESPONSE_TYPE_REASON, mode_known=False)
    mode = response_types.mode(raw_mode, parsed)
    query = target(client, redirect_uri, response_types.QUERY, state)
    if mode is None:
        raise redirecting(InvalidRequest(e.AUTHZ_INVALID_RESPONSE_MODE), query, mode_known=False)
    # OIDC Core §3.2.2.5, §3.3.2.5; the mode was parsed, so the event's RESPONSE_MODE detail says "query"
    if parsed.implicit_or_hybrid and mode == response_types.QUERY:
        raise redirecting(InvalidRequest(e.AUTHZ_QUERY_NOT_ALLOWED), query)
    early = target(client, redirect_uri, mode, state)
    # JARM §4.3.1: tokens in a query only inside an encrypted response: both of the client's
    # ``authorization.encrypted.response.*`` attributes set (oauth/token_encryption.py), else refused in query.jwt
    encrypted = all(client.attr(a).strip() for a in (AUTHORIZATION.alg_attribute, AUTHORIZATION.enc_attribute))
    if parsed.implicit_or_hybrid and mode == response_types.QUERY_JWT and not encrypted:
        raise redirecting(InvalidRequest(e.AUTHZ_QUERY_JWT_NOT_ENCRYPTED), early)
    if (parsed.has(response_types.CODE) or parsed.has(response_types.NONE)) and not client.standard_flow_enabled:
        raise redirecting(UnauthorizedClient(e.AUTHZ_STANDARD_DISABLED, event_error="not_allowed"), early)
    if parsed.implicit_or_hybrid and not client.implicit_flow_enabled:
        raise redirecting(UnauthorizedClient(e.AUTHZ_IMPLICIT_DISABLED, event_error="not_allowed"), early)
    if parsed.implicit_or_hybrid and dpop.required(client):  # a token from the front channel cannot be bound
        raise redirecting(UnauthorizedClient(e.AUTHZ_DPOP_IMPLICIT, event_error="not_allowed"), early)
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


def _pkce(client: Client, params: Form, early: EarlyRedirect) -> tuple[str | None, str | None]:
    challenge = params.get("code_challenge")
    method = params.get("code_challenge_method")
    problem = pkce_problem(challenge, method, client.attr("pkce.code.challenge.method"))
    if problem:
        raise redirecting(InvalidRequest(problem), early)
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
