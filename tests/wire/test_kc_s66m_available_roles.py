"""Keycloak 26's admin-ui-ext AvailableRoleMappingResource (``GET ui-ext/available-roles/{users,groups,clients,
clientScopes,roles}/{id}``, 404 in Doorkeep before), and the lookup order of the ``users/{id}/role-mappings/…``
views (RoleMappingAwareResource) Keycloak's UsersResource.user locator sets, over HTTP against the real app.
Who may call each route is in tests/admin_route_matrix_data.py."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from admin_support import realm_admin
from wire_env import Env

pytestmark = pytest.mark.anyio
API = "/admin/realms/test"
AVAILABLE = f"{API}/ui-ext/available-roles"


async def _call(env: Env, method: str, path: str, body: Any = None) -> httpx.Response:
    response = await env.http.request(method, API + path, json=body, headers=await env.admin_headers())
    assert response.status_code < 300, f"{method} {path}: {response.status_code} {response.text}"
    return response


async def _made(env: Env, path: str, body: dict[str, Any]) -> str:
    return (await _call(env, "POST", path, body)).headers["location"].rsplit("/", 1)[1]


async def _world(env: Env) -> dict[str, Any]:
    """Client ``shop`` with roles ``browse``, ``buy`` (described) and ``sell``; client ``shipping`` with role
    ``ship``; user ``ann`` holding shop's ``buy``; group ``staff`` holding shop's ``sell``; client ``shipping``'s
    scope holding shop's ``browse``; client scope ``shopping`` holding shop's ``buy``."""
    shop = await _made(env, "/clients", {"clientId": "shop"})
    shipping = await _made(env, "/clients", {"clientId": "shipping"})
    for name in ("browse", "sell"):
        await _call(env, "POST", f"/clients/{shop}/roles", {"name": name})
    await _call(env, "POST", f"/clients/{shop}/roles", {"name": "buy", "description": "Buy things"})
    await _call(env, "POST", f"/clients/{shipping}/roles", {"name": "ship"})
    roles = {r["name"]: r for r in (await _call(env, "GET", f"/clients/{shop}/roles")).json()}
    roles["ship"] = (await _call(env, "GET", f"/clients/{shipping}/roles/ship")).json()
    ann = await _made(env, "/users", {"username": "ann", "enabled": True})
    await _call(env, "POST", f"/users/{ann}/role-mappings/clients/{shop}", [roles["buy"]])
    staff = await _made(env, "/groups", {"name": "staff"})
    await _call(env, "POST", f"/groups/{staff}/role-mappings/clients/{shop}", [roles["sell"]])
    await _call(env, "POST", f"/clients/{shipping}/scope-mappings/clients/{shop}", [roles["browse"]])
    scope = await _made(env, "/client-scopes", {"name": "shopping", "protocol": "openid-connect"})
    await _call(env, "POST", f"/client-scopes/{scope}/scope-mappings/clients/{shop}", [roles["buy"]])
    return {"shop": shop, "shipping": shipping, "ann": ann, "staff": staff, "scope": scope, "roles": roles}


def _rep(w: dict[str, Any], name: str) -> dict[str, str]:
    """admin-ui-ext's ClientRole of one of the world's roles."""
    client = "shipping" if name == "ship" else "shop"
    out = {"id": w["roles"][name]["id"], "role": name, "client": client, "clientId": w[client]}
    return out | ({"description": "Buy things"} if name == "buy" else {})


async def _available(
    env: Env, kind: str, subject: str, headers: dict[str, str] | None = None, **query: Any
) -> httpx.Response:
    headers = headers or await env.admin_headers()
    return await env.http.get(f"{AVAILABLE}/{kind}/{subject}", params=query, headers=headers)


async def test_available_roles_leave_out_what_each_subject_already_holds(realm: Env) -> None:
    """searchForClientRolesStream with the excluded ids: a user's and a group's direct client role mappings, a client
    scope's client scope mappings, a client's scope mappings and its own roles, and ``roles/{id}`` the id itself;
    ``search`` matches the role name or the clientId, case-insensitively; sorted by clientId then name."""
    env = realm
    w = await _world(env)
    cases = {
        ("users", w["ann"]): ["ship", "browse", "sell"],
        ("groups", w["staff"]): ["ship", "browse", "buy"],
        ("clientScopes", w["scope"]): ["ship", "browse", "sell"],
        ("clients", w["shipping"]): ["buy", "sell"],  # its scope's browse and its own ship left out
        ("roles", w["roles"]["sell"]["id"]): ["ship", "browse", "buy"],
    }
    for (kind, subject), names in cases.items():
        response = await _available(env, kind, subject, search="SH")
        assert response.status_code == 200, (kind, response.text)
        assert response.json() == [_rep(w, n) for n in names], kind
    by_role_name = await _available(env, "users", w["ann"], search="ell")
    assert by_role_name.json() == [_rep(w, "sell")]


async def test_available_roles_are_paged_ten_by_default_over_every_clients_roles(realm: Env) -> None:
    """``first`` 0 and ``max`` 10 by default; without a search every client's roles are offered (account's and
    realm-management's too), ordered by clientId; a ``first`` that is not a number is JAX-RS's 404."""
    env = realm
    w = await _world(env)
    page = (await _available(env, "users", w["ann"])).json()
    assert len(page) == 10
    assert page[0]["client"] == "account"
    assert [r["client"] for r in page] == sorted(r["client"] for r in page)
    second = (await _available(env, "users", w["ann"], first=2, max=3)).json()
    assert second == page[2:5]
    shop = (await _available(env, "users", w["ann"], search="shop", first=1, max=1)).json()
    assert shop == [_rep(w, "sell")]
    assert (await _available(env, "users", w["ann"], first="x")).status_code == 404


async def test_available_roles_without_manage_roles_are_empty(realm: Env) -> None:
    """Without fine-grained permissions only manage-users (users, groups, roles) or manage-clients (clients, client
    scopes) get the list; any other admin of the realm gets ``[]`` once the subject is found, view roles included."""
    env = realm
    w = await _world(env)
    viewer = await realm_admin(env, "viewer", "view-users", "view-clients")
    users_manager = await realm_admin(env, "users-manager", "manage-users")
    clients_manager = await realm_admin(env, "clients-manager", "manage-clients")
    subjects = {
        "users": w["ann"],
        "groups": w["staff"],
        "roles": "any",
        "clients": w["shop"],
        "clientScopes": w["scope"],
    }
    for kind, subject in subjects.items():
        seen = await _available(env, kind, subject, viewer, search="ship")
        assert (seen.status_code, seen.json()) == (200, []), kind
        manager = users_manager if kind in ("users", "groups", "roles") else clients_manager
        other = clients_manager if manager is users_manager else users_manager
        assert (await _available(env, kind, subject, manager, search="ship")).json() == [_rep(w, "ship")], kind
        assert (await _available(env, kind, subject, other, search="ship")).json() == [], kind


async def test_available_roles_of_an_unknown_subject_are_404_only_to_who_may_list_them(realm: Env) -> None:
    """Keycloak's messages, and 403 to an admin who may not list that kind (users().canQuery, groups().canList,
    clients().canList, clients().canListClientScopes), so ids cannot be probed."""
    env = realm
    missing = {
        "users": "User not found",
        "groups": "Could not find group",
        "clients": "Could not find client",
        "clientScopes": "Could not find client scope",
    }
    for kind, message in missing.items():
        response = await _available(env, kind, "no-such-id")
        assert (response.status_code, response.json()) == (404, {"error": message}), kind
    events = await realm_admin(env, "events", "view-events")
    for kind in missing:
        assert (await _available(env, kind, "no-such-id", events)).status_code == 403, kind
    listers = {
        "users": await realm_admin(env, "user-querier", "query-users"),
        "groups": await realm_admin(env, "group-querier", "query-groups"),
        "clients": await realm_admin(env, "client-querier", "query-clients"),
        "clientScopes": await realm_admin(env, "scope-querier", "query-clients"),
    }
    for kind, headers in listers.items():
        assert (await _available(env, kind, "no-such-id", headers)).status_code == 404, kind


async def test_role_mapping_views_of_an_unknown_user_are_404_to_a_query_users_admin(realm: Env) -> None:
    """UsersResource.user looks the user up before UserResource checks view-users: an admin holding query-users
    alone learns that an id is unknown (404) and is refused a known user's mappings (403); an admin who may not
    query users gets 403 either way."""
    env = realm
    w = await _world(env)
    querier = await realm_admin(env, "querier", "query-users")
    events = await realm_admin(env, "events", "view-events")
    for view in ("composite", "inherited", "available"):
        unknown = await env.http.get(f"{API}/users/no-such-id/role-mappings/{view}", headers=querier)
        assert (unknown.status_code, unknown.json()) == (404, {"error": "User not found"}), view
        known = await env.http.get(f"{API}/users/{w['ann']}/role-mappings/{view}", headers=querier)
        assert known.status_code == 403, view
        hidden = await env.http.get(f"{API}/users/no-such-id/role-mappings/{view}", headers=events)
        assert hidden.status_code == 403, view
