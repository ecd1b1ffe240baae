"""A realm file's ``authenticationFlows``, ``authenticatorConfig`` and flow bindings, imported
(RepresentationToModel.importAuthenticationFlows, then DefaultAuthenticationFlows.migrateFlows adding any
built-in flow the file lacks).

A file whose flows and configs are only the built-in ones (as Keycloak 26 or Doorkeep exports them) stores
nothing: the realm keeps computing them. Any other set is stored as the file gives it, ids kept where given, the
built-in flows it lacks added. An older Keycloak's built-in flow of a binding's name that Doorkeep cannot run (a
Keycloak 15-24 ``registration`` with its Profile Validation, a ``first broker login`` with its Conditional OTP) is
replaced, with the built-in sub-flows only it uses, by Doorkeep's built-in flow of that alias, as Keycloak's
MigrateTo* steps upgrade built-in flows (the warning names it); the file's other flows stay as they are. Each binding
names its flow by alias; a binding Doorkeep cannot honour (an alias no flow has, or a flow Doorkeep does not run in
that place, realms/flow_support.py) is warned of and the built-in flow of that name is bound instead. Where even
that one is not runnable (the file changed it, and it is no built-in flow), the file's flows are warned of and
dropped, and the realm keeps the built-in set.
"""

from __future__ import annotations

import dataclasses
import uuid
from typing import Any

from doorkeep.model import Realm
from doorkeep.realms import auth_flows as af
from doorkeep.realms import flow_model, flow_support
from doorkeep.realms.flow_model import AuthConfig, AuthFlow, Execution, FlowSet


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def _is_sub_flow(e: dict[str, Any]) -> bool:
    """``authenticatorFlow``, or its misspelt twin ``autheticatorFlow`` that exports before Keycloak 15 carry alone
    (AbstractAuthenticationExecutionRepresentation.setAutheticatorFlow reads it into the same field)."""
    return e.get("authenticatorFlow") is True or e.get("autheticatorFlow") is True


def from_file(rep: dict[str, Any]) -> FlowSet:
    """The flows and configs of a realm representation, as a FlowSet (ids kept where given)."""
    configs = []
    for c in rep.get("authenticatorConfig") or ():
        if isinstance(c, dict):
            values: dict[str, Any] = c["config"] if isinstance(c.get("config"), dict) else {}
            config = {str(k): str(v) for k, v in values.items() if v is not None}
            configs.append(AuthConfig(_text(c.get("id")) or str(uuid.uuid4()), _text(c.get("alias")), config))
    listed = [f for f in rep.get("authenticationFlows") or () if isinstance(f, dict) and _text(f.get("alias"))]
    flows = [
        AuthFlow(
            _text(f.get("id")) or str(uuid.uuid4()),
            str(f["alias"]),
            _text(f.get("description")),
            _text(f.get("providerId")) or af.BASIC,
            f.get("topLevel") is True,
            f.get("builtIn") is True,
        )
        for f in listed
    ]
    by_alias = {f.alias: f.id for f in flows}
    config_ids = {c.alias: c.id for c in configs}
    executions = []
    for flow, source in zip(flows, listed, strict=True):
        for e in source.get("authenticationExecutions") or ():
            if not isinstance(e, dict):
                continue
            executions.append(
                Execution(
                    str(uuid.uuid4()),
                    flow.id,
                    _text(e.get("requirement")) or af.DIS,
                    int(e["priority"]) if isinstance(e.get("priority"), int) else 0,
                    _text(e.get("authenticator")),
                    by_alias.get(str(e.get("flowAlias"))) if _is_sub_flow(e) else None,
                    config_ids.get(_text(e.get("authenticatorConfig"))),
                )
            )
    return FlowSet(tuple(flows), tuple(executions), tuple(configs))


def _with_missing_built_ins(realm: Realm, flows: FlowSet) -> FlowSet:
    """migrateFlows: the built-in flows (with their executions and configs) the file does not have."""
    built_in = flow_model.built_in(realm)
    taken = {f.alias for f in flows.flows}
    added = [f for f in built_in.flows if f.alias not in taken]
    ids = {f.id for f in added}
    executions = [e for e in built_in.executions if e.parent_id in ids]
    wanted = {e.config_id for e in executions}
    configs = [c for c in built_in.configs if c.id in wanted]
    return flow_model.replaced(
        flows,
        flows=(*flows.flows, *added),
        executions=(*flows.executions, *executions),
        configs=(*flows.configs, *configs),
    )


def _tree(flows: FlowSet, root: AuthFlow) -> list[AuthFlow]:
    """``root`` and the sub-flows it reaches."""
    found, queue = [root], [root]
    while queue:
        for e in flows.children(queue.pop().id):
            sub = flows.flow(e.flow_id)
            if sub is not None and sub not in found:
                found.append(sub)
                queue.append(sub)
    return found


def _replaced_built_in(realm: Realm, flows: FlowSet, alias: str) -> FlowSet | None:
    """``flows`` with the file's built-in flow ``alias`` and the built-in sub-flows only it uses replaced by
    Doorkeep's built-in flow of that alias and its sub-flows; None where another flow of the file uses it or holds
    one of their aliases."""
    old, ours = flows.by_alias(alias), flow_model.built_in(realm)
    root = ours.by_alias(alias)
    if old is None or not old.built_in or root is None or any(e.flow_id == old.id for e in flows.executions):
        return None
    tree = {f.id for f in _tree(flows, old) if f is old or f.built_in}
    still_used = {f.id for other in flows.flows if other.id not in tree for f in _tree(flows, other)}
    gone = tree - still_used
    kept_flows = [f for f in flows.flows if f.id not in gone]
    new = _tree(ours, root)
    if {f.alias for f in new} & {f.alias for f in kept_flows}:
        return None
    ids = {f.id for f in new}
    executions = [e for e in ours.executions if e.parent_id in ids]
    wanted = {e.config_id for e in executions}
    kept_executions = [e for e in flows.executions if e.parent_id not in gone]
    used = {e.config_id for e in kept_executions}
    return flow_model.replaced(
        flows,
        flows=(*kept_flows, *new),
        executions=(*kept_executions, *executions),
        configs=(*(c for c in flows.configs if c.id in used), *(c for c in ours.configs if c.id in wanted)),
    )


def _older_built_ins_upgraded(realm: Realm, flows: FlowSet, version: str | None) -> tuple[FlowSet, set[str]]:
    """Each binding's built-in flow Doorkeep cannot run replaced by its own (MigrateTo*); the warning naming them."""
    upgraded: list[str] = []
    for binding, alias in af.BINDINGS.items():
        flow = flows.by_alias(alias)
        if flow is None or not flow.built_in or flow_support.why_not_runnable(flows, flow, binding) is None:
            continue
        replaced = _replaced_built_in(realm, flows, alias)
        if replaced is not None:
            flows = replaced
            upgraded.append(f"'{alias}'")
    if not upgraded:
        return flows, set()
    whose = f"Keycloak {version}'s" if version else "older"
    return flows, {f"authenticationFlows ({whose} built-in {', '.join(upgraded)}: replaced by Doorkeep's own)"}


def imported(realm: Realm, rep: dict[str, Any]) -> tuple[Realm, set[str]]:
    """The realm with the file's flows, configs and bindings; the fields warned of."""
    if not rep.get("authenticationFlows") and not rep.get("authenticatorConfig"):
        return realm, af.unsupported(rep)
    if "authenticationFlows" not in af.unsupported(rep) and "authenticatorConfig" not in af.unsupported(rep):
        return realm, af.unsupported(rep)  # the built-in set: nothing new to keep
    flows, warned = _older_built_ins_upgraded(realm, from_file(rep), _text(rep.get("keycloakVersion")))
    flows = _with_missing_built_ins(realm, flows)
    bindings: dict[str, str] = {}
    for binding, default in af.BINDINGS.items():
        wanted = _text(rep.get(binding)) or default
        flow = flows.by_alias(wanted)
        if flow is None or flow_support.why_not_runnable(flows, flow, binding) is not None:
            if wanted != default:
                warned.add(binding)
            flow = flows.by_alias(default)
            if flow is None or flow_support.why_not_runnable(flows, flow, binding) is not None:
                return realm, af.unsupported(rep)  # the built-in set it is, as before
        bindings[binding] = flow.id
    stored = flow_model.with_flows(realm, flows)
    return dataclasses.replace(stored, flow_bindings=bindings), warned


def client_overrides(realm: Realm, rep: dict[str, Any], given: Any) -> tuple[dict[str, str], bool]:
    """A file client's ``authenticationFlowBindingOverrides`` against the imported realm: each names a flow by the
    file's id, found again by its alias (the realm may compute the built-in flows under ids of its own). Kept
    only where Doorkeep runs the flow in that place; whether any was dropped, for the import's warning."""
    if not isinstance(given, dict) or not given:
        return {}, False
    flows = flow_model.of(realm)
    aliases = {f.get("id"): f.get("alias") for f in rep.get("authenticationFlows") or () if isinstance(f, dict)}
    kept: dict[str, str] = {}
    dropped = False
    for key, flow_id in given.items():
        if not isinstance(flow_id, str) or not flow_id.strip():
            continue
        flow = flows.flow(flow_id) or flows.by_alias(aliases.get(flow_id))
        binding = flow_support.OVERRIDES.get(str(key))
        if flow is None or binding is None or flow_support.why_not_runnable(flows, flow, binding) is not None:
            dropped = True
            continue
        kept[str(key)] = flow.id
    return kept, dropped
