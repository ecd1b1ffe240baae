"""Other doors to Keycloak 26.6's stricter role listing (RolePermissions.canList: view-realm, or
manage-identity-providers for realm roles; the client's view permission for its roles): an admin holding only a
query role, or view-users / view-clients, reads no realm role that no user they may view holds, through any route
that shows roles: single roles by name or id, composites, the users and groups of a role, the "available" mappings
of users, groups, clients and client scopes (filtered by canMapRole), the admin console's ui-ext lists, the scope
evaluation, the realm representation and the partial export."""

from __future__ import annotations

import pytest

from admin_support import client_uuid, make_admin
from support import seed_client, seed_realm, seed_user
from wire_env import Env

pytestmark = pytest.mark.anyio
R = "/admin/realms/test"


async def _paths(env: Env) -> list[str]:
    h = await env.admin_headers()
    assert (await env.http.post(f"{R}/roles", json={"name": "secret-role"}, headers=h)).status_code == 201
    rid = (await env.http.get(f"{R}/roles/secret-role", headers=h)).json()["id"]
    made = await env.http.post(f"{R}/groups", json={"name": "g"}, headers=h)
    gid = made.headers["location"].rsplit("/", 1)[1]
    app = await client_uuid(env, "test", "app")
    scope = (await env.http.get(f"{R}/client-scopes", headers=h)).json()[0]["id"]
    user = (await env.http.get(f"{R}/users", params={"username": "alice"}, headers=h)).json()[0]["id"]
    return [
        f"{R}/roles",
        f"{R}/roles/secret-role",
        f"{R}/roles-by-id/{rid}",
        f"{R}/roles/secret-role/composites",
        f"{R}/roles-by-id/{rid}/composites",
        f"{R}/roles/secret-role/users",
        f"{R}/roles/secret-role/groups",
        f"{R}/users/{user}/role-mappings/realm/available",
        f"{R}/groups/{gid}/role-mappings/realm/available",
        f"{R}/clients/{app}/scope-mappings/realm/available",
        f"{R}/client-scopes/{scope}/scope-mappings/realm/available",
        f"{R}/ui-ext/available-roles/users/{user}",
        f"{R}/ui-ext/available-roles/groups/{gid}",
        f"{R}/ui-ext/available-roles/clients/{app}",
        f"{R}/ui-ext/effective-roles/users/{user}",
        f"{R}/ui-ext/effective-roles/clients/{app}",
        f"{R}/clients/{app}/evaluate-scopes/scope-mappings/{app}/not-granted",
        R,
        f"{R}/partial-export",
    ]


@pytest.mark.parametrize(
    "roles",
    [("query-users",), ("query-groups",), ("query-clients",), ("query-realms",), ("view-users",), ("view-clients",)],
)
async def test_no_door_shows_an_unheld_realm_role(env: Env, roles: tuple[str, ...]) -> None:
    await seed_realm(env.db, env.clock)
    await seed_client(env.db, "test", "app")
    await seed_user(env.db, env.clock, "test", "alice")
    paths = await _paths(env)
    _, bearer = await make_admin(env, "test", "near", *roles)
    for path in paths:
        answer = await env.http.get(path, headers=bearer)
        assert answer.status_code < 500, (path, answer.text[:200])
        if answer.status_code == 200:
            assert "secret-role" not in answer.text, (roles, path, answer.text[:200])
