"""The admin console's Authentication reads Keycloak 26 serves as JSON and Doorkeep lacked (404 before): admin-ui-ext
AuthenticationManagementResource's ``GET ui-ext/authentication-management/flows`` (each flow with ``usedBy``),
``…/{type}/{id}`` (the clients or identity providers running a flow) and ``…/required-actions`` (with
``configurable``), over HTTP against the real app. The permission cases port Keycloak's
AuthenticationManagementUiExtPermissionsTest (its identity-provider halves included); who may call each route is in
tests/admin_route_matrix_data.py."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from admin_support import client_uuid, realm_admin
from wire_env import Env

pytestmark = pytest.mark.anyio
API = "/admin/realms/test"
UI = f"{API}/ui-ext/authentication-management"


async def _call(env: Env, method: str, path: str, body: Any = None) -> httpx.Response:
    response = await env.http.request(method, API + path, json=body, headers=await env.admin_headers())
    assert response.status_code < 300, f"{method} {path}: {response.status_code} {response.text}"
    return response


async def _copy(env: Env, source: str, alias: str) -> str:
    await _call(env, "POST", f"/authentication/flows/{source}/copy", {"newName": alias})
    flows = (await _call(env, "GET", "/authentication/flows")).json()
    return str(next(f["id"] for f in flows if f["alias"] == alias))


async def _override(env: Env, client_id: str, binding: str, flow_id: str) -> str:
    uuid = await client_uuid(env, "test", client_id)
    client = (await _call(env, "GET", f"/clients/{uuid}")).json()
    client["authenticationFlowBindingOverrides"] = {binding: flow_id}
    await _call(env, "PUT", f"/clients/{uuid}", client)
    return uuid


async def _world(env: Env) -> dict[str, str]:
    """Keycloak's test realm, as far as Doorkeep runs it: ``client-flow`` (a copy of browser) is the browser
    override of client ``app`` and of ``zeta`` and ``alpha`` (made for it), ``grant-flow`` (a copy of direct grant)
    ``zeta``'s direct grant override too, ``idp-flow`` (a copy of first broker login) identity provider
    ``hidden-idp``'s first broker login flow, ``unused`` nobody's."""
    ids = {"client-flow": await _copy(env, "browser", "client-flow")}
    ids["idp-flow"] = await _copy(env, "first broker login", "idp-flow")
    ids["unused"] = await _copy(env, "browser", "unused")
    ids["grant-flow"] = await _copy(env, "direct grant", "grant-flow")
    ids["app"] = await _override(env, "app", "browser", ids["client-flow"])
    for name in ("zeta", "alpha"):
        await _call(env, "POST", "/clients", {"clientId": name})
        ids[name] = await _override(env, name, "browser", ids["client-flow"])
    await _override(env, "zeta", "direct_grant", ids["grant-flow"])
    config = {"syncMode": "IMPORT", "clientId": "c", "clientSecret": "s", "authorizationUrl": "https://idp.test/a"}
    config |= {"tokenUrl": "https://idp.test/t"}
    idp = {"alias": "hidden-idp", "providerId": "oidc", "firstBrokerLoginFlowAlias": "idp-flow", "config": config}
    await _call(env, "POST", "/identity-provider/instances", idp)
    return ids


def _by_alias(flows: list[dict[str, Any]], alias: str) -> dict[str, Any]:
    return next(f for f in flows if f["alias"] == alias)


async def _get(env: Env, path: str, headers: dict[str, str] | None = None, **params: Any) -> httpx.Response:
    return await env.http.get(UI + path, params=params, headers=headers or await env.admin_headers())


async def test_flows_list_the_top_level_flows_with_what_uses_each(realm: Env) -> None:
    """AuthenticationMapper.convertToModel: the top-level flows in GET authentication/flows' order, each as
    ``{id, alias, builtIn, description, usedBy}``; a realm binding is DEFAULT, client overrides SPECIFIC_CLIENTS
    (browser or direct grant, by clientId, with ``clientRefs``), an identity provider's flow SPECIFIC_PROVIDERS; a
    flow nothing uses has no ``usedBy``."""
    env = realm
    ids = await _world(env)
    response = await _get(env, "/flows")
    assert response.status_code == 200, response.text
    flows = response.json()
    plain = (await _call(env, "GET", "/authentication/flows")).json()
    assert [f["alias"] for f in flows] == [f["alias"] for f in plain]
    assert "saml ecp" not in [f["alias"] for f in flows]
    browser = _by_alias(flows, "browser")
    assert browser == {
        "id": _by_alias(plain, "browser")["id"],
        "alias": "browser",
        "builtIn": True,
        "description": "Browser based authentication",
        "usedBy": {"type": "DEFAULT", "values": ["browser"]},
    }
    assert _by_alias(flows, "client-flow")["usedBy"] == {
        "type": "SPECIFIC_CLIENTS",
        "values": ["alpha", "app", "zeta"],
        "clientRefs": [
            {"id": ids["alpha"], "clientId": "alpha"},
            {"id": ids["app"], "clientId": "app"},
            {"id": ids["zeta"], "clientId": "zeta"},
        ],
    }
    grant = _by_alias(flows, "grant-flow")["usedBy"]
    assert grant == {
        "type": "SPECIFIC_CLIENTS",
        "values": ["zeta"],
        "clientRefs": [{"id": ids["zeta"], "clientId": "zeta"}],
    }
    assert _by_alias(flows, "idp-flow")["usedBy"] == {"type": "SPECIFIC_PROVIDERS", "values": ["hidden-idp"]}
    unused = _by_alias(flows, "unused")
    assert unused["builtIn"] is False and "usedBy" not in unused


async def test_a_realm_binding_wins_over_client_overrides(realm: Env) -> None:
    """The mapper sets DEFAULT last, so a bound flow clients also override is DEFAULT, and the flow it replaced is
    used by nothing."""
    env = realm
    ids = await _world(env)
    await _call(env, "PUT", "", {"browserFlow": "client-flow"})
    flows = (await _get(env, "/flows")).json()
    assert _by_alias(flows, "client-flow")["usedBy"] == {"type": "DEFAULT", "values": ["client-flow"]}
    assert "usedBy" not in _by_alias(flows, "browser")
    assert ids["client-flow"] == _by_alias(flows, "client-flow")["id"]


async def test_flow_summary_hides_clients_and_providers_without_view_permission(realm: Env) -> None:
    """flowSummaryHidesClientsAndIdpsWithoutViewPermission / …Shows…: a view-realm viewer sees neither usage; one
    holding view-clients and view-identity-providers too sees both."""
    env = realm
    await _world(env)
    viewer = await realm_admin(env, "flow-viewer", "view-realm")
    flows = (await _get(env, "/flows", viewer)).json()
    assert "usedBy" not in _by_alias(flows, "client-flow") and "usedBy" not in _by_alias(flows, "idp-flow")
    full = await realm_admin(env, "full-viewer", "view-realm", "view-clients", "view-identity-providers")
    flows = (await _get(env, "/flows", full)).json()
    assert _by_alias(flows, "client-flow")["usedBy"]["values"] == ["alpha", "app", "zeta"]
    assert _by_alias(flows, "idp-flow")["usedBy"]["values"] == ["hidden-idp"]


async def test_used_by_lists_the_clients_or_providers_the_caller_may_see(realm: Env) -> None:
    """usedByList{Hides,Shows}ClientsAndIdps…: ``clients/{id}`` is [] (200) without view-clients; ``idp/{id}`` is a
    403 without view-identity-providers; with them, UsedByReferences (a provider's without an id)."""
    env = realm
    ids = await _world(env)
    viewer = await realm_admin(env, "flow-viewer", "view-realm")
    hidden = await _get(env, f"/clients/{ids['client-flow']}", viewer)
    assert (hidden.status_code, hidden.json()) == (200, [])
    assert (await _get(env, f"/idp/{ids['idp-flow']}", viewer)).status_code == 403
    full = await realm_admin(env, "full-viewer", "view-realm", "view-clients", "view-identity-providers")
    shown = (await _get(env, f"/clients/{ids['client-flow']}", full)).json()
    assert shown == [
        {"id": ids["alpha"], "label": "alpha"},
        {"id": ids["app"], "label": "app"},
        {"id": ids["zeta"], "label": "zeta"},
    ]
    assert (await _get(env, f"/idp/{ids['idp-flow']}", full)).json() == [{"label": "hidden-idp"}]


async def test_used_by_pages_and_searches(realm: Env) -> None:
    """listUsed's ``first``/``max`` (10 by default) and ``search``: a case-sensitive part of the clientId; for
    identity providers the provider search (a prefix, case aside)."""
    env = realm
    ids = await _world(env)
    flow = ids["client-flow"]
    paged = (await _get(env, f"/clients/{flow}", first=1, max=1)).json()
    assert paged == [{"id": ids["app"], "label": "app"}]
    assert [r["label"] for r in (await _get(env, f"/clients/{flow}", search="p")).json()] == ["alpha", "app"]
    assert (await _get(env, f"/clients/{flow}", search="P")).json() == []
    assert (await _get(env, f"/idp/{ids['idp-flow']}", search="HIDDEN")).json() == [{"label": "hidden-idp"}]
    assert (await _get(env, f"/idp/{ids['idp-flow']}", search="idp")).json() == []
    assert (await _get(env, f"/idp/{ids['unused']}")).json() == []


async def test_used_by_refuses_an_unknown_flow_or_type_without_a_server_error(realm: Env) -> None:
    """Keycloak fails both with a 500 (an empty list's get(0), IllegalArgumentException "Invalid type"); Doorkeep
    answers getFlow's 404 and a 400. A query-clients admin may read the flows (requireViewAuthenticationFlows), a
    view-users one may not."""
    env = realm
    ids = await _world(env)
    missing = await _get(env, "/clients/no-such-flow")
    assert (missing.status_code, missing.json()) == (404, {"error": "Could not find flow with id"})
    odd = await _get(env, f"/roles/{ids['client-flow']}")
    assert (odd.status_code, odd.json()) == (400, {"error": "Invalid type"})
    querier = await realm_admin(env, "querier", "query-clients")
    assert (await _get(env, "/flows", querier)).status_code == 200
    users = await realm_admin(env, "users-viewer", "view-users")
    assert (await _get(env, "/flows", users)).status_code == 403


async def test_required_actions_say_whether_each_is_configurable(realm: Env) -> None:
    """getRequiredActions: GET authentication/required-actions' representations, in its order, each with
    ``configurable`` (every deployed factory declares max_auth_age but delete_account, which declares nothing); a
    query-users admin may read them, a view-clients one may not."""
    env = realm
    response = await _get(env, "/required-actions")
    assert response.status_code == 200, response.text
    listed = response.json()
    plain = (await _call(env, "GET", "/authentication/required-actions")).json()
    assert [{k: v for k, v in a.items() if k != "configurable"} for a in listed] == plain
    configurable = {a["alias"]: a["configurable"] for a in listed}
    assert configurable["UPDATE_PASSWORD"] is True and configurable["delete_account"] is False
    assert (
        await _get(env, "/required-actions", await realm_admin(env, "user-querier", "query-users"))
    ).status_code == 200
    assert (
        await _get(env, "/required-actions", await realm_admin(env, "clients-viewer", "view-clients"))
    ).status_code == 403
