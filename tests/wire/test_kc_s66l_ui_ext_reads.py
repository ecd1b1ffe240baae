"""The admin-ui-ext reads Keycloak 26's admin console calls and Doorkeep lacked (404 before): EffectiveRoleMappingResource
(``GET ui-ext/effective-roles/{users,groups,clients,clientScopes,roles}/{id}``), UIRealmsResource (``ui-ext/realms/
names``), UIRealmResource.getInfo (``ui-ext/info``) and AvailableEventListenersResource (``ui-ext/available-event-
listeners``), over HTTP against the real app. Who may call each is in tests/admin_route_matrix_data.py."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from admin_support import client_uuid, realm_admin
from wire_env import Env

pytestmark = pytest.mark.anyio
API = "/admin/realms/test"
UI = f"{API}/ui-ext"


async def _call(env: Env, method: str, path: str, body: Any = None) -> httpx.Response:
    headers = await env.admin_headers()
    response = await env.http.request(method, API + path, json=body, headers=headers)
    assert response.status_code < 300, f"{method} {path}: {response.status_code} {response.text}"
    return response


async def _made(env: Env, path: str, body: dict[str, Any]) -> str:
    return (await _call(env, "POST", path, body)).headers["location"].rsplit("/", 1)[1]


async def _role(env: Env, client: str, name: str) -> dict[str, Any]:
    found: dict[str, Any] = (await _call(env, "GET", f"/clients/{client}/roles/{name}")).json()
    return found


async def _world(env: Env) -> dict[str, str]:
    """Client ``shop`` with roles ``buy`` (a composite holding ``browse``) and ``browse``; client ``crm`` with role
    ``read`` (described); realm role ``staff`` holding crm's ``read``; group ``parent`` (crm ``read`` mapped) with
    subgroup ``child``; user ``ann`` holding shop's ``buy`` and realm role ``staff``, member of ``child``."""
    shop = await _made(env, "/clients", {"clientId": "shop"})
    crm = await _made(env, "/clients", {"clientId": "crm"})
    await _call(env, "POST", f"/clients/{shop}/roles", {"name": "browse"})
    await _call(env, "POST", f"/clients/{shop}/roles", {"name": "buy"})
    await _call(env, "POST", f"/clients/{crm}/roles", {"name": "read", "description": "Read the CRM"})
    browse, buy, read = await _role(env, shop, "browse"), await _role(env, shop, "buy"), await _role(env, crm, "read")
    await _call(env, "POST", f"/clients/{shop}/roles/buy/composites", [browse])
    await _call(env, "POST", "/roles", {"name": "staff"})
    await _call(env, "POST", "/roles/staff/composites", [read])
    staff = (await _call(env, "GET", "/roles/staff")).json()
    parent = await _made(env, "/groups", {"name": "parent"})
    child = await _made(env, f"/groups/{parent}/children", {"name": "child"})
    await _call(env, "POST", f"/groups/{parent}/role-mappings/clients/{crm}", [read])
    ann = await _made(env, "/users", {"username": "ann", "enabled": True})
    await _call(env, "PUT", f"/users/{ann}/groups/{child}")
    await _call(env, "POST", f"/users/{ann}/role-mappings/clients/{shop}", [buy])
    await _call(env, "POST", f"/users/{ann}/role-mappings/realm", [staff])
    scope = await _made(env, "/client-scopes", {"name": "shopping", "protocol": "openid-connect"})
    await _call(env, "POST", f"/client-scopes/{scope}/scope-mappings/clients/{shop}", [buy])
    await _call(env, "POST", f"/clients/{crm}/scope-mappings/clients/{shop}", [browse])
    return {
        "shop": shop, "crm": crm, "browse": browse["id"], "buy": buy["id"], "read": read["id"],
        "parent": parent, "child": child, "ann": ann, "scope": scope,
    }  # fmt: skip


def _client_role(w: dict[str, str], name: str) -> dict[str, str]:
    client = "crm" if name == "read" else "shop"
    out = {"id": w[name], "role": name, "client": client, "clientId": w[client]}
    return out | ({"description": "Read the CRM"} if name == "read" else {})


async def _effective(env: Env, kind: str, subject: str, headers: dict[str, str] | None = None) -> httpx.Response:
    headers = headers or await env.admin_headers()
    return await env.http.get(f"{UI}/effective-roles/{kind}/{subject}", headers=headers)


async def test_effective_roles_of_a_user_are_its_client_roles_through_composites_roles_and_groups(realm: Env) -> None:
    """EffectiveRoleMappingResource.listCompositeUsersRoleMappings: the user's own mappings and those of its groups
    and their parents, composites expanded, client roles only (realm role ``staff`` itself is not listed), sorted
    by clientId then role name, each as admin-ui-ext's ClientRole; the realm's default role, which every new user
    holds, brings account's roles first."""
    env = realm
    w = await _world(env)
    response = await _effective(env, "users", w["ann"])
    assert response.status_code == 200, response.text
    listed = response.json()
    assert [r["role"] for r in listed if r["client"] == "account"] == [
        "manage-account",
        "manage-account-links",
        "view-profile",
    ]
    assert [r for r in listed if r["client"] != "account"] == [
        _client_role(w, "read"),
        _client_role(w, "browse"),
        _client_role(w, "buy"),
    ]


async def test_effective_roles_of_groups_clients_and_client_scopes(realm: Env) -> None:
    """A subgroup inherits its parent's mappings; a client and a client scope answer their scope mappings expanded
    (crm's own role ``read`` is not in crm's scope)."""
    env = realm
    w = await _world(env)
    assert (await _effective(env, "groups", w["child"])).json() == [_client_role(w, "read")]
    assert (await _effective(env, "clients", w["crm"])).json() == [_client_role(w, "browse")]
    scoped = (await _effective(env, "clientScopes", w["scope"])).json()
    assert scoped == [_client_role(w, "browse"), _client_role(w, "buy")]


async def test_effective_roles_of_roles_answer_the_default_roles_client_roles(realm: Env) -> None:
    """listCompositeRealmRoleMappings ignores its id and expands the realm's default role: account's
    manage-account (holding manage-account-links) and view-profile."""
    env = realm
    account = await client_uuid(env, "test", "account")
    listed = (await _effective(env, "roles", "anything")).json()
    assert [(r["client"], r["role"], r["clientId"]) for r in listed] == [
        ("account", "manage-account", account),
        ("account", "manage-account-links", account),
        ("account", "view-profile", account),
    ]


async def test_effective_roles_look_the_subject_up_before_checking_the_caller(realm: Env) -> None:
    """Unknown ids: 404 with Keycloak's messages; an unknown user is 403 to who may not query users (no probing);
    a known user is 403 to a query-users admin, who may not view it."""
    env = realm
    w = await _world(env)
    missing = {
        "groups": "Could not find group",
        "clients": "Could not find client",
        "clientScopes": "Could not find client scope",
        "users": "User not found",
    }
    for kind, message in missing.items():
        response = await _effective(env, kind, "no-such-id")
        assert (response.status_code, response.json()) == (404, {"error": message}), kind
    querier = await realm_admin(env, "querier", "query-users")
    assert (await _effective(env, "users", "no-such-id", querier)).status_code == 404
    assert (await _effective(env, "users", w["ann"], querier)).status_code == 403
    nobody = await realm_admin(env, "nobody", "view-events")
    assert (await _effective(env, "users", "no-such-id", nobody)).status_code == 403
    assert (await _effective(env, "clients", w["crm"], nobody)).status_code == 403


async def test_realm_names_list_the_realms_the_caller_may_see(realm: Env) -> None:
    """UIRealmsResource.getRealms: master's admin sees every realm (case-insensitive ``search`` on the name,
    ``first``/``max``); a realm's admin its own realm; an admin of it holding no role nothing, without a 403."""
    env = realm
    await _call(env, "PUT", "", {"displayName": "Test Realm"})
    master = await env.admin_headers()
    everyone = (await env.http.get(f"{UI}/realms/names", params={"max": 100}, headers=master)).json()
    assert everyone == [{"name": "master", "displayName": "Keycloak"}, {"name": "test", "displayName": "Test Realm"}]
    searched = await env.http.get(f"{UI}/realms/names", params={"search": " TES "}, headers=master)
    assert searched.json() == [{"name": "test", "displayName": "Test Realm"}]
    paged = await env.http.get(f"{UI}/realms/names", params={"first": 1, "max": 1}, headers=master)
    assert paged.json() == everyone[1:2]
    viewer = await realm_admin(env, "viewer", "view-users")
    assert (await env.http.get(f"{UI}/realms/names", headers=viewer)).json() == [
        {"name": "test", "displayName": "Test Realm"}
    ]
    roleless = await realm_admin(env, "roleless")
    response = await env.http.get(f"{UI}/realms/names", headers=roleless)
    assert (response.status_code, response.json()) == (200, [])


async def test_realm_info_and_event_listeners(realm: Env) -> None:
    """UIRealmResource.getInfo for any admin of the realm (no user storage provider here); the realm event
    listeners to who may view events, each as ``{id}``; neither to an admin holding no role."""
    env = realm
    viewer = await realm_admin(env, "clients-viewer", "view-clients")
    info = await env.http.get(f"{UI}/info", headers=viewer)
    assert (info.status_code, info.json()) == (200, {"userProfileProvidersEnabled": False})
    assert (await env.http.get(f"{UI}/available-event-listeners", headers=viewer)).status_code == 403
    events = await realm_admin(env, "events-viewer", "view-events")
    listeners = await env.http.get(f"{UI}/available-event-listeners", headers=events)
    assert listeners.json() == [{"id": "jboss-logging"}, {"id": "email"}]
    roleless = await realm_admin(env, "roleless")
    assert (await env.http.get(f"{UI}/info", headers=roleless)).status_code == 403
