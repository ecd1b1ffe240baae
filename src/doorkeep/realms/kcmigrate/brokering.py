"""Keycloak's identity brokering rows as realm-export JSON: ``identityProviders``, ``identityProviderMappers`` and
each user's ``federatedIdentities``, as ExportUtils writes them (IDENTITY_PROVIDER and its CONFIG rows,
IDENTITY_PROVIDER_MAPPER and IDP_MAPPER_CONFIG, FEDERATED_IDENTITY).

The import path then checks them as it checks a realm file. A provider's own first broker login flow and post
broker login flow come over when Doorkeep runs them (compiled from the realm's flow rows with the checks a binding
meets, realms/flow_support.py and realms/broker_flow_plan.py: a copy of the default, an automatic linking flow, an
OTP post broker login flow). What Doorkeep cannot run is left out and reported: a provider of another kind than
OpenID Connect, or whose flow Doorkeep cannot run (with its mappers and its users' links), a mapper of a kind
Doorkeep has not, and the provider tokens Keycloak stored (a user's next login through the provider stores a new
one).
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from doorkeep.broker import idp_mapper_types as idp_types
from doorkeep.broker import providers as idp
from doorkeep.model import Realm
from doorkeep.realms import flow_import, flow_model, flow_support
from doorkeep.realms.flow_model import FlowSet
from doorkeep.realms.kcmigrate.flows import flow_fields
from doorkeep.realms.kcmigrate.report import Report

Rows = list[dict[str, Any]]

_FLAGS = {
    "enabled": "enabled",
    "trust_email": "trustEmail",
    "store_token": "storeToken",
    "add_token_role": "addReadTokenRoleOnCreate",
    "authenticate_by_default": "authenticateByDefault",
    "link_only": "linkOnly",
    "hide_on_login": "hideOnLogin",
}


def _config(rows: Rows, key: str) -> dict[str, dict[str, str]]:
    out: dict[str, dict[str, str]] = defaultdict(dict)
    for row in rows:
        if row["value"] is not None:
            out[row[key]][row["name"]] = row["value"]
    return out


def _kept_flows(flows_rep: dict[str, Any]) -> FlowSet:
    """The flows the import will keep (realms/flow_import.py: the built-in set alone when a bound flow cannot run)."""
    realm, _ = flow_import.imported(Realm(id="keycloak", name="keycloak"), flows_rep)
    return flow_model.of(realm)


def _why_not(row: dict[str, Any], flows: dict[str, str], kept: FlowSet) -> str | None:
    """Why Doorkeep cannot run this provider (None: it can). The default flow's alias is left to the import, which
    checks the realm's flow of that name as it checks a file's."""
    if row["provider_id"] not in idp.PROVIDER_IDS and row["provider_id"] != idp.GRANT_ONLY:
        return f"Doorkeep does not broker '{row['provider_id']}' identity providers"
    first = flows.get(row.get("first_broker_login_flow_id") or "")
    if first is not None and first != idp.FIRST_BROKER_LOGIN:
        flow = kept.by_alias(first)
        if flow is None:
            return f"the realm's own flows are not kept (one it binds cannot run in Doorkeep), '{first}' among them"
        if why := flow_support.why_not_runnable(kept, flow, flow_support.FIRST_BROKER_LOGIN):
            return why
    post = flows.get(row.get("post_broker_login_flow_id") or "")
    return flow_support.why_not_post_login(kept, post) if post else None


def brokering(
    t: dict[str, Rows], report: Report, flows_rep: dict[str, Any] | None = None
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The providers Doorkeep can run and their mappers, as IdentityProvider(Mapper)Representations; ``flows_rep``:
    the realm's flows and bindings as the export carries them (kcmigrate/flows.py; the rows' without bindings when
    not given)."""
    flows = {f["id"]: f["alias"] for f in t["authentication_flow"]}
    flow_set = _kept_flows(flows_rep if flows_rep is not None else flow_fields({}, t))
    config = _config(t["identity_provider_config"], "identity_provider_id")
    providers: list[dict[str, Any]] = []
    for row in sorted(t["identity_provider"], key=lambda r: r["provider_alias"]):
        if (why := _why_not(row, flows, flow_set)) is not None:
            report.cannot(f"identity provider '{row['provider_alias']}'", why)
            continue
        rep: dict[str, Any] = {"alias": row["provider_alias"], "internalId": row["internal_id"]}
        rep["providerId"] = row["provider_id"]
        if row.get("provider_display_name"):
            rep["displayName"] = row["provider_display_name"]
        rep.update({field: bool(row[col]) for col, field in _FLAGS.items() if row.get(col) is not None})
        if first := flows.get(row.get("first_broker_login_flow_id") or ""):
            rep["firstBrokerLoginFlowAlias"] = first
        if post := flows.get(row.get("post_broker_login_flow_id") or ""):
            rep["postBrokerLoginFlowAlias"] = post
        rep["config"] = config.get(row["internal_id"], {})
        providers.append(rep)
    carried = {p["alias"] for p in providers}
    mapper_config = _config(t["idp_mapper_config"], "idp_mapper_id")
    mappers: list[dict[str, Any]] = []
    for row in sorted(t["identity_provider_mapper"], key=lambda r: (r["idp_alias"], r["name"])):
        if row["idp_alias"] not in carried:
            continue
        if row["idp_mapper_name"] not in idp_types.TYPES:
            report.cannot(f"identity provider mapper '{row['name']}'", f"Doorkeep has no '{row['idp_mapper_name']}'")
            continue
        mappers.append(
            {
                "id": row["id"],
                "name": row["name"],
                "identityProviderAlias": row["idp_alias"],
                "identityProviderMapper": row["idp_mapper_name"],
                "config": mapper_config.get(row["id"], {}),
            }
        )
    return providers, mappers


def user_links(t: dict[str, Rows], carried: set[str], report: Report) -> dict[str, list[dict[str, Any]]]:
    """Each user's links to the providers carried (FederatedIdentityRepresentations, without their tokens)."""
    out: dict[str, list[dict[str, Any]]] = defaultdict(list)
    dropped = tokens = 0
    for row in sorted(t["federated_identity"], key=lambda r: (r["user_id"], r["identity_provider"])):
        if row["identity_provider"] not in carried:
            dropped += 1
            continue
        link = {"identityProvider": row["identity_provider"]}
        for col, field in (("federated_user_id", "userId"), ("federated_username", "userName")):
            if row.get(col) is not None:
                link[field] = row[col]
        out[row["user_id"]].append(link)
        tokens += bool(row.get("token"))
    if dropped:
        report.cannot(f"{dropped} users' links to identity providers", "their providers are not carried")
    if tokens:
        report.cannot(f"{tokens} stored provider tokens", "the user's next login through the provider stores one")
    return out
