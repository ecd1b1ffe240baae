"""The OpenID Connect registrations endpoint (``.../protocol/openid-connect/registrations``): an
authorization request that opens the registration form instead of the login form.

Keycloak's OIDCLoginProtocolService.registrations calls AuthorizationEndpoint.register before the request
is read, so a realm that does not allow registration answers its error page whatever the request says; a
request carrying an organization invitation (``token``, an InviteOrgActionToken) registers even there
(Organizations.isRegistrationAllowed), its form filled with the invited address and headed with the
organization's name (RegistrationPage.render). An invitation that has expired, is not this realm's, or names an
organization since deleted or disabled is "Action expired. Please continue with login now." (400).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from starlette.requests import Request
from starlette.responses import Response

from doorkeep.oauth import registration
from doorkeep.oauth.login_start import Invitation
from doorkeep.organizations import invitations
from doorkeep.web import login, login_pages
from doorkeep.web.http import in_transaction, issuer, state

if TYPE_CHECKING:
    from doorkeep.store.tx import Tx


async def registrations_endpoint(request: Request) -> Response:
    realm = await login_pages.open_realm(request)
    if isinstance(realm, Response):
        return realm
    key = request.query_params.get("token")
    if key is not None and realm.organizations_enabled:
        services, iss = state(request).services, issuer(request, realm.name)

        async def read(tx: Tx) -> Invitation | None:
            tx.config.bind(realm)  # the realm's cached keys: a link naming an unknown kid reads none again
            token = await invitations.read_registration(tx, services, realm.id, iss, key)
            org = await tx.organizations.get(realm.id, token.org_id or "") if token is not None else None
            if token is None or org is None or not org.enabled or token.email is None:
                return None
            return Invitation(key, token.email, org.name)

        invitation = await in_transaction(request, read, write=False)
        if invitation is None:
            return login_pages.error_page(request, realm, registration.EXPIRED_ACTION)
        return await login.authorize_request(request, register=True, invitation=invitation)
    if not realm.registration_allowed:
        return login_pages.error_page(request, realm, registration.NOT_ALLOWED)
    return await login.authorize_request(request, register=True)
