"""A realm's authentication flows, executions and authenticator configs as stored (Keycloak's AuthenticationFlowModel,
AuthenticationExecutionModel and AuthenticatorConfigModel), and their representations.

A realm nobody edited keeps no flows: it has Keycloak 26's built-in set (realms/auth_flows.py), with ids derived
from the realm id. The first write materialises that set into the realm's config, keeping the same ids, so no
existing realm needs a migration and every id an admin already saw stays valid. Executions of a flow are
listed by priority (AuthenticationExecutionModel.ExecutionComparator); flows by alias.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

from doorkeep.model import JSON, Realm
from doorkeep.realms import auth_flows as af


@dataclass(frozen=True)
class Execution:
    id: str
    parent_id: str
    requirement: str
    priority: int
    authenticator: str | None = None
    flow_id: str | None = None  # a sub-flow's id: the execution is a flow
    config_id: str | None = None


@dataclass(frozen=True)
class AuthFlow:
    id: str
    alias: str
    description: str | None
    provider_id: str
    top_level: bool
    built_in: bool


@dataclass(frozen=True)
class AuthConfig:
    id: str
    alias: str | None
    config: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class FlowSet:
    """Everything a realm's authentication flows consist of; ``stored`` is whether the realm keeps its own."""

    flows: tuple[AuthFlow, ...]
    executions: tuple[Execution, ...]
    configs: tuple[AuthConfig, ...]
    stored: bool = True

    def flow(self, flow_id: str | None) -> AuthFlow | None:
        return next((f for f in self.flows if f.id == flow_id), None)

    def by_alias(self, alias: str | None) -> AuthFlow | None:
        return next((f for f in self.flows if f.alias == alias), None)

    def execution(self, execution_id: str | None) -> Execution | None:
        return next((e for e in self.executions if e.id == execution_id), None)

    def config(self, config_id: str | None) -> AuthConfig | None:
        return next((c for c in self.configs if c.id == config_id), None)

    def children(self, flow_id: str) -> list[Execution]:
        """The flow's executions by priority (ties keep the order they were added in)."""
        return sorted((e for e in self.executions if e.parent_id == flow_id), key=lambda e: e.priority)

    def ordered(self) -> list[AuthFlow]:
        return sorted(self.flows, key=lambda f: f.alias)


def built_in(realm: Realm) -> FlowSet:
    """Keycloak 26's flows for a new realm, with ids derived from the realm id, in the order
    DefaultAuthenticationFlows.addFlows creates them (the order GET …/authentication/flows answers)."""
    key = (realm.id, realm.name == af.ADMIN_REALM)
    shape = _BUILT_IN.get(key)
    if shape is None:
        if len(_BUILT_IN) >= _BUILT_IN_KEPT:
            _BUILT_IN.clear()
        shape = _BUILT_IN[key] = _built_in_shape(realm)
    flows, executions, configs = shape
    # A config's dict is the caller's to change: made anew each time, from the immutable parts kept.
    return FlowSet(flows, executions, tuple(AuthConfig(i, a, dict(af.CONFIGS[a])) for i, a in configs), stored=False)


# A built-in set's immutable parts: its flows, its executions, and its configs' (id, alias).
_Shape = tuple[tuple[AuthFlow, ...], tuple[Execution, ...], tuple[tuple[str, str], ...]]
# By (realm id, is the admin realm): deriving a set's ~110 ids (uuid5 each) on every read of a realm's flows
# was a few milliseconds of each login page and password grant. Cleared whole when full.
_BUILT_IN: dict[tuple[str, bool], _Shape] = {}
_BUILT_IN_KEPT = 1024


def _built_in_shape(realm: Realm) -> _Shape:
    flows, executions = [], []
    for flow in sorted(af.flows(realm), key=lambda f: _CREATION_ORDER[f.alias]):
        flow_id = af.flow_uuid(realm, flow.alias)
        flows.append(AuthFlow(flow_id, flow.alias, flow.description, flow.provider_id, flow.top_level, True))
        for step in flow.steps:
            executions.append(
                Execution(
                    af.execution_uuid(realm, flow.alias, step),
                    flow_id,
                    step.requirement,
                    step.priority,
                    step.authenticator,
                    af.flow_uuid(realm, step.flow) if step.flow is not None else None,
                    af.config_uuid(realm, step.config) if step.config is not None else None,
                )
            )
    used = sorted({s.config for f in af.flows(realm) for s in f.steps if s.config is not None})
    return tuple(flows), tuple(executions), tuple((af.config_uuid(realm, a), a) for a in used)


def of(realm: Realm) -> FlowSet:
    """The realm's flows: its own once any was written, else the built-in set."""
    if realm.authentication_flows is None:
        return built_in(realm)
    flows, executions = [], []
    for item in realm.authentication_flows:
        flows.append(
            AuthFlow(
                str(item["id"]),
                str(item["alias"]),
                item.get("description"),
                str(item.get("providerId") or af.BASIC),
                bool(item.get("topLevel")),
                bool(item.get("builtIn")),
            )
        )
        for e in item.get("executions") or ():
            executions.append(
                Execution(
                    str(e["id"]),
                    str(item["id"]),
                    str(e.get("requirement") or af.DIS),
                    int(e.get("priority") or 0),
                    e.get("authenticator"),
                    e.get("flowId"),
                    e.get("authenticatorConfig"),
                )
            )
    configs = tuple(
        AuthConfig(str(c["id"]), c.get("alias"), dict(c.get("config") or {})) for c in realm.authenticator_configs
    )
    return FlowSet(tuple(flows), tuple(executions), configs)


def with_flows(realm: Realm, flows: FlowSet) -> Realm:
    """The realm keeping ``flows`` as its own."""
    stored = []
    for flow in flows.ordered():
        item: JSON = {"id": flow.id, "alias": flow.alias, "description": flow.description}
        item.update(providerId=flow.provider_id, topLevel=flow.top_level, builtIn=flow.built_in)
        item["executions"] = [
            {
                "id": e.id,
                "requirement": e.requirement,
                "priority": e.priority,
                "authenticator": e.authenticator,
                "flowId": e.flow_id,
                "authenticatorConfig": e.config_id,
            }
            for e in flows.children(flow.id)
        ]
        stored.append(item)
    configs = tuple({"id": c.id, "alias": c.alias, "config": dict(c.config)} for c in flows.configs)
    return dataclasses.replace(realm, authentication_flows=tuple(stored), authenticator_configs=configs)


def replaced(base: FlowSet, /, **changes: object) -> FlowSet:
    """``base`` with some of its parts changed, now the realm's own."""
    return dataclasses.replace(base, stored=True, **changes)  # type: ignore[arg-type]


# --- representations ------------------------------------------------------------------------------------------
def execution_export(flows: FlowSet, e: Execution) -> JSON:
    """AuthenticationExecutionExportRepresentation (ModelToRepresentation.toRepresentation), Jackson's order."""
    out: JSON = {}
    config = flows.config(e.config_id)
    if config is not None and config.alias is not None:
        out["authenticatorConfig"] = config.alias
    if e.authenticator is not None:
        out["authenticator"] = e.authenticator
    is_flow = e.flow_id is not None
    out.update(authenticatorFlow=is_flow, requirement=e.requirement, priority=e.priority)
    out["autheticatorFlow"] = is_flow  # Keycloak's deprecated misspelt twin, still serialised
    sub = flows.flow(e.flow_id)
    if sub is not None:
        out["flowAlias"] = sub.alias
    out["userSetupAllowed"] = False
    return out


def flow_representation(flows: FlowSet, flow: AuthFlow) -> JSON:
    """AuthenticationFlowRepresentation: GET …/flows, …/flows/{id} and the export's ``authenticationFlows``."""
    out: JSON = {"id": flow.id, "alias": flow.alias}
    if flow.description is not None:
        out["description"] = flow.description
    out.update(providerId=flow.provider_id, topLevel=flow.top_level, builtIn=flow.built_in)
    out["authenticationExecutions"] = [execution_export(flows, e) for e in flows.children(flow.id)]
    return out


def flow_model(flow: AuthFlow) -> JSON:
    """AuthenticationFlowModel as Jackson writes it (the body of updateExecutions' 202)."""
    out: JSON = {"id": flow.id, "alias": flow.alias, "description": flow.description, "providerId": flow.provider_id}
    out.update(topLevel=flow.top_level, builtIn=flow.built_in)
    return out


_CREATION_ORDER = {flow.alias: n for n, flow in enumerate(af.FLOWS)}  # auth_flows.FLOWS: addFlows' order


def top_level(flows: FlowSet) -> list[AuthFlow]:
    """The top-level flows but ``saml ecp``, by alias, as the Admin Console lists them (Keycloak's sorts them)."""
    return [f for f in flows.ordered() if f.top_level and f.alias != af.SAML_ECP]


def listed(flows: FlowSet) -> list[JSON]:
    """GET …/authentication/flows: AuthenticationManagementResource.getFlows streams the realm's flows as
    RealmModel.getAuthenticationFlowsStream has them, in the order they were made (a new realm's built-in ones
    first, in addFlows' order; a new flow or copy after them), the top-level ones but ``saml ecp``."""
    shown = (f for f in flows.flows if f.top_level and f.alias != af.SAML_ECP)
    return [flow_representation(flows, f) for f in shown]


def exported(flows: FlowSet) -> list[JSON]:
    return [flow_representation(flows, f) for f in flows.ordered()]


def config_representation(config: AuthConfig) -> JSON:
    out: JSON = {"id": config.id}
    if config.alias is not None:
        out["alias"] = config.alias
    out["config"] = dict(config.config)
    return out


def configs_exported(flows: FlowSet) -> list[JSON]:
    """The export's ``authenticatorConfig``, by alias."""
    return [config_representation(c) for c in sorted(flows.configs, key=lambda c: c.alias or "")]


def execution_representation(flows: FlowSet, e: Execution) -> JSON:
    """AuthenticationExecutionModel as GET …/executions/{id} answers it: the config and flows by id."""
    out: JSON = {}
    if e.config_id is not None:
        out["authenticatorConfig"] = e.config_id
    if e.authenticator is not None:
        out["authenticator"] = e.authenticator
    is_flow = e.flow_id is not None
    out.update(authenticatorFlow=is_flow, requirement=e.requirement, priority=e.priority)
    out["autheticatorFlow"] = is_flow
    out["id"] = e.id
    if e.flow_id is not None:
        out["flowId"] = e.flow_id
    out["parentFlow"] = e.parent_id
    return out
