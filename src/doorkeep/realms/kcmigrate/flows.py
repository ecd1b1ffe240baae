"""A Keycloak realm's authentication flow rows as its realm export writes them (ExportUtils.exportAuthenticationFlows
and ModelToRepresentation): ``authenticationFlows`` by alias, each with its executions by priority,
``authenticatorConfig`` by alias, and the realm's bindings by the bound flows' aliases. The import then keeps
them as it keeps a file's (realms/flow_import.py: bindings Doorkeep cannot run are reported and fall back).
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

Rows = list[dict[str, Any]]
# AuthenticationExecutionModel.Requirement, stored by ordinal in AUTHENTICATION_EXECUTION.REQUIREMENT.
REQUIREMENTS = ("REQUIRED", "CONDITIONAL", "ALTERNATIVE", "DISABLED")
# RealmRepresentation binding -> REALM column holding the bound flow's id.
BINDING_COLUMNS = {
    "browserFlow": "browser_flow",
    "registrationFlow": "registration_flow",
    "directGrantFlow": "direct_grant_flow",
    "resetCredentialsFlow": "reset_credentials_flow",
    "clientAuthenticationFlow": "client_auth_flow",
    "dockerAuthenticationFlow": "docker_auth_flow",
}
FIRST_BROKER_LOGIN = "firstBrokerLoginFlowId"  # a realm attribute (RealmAdapter.getFirstBrokerLoginFlow)


def _requirement(value: Any) -> str:
    if isinstance(value, int) and 0 <= value < len(REQUIREMENTS):
        return REQUIREMENTS[value]
    return str(value) if value in REQUIREMENTS else "DISABLED"


def flow_fields(realm: dict[str, Any], t: dict[str, Rows]) -> dict[str, Any]:
    """``authenticationFlows``, ``authenticatorConfig`` and the binding fields of the realm export."""
    flows = {f["id"]: f for f in t.get("authentication_flow", [])}
    configs = {c["id"]: c for c in t.get("authenticator_config", [])}
    entries: dict[str, dict[str, str]] = defaultdict(dict)
    for e in t.get("authenticator_config_entry", []):
        if e.get("value") is not None:
            entries[e["authenticator_id"]][e["name"]] = e["value"]
    children: dict[str, Rows] = defaultdict(list)
    for e in t.get("authentication_execution", []):
        children[e["flow_id"]].append(e)
    out: dict[str, Any] = {"authenticationFlows": [], "authenticatorConfig": []}
    for flow in sorted(flows.values(), key=lambda f: f["alias"] or ""):
        rep: dict[str, Any] = {"id": flow["id"], "alias": flow["alias"]}
        if flow.get("description") is not None:
            rep["description"] = flow["description"]
        rep.update(providerId=flow["provider_id"], topLevel=bool(flow["top_level"]), builtIn=bool(flow["built_in"]))
        rep["authenticationExecutions"] = [
            _execution(e, flows, configs) for e in sorted(children[flow["id"]], key=lambda e: e["priority"] or 0)
        ]
        out["authenticationFlows"].append(rep)
    for config in sorted(configs.values(), key=lambda c: c["alias"] or ""):
        out["authenticatorConfig"].append(
            {"id": config["id"], "alias": config["alias"], "config": entries[config["id"]]}
        )
    bound_ids = {binding: realm.get(column) for binding, column in BINDING_COLUMNS.items()}
    attributes = {a["name"]: a["value"] for a in t.get("realm_attribute", [])}
    bound_ids["firstBrokerLoginFlow"] = attributes.get(FIRST_BROKER_LOGIN)
    for binding, flow_id in bound_ids.items():
        bound = flows.get(flow_id or "")
        if bound is not None:
            out[binding] = bound["alias"]
    return out


def _execution(e: dict[str, Any], flows: dict[str, Any], configs: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    config = configs.get(e.get("auth_config") or "")
    if config is not None:
        out["authenticatorConfig"] = config["alias"]
    if e.get("authenticator") is not None:
        out["authenticator"] = e["authenticator"]
    is_flow = bool(e.get("authenticator_flow"))
    out.update(authenticatorFlow=is_flow, requirement=_requirement(e.get("requirement")), priority=e["priority"] or 0)
    out["autheticatorFlow"] = is_flow
    sub = flows.get(e.get("auth_flow_id") or "")
    if sub is not None:
        out["flowAlias"] = sub["alias"]
    out["userSetupAllowed"] = False
    return out
