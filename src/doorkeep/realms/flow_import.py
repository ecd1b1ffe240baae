"""A realm file's ``authenticationFlows``, ``authenticatorConfig`` and flow bindings, imported
(RepresentationToModel.importAuthenticationFlows, then DefaultAuthenticationFlows.migrateFlows adding any
built-in flow the file lacks).

A file whose flows and configs are only the built-in ones (as Keycloak 26 or Doorkeep exports them) stores
nothing: the realm keeps computing them. Any other set is stored as the file gives it, ids kept where given, the
built-in flows it lacks added. Each binding names its flow by alias; a binding Doorkeep cannot honour (an alias no
flow has, or a flow Doorkeep does not run in that place, realms/flow_support.py) is warned of and the built-in
flow of that name is bound instead. Where even that one is not runnable (the file changed it), the file's flows
are warned of and dropped, and the realm keeps the built-in set.
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
                    by_alias.get(str(e.get("flowAlias"))) if e.get("authenticatorFlow") is True else None,
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


def imported(realm: Realm, rep: dict[str, Any]) -> tuple[Realm, set[str]]:
    """The realm with the file's flows, configs and bindings; the fields warned of."""
    if not rep.get("authenticationFlows") and not rep.get("authenticatorConfig"):
        return realm, af.unsupported(rep)
    if "authenticationFlows" not in af.unsupported(rep) and "authenticatorConfig" not in af.unsupported(rep):
        return realm, af.unsupported(rep)  # the built-in set: nothing new to keep
    flows = _with_missing_built_ins(realm, from_file(rep))
    warned: set[str] = set()
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
