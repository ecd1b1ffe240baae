"""Admin REST: a realm's authentication flows, read-only (Keycloak's AuthenticationManagementResource, its flow half).

The flows are Keycloak 26's built-in set as Doorkeep runs it (realms/auth_flows.py). Reads need view-realm (the
list also query-clients, RealmPermissions.requireViewAuthenticationFlows: the client page lists flows). Writes
(creating, copying, updating, deleting flows and executions, configs) are not served: Keycloak's write methods on
these paths answer the deliberate 501 (admin/keycloak_paths.FLOW_WRITES, web/not_found.py). An execution's raise-
and lower-priority are answered as Keycloak answers them for a built-in flow, which every flow here is: 404 for an
unknown execution, else 400; nothing moves, so no admin event.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from doorkeep.realms import auth_executions
from doorkeep.realms import auth_flows as af
from doorkeep.web.admin.common import RealmCall, bad_request, not_found, ok, run_realm

BASE = "/{realm}/authentication"


async def listing(request: Request) -> Response:
    async def work(call: RealmCall) -> Response:
        if not call.can("view-realm"):
            call.require("query-clients")  # requireViewAuthenticationFlows: view-realm or query-clients
        return ok(af.listed(call.realm))

    return await run_realm(request, work, write=False)


async def one(request: Request) -> Response:
    """getFlow: any flow by id, sub-flows and ``saml ecp`` included."""

    async def work(call: RealmCall) -> Response:
        call.require("view-realm")
        flow = af.by_id(call.realm, request.path_params["id"])
        if flow is None:
            raise not_found("Could not find flow with id")
        return ok(af.flow_representation(call.realm, flow))

    return await run_realm(request, work, write=False)


async def executions(request: Request) -> Response:
    """getExecutions: the flow named by its alias, flattened depth first."""

    async def work(call: RealmCall) -> Response:
        call.require("view-realm")
        flow = af.by_alias(call.realm, request.path_params["alias"])
        if flow is None:
            raise not_found("Flow not found")
        return ok(auth_executions.executions(call.realm, flow))

    return await run_realm(request, work, write=False)


async def execution(request: Request) -> Response:
    """getExecution: one execution as AuthenticationExecutionRepresentation."""

    async def work(call: RealmCall) -> Response:
        call.require("view-realm")
        found = af.find_execution(call.realm, request.path_params["id"])
        if found is None:
            raise not_found("Illegal execution")
        return ok(af.execution_representation(call.realm, *found))

    return await run_realm(request, work, write=False)


async def shift(request: Request) -> Response:
    """raisePriority and lowerPriority of an execution: manage-realm, then 404 "Illegal execution", then the
    BadRequestException every built-in flow's execution gets."""

    async def work(call: RealmCall) -> Response:
        call.require("manage-realm")
        if af.find_execution(call.realm, request.path_params["id"]) is None:
            raise not_found("Illegal execution")
        raise bad_request("It is illegal to modify execution in a built in flow")

    return await run_realm(request, work, write=False)


async def config(request: Request) -> Response:
    """getAuthenticatorConfig (``config/{id}`` and the deprecated ``executions/{executionId}/config/{id}``)."""

    async def work(call: RealmCall) -> Response:
        call.require("view-realm")
        found = af.config_by_id(call.realm, request.path_params["id"])
        if found is None:
            raise not_found("Could not find authenticator config")
        return ok(found)

    return await run_realm(request, work, write=False)


ROUTES = [
    Route(BASE + "/flows", listing, methods=["GET"]),
    Route(BASE + "/flows/{id}", one, methods=["GET"]),
    Route(BASE + "/flows/{alias}/executions", executions, methods=["GET"]),
    Route(BASE + "/executions/{id}", execution, methods=["GET"]),
    Route(BASE + "/executions/{id}/raise-priority", shift, methods=["POST"]),
    Route(BASE + "/executions/{id}/lower-priority", shift, methods=["POST"]),
    Route(BASE + "/config/{id}", config, methods=["GET"]),
    Route(BASE + "/executions/{execution}/config/{id}", config, methods=["GET"]),
]
