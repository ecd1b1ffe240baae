"""The Admin Console's URL map: importing the page modules declares their routes on the console."""

from __future__ import annotations

from starlette.routing import BaseRoute

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
    pages_organization_groups,
    pages_organization_idps,
    pages_organization_invitations,
    pages_organization_members,
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
    pages_organization_invitations,
    pages_organization_groups,
    pages_organization_idps,
)


def routes() -> list[BaseRoute]:
    return list(ADMIN.routes())
