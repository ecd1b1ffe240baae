"""Authentication → Flows, the changes, each made as Keycloak's console makes it and through the Admin REST API's
own functions: the pure edits of realms/flow_edits.py applied by ``auth_flow_writes.apply_edit`` (the realm row
locked, a still bound flow kept runnable, realms/flow_support.py), a binding by ``flow_support.with_bindings``
saved as ``PUT /admin/realms/{realm}`` saves it
(``operations.update_realm``). Each is recorded as the REST call it equals, with the body Keycloak's
console sends and the representation the REST call records. All need manage-realm.
"""

from __future__ import annotations

from doorkeep.admin import operations as admin_ops
from doorkeep.errors import AdminError
from doorkeep.realms import auth_executions, flow_edits, flow_model, flow_support
from doorkeep.realms.flow_model import AuthFlow, FlowSet
from doorkeep.web.admin import auth_flow_writes as rest
from doorkeep.web.admin.realms import realm_json
from doorkeep.web.admin_console.context import Console
from doorkeep.web.admin_console.views_flows import FORM_PROVIDER

EXECUTION, EXECUTION_FLOW, CONFIG = "AUTH_EXECUTION", "AUTH_EXECUTION_FLOW", "AUTHENTICATOR_CONFIG"
FLOWS = ("authentication", "flows")


async def create(c: Console, alias: str, description: str, provider_id: str) -> AuthFlow:
    """CreateFlow: ``POST flows`` with ``{alias, description, providerId, builtIn: false, topLevel: true}``."""
    c.require("manage-realm")
    rep = {"alias": alias, "description": description, "providerId": provider_id, "builtIn": False, "topLevel": True}
    flow = await rest.apply_edit(c.tx, c.realm.id, lambda flows: flow_edits.create_flow(flows, rep))
    c.changed("POST", *FLOWS, flow.id, body=rest.as_bound({**rep, "description": flow.description}, flow.id))
    return flow


async def duplicate(c: Console, source: AuthFlow, new_name: str, description: str) -> AuthFlow:
    """DuplicateFlowModal: ``POST flows/{alias}/copy`` with ``{newName}``, then, if the description typed is
    not the source's, ``PUT flows/{id}`` with the copy as listed and that description."""
    c.require("manage-realm")
    data = {"newName": new_name}
    copy = await rest.apply_edit(c.tx, c.realm.id, lambda flows: flow_edits.copy_flow(flows, source.alias, data))
    c.changed("POST", *FLOWS, source.alias, "copy", body={**data, "id": copy.id})
    if description != (source.description or ""):
        await _put_flow(c, copy, {"description": description})
    return copy


async def edit_info(c: Console, flow: AuthFlow, alias: str, description: str) -> None:
    """EditFlowModal: ``PUT flows/{id}`` with the flow as listed, its name and description as typed."""
    c.require("manage-realm")
    await _put_flow(c, flow, {"alias": alias, "description": description})


async def _put_flow(c: Console, flow: AuthFlow, changes: dict[str, object]) -> None:
    """``PUT flows/{id}`` with the flow as ``GET flows`` lists it and ``changes``, recorded as that PUT records it."""

    def change(flows: FlowSet) -> tuple[FlowSet, dict[str, object]]:
        rep = {**flow_model.flow_representation(flows, flows.flow(flow.id) or flow), **changes}
        return flow_edits.update_flow(flows, flow.id, rep)[0], rep

    rep = await rest.apply_edit(c.tx, c.realm.id, change)
    c.changed("PUT", *FLOWS, flow.id, body=rest.as_bound(rep, flow.id))


async def delete(c: Console, flow: AuthFlow) -> None:
    """``DELETE flows/{id}``: refused for a built-in flow and for one in use, in Keycloak's words."""
    c.require("manage-realm")
    clients = await c.tx.clients.list(c.realm.id)
    await rest.apply_edit(c.tx, c.realm.id, rest.deleting(c.realm, clients, flow.id))
    c.changed("DELETE", *FLOWS, flow.id)


async def bind(c: Console, flow: AuthFlow, binding: str) -> None:
    """BindFlowDialog: ``PUT /admin/realms/{realm}`` with the realm and ``{binding: alias}``; a flow Doorkeep
    cannot run there is refused with flow_support's reason, as that PUT refuses it."""
    c.require("manage-realm")
    if binding not in flow_support.BINDINGS:
        raise AdminError(400, f"Unknown binding type {binding}")
    current = await c.tx.realms.lock(c.realm.id) or c.realm  # as the PUT: no concurrent flow write written over
    updated = flow_support.with_bindings(current, {binding: flow.alias})
    await admin_ops.update_realm(c.tx, current, updated, flows=True)
    c.changed("PUT", body=await realm_json(c.tx, updated))


async def add_execution(c: Console, parent_alias: str, provider: str) -> None:
    """AddStepModal: ``POST flows/{alias}/executions/execution`` with ``{provider}``."""
    c.require("manage-realm")
    data = {"provider": provider}
    e = await rest.apply_edit(c.tx, c.realm.id, lambda flows: flow_edits.add_execution(flows, parent_alias, data))
    c.changed(
        "POST", *FLOWS, parent_alias, "executions", "execution", body={**data, "id": e.id}, resource_type=EXECUTION
    )


async def add_sub_flow(c: Console, parent_alias: str, alias: str, description: str, kind: str) -> None:
    """AddSubFlowModal: ``POST flows/{alias}/executions/flow`` with ``{alias, description, provider, type}``."""
    c.require("manage-realm")
    data = {"alias": alias, "description": description, "provider": FORM_PROVIDER, "type": kind}

    def change(flows: FlowSet) -> tuple[FlowSet, str]:
        after, _, e = flow_edits.add_sub_flow(flows, parent_alias, data)
        return after, e.id

    execution_id = await rest.apply_edit(c.tx, c.realm.id, change)
    c.changed(
        "POST",
        *FLOWS,
        parent_alias,
        "executions",
        "flow",
        body={**data, "id": execution_id},
        resource_type=EXECUTION_FLOW,
    )


async def set_requirement(c: Console, flow: AuthFlow, execution_id: str, requirement: str) -> None:
    """FlowRequirementDropdown: ``PUT flows/{alias}/executions`` with the execution's row and the requirement
    chosen (the top-level flow's alias, as FlowDetails sends it for any row); the same requirement records
    nothing."""
    c.require("manage-realm")
    rows = auth_executions.executions(flow_model.of(c.realm), flow)
    rep = {**next((r for r in rows if r["id"] == execution_id), {"id": execution_id}), "requirement": requirement}

    def change(flows: FlowSet) -> tuple[FlowSet, bool]:
        after, _, recorded = flow_edits.update_execution(flows, flow.alias, rep)
        return after, recorded

    if await rest.apply_edit(c.tx, c.realm.id, change):
        c.changed("PUT", *FLOWS, flow.alias, "executions", body=rep, resource_type=EXECUTION)


async def move(c: Console, execution_id: str, direction: str) -> None:
    """``POST executions/{id}/raise-priority`` (``lower-priority``); the first (last) one records nothing."""
    c.require("manage-realm")
    step = {"raise-priority": -1, "lower-priority": 1}[direction]

    def change(flows: FlowSet) -> tuple[FlowSet, bool]:
        after = flow_edits.shifted(flows, execution_id, step)
        return (flows, False) if after is None else (after, True)

    if await rest.apply_edit(c.tx, c.realm.id, change):
        c.changed("POST", "authentication", "executions", execution_id, direction, resource_type=EXECUTION)


async def remove(c: Console, execution_id: str) -> None:
    """``DELETE executions/{id}``: the step, with its sub-flow and config."""
    c.require("manage-realm")
    await rest.apply_edit(c.tx, c.realm.id, lambda flows: (flow_edits.remove_execution(flows, execution_id), None))
    c.changed("DELETE", "authentication", "executions", execution_id, resource_type=EXECUTION)


async def save_config(c: Console, execution_id: str, alias: str, values: dict[str, str]) -> None:
    """ExecutionConfigModal's save: ``PUT config/{id}`` with ``{id, alias, config}`` (the alias kept) where the
    step has a config, else ``POST executions/{id}/config`` with ``{alias, config}``."""
    c.require("manage-realm")
    e = flow_model.of(c.realm).execution(execution_id)
    config = flow_model.of(c.realm).config(e.config_id if e is not None else None)
    if config is not None:
        rep: dict[str, object] = {"id": config.id, "alias": config.alias, "config": values}
        await rest.apply_edit(c.tx, c.realm.id, lambda flows: (flow_edits.update_config(flows, config.id, rep), None))
        c.changed("PUT", "authentication", "config", config.id, body=rep, resource_type=CONFIG)
        return
    rep = {"alias": alias, "config": values}
    made = await rest.apply_edit(c.tx, c.realm.id, lambda flows: flow_edits.new_config(flows, execution_id, rep))
    c.changed(
        "POST",
        "authentication",
        "executions",
        execution_id,
        "config",
        body={**rep, "id": made.id},
        resource_type=CONFIG,
    )


async def clear_config(c: Console, config_id: str) -> None:
    """ExecutionConfigModal's Clear: ``DELETE config/{id}``."""
    c.require("manage-realm")
    await rest.apply_edit(c.tx, c.realm.id, lambda flows: (flow_edits.remove_config(flows, config_id), None))
    c.changed("DELETE", "authentication", "config", config_id, resource_type=CONFIG)
