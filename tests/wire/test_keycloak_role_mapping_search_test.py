"""Keycloak's RoleMappingSearchTest (tests/base/.../tests/admin/RoleMappingSearchTest.java) ported one method to
one test: the ``available``, ``composite`` and ``inherited`` MappingsRepresentation views of the role-mapping,
scope-mapping and composite-role endpoints (RoleMappingAwareResource), which the admin console uses to show
effective roles and to search client roles across every client when assigning roles.

The Java class imports its realm anew for each method (``LifeCycle.METHOD``); so does each test here
(group_port.fresh_realm on the module's one app). The per-kind lists (``…/realm/composite``,
``…/clients/{id}/available``) are ported in test_keycloak_composite_realm_role_mappings_test.py and
test_keycloak_composite_client_role_mappings_test.py.

Not ported: ``viewClientsIsEnoughToListClientRoles`` and ``listingClientRolesFollowsViewPermissions``. They call
the admin client's ``clients().findRoles(search, first, max)``, a listing of every client's roles whose server
side (and URL) is in none of the Keycloak sources this port could read (not in ClientsResource nor in the admin
client of keycloak/keycloak); Doorkeep does not guess a URL for it.
"""

from __future__ import annotations

from typing import Any

import pytest

import group_port
from group_port import fresh_realm
from keycloak_port import ADMIN, admin_headers
from role_port import create, ok
from wire_env import Env

pytestmark = pytest.mark.anyio
anyio_backend, shared_env, env = group_port.anyio_backend, group_port.shared_env, group_port.env

REALM = "test"
CLIENT_A, CLIENT_B, OTHER_CLIENT = "client-a", "client-b", "other-client"


def _admin(username: str, *roles: str) -> dict[str, Any]:
    return {
        "username": username,
        "enabled": True,
        "firstName": username,
        "lastName": "Admin",
        "email": f"{username}@localhost",
        "emailVerified": True,
        "credentials": [{"type": "password", "value": "password"}],
        "clientRoles": {"realm-management": list(roles)},
    }


REALM_REP: dict[str, Any] = {
    "realm": REALM,
    "enabled": True,
    "roles": {
        "realm": [
            {"name": "realm-role-1"},
            {"name": "realm-role-2"},
            {
                "name": "composite-role",
                "composite": True,
                "composites": {"realm": ["realm-role-1"], "client": {CLIENT_A: ["a-role-2"]}},
            },
            {"name": "nested-composite-role", "composite": True, "composites": {"realm": ["composite-role"]}},
        ],
        "client": {
            CLIENT_A: [{"name": "a-role-1"}, {"name": "a-role-2"}],
            CLIENT_B: [{"name": "b-role-1"}, {"name": "b-role-2"}],
            OTHER_CLIENT: [{"name": "other-role"}],
        },
    },
    "clients": [
        {"clientId": "myclient", "secret": "mysecret", "directAccessGrantsEnabled": True, "publicClient": False},
        {"clientId": CLIENT_A},
        {"clientId": CLIENT_B},
        {"clientId": OTHER_CLIENT},
    ],
    "groups": [{"name": "target-group"}],
    "users": [
        {
            "username": "target",
            "enabled": True,
            "firstName": "Target",
            "lastName": "User",
            "email": "target@localhost",
            "emailVerified": True,
        },
        _admin("user-manager", "manage-users"),
        _admin("user-viewer", "view-users", "view-clients"),
        _admin("client-manager", "manage-clients"),
        _admin("client-viewer", "view-clients", "manage-authorization"),
        _admin("client-querier", "query-clients"),
        _admin("realm-viewer", "view-realm"),
    ],
}


class Ids:
    """The Java ``lookupIds``: the target user and group, and the three clients' UUIDs."""

    def __init__(self, user: str, group: str, clients: dict[str, str]) -> None:
        self.user, self.group, self.clients = user, group, clients


@pytest.fixture
async def ids(shared_env: Env) -> Ids:
    env = shared_env
    await fresh_realm(env, REALM_REP)
    (user,) = await ok(env, "GET", "/users", search="target", first=0, max=1)
    (group,) = await ok(env, "GET", "/groups", search="target-group", first=0, max=1)
    clients = {c["clientId"]: c["id"] for c in await ok(env, "GET", "/clients")}
    return Ids(user["id"], group["id"], clients)


async def _as(env: Env, username: str, path: str, **params: Any) -> Any:
    """GET ``path`` with the token of ``username`` (password ``password``) through ``myclient``."""
    headers = await _login(env, username)
    response = await env.http.get(ADMIN + path, params=params or None, headers=headers)
    assert response.status_code == 200, (username, path, response.status_code, response.text)
    return response.json()


async def _login(env: Env, username: str) -> dict[str, str]:
    form = {
        "grant_type": "password",
        "client_id": "myclient",
        "client_secret": "mysecret",
        "username": username,
        "password": "password",
    }
    response = await env.http.post(f"/realms/{REALM}/protocol/openid-connect/token", data=form)
    assert response.status_code == 200, (username, response.text)
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


async def _realm_role(env: Env, name: str) -> dict[str, Any]:
    return dict(await ok(env, "GET", f"/roles/{name}"))


async def _client_role(env: Env, client: str, name: str) -> dict[str, Any]:
    return dict(await ok(env, "GET", f"/clients/{client}/roles/{name}"))


async def _get(env: Env, path: str, **params: Any) -> dict[str, Any]:
    return dict(await ok(env, "GET", path, **params))


def _realm_names(mappings: dict[str, Any]) -> set[str]:
    return {r["name"] for r in mappings.get("realmMappings") or []}


def _role_names(mappings: dict[str, Any], client_id: str) -> set[str]:
    client_mappings = mappings.get("clientMappings") or {}
    assert client_id in client_mappings, (client_id, sorted(client_mappings))
    return {r["name"] for r in client_mappings[client_id]["mappings"]}


def _all_client_role_names(mappings: dict[str, Any]) -> list[str]:
    return [r["name"] for entry in (mappings.get("clientMappings") or {}).values() for r in entry["mappings"]]


async def test_available_client_roles_for_user_exclude_mapped_roles_and_support_paging(env: Env, ids: Ids) -> None:
    user = f"/users/{ids.user}/role-mappings"
    client_a = ids.clients[CLIENT_A]
    await ok(env, "POST", f"{user}/clients/{client_a}", [await _client_role(env, client_a, "a-role-1")])

    available = await _get(env, f"{user}/available")
    assert {"realm-role-1", "realm-role-2", "composite-role"} <= _realm_names(available)
    assert _role_names(available, CLIENT_A) == {"a-role-2"}
    assert _role_names(available, CLIENT_B) == {"b-role-1", "b-role-2"}
    assert _role_names(available, OTHER_CLIENT) == {"other-role"}

    # search matches the role name or the client id
    available = await _get(env, f"{user}/available", search="b-role")
    assert list(available["clientMappings"]) == [CLIENT_B]
    assert _role_names(available, CLIENT_B) == {"b-role-1", "b-role-2"}
    available = await _get(env, f"{user}/available", search=OTHER_CLIENT)
    assert list(available["clientMappings"]) == [OTHER_CLIENT]

    # paging over all client roles, regardless of the client they belong to
    first_page = _all_client_role_names(await _get(env, f"{user}/available", first=0, max=2))
    second_page = _all_client_role_names(await _get(env, f"{user}/available", first=2, max=2))
    assert len(first_page) == 2 and len(second_page) == 2
    assert not set(first_page) & set(second_page)


async def test_available_client_roles_for_group_exclude_mapped_roles(env: Env, ids: Ids) -> None:
    group = f"/groups/{ids.group}/role-mappings"
    client_b = ids.clients[CLIENT_B]
    await ok(env, "POST", f"{group}/clients/{client_b}", [await _client_role(env, client_b, "b-role-1")])

    available = await _get(env, f"{group}/available")
    assert _role_names(available, CLIENT_B) == {"b-role-2"}
    assert _role_names(available, CLIENT_A) == {"a-role-1", "a-role-2"}


async def test_manage_users_is_enough_to_search_client_roles_for_users(env: Env, ids: Ids) -> None:
    # the user manager cannot list clients...
    headers = await _login(env, "user-manager")
    response = await env.http.get(f"{ADMIN}/clients", headers=headers)
    assert response.status_code == 403, response.text

    # ...but can still search the client roles that can be mapped to a user
    available = await _as(env, "user-manager", f"/users/{ids.user}/role-mappings/available")
    assert _role_names(available, CLIENT_A) == {"a-role-1", "a-role-2"}
    assert _role_names(available, CLIENT_B) == {"b-role-1", "b-role-2"}

    available = await _as(env, "user-manager", f"/groups/{ids.group}/role-mappings/available", search="a-role")
    assert list(available["clientMappings"]) == [CLIENT_A]


async def test_view_only_admin_gets_no_available_roles_but_can_list_mappings(env: Env, ids: Ids) -> None:
    user = f"/users/{ids.user}/role-mappings"
    client_a = ids.clients[CLIENT_A]
    await ok(env, "POST", f"{user}/clients/{client_a}", [await _client_role(env, client_a, "a-role-1")])

    available = await _as(env, "user-viewer", f"{user}/available")
    assert available.get("realmMappings") is None
    assert available.get("clientMappings") is None

    mappings = await _as(env, "user-viewer", user)
    assert _role_names(mappings, CLIENT_A) == {"a-role-1"}


async def test_composite_returns_effective_roles_for_users_including_groups_and_composites(env: Env, ids: Ids) -> None:
    user, client_b = f"/users/{ids.user}", ids.clients[CLIENT_B]
    await ok(env, "POST", f"{user}/role-mappings/realm", [await _realm_role(env, "composite-role")])
    b_role_1 = await _client_role(env, client_b, "b-role-1")
    await ok(env, "POST", f"/groups/{ids.group}/role-mappings/clients/{client_b}", [b_role_1])
    await ok(env, "PUT", f"{user}/groups/{ids.group}")

    direct = await _get(env, f"{user}/role-mappings")
    assert "composite-role" in _realm_names(direct)
    assert "realm-role-1" not in _realm_names(direct)
    assert direct.get("clientMappings") is None

    effective = await _get(env, f"{user}/role-mappings/composite")
    assert {"composite-role", "realm-role-1"} <= _realm_names(effective)
    assert "b-role-1" in _role_names(effective, CLIENT_B), "inherited from the group"
    assert "a-role-2" in _role_names(effective, CLIENT_A), "child of composite-role"


async def test_scope_mappings_support_composite_and_available(env: Env, ids: Ids) -> None:
    scope, client_b = f"/clients/{ids.clients[CLIENT_A]}/scope-mappings", ids.clients[CLIENT_B]
    await ok(env, "POST", f"{scope}/realm", [await _realm_role(env, "composite-role")])
    await ok(env, "POST", f"{scope}/clients/{client_b}", [await _client_role(env, client_b, "b-role-1")])

    effective = await _get(env, f"{scope}/composite")
    assert {"composite-role", "realm-role-1"} <= _realm_names(effective)
    assert "a-role-2" in _role_names(effective, CLIENT_A)
    assert "b-role-1" in _role_names(effective, CLIENT_B)

    available = await _get(env, f"{scope}/available")
    # already mapped roles and the roles of the client itself are excluded
    assert CLIENT_A not in available["clientMappings"]
    assert _role_names(available, CLIENT_B) == {"b-role-2"}
    assert _role_names(available, OTHER_CLIENT) == {"other-role"}
    assert {"realm-role-1", "realm-role-2"} <= _realm_names(available)
    assert "composite-role" not in _realm_names(available)

    # scope mappings require manage-clients, view-clients is not enough to get candidates
    available = await _as(env, "client-viewer", f"{scope}/available")
    assert available.get("clientMappings") is None
    available = await _as(env, "client-manager", f"{scope}/available", search="b-role")
    assert _role_names(available, CLIENT_B) == {"b-role-2"}


async def test_role_composites_support_composite_and_available(env: Env, ids: Ids) -> None:
    composite = await _realm_role(env, "composite-role")
    nested = await _realm_role(env, "nested-composite-role")

    direct = await ok(env, "GET", f"/roles-by-id/{nested['id']}/composites")
    assert {r["name"] for r in direct} == {"composite-role"}

    effective = await _get(env, f"/roles-by-id/{nested['id']}/composites/composite")
    assert _realm_names(effective) == {"composite-role", "realm-role-1"}
    assert _role_names(effective, CLIENT_A) == {"a-role-2"}

    available = await _get(env, f"/roles-by-id/{composite['id']}/composites/available")
    assert _role_names(available, CLIENT_A) == {"a-role-1"}
    assert _role_names(available, CLIENT_B) == {"b-role-1", "b-role-2"}
    assert "other-role" in _role_names(available, OTHER_CLIENT)
    assert "realm-role-2" in _realm_names(available)
    # the role itself and its current children are not available
    assert not {"composite-role", "realm-role-1"} & _realm_names(available)

    available = await _get(env, f"/roles-by-id/{composite['id']}/composites/available", search=CLIENT_B, first=0, max=1)
    page = _all_client_role_names(available)
    assert len(page) == 1
    assert page[0] in ("b-role-1", "b-role-2")


async def test_inherited_returns_roles_obtained_through_groups_and_composites(env: Env, ids: Ids) -> None:
    user, group, client_b = f"/users/{ids.user}", f"/groups/{ids.group}", ids.clients[CLIENT_B]
    composite_role = await _realm_role(env, "composite-role")
    b_role_1 = await _client_role(env, client_b, "b-role-1")
    # composite-role (direct) brings realm-role-1 and a-role-2, b-role-1 is both direct and inherited from the group
    await ok(env, "POST", f"{user}/role-mappings/realm", [composite_role])
    await ok(env, "POST", f"{user}/role-mappings/clients/{client_b}", [b_role_1])
    await ok(env, "POST", f"{group}/role-mappings/clients/{client_b}", [b_role_1])
    await ok(env, "PUT", f"{user}/groups/{ids.group}")

    inherited = await _get(env, f"{user}/role-mappings/inherited")
    assert _realm_names(inherited) == {"realm-role-1"}
    assert _role_names(inherited, CLIENT_A) == {"a-role-2"}
    assert _role_names(inherited, CLIENT_B) == {"b-role-1"}

    # a group inherits from its parents and from its composite roles, not from its direct roles
    sub_group = await create(env, f"{group}/children", {"name": "sub-group"})
    await ok(env, "POST", f"/groups/{sub_group}/role-mappings/realm", [composite_role])
    inherited = await _get(env, f"/groups/{sub_group}/role-mappings/inherited")
    assert _realm_names(inherited) == {"realm-role-1"}
    assert _role_names(inherited, CLIENT_A) == {"a-role-2"}
    assert _role_names(inherited, CLIENT_B) == {"b-role-1"}

    # scope mappings inherit from the composite roles in the scope
    scope = f"/clients/{ids.clients[CLIENT_A]}/scope-mappings"
    await ok(env, "POST", f"{scope}/realm", [composite_role, await _realm_role(env, "realm-role-1")])
    inherited = await _get(env, f"{scope}/inherited")
    assert _realm_names(inherited) == {"realm-role-1"}
    assert _role_names(inherited, CLIENT_A) == {"a-role-2"}
    assert CLIENT_B not in inherited.get("clientMappings", {})

    # composite roles inherit from their composite children
    nested = await _realm_role(env, "nested-composite-role")
    inherited = await _get(env, f"/roles-by-id/{nested['id']}/composites/inherited")
    assert _realm_names(inherited) == {"realm-role-1"}
    assert _role_names(inherited, CLIENT_A) == {"a-role-2"}


async def test_available_pages_are_not_shortened_by_roles_the_caller_cannot_map(env: Env, ids: Ids) -> None:
    # manage-users does not allow mapping realm-management roles the admin does not hold, those roles must not
    # consume the page
    path = f"/users/{ids.user}/role-mappings/available"
    headers = await _login(env, "user-manager")

    async def available(**params: Any) -> list[str]:
        response = await env.http.get(ADMIN + path, params=params or None, headers=headers)
        assert response.status_code == 200, response.text
        return _all_client_role_names(response.json())

    every = await available()
    assert "manage-users" in every
    assert "manage-realm" not in every

    paged: list[str] = []
    first = 0
    while names := await available(first=first, max=3):
        assert len(names) in (3, len(every) - first), (first, names)
        paged += names
        first += 3
    assert paged == every


async def test_doorkeep_the_views_refuse_unknown_targets_bad_paging_and_callers_without_view_rights(
    env: Env, ids: Ids
) -> None:
    """Not in the Java class: the views answer Keycloak's errors, never a 500. An unknown user, group or role is
    404 with the lookup's text; a ``first`` that is no Integer is JAX-RS's 404; an admin without view-users may
    not read a user's candidates (the check the unported viewClientsIsEnoughToListClientRoles ends with)."""
    unknown = "00000000-0000-0000-0000-000000000000"
    for path, text in (
        (f"/users/{unknown}/role-mappings/available", "User not found"),
        (f"/groups/{unknown}/role-mappings/inherited", "Could not find group by id"),
        (f"/roles-by-id/{unknown}/composites/composite", "Could not find role with id"),
        (f"/users/{ids.user}/role-mappings/available?first=x", "HTTP 404 Not Found"),
    ):
        response = await env.http.get(ADMIN + path, headers=await admin_headers(env))
        assert (response.status_code, response.json()) == (404, {"error": text}), (path, response.text)
    response = await env.http.get(
        f"{ADMIN}/users/{ids.user}/role-mappings/available", headers=await _login(env, "client-viewer")
    )
    assert response.status_code == 403, response.text
