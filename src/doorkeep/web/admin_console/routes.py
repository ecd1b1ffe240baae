"""The Admin Console's URL map: importing the page modules declares their routes on the console."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from doorkeep.web.admin_console import (
    pages_admin_events,
    pages_authentication,
    pages_bulk_revoke,
    pages_client_policies,
    pages_client_policy_items,
    pages_client_registration,
    pages_client_revocation,
    pages_clients,
    pages_flow_steps,
    pages_flows,
    pages_identity_providers,
    pages_idp_mappers,
    pages_keys,
    pages_organization_domains,
    pages_organization_groups,
    pages_organization_idps,
    pages_organization_invitations,
    pages_organization_members,
    pages_organization_roles,
    pages_organizations,
    pages_realm,
    pages_realm_login,
    pages_registration_policies,
    pages_revocation_triggers,
    pages_sessions,
    pages_user_details,
    pages_user_devices,
    pages_user_links,
    pages_users,
    pages_webauthn_policy,
)
from doorkeep.web.admin_console.console import ADMIN
from doorkeep.web.login_pages import open_realm

PAGES = (
    pages_realm,
    pages_realm_login,
    pages_keys,
    pages_authentication,
    pages_flows,
    pages_flow_steps,
    pages_clients,
    pages_client_revocation,
    pages_client_registration,
    pages_registration_policies,
    pages_users,
    pages_user_details,
    pages_sessions,
    pages_admin_events,
    pages_bulk_revoke,
    pages_user_devices,
    pages_user_links,
    pages_revocation_triggers,
    pages_webauthn_policy,
    pages_identity_providers,
    pages_idp_mappers,
    pages_client_policies,
    pages_client_policy_items,
    pages_organizations,
    pages_organization_members,
    pages_organization_roles,
    pages_organization_invitations,
    pages_organization_groups,
    pages_organization_idps,
    pages_organization_domains,
)


async def _to_console(request: Request) -> Response:
    """AdminConsole.getMainPage: the console's URL without its trailing slash is a 302 (not Starlette's 307) to the
    same URL at the admin URL with the slash, the query kept; a realm that does not exist is a 404 first
    (AdminRoot.getAdminConsole)."""
    realm = await open_realm(request)
    if isinstance(realm, Response):
        return realm
    query = request.url.query
    target = f"{ADMIN.spec.server(request)}{ADMIN.spec.path(realm.name)}/"
    return RedirectResponse(target + (f"?{query}" if query else ""), 302)


def routes() -> list[BaseRoute]:
    return [Route("/admin/{realm}/console", _to_console, methods=["GET"]), *ADMIN.routes()]
