"""The admin URL map: each resource module contributes its ``ROUTES`` relative to /admin/realms."""

from __future__ import annotations

import functools
import importlib
from collections.abc import Awaitable, Callable

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from doorkeep.web import cors
from doorkeep.web.admin import common
from doorkeep.web.http import NO_CACHE

PREFIX = "/admin/realms"
MODULES = (
    "realms",
    "client_count",  # before "clients": clients/count is not a client's id
    "clients",
    "client_installation",
    "client_description",
    "evaluate_scopes",
    "client_nodes",
    "client_certificates",
    "initial_access",
    "scopes",
    "roles",
    "users",
    "impersonation",
    "sessions",
    "sessions_ui",
    "ui_ext_reads",
    "ui_ext_authentication",
    "ui_ext_available",
    "ui_ext_brute_force",
    "bulk_revoke",
    "offline_devices",
    "events",
    "admin_events",
    "attack_detection",
    "mappers",
    "groups",
    "group_members",
    "group_roles",
    "organization_groups",
    "organization_roles",
    "organization_role_composites",
    "organization_role_users",
    "organization_group_members",
    "organization_group_roles",
    "organization_identity_providers",
    "organization_invitations",
    "organization_invitation_list",
    "organization_members",
    "organization_domains",  # before "organizations": organizations/domains is not an organization's id
    "organizations",
    "role_mapping_search",
    "partial_import",
    "partial_export",
    "server",
    "components",
    "emails",
    "required_actions",
    "required_action_configs",
    "localization",
    "auth_flows",
    "auth_flow_writes",
    "auth_providers",
    "auth_policies",
    "registration_policies",
    "client_policies",
    "identity_providers",
    "idp_mappers",
    "user_links",
)


def no_cache_reads(endpoint: Callable[[Request], Awaitable[Response]]) -> Callable[[Request], Awaitable[Response]]:
    """An admin REST endpoint whose successful GET answers say ``Cache-Control: no-cache``: Keycloak's admin
    resources mark their GET methods ``@NoCache`` (a client secret, a user, the realm's settings must not be kept
    by a cache between the administrator and the server). A refusal, a write, or an answer that chose its own
    header is left as it is."""

    @functools.wraps(endpoint)  # the route stays the endpoint's own (its module places it in the OpenAPI document)
    async def answer(request: Request) -> Response:
        response = await endpoint(request)
        if request.method == "GET" and response.status_code < 400 and "cache-control" not in response.headers:
            response.headers.update(NO_CACHE)
        return response

    return answer


# RealmAdminResource.getClientTemplates, deprecated since client templates became client scopes (Keycloak 4), still
# answers with the very ClientScopesResource: every ``client-scopes`` route, same checks and events, under this name.
SCOPES, TEMPLATES = "/{realm}/client-scopes", "/{realm}/client-templates"


def _aliased(routes: list[Route]) -> list[Route]:
    """``routes`` and, for each under ``client-scopes``, the same endpoint under ``client-templates``, whose answers
    name what they create under the path called (``common.collection``)."""
    out = list(routes)
    for route in routes:
        if route.path == SCOPES or route.path.startswith(SCOPES + "/"):
            path = TEMPLATES + route.path.removeprefix(SCOPES)
            out.append(Route(path, common.as_collection(route.endpoint, "client-templates"), methods=route.methods))
    return out


def admin_routes() -> list[BaseRoute]:
    """Every admin REST route, its answers carrying CORS for the caller token's ``allowed-origins`` with
    ``Location`` exposed (AdminRoot.getRealmsAdmin), its GET answers ``no_cache_reads``. Their preflights are
    answered where unrouted methods are (web/not_found.py), so that a route for OPTIONS on every path does not
    turn 404s into 405s."""
    out: list[BaseRoute] = []
    for name in MODULES:
        try:
            module = importlib.import_module(f"doorkeep.web.admin.{name}")
        except ModuleNotFoundError as exc:
            if exc.name != f"doorkeep.web.admin.{name}":
                raise
            continue
        for route in _aliased(module.ROUTES):
            methods = sorted(route.methods - {"HEAD"}) if route.methods else None
            endpoint = cors.with_token_origins(no_cache_reads(route.endpoint), expose=cors.EXPOSE_LOCATION)
            out.append(Route(PREFIX + route.path, endpoint, methods=methods, name=route.name))
    return out
