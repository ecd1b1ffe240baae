"""Admin REST: the admin console's Authentication reads, Keycloak 26's admin-ui-ext AuthenticationManagementResource
(doorkeep.admin.ui_ext_flows has the shapes).

* ``GET ui-ext/authentication-management/flows``: every top-level flow with what uses it. requireViewAuthentication
  Flows (view-realm or query-clients); the overriding clients only to who may view clients, the identity providers
  only to who may view them (issue #50983).
* ``GET ui-ext/authentication-management/{type}/{id}`` (``first`` 0, ``max`` 10, ``search``): the clients (``type``
  ``clients``, those the caller may view) or identity providers (``idp``, view-identity-providers besides) running
  flow ``id``. Keycloak fails with a 500 for a flow id it does not have (``get(0)`` of an empty list) and another
  type (IllegalArgumentException); Doorkeep answers 404 "Could not find flow with id" (getFlow's words) and 400
  "Invalid type".
* ``GET ui-ext/authentication-management/required-actions``: RequiredActionProviderRepresentation plus
  ``configurable`` (a deployed factory with config properties). requireViewRequiredActions (view-realm or
  query-users).
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from doorkeep.admin import ui_ext_flows as uf
from doorkeep.errors import AdminError
from doorkeep.model import JSON, Client
from doorkeep.realms import flow_model
from doorkeep.realms import required_actions as ra
from doorkeep.web.admin.common import RealmCall, not_found, ok, query_int, run_realm
from doorkeep.web.admin.required_action_configs import factory
from doorkeep.web.http import state

BASE = "/{realm}/ui-ext/authentication-management"


def _require_view_flows(call: RealmCall) -> None:
    """RealmPermissions.requireViewAuthenticationFlows: view-realm, or query-clients (the client page lists flows)."""
    if not call.can("view-realm"):
        call.require("query-clients")


async def _clients(call: RealmCall) -> list[Client]:
    """The clients whose overrides the caller may see (auth.clients().canView: view-clients or manage-clients)."""
    return await call.tx.clients.list(call.realm.id) if call.can("view-clients") else []


def _providers(call: RealmCall) -> list[JSON] | None:
    """The realm's identity providers if the caller may view them (canViewIdentityProviders), else None."""
    return list(call.realm.identity_providers) if call.can("view-identity-providers") else None


async def flows(request: Request) -> Response:
    """listIdentityProviders (sic): the top-level flows as Authentication, each with its ``usedBy``."""

    async def work(call: RealmCall) -> Response:
        _require_view_flows(call)
        clients, providers = await _clients(call), _providers(call)
        shown = uf.listed(flow_model.of(call.realm))
        return ok([uf.authentication(call.realm, f, clients, providers) for f in shown])

    return await run_realm(request, work, write=False)


async def used(request: Request) -> Response:
    """listUsed: who uses flow ``id``, a page of UsedByReference."""

    async def work(call: RealmCall) -> Response:
        _require_view_flows(call)
        flow = flow_model.of(call.realm).flow(request.path_params["id"])
        if flow is None:
            raise not_found("Could not find flow with id")
        first, size = query_int(request, "first", 0), query_int(request, "max", 10)
        search = request.query_params.get("search", "")
        kind = request.path_params["type"]
        if kind == "clients":
            return ok(uf.clients_using(await _clients(call), flow, search, first, size))
        if kind == "idp":
            call.require("view-identity-providers")
            return ok(uf.providers_using(list(call.realm.identity_providers), flow, search, first, size))
        raise AdminError(400, "Invalid type", key="error")

    return await run_realm(request, work, write=False)


async def required_actions(request: Request) -> Response:
    """getRequiredActions: the realm's required actions, each saying whether the console may configure it."""

    async def work(call: RealmCall) -> Response:
        if not call.can("view-realm"):
            call.require("query-users")  # requireViewRequiredActions: view-realm or query-users
        disabled = state(request).services.disabled_features
        return ok(
            [
                ra.representation(a) | {"configurable": factory(a.provider_id, disabled) is not None}
                for a in ra.of(call.realm)
            ]
        )

    return await run_realm(request, work, write=False)


ROUTES: list[Route] = [
    Route(f"{BASE}/flows", flows, methods=["GET"]),
    Route(f"{BASE}/required-actions", required_actions, methods=["GET"]),
    Route(f"{BASE}/{{type}}/{{id}}", used, methods=["GET"]),
]
