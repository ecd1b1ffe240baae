"""Admin REST: the writes of Keycloak's AuthenticationManagementResource on flows, executions and configs.

Each call needs manage-realm, locks the realm's row, applies one pure edit (realms/flow_edits.py) to the realm's
flows (the built-in set materialised on the first write, ids kept) and stores the result, unless a flow that
stays bound would no longer be one Doorkeep runs (realms/flow_support.py): that is a 400 naming what Doorkeep
cannot run yet, never a binding silently ignored. Admin events are Keycloak's: AUTH_FLOW for flows,
AUTH_EXECUTION_FLOW for a new sub-flow, AUTH_EXECUTION for executions, AUTHENTICATOR_CONFIG for configs (an
execution's new one too, since Keycloak's newExecutionConfig records it so: FlowTest and AuthenticatorConfigTest
of keycloak@110a6242 / @5ffdbd9b), each with the representation Keycloak records.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from doorkeep.admin.unknown_properties import refuse_unknown
from doorkeep.errors import AdminError
from doorkeep.model import Client, Realm
from doorkeep.realms import flow_edits, flow_model, flow_support
from doorkeep.realms.flow_model import FlowSet
from doorkeep.web.admin import audit
from doorkeep.web.admin.common import REALM_NOT_FOUND, RealmCall, created, no_content, read_object, run_realm
from doorkeep.web.http import json_response

if TYPE_CHECKING:
    from doorkeep.store.tx import Tx

BASE = "/{realm}/authentication"
IN_USE = AdminError(
    400, "unknown_error", key="error", description="Cannot remove authentication flow, it is currently in use"
)
T = TypeVar("T")
# The properties of the representations these calls bind; any other is Jackson's UnrecognizedPropertyException.
FLOW_REP = frozenset({"id", "alias", "description", "providerId", "topLevel", "builtIn", "authenticationExecutions"})
EXECUTION_INFO_REP = frozenset(
    {
        "id", "requirement", "displayName", "alias", "description", "requirementChoices", "configurable",
        "authenticationFlow", "providerId", "authenticationConfig", "flowId", "level", "index", "priority",
    }
)  # fmt: skip
EXECUTION_REP = frozenset(
    {
        "id", "authenticatorConfig", "authenticator", "authenticatorFlow", "autheticatorFlow", "requirement",
        "priority", "flowId", "parentFlow",
    }
)  # fmt: skip
CONFIG_REP = frozenset({"id", "alias", "config"})


async def _body(request: Request, known: frozenset[str], class_name: str) -> dict[str, Any]:
    """The request's JSON object, refused as Jackson refuses a property its class lacks."""
    rep = await read_object(request)
    refuse_unknown(await request.body(), known, class_name)
    return rep


async def edit(call: RealmCall, change: Callable[[FlowSet], tuple[FlowSet, T]]) -> T:
    """``apply_edit`` on the realm of this REST call."""
    return await apply_edit(call.tx, call.realm.id, change)


async def apply_edit(tx: Tx, realm_id: str, change: Callable[[FlowSet], tuple[FlowSet, T]]) -> T:
    """Apply ``change`` to the realm's flows under its row lock and keep the result; answers what ``change``
    made. A flow still bound must stay one Doorkeep runs. The Admin Console's flow writes go through it too."""
    realm = await tx.realms.lock(realm_id)
    if realm is None:
        raise REALM_NOT_FOUND
    before = flow_model.of(realm)
    flows, made = change(before)
    flow_edits.check_columns(before, flows)
    clients = await tx.clients.list(realm.id)
    why = flow_support.check_all(realm, clients, flows)
    if why is not None:
        raise AdminError(400, why)
    await tx.realms.update(flow_model.with_flows(realm, flows), flows=True)
    return made


def _handler(work: Callable[[RealmCall, Request], Any]) -> Callable[[Request], Any]:
    async def endpoint(request: Request) -> Response:
        async def run(call: RealmCall) -> Response:
            call.require("manage-realm")
            response: Response = await work(call, request)
            return response

        return await run_realm(request, run)

    return endpoint


def _event(call: RealmCall, request: Request, kind: str, body: object) -> None:
    """One event at this request's own path (Keycloak's ``resourcePath(uri)``), whatever the Location says."""
    audit.several(request, [audit.Change(request.method, audit.here(request, call.realm), body, kind)])


async def create_flow(call: RealmCall, request: Request) -> Response:
    rep = await _body(request, FLOW_REP, "AuthenticationFlowRepresentation")
    flow = await edit(call, lambda flows: flow_edits.create_flow(flows, rep))
    audit.represent(request, as_bound({**rep, "description": flow.description}, flow.id))
    return created(call.url(call.realm.name, "authentication", "flows", flow.id))


async def update_flow(call: RealmCall, request: Request) -> Response:
    rep = await _body(request, FLOW_REP, "AuthenticationFlowRepresentation")
    flow = await edit(call, lambda flows: flow_edits.update_flow(flows, request.path_params["id"], rep))
    body = as_bound(rep, flow.id)
    audit.represent(request, body)
    return json_response(body, 202)


def as_bound(rep: dict[str, Any], flow_id: str) -> dict[str, Any]:
    """The body as Keycloak bound it and writes it back: its id set, nulls left out, the primitive booleans
    ``topLevel`` and ``builtIn`` always there (false unless true), in the class's field order."""
    out: dict[str, Any] = {"id": flow_id}
    for key in ("alias", "description", "providerId"):
        if rep.get(key) is not None:
            out[key] = rep[key]
    out.update(topLevel=rep.get("topLevel") is True, builtIn=rep.get("builtIn") is True)
    if rep.get("authenticationExecutions") is not None:
        out["authenticationExecutions"] = rep["authenticationExecutions"]
    return out


async def delete_flow(call: RealmCall, request: Request) -> Response:
    clients = await call.tx.clients.list(call.realm.id)
    await edit(call, deleting(call.realm, clients, request.path_params["id"]))
    return no_content()


def deleting(realm: Realm, clients: list[Client], flow_id: str) -> Callable[[FlowSet], tuple[FlowSet, None]]:
    """deleteFlow's change: a built-in flow, or one a binding or a client's override names, stays."""

    def change(flows: FlowSet) -> tuple[FlowSet, None]:
        after = flow_edits.delete_flow(flows, flow_id)
        if flow_support.in_use(realm, clients, flow_id):
            raise IN_USE  # KeycloakModelUtils.isFlowUsed, a ModelException in Keycloak
        return after, None

    return change


async def copy_flow(call: RealmCall, request: Request) -> Response:
    data = await read_object(request)
    copy = await edit(call, lambda flows: flow_edits.copy_flow(flows, request.path_params["alias"], data))
    audit.represent(request, {**data, "id": copy.id})
    return Response(status_code=201)


async def add_sub_flow(call: RealmCall, request: Request) -> Response:
    data = await read_object(request)
    sub, e = await edit(call, lambda flows: _pair(flow_edits.add_sub_flow(flows, request.path_params["alias"], data)))
    _event(call, request, "AUTH_EXECUTION_FLOW", {**data, "id": e.id})
    return created(call.url(call.realm.name, "authentication", "flows", sub.id))


def _pair(result: tuple[FlowSet, T, Any]) -> tuple[FlowSet, tuple[T, Any]]:
    return result[0], (result[1], result[2])


async def add_execution(call: RealmCall, request: Request) -> Response:
    data = await read_object(request)
    e = await edit(call, lambda flows: flow_edits.add_execution(flows, request.path_params["alias"], data))
    _event(call, request, "AUTH_EXECUTION", {**data, "id": e.id})
    return created(call.url(call.realm.name, "authentication", "executions", e.id))


async def add_execution_rep(call: RealmCall, request: Request) -> Response:
    rep = await _body(request, EXECUTION_REP, "AuthenticationExecutionRepresentation")
    e = await edit(call, lambda flows: flow_edits.add_execution_rep(flows, rep))
    audit.resource(request, "AUTH_EXECUTION")
    return created(call.url(call.realm.name, "authentication", "executions", e.id))


async def update_execution(call: RealmCall, request: Request) -> Response:
    rep = await _body(request, EXECUTION_INFO_REP, "AuthenticationExecutionInfoRepresentation")

    def change(flows: FlowSet) -> tuple[FlowSet, tuple[flow_model.AuthFlow, bool]]:
        after, flow, recorded = flow_edits.update_execution(flows, request.path_params["alias"], rep)
        return after, (flow, recorded)

    flow, recorded = await edit(call, change)
    if recorded:
        audit.resource(request, "AUTH_EXECUTION")
    else:
        audit.unchanged(request)
    return json_response(flow_model.flow_model(flow), 202)


def _shift(step: int) -> Callable[[RealmCall, Request], Any]:
    async def work(call: RealmCall, request: Request) -> Response:
        def change(flows: FlowSet) -> tuple[FlowSet, bool]:
            after = flow_edits.shifted(flows, request.path_params["id"], step)
            return (flows, False) if after is None else (after, True)

        if await edit(call, change):
            audit.resource(request, "AUTH_EXECUTION")
        else:
            audit.unchanged(request)  # the first (last) one: Keycloak returns before changing or recording
        return no_content()

    return work


async def remove_execution(call: RealmCall, request: Request) -> Response:
    await edit(call, lambda flows: (flow_edits.remove_execution(flows, request.path_params["id"]), None))
    audit.resource(request, "AUTH_EXECUTION")
    return no_content()


async def new_config(call: RealmCall, request: Request) -> Response:
    rep = await _body(request, CONFIG_REP, "AuthenticatorConfigRepresentation")
    config = await edit(call, lambda flows: flow_edits.new_config(flows, request.path_params["id"], rep))
    _event(call, request, "AUTHENTICATOR_CONFIG", {**rep, "id": config.id})
    return created(
        call.url(call.realm.name, "authentication", "executions", request.path_params["id"], "config", config.id)
    )


async def create_config(call: RealmCall, request: Request) -> Response:
    """createAuthenticatorConfig (deprecated): a config no execution names yet."""
    rep = await _body(request, CONFIG_REP, "AuthenticatorConfigRepresentation")

    def change(flows: FlowSet) -> tuple[FlowSet, flow_model.AuthConfig]:
        flow_edits.check_reserved(rep.get("alias"))
        alias = rep.get("alias") if isinstance(rep.get("alias"), str) else None
        config = flow_model.AuthConfig(flow_edits.new_id(), alias, flow_edits.config_values(rep))
        return flow_model.replaced(flows, configs=(*flows.configs, config)), config

    config = await edit(call, change)
    audit.resource(request, "AUTHENTICATOR_CONFIG")
    return created(call.url(call.realm.name, "authentication", "config", config.id))


async def update_config(call: RealmCall, request: Request) -> Response:
    rep = await _body(request, CONFIG_REP, "AuthenticatorConfigRepresentation")
    await edit(call, lambda flows: (flow_edits.update_config(flows, request.path_params["id"], rep), None))
    audit.resource(request, "AUTHENTICATOR_CONFIG")
    return no_content()


async def remove_config(call: RealmCall, request: Request) -> Response:
    await edit(call, lambda flows: (flow_edits.remove_config(flows, request.path_params["id"]), None))
    audit.resource(request, "AUTHENTICATOR_CONFIG")
    return no_content()


ROUTES = [
    Route(BASE + "/flows", _handler(create_flow), methods=["POST"]),
    Route(BASE + "/flows/{id}", _handler(update_flow), methods=["PUT"]),
    Route(BASE + "/flows/{id}", _handler(delete_flow), methods=["DELETE"]),
    Route(BASE + "/flows/{alias}/copy", _handler(copy_flow), methods=["POST"]),
    Route(BASE + "/flows/{alias}/executions/flow", _handler(add_sub_flow), methods=["POST"]),
    Route(BASE + "/flows/{alias}/executions/execution", _handler(add_execution), methods=["POST"]),
    Route(BASE + "/flows/{alias}/executions", _handler(update_execution), methods=["PUT"]),
    Route(BASE + "/executions", _handler(add_execution_rep), methods=["POST"]),
    Route(BASE + "/executions/{id}", _handler(remove_execution), methods=["DELETE"]),
    Route(BASE + "/executions/{id}/raise-priority", _handler(_shift(-1)), methods=["POST"]),
    Route(BASE + "/executions/{id}/lower-priority", _handler(_shift(1)), methods=["POST"]),
    Route(BASE + "/executions/{id}/config", _handler(new_config), methods=["POST"]),
    Route(BASE + "/config", _handler(create_config), methods=["POST"]),
    Route(BASE + "/config/{id}", _handler(update_config), methods=["PUT"]),
    Route(BASE + "/config/{id}", _handler(remove_config), methods=["DELETE"]),
]
