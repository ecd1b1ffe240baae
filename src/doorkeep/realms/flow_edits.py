"""The writes of Keycloak 26's AuthenticationManagementResource on a realm's flows, as pure functions.

Each takes the realm's FlowSet (realms/flow_model.py) and a request body, and answers the new FlowSet or raises
Keycloak's error: BadRequestException and NotFoundException as ``{"error": message}``, ErrorResponse.exists
(409) and ErrorResponse.error as ``{"errorMessage": message}``. Built-in flows refuse new executions and
sub-flows, moves and removals; their executions' requirements and their configs may still change, as in
Keycloak (whether Doorkeep can still run a bound flow is realms/flow_support.py's question, asked by the caller).
"""

from __future__ import annotations

import re
import uuid
from typing import Any

from doorkeep.errors import AdminError
from doorkeep.realms import auth_flows as af
from doorkeep.realms.auth_executions import EXTRA_AUTHENTICATORS, FACTORIES
from doorkeep.realms.auth_providers import AUTHENTICATOR, CLIENT, FORM_ACTION, KINDS
from doorkeep.realms.flow_model import AuthConfig, AuthFlow, Execution, FlowSet, replaced

RESERVED = re.compile(r"[:/?#@!$&()*+,;=\[\]\\]")  # ReservedCharValidator.RESERVED_CHARS_PATTERN (RFC 3986 §2.2)
REQUIREMENTS = (af.REQ, af.ALT, af.DIS, af.COND)


def bad(message: str) -> AdminError:
    return AdminError(400, message, key="error")


def missing(message: str) -> AdminError:
    return AdminError(404, message, key="error")


def exists(message: str) -> AdminError:
    return AdminError(409, message)


BAD_INPUT = AdminError(400, "unknown_error", key="error", description="For more on this error consult the server log.")
COLUMN = 255  # AUTHENTICATION_FLOW.ALIAS and DESCRIPTION are VARCHAR(255) in Keycloak's schema


def check_columns(before: FlowSet, after: FlowSet) -> None:
    """A flow written with an alias or a description longer than Keycloak's columns: Keycloak's database refuses
    it, a 500 (FlowTest.failWithLongDescription), refused here as a 400 naming no exception."""
    kept = set(before.flows)
    for f in after.flows:
        if f not in kept and (len(f.alias) > COLUMN or len(f.description or "") > COLUMN):
            raise BAD_INPUT


def new_id() -> str:
    return str(uuid.uuid4())


def check_reserved(alias: object) -> None:
    """ReservedCharValidator.validate: the first reserved character, in the order the text has them."""
    if isinstance(alias, str) and (found := RESERVED.search(alias)):
        raise bad(f"Character '{found.group()}' not allowed.")


def _text(data: dict[str, Any], key: str) -> str | None:
    value = data.get(key)
    return value if isinstance(value, str) else None


def next_priority(flows: FlowSet, flow_id: str) -> int:
    """getNextPriority: one after the last execution's, 0 for an empty flow."""
    children = flows.children(flow_id)
    return children[-1].priority + 1 if children else 0


def _int(value: object) -> int:
    """A JSON integer Java's ``int`` holds; anything else Keycloak fails on (a ClassCastException or an unboxed
    null: a 500), refused here as a 400."""
    if isinstance(value, bool) or not isinstance(value, int) or not -(2**31) <= value < 2**31:
        raise BAD_INPUT
    return value


def _priority(flows: FlowSet, parent_id: str, data: dict[str, Any]) -> int:
    """Keycloak 25+'s ``priority`` of a new execution: the body's when it names one, else getNextPriority."""
    return _int(data["priority"]) if "priority" in data else next_priority(flows, parent_id)


# --- flows -----------------------------------------------------------------------------------------------------
def create_flow(flows: FlowSet, rep: dict[str, Any]) -> tuple[FlowSet, AuthFlow]:
    """createFlow."""
    alias = _text(rep, "alias")
    if not alias:
        raise exists("Failed to create flow with empty alias name")
    if flows.by_alias(alias) is not None:
        raise exists(f"Flow {alias} already exists")
    check_reserved(alias)
    wanted = _text(rep, "id")
    flow_id = wanted if wanted and flows.flow(wanted) is None else new_id()
    flow = AuthFlow(
        flow_id,
        alias,
        _text(rep, "description") or "",
        _text(rep, "providerId") or af.BASIC,
        rep.get("topLevel") is True,
        rep.get("builtIn") is True,
    )
    return replaced(flows, flows=(*flows.flows, flow)), flow


def update_flow(flows: FlowSet, flow_id: str, rep: dict[str, Any]) -> tuple[FlowSet, AuthFlow]:
    """updateFlow: alias, description, provider, top-level and built-in as the body gives them."""
    old = flows.flow(flow_id)
    if old is None:
        raise missing("Could not find flow with id")
    alias = _text(rep, "alias")
    if not alias:
        raise exists("Failed to update flow with empty alias name")
    check_reserved(alias)
    if flows.by_alias(alias) is not None and old.alias != alias:
        raise exists("Flow alias name already exists")
    new = AuthFlow(
        old.id,
        alias,
        _text(rep, "description"),
        _text(rep, "providerId") or old.provider_id,
        rep.get("topLevel") is True,
        rep.get("builtIn") is True,
    )
    return replaced(flows, flows=tuple(new if f.id == old.id else f for f in flows.flows)), new


def delete_flow(flows: FlowSet, flow_id: str) -> FlowSet:
    """deleteFlow: the flow, its sub-flows, their executions and configs (deepDeleteAuthenticationFlow)."""
    flow = flows.flow(flow_id)
    if flow is None:
        raise missing("Flow not found")
    return _deep_delete(flows, flow)


def _deep_delete(flows: FlowSet, flow: AuthFlow) -> FlowSet:
    if flow.built_in:
        raise bad("Can't delete built in flow")
    for e in flows.children(flow.id):
        flows = _delete_execution(flows, e)
    return replaced(flows, flows=tuple(f for f in flows.flows if f.id != flow.id))


def _delete_execution(flows: FlowSet, e: Execution) -> FlowSet:
    sub = flows.flow(e.flow_id)
    if sub is not None:
        flows = _deep_delete(flows, sub)
    configs = tuple(c for c in flows.configs if c.id != e.config_id)
    return replaced(flows, configs=configs, executions=tuple(x for x in flows.executions if x.id != e.id))


def copy_flow(flows: FlowSet, alias: str, data: dict[str, Any]) -> tuple[FlowSet, AuthFlow]:
    """copy: the flow under ``newName``, sub-flows as "{newName} {alias}", configs copied likewise."""
    name = _text(data, "newName")
    if flows.by_alias(name) is not None:
        raise exists("New flow alias name already exists")
    flow = flows.by_alias(alias)
    if flow is None:
        raise missing("Flow not found")
    if not name:
        raise exists("Failed to create flow with empty alias name")
    copy = AuthFlow(new_id(), name, flow.description, flow.provider_id, flow.top_level, False)
    flows = replaced(flows, flows=(*flows.flows, copy))
    return _copy_children(flows, name, flow, copy), copy


def _copy_children(flows: FlowSet, name: str, source: AuthFlow, target: AuthFlow) -> FlowSet:
    for e in flows.children(source.id):
        flow_id = e.flow_id
        sub = flows.flow(e.flow_id)
        if sub is not None:
            sub_alias = f"{name} {sub.alias}"
            if flows.by_alias(sub_alias) is not None:
                raise exists(f"Flow {sub_alias} already exists")
            sub_copy = AuthFlow(new_id(), sub_alias, sub.description, sub.provider_id, False, False)
            flows = _copy_children(replaced(flows, flows=(*flows.flows, sub_copy)), name, sub, sub_copy)
            flow_id = sub_copy.id
        config_id = e.config_id
        config = flows.config(e.config_id)
        if config is not None:
            alias = f"{name} {config.alias}" if config.alias is not None else None
            made = AuthConfig(new_id(), alias, dict(config.config))
            flows = replaced(flows, configs=(*flows.configs, made))
            config_id = made.id
        added = Execution(new_id(), target.id, e.requirement, e.priority, e.authenticator, flow_id, config_id)
        flows = replaced(flows, executions=(*flows.executions, added))
    return flows


def add_sub_flow(flows: FlowSet, parent_alias: str, data: dict[str, Any]) -> tuple[FlowSet, AuthFlow, Execution]:
    """addExecutionFlow: a new sub-flow, DISABLED, at the body's ``priority``, else last in its parent."""
    parent = flows.by_alias(parent_alias)
    if parent is None:
        raise AdminError(400, "Parent flow doesn't exist")
    if parent.built_in:
        raise bad("It is illegal to add sub-flow to a built in flow")
    alias = _text(data, "alias")
    kind = _text(data, "type") or af.BASIC
    priority = _priority(flows, parent.id, data)
    if flows.by_alias(alias) is not None:
        raise exists("New flow alias name already exists")
    if not alias:
        raise exists("Failed to create flow with empty alias name")
    sub = AuthFlow(new_id(), alias, _text(data, "description") or "", kind, False, False)
    provider = _text(data, "provider") if kind == af.FORM else None
    e = Execution(new_id(), parent.id, af.DIS, priority, provider, sub.id)
    return replaced(flows, flows=(*flows.flows, sub), executions=(*flows.executions, e)), sub, e


def _accepts(parent: AuthFlow, provider: str | None) -> bool:
    """getProviderFactory finds ``provider`` for ``parent``: a client authenticator in a client flow, a form
    action in a form, else an authenticator."""
    wanted = {af.CLIENT: CLIENT, af.FORM: FORM_ACTION}.get(parent.provider_id, AUTHENTICATOR)
    known = KINDS.get(provider or "") == wanted or (wanted == AUTHENTICATOR and provider in EXTRA_AUTHENTICATORS)
    return provider is not None and known and provider in FACTORIES


def providers_for(parent: AuthFlow) -> list[str]:
    """The providers a new execution of ``parent`` may name (``add_execution`` accepts exactly these), by id."""
    return sorted(p for p in FACTORIES if _accepts(parent, p))


def _check_provider(parent: AuthFlow, provider: str | None) -> tuple[str, bool, tuple[str, ...]]:
    """getProviderFactory, or Keycloak's 400 for a provider it does not find."""
    if provider is None or not _accepts(parent, provider):
        raise bad(f"No authentication provider found for id: {provider}")
    return FACTORIES[provider]


def add_execution(flows: FlowSet, parent_alias: str, data: dict[str, Any]) -> tuple[FlowSet, Execution]:
    """addExecutionToFlow: the provider's only requirement choice, else DISABLED; the body's ``priority``, else
    last in the flow."""
    parent = flows.by_alias(parent_alias)
    if parent is None:
        raise bad("Parent flow doesn't exist")
    if parent.built_in:
        raise bad("It is illegal to add execution to a built in flow")
    provider = _text(data, "provider")
    priority = _priority(flows, parent.id, data)
    _, _, choices = _check_provider(parent, provider)
    requirement = choices[0] if len(choices) == 1 else af.DIS
    e = Execution(new_id(), parent.id, requirement, priority, provider)
    return replaced(flows, executions=(*flows.executions, e)), e


def add_execution_rep(flows: FlowSet, rep: dict[str, Any]) -> tuple[FlowSet, Execution]:
    """addExecution (POST …/executions): an AuthenticationExecutionRepresentation, at its ``priority``, else last
    in its parent."""
    requirement = rep.get("requirement")
    if requirement not in REQUIREMENTS:
        raise BAD_INPUT  # Requirement.valueOf
    config_id = _text(rep, "authenticatorConfig")
    if config_id is not None:
        config = flows.config(config_id) or next((c for c in flows.configs if c.alias == config_id), None)
        config_id = config.id if config is not None else None
    parent_id = _text(rep, "parentFlow")
    if parent_id is None:
        raise bad("parent flow not set on new execution")
    parent = flows.flow(parent_id)
    if parent is None:
        raise bad("execution parent flow does not exist")
    if parent.built_in:
        raise bad("It is illegal to add execution to a built in flow")
    is_flow = rep.get("authenticatorFlow") is True
    flow_id = _text(rep, "flowId") if is_flow else None
    if is_flow and (flows.flow(flow_id) is None or _reaches(flows, str(flow_id), parent.id)):
        raise BAD_INPUT  # Keycloak stores it and fails every later read (an NPE, or a loop): refused here
    authenticator = _text(rep, "authenticator")
    if not is_flow:
        _check_provider(parent, authenticator)
    priority = next_priority(flows, parent.id) if rep.get("priority") is None else _int(rep["priority"])
    e = Execution(new_id(), parent.id, requirement, priority, authenticator, flow_id, config_id)
    return replaced(flows, executions=(*flows.executions, e)), e


def _reaches(flows: FlowSet, start: str, target: str) -> bool:
    """Whether ``target`` is ``start`` or one of its sub-flows, at any depth."""
    seen, todo = set(), [start]
    while todo:
        current = todo.pop()
        if current == target:
            return True
        if current not in seen:
            seen.add(current)
            todo += [e.flow_id for e in flows.children(current) if e.flow_id is not None]
    return False


def update_execution(flows: FlowSet, alias: str, rep: dict[str, Any]) -> tuple[FlowSet, AuthFlow, bool]:
    """updateExecutions: a new priority or requirement (Keycloak 25+: the representation's ``int priority`` is 0
    when the body has none, so such a body moves the execution to 0), else a sub-flow's new name and description;
    whether anything was recorded (a body changing nothing records nothing)."""
    flow = flows.by_alias(alias)
    if flow is None:
        raise missing("flow not found")
    e = flows.execution(_text(rep, "id"))
    if e is None:
        raise missing("Illegal execution")
    priority = 0 if rep.get("priority") is None else _int(rep["priority"])  # Jackson: null or absent is 0
    requirement = rep.get("requirement")
    if priority != e.priority or requirement != e.requirement:
        if requirement != e.requirement and requirement not in REQUIREMENTS:
            raise BAD_INPUT  # Requirement.valueOf
        changed = Execution(e.id, e.parent_id, str(requirement), priority, e.authenticator, e.flow_id, e.config_id)
        return replaced(flows, executions=tuple(changed if x.id == e.id else x for x in flows.executions)), flow, True
    if rep.get("authenticationFlow") is None:
        return flows, flow, False
    sub = flows.flow(_text(rep, "flowId"))
    if sub is None:
        raise missing("Illegal execution")
    name = _text(rep, "displayName")
    if flows.by_alias(name) is not None and sub.alias != name:
        raise exists("Flow alias name already exists")
    renamed = AuthFlow(
        sub.id, name or sub.alias, _text(rep, "description"), sub.provider_id, sub.top_level, sub.built_in
    )
    return replaced(flows, flows=tuple(renamed if f.id == sub.id else f for f in flows.flows)), flow, True


def _movable(flows: FlowSet, execution_id: str) -> tuple[Execution, list[Execution]]:
    e = flows.execution(execution_id)
    if e is None:
        raise missing("Illegal execution")
    parent = flows.flow(e.parent_id)
    if parent is None:
        raise bad("execution parent flow does not exist")
    if parent.built_in:
        raise bad("It is illegal to modify execution in a built in flow")
    return e, flows.children(parent.id)


def shifted(flows: FlowSet, execution_id: str, step: int) -> FlowSet | None:
    """raisePriority (step -1) and lowerPriority (+1): swap priorities with the neighbour; None at the end."""
    e, siblings = _movable(flows, execution_id)
    index = next(i for i, x in enumerate(siblings) if x.id == e.id)
    other_index = index + step
    if other_index < 0 or other_index >= len(siblings):
        return None
    other = siblings[other_index]
    swapped = {e.id: other.priority, other.id: e.priority}
    executions = tuple(
        Execution(x.id, x.parent_id, x.requirement, swapped[x.id], x.authenticator, x.flow_id, x.config_id)
        if x.id in swapped
        else x
        for x in flows.executions
    )
    return replaced(flows, executions=executions)


def remove_execution(flows: FlowSet, execution_id: str) -> FlowSet:
    """removeExecution: with its sub-flow and config."""
    e = flows.execution(execution_id)
    if e is None:
        raise missing("Illegal execution")
    parent = flows.flow(e.parent_id)
    if parent is None:
        raise bad("execution parent flow does not exist")
    if parent.built_in:
        raise bad("It is illegal to remove execution from a built in flow")
    try:
        return _delete_execution(flows, e)
    except AdminError as error:
        if error.message == "Can't delete built in flow":
            raise bad("It is illegal to remove execution from a built in flow") from None
        raise


# --- configs ---------------------------------------------------------------------------------------------------
def config_values(rep: dict[str, Any]) -> dict[str, str]:
    """RepresentationToModel.removeEmptyString: empty values are left out."""
    config = rep.get("config")
    if not isinstance(config, dict):
        return {}
    return {str(k): v if isinstance(v, str) else str(v) for k, v in config.items() if v is not None and v != ""}


def new_config(flows: FlowSet, execution_id: str, rep: dict[str, Any]) -> tuple[FlowSet, AuthConfig]:
    """newExecutionConfig: a config made for the execution, replacing (removing) the one it named; an alias
    another config of the realm holds is a 409, unless that config is the one being replaced; a missing or empty
    alias is a 409 too (Keycloak 25+, before anything is looked up)."""
    alias = rep.get("alias")
    if alias is None or alias == "":
        raise exists("Failed to create authentication execution configuration with empty alias name")
    if not isinstance(alias, str):
        raise BAD_INPUT  # Jackson cannot make a String of an object or a list
    check_reserved(alias)
    e = flows.execution(execution_id)
    if e is None:
        raise missing("Illegal execution")
    other = next((c for c in flows.configs if c.alias == alias), None)
    if other is not None and other.id != e.config_id:
        raise exists(f"Authentication execution configuration {alias} already exists")
    config = AuthConfig(new_id(), alias, config_values(rep))
    changed = Execution(e.id, e.parent_id, e.requirement, e.priority, e.authenticator, e.flow_id, config.id)
    executions = tuple(changed if x.id == e.id else x for x in flows.executions)
    kept = tuple(c for c in flows.configs if c.id != e.config_id)
    return replaced(flows, configs=(*kept, config), executions=executions), config


def update_config(flows: FlowSet, config_id: str, rep: dict[str, Any]) -> FlowSet:
    """updateAuthenticatorConfig: alias and config (empty values dropped)."""
    check_reserved(rep.get("alias"))
    old = flows.config(config_id)
    if old is None:
        raise missing("Could not find authenticator config")
    alias = rep.get("alias") if isinstance(rep.get("alias"), str) else None
    new = AuthConfig(old.id, alias, config_values(rep))
    return replaced(flows, configs=tuple(new if c.id == old.id else c for c in flows.configs))


def remove_config(flows: FlowSet, config_id: str) -> FlowSet:
    """removeAuthenticatorConfig: executions naming it no longer do."""
    if flows.config(config_id) is None:
        raise missing("Could not find authenticator config")
    executions = tuple(
        Execution(x.id, x.parent_id, x.requirement, x.priority, x.authenticator, x.flow_id, None)
        if x.config_id == config_id
        else x
        for x in flows.executions
    )
    return replaced(flows, configs=tuple(c for c in flows.configs if c.id != config_id), executions=executions)
