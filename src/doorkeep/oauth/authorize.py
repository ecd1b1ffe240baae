"""The authorization endpoint (RFC 6749 §4.1.1, OIDC Core §3.1.2): the client checks, then the request's.

Errors about the client or the redirect URI are shown to the user (never redirected, RFC 6749
§4.1.2.1); every other error goes back to the client's redirect URI. The parts: the request kept while the
user logs in (oauth/auth_request.py), the checks after parsing (oauth/authorize_checks.py), the errors sent
back to the client (oauth/authorize_redirects.py), and issuing the code (oauth/code_issuing.py, §4.1.2).
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING

from doorkeep import errors as e
from doorkeep.clientpolicies import enforce as client_policies
from doorkeep.clientpolicies.context import Event, RequestFacts
from doorkeep.clientpolicies.executors_request_object import PAR_CONTENT_MISMATCH
from doorkeep.errors import FatalRequest, InvalidClient, OAuthError
from doorkeep.model import Client, Realm, pushed_request_digest
from doorkeep.oauth import acr, provider_config, request_parser, response_types
from doorkeep.oauth import scopes as scope_rules
from doorkeep.oauth.auth_request import AuthRequest, has_prompt
from doorkeep.oauth.authorize_checks import checked, pkce_problem
from doorkeep.oauth.authorize_redirects import (
    EXCLUDE_ISSUER,
    EXCLUDE_SESSION_STATE,
    EarlyRedirect,
    RedirectingError,
    redirecting,
    target,
)
from doorkeep.oauth.code_issuing import attach_client, code_hash, store_code
from doorkeep.oauth.context import Form
from doorkeep.oauth.provider_config import ProviderConfig
from doorkeep.oauth.request_parser import Parsed

if TYPE_CHECKING:
    from doorkeep.store.tx import Tx

# The endpoint's parts, importable from here as before the split.
__all__ = [
    "EXCLUDE_ISSUER",
    "EXCLUDE_SESSION_STATE",
    "AuthRequest",
    "AuthorizeError",
    "EarlyRedirect",
    "RedirectingError",
    "attach_client",
    "checked",
    "code_hash",
    "has_prompt",
    "pkce_problem",
    "scope_ok",
    "store_code",
    "validate",
]

RESPONSE_MODES = response_types.ADVERTISED
# getClientId's LOGIN_ERROR reason (AuthorizationEndpointRequestParserProcessor)
CLIENT_ID_NOT_ONE = "Parameter 'client_id' not present or present multiple times in the HTTP request parameters"

# An authorization error shown to the user as a page: an OAuthError whose class is not redirectable.
AuthorizeError = OAuthError


async def validate(
    tx: Tx,
    realm: Realm,
    params: Form,
    base_url: str,
    parsed: Parsed | OAuthError | None = None,
    *,
    admin_base: str | None = None,
    now: int = 0,
    oidc: ProviderConfig = provider_config.DEFAULT,
    resource_indicators: bool = False,
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
    await _pre_authorization(tx, realm, client, params, parsed, now)
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
        parsed = Parsed(request_parser.first_values(params, oidc), problem)
    scope_valid = await scope_ok(tx, client, parsed.params)
    request = checked(
        client, parsed, base_url, realm, scope_valid, admin_base=admin_base, oidc=oidc, resource=resource_indicators
    )
    if parsed.pushed_key is not None:  # used up when the login ends, not here: a reload may come back meanwhile
        request = dataclasses.replace(request, pushed_request=pushed_request_digest(parsed.pushed_key))
    issuer = f"{base_url}/realms/{realm.name}"  # Urls.realmIssuer
    request = await _client_policies(tx, realm, client, parsed, request, RequestFacts(query=params, issuer=issuer), now)
    acr.check_request(client, realm, request.claims)  # updateAuthenticationSession, after the checks
    return client, request


async def _pre_authorization(
    tx: Tx, realm: Realm, client: Client | None, params: Form, parsed: Parsed | OAuthError | None, now: int
) -> None:
    """AuthorizationEndpoint's PRE_AUTHORIZATION_REQUEST client policy event, before checkClient: a refusal is an
    error page. SecureParContentsExecutor drops the pushed request whose parameters it refused."""
    pushed = parsed.pushed_names if isinstance(parsed, Parsed) else None
    try:
        await client_policies.on_pre_authorization(tx, realm, client, params, pushed, now)
    except OAuthError as err:
        if err.description == PAR_CONTENT_MISMATCH and isinstance(parsed, Parsed) and parsed.pushed_key:
            await tx.pushed_requests.take(parsed.pushed_key)
        raise


async def _client_policies(
    tx: Tx, realm: Realm, client: Client, parsed: Parsed, request: AuthRequest, facts: RequestFacts, now: int
) -> AuthRequest:
    """AuthorizationEndpoint's AUTHORIZATION_REQUEST client policy event, after the checks: a refusal goes back
    to the client (redirectErrorToClient); the request with the flow auth-flow-enforcer picked."""
    kinds = set(request.response_type.split())
    facts = dataclasses.replace(facts, request_object=parsed.request_object, request_object_encrypted=parsed.encrypted)
    try:
        verdict = await client_policies.on_request(
            tx,
            realm,
            Event.AUTHORIZATION_REQUEST,
            client,
            parsed.params,
            scope=request.scope,
            implicit_or_hybrid=bool(kinds & {"token", "id_token"}),
            requested_acr=tuple(acr.requested_values(request.claims, parsed.params.get("acr_values"), client, realm)),
            now=now,
            request=facts,
            redirect_uri=request.redirect_uri,
        )
    except OAuthError as err:
        early = target(client, request.redirect_uri, request.response_mode, request.state)
        refused = redirecting(err, early, reason=client_policies.CLIENT_POLICY_ERROR)
        refused.more_details = {k: v for k, v in err.event_details.items() if k != "reason"}
        raise refused from None
    if verdict.auth_flow_alias is None:
        return request
    return dataclasses.replace(request, requested_flow=verdict.auth_flow_alias, flow_loa=verdict.auth_flow_loa)


async def scope_ok(tx: Tx, client: Client, params: Form) -> bool:
    """Whether the request's ``scope`` resolves for ``client`` (checkValidScope, read before the checks run)."""
    try:
        scope_rules.check_names(params.get("scope"))
        await scope_rules.resolve(tx, client, params.get("scope") or "")
    except OAuthError:
        return False
    return True
