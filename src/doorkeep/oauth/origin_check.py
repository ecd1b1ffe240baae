"""The web origins check of the OIDC endpoints (Keycloak 26.6.3, #45957; CVE-2026-37977's follow-up).

Once an endpoint knows the client a request is for (authenticated at the token, revocation, logout, PAR and device
authorization endpoints; the access token's client at userinfo), a CORS request from an origin that client does not
allow is refused before the endpoint does its work: ``DefaultCors.checkAllowedOrigins(session, client)``, whose
``checkOrigin`` lets through a request without an ``Origin``, an origin among the client's resolved web origins
(``+`` the redirect URIs' origins, ``*`` any: ``claims.origin_allowed``), and the request's own origin (a
same-origin page), and throws ``ForbiddenException("Invalid origin")`` for any other: 403, no CORS headers, no event.
A preflight is answered by its own route and never comes here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from doorkeep.errors import INVALID_ORIGIN
from doorkeep.oauth import claims

if TYPE_CHECKING:
    from doorkeep.model import Client
    from doorkeep.oauth.context import OAuthRequest


def origin_refused(req: OAuthRequest, client: Client) -> bool:
    """Whether ``req`` is a CORS request from an origin ``client`` does not allow (nor the request's own origin).
    Without an ``Origin`` this costs one attribute read: the token endpoint's hot path."""
    return foreign_origin(req.origin, client, req.base_url, req.issuer)


def foreign_origin(origin: str | None, client: Client, base_url: str, request_url: str) -> bool:
    """``checkOrigin`` for an ``Origin`` header (None: none sent), the server's base URL (the redirect URIs' ``/``
    relative base) and any URL of the request (its origin is the request's own)."""
    if origin is None or claims.origin_allowed(client, origin, base_url):
        return False
    return origin != claims.origin(request_url)  # UriUtils.getOrigin(the request URI): a same-origin page's request


def check_allowed_origins(req: OAuthRequest, client: Client) -> None:
    """Refuse (``INVALID_ORIGIN``) a CORS request from an origin ``client`` does not allow; the request's CORS reach
    is left as it is (the caller narrows it)."""
    if origin_refused(req, client):
        raise INVALID_ORIGIN
