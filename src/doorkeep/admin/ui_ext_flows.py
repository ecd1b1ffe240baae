"""The admin console's Authentication section as JSON, Keycloak 26's admin-ui-ext AuthenticationManagementResource
(``ui-ext/authentication-management/…``): what uses a flow, without HTTP.

A flow is admin-ui-ext's ``Authentication`` ``{id, alias, builtIn, description, usedBy}`` and ``usedBy`` its
``UsedBy`` ``{type, values, clientRefs}`` (AuthenticationMapper.convertToModel), nulls and an empty ``clientRefs``
left out as Keycloak's JSON does. The mapper sets ``usedBy`` three times, the last that finds something winning: the
identity providers whose first or post broker login flow it is (SPECIFIC_PROVIDERS, their aliases), then the clients
whose browser or direct grant override it is (SPECIFIC_CLIENTS, clientIds, and since Keycloak 26.x the
``clientRefs`` ``{id, clientId}`` the console links with), then the realm bindings naming it (DEFAULT, the flow's
alias once per binding). Each list stops at nine. The providers and clients are those the caller may see (issue
#50983): the caller passes None for providers it may not view and only the clients it may view.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from doorkeep.broker import providers as idp
from doorkeep.model import JSON, Client, Realm
from doorkeep.realms import auth_flows as af
from doorkeep.realms import flow_support
from doorkeep.realms.flow_model import AuthFlow, FlowSet

MAX_USED_BY = 9  # AuthenticationMapper.MAX_USED_BY
PROVIDER_FLOWS = ("firstBrokerLoginFlowAlias", "postBrokerLoginFlowAlias")  # Keycloak keeps ids, Doorkeep aliases


def listed(flows: FlowSet) -> list[AuthFlow]:
    """getAuthenticationFlowsStream's top-level flows but ``saml ecp``, in the order GET authentication/flows has."""
    return [f for f in flows.flows if f.top_level and f.alias != af.SAML_ECP]


def _overriding(clients: Iterable[Client], flow: AuthFlow) -> list[Client]:
    """searchClientByAuthenticationFlowBindingOverrides for ``browser``, then for ``direct_grant`` (each by
    clientId), a client in both once."""
    ordered = sorted(clients, key=lambda c: c.client_id)
    found: dict[str, Client] = {}
    for key in flow_support.OVERRIDES:
        for client in ordered:
            if client.flow_overrides.get(key) == flow.id:
                found.setdefault(client.id, client)
    return list(found.values())


def providers_of(providers: Iterable[JSON], flow: AuthFlow) -> list[str]:
    """IdentityProviderStorageProvider.getByFlow: the aliases of the providers running ``flow`` after a first or
    any broker login, by alias."""
    return sorted(str(p["alias"]) for p in providers if any(p.get(k) == flow.alias for k in PROVIDER_FLOWS))


def used_by(realm: Realm, flow: AuthFlow, clients: Iterable[Client], providers: Iterable[JSON] | None) -> JSON | None:
    """AuthenticationMapper.convertToModel's ``usedBy``: None when nothing the caller may see uses the flow."""
    found: JSON | None = None
    if providers is not None and (aliases := providers_of(providers, flow)[:MAX_USED_BY]):
        found = {"type": "SPECIFIC_PROVIDERS", "values": aliases}
    if overriding := _overriding(clients, flow)[:MAX_USED_BY]:
        refs = [{"id": c.id, "clientId": c.client_id} for c in overriding]
        found = {"type": "SPECIFIC_CLIENTS", "values": [c.client_id for c in overriding], "clientRefs": refs}
    defaults = [flow.alias for b in flow_support.BINDINGS if flow_support.bound_id(realm, b) == flow.id]
    if defaults:
        found = {"type": "DEFAULT", "values": defaults}
    return found


def authentication(realm: Realm, flow: AuthFlow, clients: Sequence[Client], providers: Sequence[JSON] | None) -> JSON:
    """One flow as admin-ui-ext's Authentication."""
    out: JSON = {"id": flow.id, "alias": flow.alias, "builtIn": flow.built_in}
    if flow.description is not None:
        out["description"] = flow.description
    if (found := used_by(realm, flow, clients, providers)) is not None:
        out["usedBy"] = found
    return out


def page(items: Sequence[Any], first: int, max_results: int) -> list[Any]:
    """Java's ``skip(first).limit(max)``, a negative bound read as none (Keycloak's stream would fail instead)."""
    start = max(first, 0)
    return list(items[start:]) if max_results < 0 else list(items[start : start + max_results])


def clients_using(clients: Iterable[Client], flow: AuthFlow, search: str, first: int, max_results: int) -> list[JSON]:
    """listUsed's ``clients``: the clients (by clientId) whose browser or direct grant override is ``flow``, whose
    clientId contains ``search`` (case counts), as UsedByReference ``{id, label}``."""
    shown = [
        {"id": c.id, "label": c.client_id}
        for c in sorted(clients, key=lambda c: c.client_id)
        if any(c.flow_overrides.get(key) == flow.id for key in flow_support.OVERRIDES) and search in c.client_id
    ]
    return page(shown, first, max_results)


def providers_using(providers: list[JSON], flow: AuthFlow, search: str, first: int, max_results: int) -> list[JSON]:
    """listUsed's ``idp``: getByFlow with ``search`` as the identity provider search reads it (``"exact"``,
    ``*infix*``, else a prefix of alias or display name), as UsedByReference ``{label}`` (no id)."""
    aliases = providers_of(idp.search(providers, search), flow)
    return [{"label": alias} for alias in page(aliases, first, max_results)]
