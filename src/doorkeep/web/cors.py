"""CORS for browser clients (keycloak-js): an origin is allowed when it is in the client's web origins.

Preflights are answered for any origin, as Keycloak does; the actual response carries
``Access-Control-Allow-Origin`` only for the calling client's allowed origins (``+`` = the origins
of its redirect URIs, ``*`` = any). The public documents (realm info, discovery, JWKS) allow every
origin (Keycloak's ``Cors.allowAllOrigins().auth()``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from starlette.requests import Request
from starlette.responses import Response

from doorkeep.model import Realm
from doorkeep.oauth import claims as claimset
from doorkeep.oauth.access import bearer_token
from doorkeep.oauth.client_auth import claimed_client_id
from doorkeep.oauth.context import OAuthRequest
from doorkeep.tokens import unverified
from doorkeep.web.http import in_transaction

if TYPE_CHECKING:
    from doorkeep.store.tx import Tx

ALLOW_HEADERS = (
    "Origin, Accept, X-Requested-With, Content-Type, Access-Control-Request-Method, "
    "Access-Control-Request-Headers, DPoP, Authorization"
)
DEFAULT_METHODS = "GET, HEAD, OPTIONS"  # Keycloak's Cors.DEFAULT_ALLOW_METHODS: a preflight naming no methods


def preflight_response(request: Request, methods: str) -> Response:
    """Keycloak's ``Cors.preflight().auth()`` (DefaultCors.add): any Origin is echoed with ``methods``,
    credentials, the allowed headers and an hour's max age; without an Origin, a bare 200."""
    origin = request.headers.get("origin")
    response = Response(status_code=200)
    if origin:
        response.headers.update(
            {
                "Access-Control-Allow-Origin": origin,
                "Access-Control-Allow-Credentials": "true",
                "Access-Control-Allow-Methods": methods,
                "Access-Control-Allow-Headers": ALLOW_HEADERS,
                "Access-Control-Max-Age": "3600",
            }
        )
    return response


async def preflight(request: Request) -> Response:
    return preflight_response(request, "GET, POST, OPTIONS")


async def get_preflight(request: Request) -> Response:
    """The discovery document's preflight: RealmsResource answers it without looking the realm up."""
    return preflight_response(request, "GET")


def allow_all_origins(request: Request, response: Response) -> Response:
    """Keycloak's ``Cors.allowAllOrigins().auth()`` on an answer: the caller's Origin (``null`` too) is
    echoed, with credentials; a request without an Origin gets no CORS headers."""
    origin = request.headers.get("origin")
    if origin:
        response.headers["Access-Control-Allow-Origin"] = origin
        response.headers["Access-Control-Allow-Credentials"] = "true"
    return response


def _caller(req: OAuthRequest) -> str | None:
    client_id = claimed_client_id(req)
    if client_id:
        return client_id
    token = bearer_token(req.authorization) or req.form.get("token") or req.form.get("refresh_token")
    parsed = unverified(token) if token else None
    azp = parsed[1].get("azp") if parsed else None
    return azp if isinstance(azp, str) else None


async def apply(request: Request, realm: Realm, req: OAuthRequest | None, response: Response) -> Response:
    origin = request.headers.get("origin")
    if not origin or req is None:
        return response
    client_id = _caller(req)
    if not client_id:
        return response

    async def allowed(tx: Tx) -> bool:
        tx.config.bind(realm)
        client = await tx.config.client(realm.id, client_id)
        return client is not None and claimset.origin_allowed(client, origin)

    if await in_transaction(request, allowed, write=False):
        response.headers["Access-Control-Allow-Origin"] = origin
        response.headers["Access-Control-Allow-Credentials"] = "true"
        response.headers["Access-Control-Expose-Headers"] = "Access-Control-Allow-Methods"
    return response
