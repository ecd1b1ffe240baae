"""Pushed authorization requests (RFC 9126) as Keycloak 26's ``ParEndpoint`` answers them.

The client authenticates as at the token endpoint (any failure: 401 ``invalid_request`` "Authentication
failed."); a ``request_uri`` in the push is refused; the parameters (or the request object pushed, which then
replaces them) are read by the request parser and checked as the authorization endpoint checks them, each
failure a 400 JSON error instead of a page or a redirect (ParEndpoint's mapping: a parser failure is
``invalid_request`` or, with a ``request``, ``invalid_request_object``, described by Keycloak's message key
"invalidRequestMessage"; a bad redirect URI "Invalid parameter: redirect_uri"; an unknown response type
"Unsupported response type"; a bad scope ``invalid_request``; a ``dpop_jkt`` that is not the key of the push's
DPoP proof "DPoP Proof public key thumbprint does not match dpop_jkt."). The form is kept (first values), with
the proof's key beside it (``par.dpop.proof.jkt``, which binds the code whatever was pushed), under a random
id; the answer is 201 with the ``request_uri`` and ``expires_in``, the realm's ``parRequestUriLifespan`` (default
60 s). Within it the authorization endpoint may begin logins with it any number of times (a reload, a second tab:
oauth/request_parser.py, oauth/authorize.py); the first of them to end uses it up, and the others end on an error
(oauth/login_completion.py), as Keycloak 26.8 enforces the single use when the login completes (issues 48072 and
51761).

The client's credentials posted with the push (``client_secret``, ``client_assertion``) are not kept: Keycloak
holds the whole form in its in-memory single-use store, but here the pushed request is a database row, and no
bearer secret is stored (the authorization endpoint never reads them from a pushed request anyway).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING

from doorkeep import errors as e
from doorkeep.clientpolicies import enforce as client_policies
from doorkeep.clientpolicies.context import Event, RequestFacts
from doorkeep.errors import InvalidRequest, InvalidRequestObject, OAuthError, UnauthorizedClient
from doorkeep.model import Client, PushedRequest, Realm
from doorkeep.numbers import parse_int
from doorkeep.oauth import (
    authorize,
    dpop,
    login_session,
    provider_config,
    request_object,
    request_parser,
    token_endpoint,
)
from doorkeep.oauth.authorize import RedirectingError
from doorkeep.oauth.client_keys import ClientKeys
from doorkeep.oauth.endpoint_events import RequestEvents
from doorkeep.oauth.provider_config import ProviderConfig
from doorkeep.oauth.request_object import Decryption
from doorkeep.oauth.request_parser import PAR_PREFIX, Parsed

if TYPE_CHECKING:
    from doorkeep.oauth.context import OAuthRequest, Services
    from doorkeep.store.tx import Tx

LIFESPAN_ATTRIBUTE = "parRequestUriLifespan"  # ParConfig.PAR_REQUEST_URI_LIFESPAN
DEFAULT_LIFESPAN = 60
REQUIRE_PAR = "require.pushed.authorization.requests"
INVALID_REQUEST_MESSAGE = "invalidRequestMessage"  # Messages.INVALID_REQUEST, ErrorPageException's message
# Client authentication parameters: never written to the pushed request's row.
NOT_KEPT = frozenset({"client_secret", "client_assertion", "client_assertion_type"})
PAR_JKT_MISMATCH = "DPoP Proof public key thumbprint does not match dpop_jkt."  # the checker's, with its period
_CODES: dict[str, type[OAuthError]] = {"invalid_request": InvalidRequest, "unauthorized_client": UnauthorizedClient}


@dataclass(frozen=True)
class ParResponse:
    request_uri: str
    expires_in: int

    def body(self) -> dict[str, object]:
        return {"request_uri": self.request_uri, "expires_in": self.expires_in}


def lifespan(realm: Realm) -> int:
    """ParConfig.getRequestUriLifespan: the realm attribute, or 60 seconds."""
    value = parse_int(str(realm.attributes.get(LIFESPAN_ATTRIBUTE, "")))
    return DEFAULT_LIFESPAN if value is None else value


async def _client(refusals: RequestEvents) -> Client:
    """AbstractParEndpoint.authorizeClient: whatever AuthorizeClientUtil refuses (after its own error event)
    is "Authentication failed."."""
    try:
        return await refusals.client()
    except OAuthError as err:
        failed = InvalidRequest("Authentication failed.", status=401, detail=err.description)
        raise await refusals.refuse(failed) from None


async def parsed(
    client: Client, req: OAuthRequest, keys: ClientKeys, refusals: RequestEvents, decryption: Decryption | None = None
) -> Parsed:
    """ParEndpointRequestParserProcessor.parseRequest, its failures answered as ParEndpoint does."""
    try:
        return await request_parser.parse_pushed(client, req.form, keys, decryption, req.oidc)
    except OAuthError as err:
        kind = InvalidRequestObject if req.form.get("request") is not None else InvalidRequest
        raise await refusals.refuse(kind(INVALID_REQUEST_MESSAGE, detail=err.detail)) from None


async def check(
    client: Client,
    req: OAuthRequest,
    found: Parsed,
    scope_valid: bool,
    refusals: RequestEvents,
    oidc: ProviderConfig = provider_config.DEFAULT,
) -> None:
    """The AuthorizationEndpointChecker steps ParEndpoint runs, each failure a JSON error. Each records two
    events: the checker's own, then ParEndpoint's (or AuthorizationCheckException.throwAsCorsErrorResponseException's)
    with the answer's error and ``detail``, the first's details kept."""
    params = found.params
    try:
        authorize.checked(client, found, req.base_url, req.realm, scope_valid, par_endpoint=True, oidc=oidc)
    except RedirectingError as err:
        mode = err.target.response_mode if err.mode_known else None
        await refusals.error(
            err.event_error,
            redirect_uri=params.get("redirect_uri"),
            response_type=params.get("response_type"),
            response_mode=mode,
            reason=err.reason,
        )
        if err.error == "unsupported_response_type":
            raise await refusals.refuse(InvalidRequest("Unsupported response type")) from None
        # an invalid scope too: "PAR throws this as invalid_request error"
        raise await refusals.refuse(_CODES.get(err.error, InvalidRequest)(err.description)) from None
    except OAuthError as err:  # the redirect URI (the only page left once the parser has read max_age)
        await refusals.error(err.event_error, redirect_uri=params.get("redirect_uri"))
        raise await refusals.refuse(InvalidRequest(e.AUTHZ_INVALID_REDIRECT_URI)) from None


async def _dpop_proof(tx: Tx, req: OAuthRequest, now: int, refusals: RequestEvents) -> dpop.Proof | None:
    """ParEndpoint's handleDPoPHeader: a ``DPoP`` header is checked as at the token endpoint (for this URL)."""
    if req.dpop_header is None:
        return None
    try:
        return await dpop.validate(tx, req.dpop_header, uri=req.url, method=req.method, now=now)
    except dpop.InvalidProof as err:
        refused = InvalidRequest(err.message)
        await refusals.error("invalid_dpop_proof", reason=err.message)
        raise refused from None


async def _proof_matches(found: Parsed, proof: dpop.Proof, refusals: RequestEvents) -> None:
    """AuthorizationEndpointChecker.checkParDPoPParams: a ``dpop_jkt`` pushed with a proof (the request object's,
    else the form's) must name the proof's key. Its two events: the checker's ``reason``, then
    throwAsCorsErrorResponseException's ``detail``."""
    jkt = found.params.get(dpop.AUTHORIZE_PARAM)
    if jkt is not None and jkt != proof.thumbprint:
        await refusals.error("invalid_request", reason=PAR_JKT_MISMATCH)
        raise await refusals.refuse(InvalidRequest(PAR_JKT_MISMATCH))


async def push(tx: Tx, services: Services, req: OAuthRequest) -> ParResponse:
    """Authenticate the client, check what it pushed, keep it, and answer its ``request_uri``. Keycloak's
    ParEndpoint records PUSHED_AUTHORIZATION_REQUEST_ERROR for each refusal after the realm checks, and no
    event for a request it keeps (it never calls ``event.success()``)."""
    token_endpoint.check_realm(req)
    now = services.clock.now()
    refusals = RequestEvents(tx, req, "PUSHED_AUTHORIZATION_REQUEST", now)
    client = await _client(refusals)
    if "request_uri" in req.form:
        raise await refusals.refuse(InvalidRequest("It is not allowed to include request_uri to PAR."))
    proof = await _dpop_proof(tx, req, now, refusals)
    decryption = request_object.realm_decryption(tx, services.keyring, req.realm.id)
    found = await parsed(client, req, services.client_keys or ClientKeys(services.clock), refusals, decryption)
    await check(client, req, found, await authorize.scope_ok(tx, client, found.params), refusals, services.oidc)
    if proof is not None:
        await _proof_matches(found, proof, refusals)
    try:  # ParEndpoint's PUSHED_AUTHORIZATION_REQUEST client policy event
        event, scope = Event.PUSHED_AUTHORIZATION_REQUEST, found.params.get("scope")
        facts = RequestFacts(form=req.form, issuer=req.issuer, certificates=req.client_certificates)
        await client_policies.on_request(tx, req.realm, event, client, found.params, scope=scope, request=facts)
    except OAuthError as err:
        raise await refusals.refuse(err) from None
    expires_in = lifespan(req.realm)
    key = str(uuid.uuid4())
    names = req.form.keys()
    kept = (name for name in names if name not in NOT_KEPT)
    params = {name: value for name in kept if (value := req.form.get(name)) is not None}
    if proof is not None:  # RFC 9449 §10.1: a pushed request with a proof binds its code to the proof's key
        params[request_parser.PAR_PROOF_JKT] = proof.thumbprint
    # Kept past its lifespan, which bounds only when a login may begin with it: the login that does uses it up when
    # it ends, as long after as the authentication session lives (ParEndpoint, Keycloak 26.8, issue 51761).
    kept_until = now + max(expires_in, 0) + login_session.lifespan(req.realm)
    await tx.pushed_requests.save(key, PushedRequest(req.realm.id, client.id, params, now), kept_until)
    return ParResponse(PAR_PREFIX + key, expires_in)
