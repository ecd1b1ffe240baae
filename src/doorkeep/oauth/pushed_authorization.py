"""Pushed authorization requests (RFC 9126) as Keycloak 26's ``ParEndpoint`` answers them.

The client authenticates as at the token endpoint (any failure: 401 ``invalid_request`` "Authentication
failed."); a ``request_uri`` in the push is refused; the parameters (or the request object pushed, which then
replaces them) are read by the request parser and checked as the authorization endpoint checks them, each
failure a 400 JSON error instead of a page or a redirect (ParEndpoint's mapping: a parser failure is
``invalid_request`` or, with a ``request``, ``invalid_request_object``, described by Keycloak's message key
"invalidRequestMessage"; a bad redirect URI "Invalid parameter: redirect_uri"; an unknown response type
"Unsupported response type"; a bad scope ``invalid_request``). The form is kept (first values), under a random
id, for the realm's ``parRequestUriLifespan`` (default 60 s); the answer is 201 with the ``request_uri`` and
``expires_in``. The authorization endpoint uses it up (oauth/request_parser.py, oauth/authorize.py).

The client's credentials posted with the push (``client_secret``, ``client_assertion``) are not kept: Keycloak
holds the whole form in its in-memory single-use store, but here the pushed request is a database row, and no
bearer secret is stored (the authorization endpoint never reads them from a pushed request anyway).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING

from doorkeep import errors as e
from doorkeep.errors import InvalidRequest, InvalidRequestObject, OAuthError, UnauthorizedClient
from doorkeep.model import Client, PushedRequest, Realm
from doorkeep.numbers import parse_int
from doorkeep.oauth import authorize, request_parser, token_endpoint
from doorkeep.oauth.authorize import RedirectingError
from doorkeep.oauth.client_auth import authorize_client
from doorkeep.oauth.client_keys import ClientKeys
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


async def _client(tx: Tx, req: OAuthRequest) -> Client:
    """AbstractParEndpoint.authorizeClient: whatever AuthorizeClientUtil refuses is "Authentication failed."."""
    try:
        return await authorize_client(tx, req)
    except OAuthError as err:
        raise InvalidRequest("Authentication failed.", status=401, detail=err.description) from None


async def parsed(client: Client, req: OAuthRequest, keys: ClientKeys) -> Parsed:
    """ParEndpointRequestParserProcessor.parseRequest, its failures answered as ParEndpoint does."""
    try:
        return await request_parser.parse_pushed(client, req.form, keys)
    except OAuthError as err:
        kind = InvalidRequestObject if req.form.get("request") is not None else InvalidRequest
        raise kind(INVALID_REQUEST_MESSAGE, detail=err.detail) from None


def check(client: Client, req: OAuthRequest, found: Parsed, scope_valid: bool) -> None:
    """The AuthorizationEndpointChecker steps ParEndpoint runs, each failure a JSON error."""
    try:
        authorize.checked(client, found, req.base_url, req.realm, scope_valid, par_endpoint=True)
    except RedirectingError as err:
        if err.error == "unsupported_response_type":
            raise InvalidRequest("Unsupported response type") from None
        # an invalid scope too: "PAR throws this as invalid_request error"
        raise _CODES.get(err.error, InvalidRequest)(err.description) from None
    except OAuthError:  # the redirect URI (the only page left once the parser has read max_age)
        raise InvalidRequest(e.AUTHZ_INVALID_REDIRECT_URI) from None


async def push(tx: Tx, services: Services, req: OAuthRequest) -> ParResponse:
    """Authenticate the client, check what it pushed, keep it, and answer its ``request_uri``."""
    token_endpoint.check_realm(req)
    client = await _client(tx, req)
    if "request_uri" in req.form:
        raise InvalidRequest("It is not allowed to include request_uri to PAR.")
    found = await parsed(client, req, services.client_keys or ClientKeys(services.clock))
    check(client, req, found, await authorize.scope_ok(tx, client, found.params))
    now, expires_in = services.clock.now(), lifespan(req.realm)
    key = str(uuid.uuid4())
    names = req.form.keys()
    kept = (name for name in names if name not in NOT_KEPT)
    params = {name: value for name in kept if (value := req.form.get(name)) is not None}
    await tx.pushed_requests.save(key, PushedRequest(req.realm.id, client.id, params, now), now + max(expires_in, 0))
    return ParResponse(PAR_PREFIX + key, expires_in)
