"""``GET /admin`` (and ``/admin/``, ``/admin/index.html``): Keycloak's AdminRoot.masterRealmAdminConsoleRedirect.

A 302 to the master realm's Admin Console at the admin URL (``--hostname-admin``, else the frontend URL) when
shouldRedirect holds: the admin URL is the frontend URL, the request came to the admin URL, or the request is
local (WelcomeResource.isLocal: neither X-Forwarded-For nor Forwarded, from a loopback address). Otherwise an
empty 404, so that a separate admin hostname is not given away to whoever asks the public one.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from doorkeep.web.error_pages import MASTER
from doorkeep.web.http import base_url, forwarded_prefix, origin, peer_address, state


def _loopback(ip: str) -> bool:
    address = peer_address(ip)
    return address is not None and address.is_loopback


def is_local(request: Request) -> bool:
    """WelcomeResource.isLocal: no load balancer in front (no X-Forwarded-For, no Forwarded) and a loopback peer."""
    if "x-forwarded-for" in request.headers or "forwarded" in request.headers:
        return False
    return request.client is not None and _loopback(request.client.host)


def should_redirect(request: Request, admin: str, frontend: str) -> bool:
    if admin == frontend:
        return True  # the admin URL is the public one: nothing to leak
    return f"{origin(request)}{forwarded_prefix(request)}{request.url.path}".startswith(admin) or is_local(request)


async def master_console_redirect(request: Request) -> Response:
    frontend = base_url(request)
    admin = state(request).hostname.admin(origin(request), prefix=forwarded_prefix(request))
    if should_redirect(request, admin, frontend):
        return Response(status_code=302, headers={"Location": f"{admin}/admin/{MASTER}/console/"})
    return Response(status_code=404)


ROUTES = [
    Route("/admin", master_console_redirect, methods=["GET"]),
    Route("/admin/", master_console_redirect, methods=["GET"]),  # the welcome page's adminUrl
    Route("/admin/index.html", master_console_redirect, methods=["GET"]),
]
