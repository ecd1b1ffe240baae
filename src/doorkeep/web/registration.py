"""The OpenID Connect registrations endpoint (``.../protocol/openid-connect/registrations``): an
authorization request that opens the registration form instead of the login form.

Keycloak's OIDCLoginProtocolService.registrations calls AuthorizationEndpoint.register before the request
is read, so a realm that does not allow registration answers its error page whatever the request says.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from doorkeep.oauth import registration
from doorkeep.web import login, login_pages


async def registrations_endpoint(request: Request) -> Response:
    realm = await login_pages.open_realm(request)
    if isinstance(realm, Response):
        return realm
    if not realm.registration_allowed:
        return login_pages.error_page(request, realm, registration.NOT_ALLOWED)
    return await login.authorize_request(request, register=True)
