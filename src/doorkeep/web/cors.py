"""CORS for browser clients (keycloak-js), as Keycloak's ``DefaultCors`` writes it.

Preflights are answered for any origin, each endpoint naming its own methods. An actual answer carries
``Access-Control-Allow-Origin`` (the caller's Origin echoed, with credentials) only when its origin may read
it, and who may is what the endpoint decided while it ran:

* the public documents (realm info, discovery, JWKS): every origin (``Cors.allowAllOrigins().auth()``);
* the token, revocation, logout and userinfo endpoints: the request's ``CorsReach`` (``oauth/context.py``):
  nobody for a request refused before its client is looked at, every origin for a refusal while the client
  is being authenticated (or, at userinfo, while the token's client is unknown), then the client's web origins;
  a request from an origin that client does not allow is refused (403, Keycloak 26.6.3) before the endpoint runs
  (oauth/origin_check.py); the introspection endpoint adds none (``TokenIntrospectionEndpoint`` uses no ``Cors``);
* the bearer REST APIs (admin, account): the ``allowed-origins`` of the caller's access token
  (``Cors.allowedOrigins(token)``), through ``allow_token_origins``.
"""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable, Collection, Sequence
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from doorkeep.model import Client
from doorkeep.oauth import claims as claimset
from doorkeep.oauth.context import OAuthRequest
from doorkeep.web.http import state

DEFAULT_ALLOW_HEADERS = (
    "Origin, Accept, X-Requested-With, Content-Type, Access-Control-Request-Method, "
    "Access-Control-Request-Headers, DPoP"
)
ALLOW_HEADERS = f"{DEFAULT_ALLOW_HEADERS}, Authorization"  # Cors.auth(): "%s, %s" with the Authorization header


def allow_headers(request: Request) -> str:
    """The preflight's allowed headers: DefaultCorsFactory's set, Keycloak's defaults and the
    ``--spi-cors-default-allowed-headers`` ones, then (``auth()``) ``Authorization``."""
    custom = state(request).settings.cors_allowed_headers
    if not custom:
        return ALLOW_HEADERS
    return ", ".join((DEFAULT_ALLOW_HEADERS, *custom, "Authorization"))


DEFAULT_METHODS = "GET, HEAD, OPTIONS"  # Keycloak's Cors.DEFAULT_ALLOW_METHODS: a preflight naming no methods
# Methods and exposed headers as DefaultCors joins them: a java.util.HashSet's iteration order.
POST_METHODS = "POST, OPTIONS"  # TokenEndpoint and TokenRevocationEndpoint: allowedMethods("POST", "OPTIONS")
ADMIN_METHODS = "DELETE, POST, GET, PUT"  # AdminCorsPreflightService: allowedMethods("GET", "PUT", "POST", "DELETE")
EXPOSE_METHODS = "Access-Control-Allow-Methods"  # exposedHeaders(Cors.ACCESS_CONTROL_ALLOW_METHODS)
EXPOSE_CHALLENGE = (EXPOSE_METHODS, "WWW-Authenticate")  # OAuth2Error adds WWW_AUTHENTICATE to a challenge
EXPOSE_LOCATION = ("Location",)  # AdminRoot: exposedHeaders("Location")


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
                "Access-Control-Allow-Headers": allow_headers(request),
                "Access-Control-Max-Age": "3600",
            }
        )
    return response


async def post_preflight(request: Request) -> Response:
    """The token and revocation endpoints' preflight: ``allowedMethods("POST", "OPTIONS")``."""
    return preflight_response(request, POST_METHODS)


async def default_preflight(request: Request) -> Response:
    """The userinfo and logout endpoints' preflight, which names no methods."""
    return preflight_response(request, DEFAULT_METHODS)


async def preflight(request: Request) -> Response:
    """The introspection and device authorization endpoints' preflight (Doorkeep's own: Keycloak's classes
    declare none)."""
    return preflight_response(request, "GET, POST, OPTIONS")


async def get_preflight(request: Request) -> Response:
    """The discovery document's preflight: RealmsResource answers it without looking the realm up."""
    return preflight_response(request, "GET")


async def admin_preflight(request: Request) -> Response:
    """AdminRoot.preFlight / RealmsAdminResourcePreflight: any admin REST path, before any authentication."""
    return preflight_response(request, ADMIN_METHODS)


def _echo(request: Request, response: Response, expose: Sequence[str]) -> Response:
    origin = request.headers.get("origin")
    if origin:
        response.headers["Access-Control-Allow-Origin"] = origin
        response.headers["Access-Control-Allow-Credentials"] = "true"
        if expose:
            response.headers["Access-Control-Expose-Headers"] = ", ".join(expose)
    return response


def allow_all_origins(request: Request, response: Response, *, expose: Sequence[str] = ()) -> Response:
    """Keycloak's ``Cors.allowAllOrigins().auth()`` on an answer: the caller's Origin (``null`` too) is
    echoed, with credentials; a request without an Origin gets no CORS headers."""
    return _echo(request, response, expose)


def allow_token_origins(
    request: Request, response: Response, allowed: Collection[str] | None, *, expose: Sequence[str] = ()
) -> Response:
    """Keycloak's ``Cors.allowedOrigins(token).auth()``: the Origin is echoed when the access token's
    ``allowed-origins`` claim holds it (or ``*``); ``allowed`` is that claim, None when the token has none."""
    origin = request.headers.get("origin")
    if origin and allowed is not None and (origin in allowed or "*" in allowed):
        return _echo(request, response, expose)
    return response


def remember_token_origins(request: Request, claims: dict[str, Any], client: Client, base: str) -> bool:
    """Keycloak's ``Cors.checkAllowedOrigins(token)`` for a bearer token just verified: the origins its CORS may
    answer are the token's ``allowed-origins``, or, where it carries none (a lightweight token), its client's
    resolved web origins (``checkAllowedOrigins(session, client)``). Kept for ``with_token_origins`` to answer
    with; True when the request's Origin is not among them, which the caller refuses (403) before it runs."""
    value = claims.get("allowed-origins")
    listed = [o for o in value if isinstance(o, str)] if isinstance(value, list) else []
    origin = request.headers.get("origin")
    if not listed and origin and claimset.origin_allowed(client, origin, base):
        listed = [origin]
    request.state.token_origins = listed or None
    return origin is not None and origin not in listed and "*" not in listed


def with_token_origins(
    endpoint: Callable[[Request], Awaitable[Response]], *, expose: Sequence[str] = ()
) -> Callable[[Request], Awaitable[Response]]:
    """A bearer REST endpoint whose answers (refusals too) carry CORS for its token's ``allowed-origins``, once
    the token is authenticated (``remember_token_origins``): AdminRoot's ``Cors.builder().allowedOrigins(
    auth.getToken())...auth().add()`` before any resource runs. An unauthenticated call (401) gets none."""

    @functools.wraps(endpoint)  # the route stays the endpoint's own (its module places it in the OpenAPI document)
    async def answer(request: Request) -> Response:
        response = await endpoint(request)
        return allow_token_origins(request, response, getattr(request.state, "token_origins", None), expose=expose)

    return answer


def apply(request: Request, req: OAuthRequest | None, response: Response, *, challenge: bool = False) -> Response:
    """CORS on a protocol endpoint's answer: whoever the request's ``CorsReach`` allows, with
    ``Access-Control-Allow-Methods`` exposed (and ``WWW-Authenticate`` on a bearer ``challenge``)."""
    origin = request.headers.get("origin")
    if not origin or req is None:
        return response
    reach = req.cors
    client = reach.client
    if reach.anyone or (client is not None and claimset.origin_allowed(client, origin, req.base_url)):
        return _echo(request, response, EXPOSE_CHALLENGE if challenge else (EXPOSE_METHODS,))
    return response
