"""Admin REST: a realm's authentication flows, the reads (Keycloak's AuthenticationManagementResource, its flow half).

The flows are the realm's own once an admin wrote one, else Keycloak 26's built-in set (realms/flow_model.py); the
writes are web/admin/auth_flow_writes.py. Reads need view-realm (the list also query-clients,
RealmPermissions.requireViewAuthenticationFlows: the client page lists flows).
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from doorkeep.realms import auth_executions, flow_model
from doorkeep.web.admin.common import RealmCall, not_found, ok, run_realm

BASE = "/{realm}/authentication"


async def listing(request: Request) -> Response:
    async def work(call: RealmCall) -> Response:
        if not call.can("view-realm"):
            call.require("query-clients")  # requireViewAuthenticationFlows: view-realm or query-clients
        return ok(flow_model.listed(flow_model.of(call.realm)))

    return await run_realm(request, work, write=False)


async def one(request: Request) -> Response:
    """getFlow: any flow by id, sub-flows and ``saml ecp`` included."""

    async def work(call: RealmCall) -> Response:
        call.require("view-realm")
        flows = flow_model.of(call.realm)
        flow = flows.flow(request.path_params["id"])
        if flow is None:
            raise not_found("Could not find flow with id")
        return ok(flow_model.flow_representation(flows, flow))

    return await run_realm(request, work, write=False)


async def executions(request: Request) -> Response:
    """getExecutions: the flow named by its alias, flattened depth first."""

    async def work(call: RealmCall) -> Response:
        call.require("view-realm")
        flows = flow_model.of(call.realm)
        flow = flows.by_alias(request.path_params["alias"])
        if flow is None:
            raise not_found("Flow not found")
        return ok(auth_executions.executions(flows, flow))

    return await run_realm(request, work, write=False)


async def execution(request: Request) -> Response:
    """getExecution: one execution as AuthenticationExecutionRepresentation."""

    async def work(call: RealmCall) -> Response:
        call.require("view-realm")
        flows = flow_model.of(call.realm)
        found = flows.execution(request.path_params["id"])
        if found is None:
            raise not_found("Illegal execution")
        return ok(flow_model.execution_representation(flows, found))

    return await run_realm(request, work, write=False)


async def config(request: Request) -> Response:
    """getAuthenticatorConfig (``config/{id}`` and the deprecated ``executions/{executionId}/config/{id}``)."""

    async def work(call: RealmCall) -> Response:
        call.require("view-realm")
        found = flow_model.of(call.realm).config(request.path_params["id"])
        if found is None:
            raise not_found("Could not find authenticator config")
        return ok(flow_model.config_representation(found))

    return await run_realm(request, work, write=False)


ROUTES = [
    Route(BASE + "/flows", listing, methods=["GET"]),
    Route(BASE + "/flows/{id}", one, methods=["GET"]),
    Route(BASE + "/flows/{alias}/executions", executions, methods=["GET"]),
    Route(BASE + "/executions/{id}", execution, methods=["GET"]),
    Route(BASE + "/config/{id}", config, methods=["GET"]),
    Route(BASE + "/executions/{execution}/config/{id}", config, methods=["GET"]),
]
