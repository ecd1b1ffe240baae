"""Hostile s65b: what an admin holding only query-users learns from the lists Keycloak opens to it (UsersResource
requireQuery, ClientPermissions.canList, RolePermissions.canList), and logout-all by a manage-users admin.

Without view-users the user list and count show nobody however they are asked (search, q=, exact, idpAlias, brief,
paging): Keycloak filters by canView(user), and counts over the groups the caller may view members of, none without
fine-grained permissions. The client list shows nothing it may not view, whatever clientId or search names. The
realm roles list is closed since Keycloak 26.6 (keycloak#46744: a query role lists no roles), and so are a client's.
An unknown client id is a 404 to a
caller that may list clients and a 403 to one that may not (ClientsResource.getClient: "somebody can't phish ids")."""

from __future__ import annotations

import pytest

from admin_support import make_admin
from support import password_grant, refresh, seed_client, seed_realm, seed_user
from wire_env import Env

pytestmark = pytest.mark.anyio

USERS = "/admin/realms/test/users"


@pytest.fixture
async def lists(env: Env) -> Env:
    await seed_realm(env.db, env.clock)
    await seed_client(env.db, "test", "app")
    await seed_user(env.db, env.clock, "test", "victim", attributes={"dept": ["secret-project"]})
    return env


@pytest.mark.parametrize(
    "query",
    [
        {},
        {"search": "victim"},
        {"search": "vic*"},
        {"search": "id:nonexistent"},
        {"username": "victim", "exact": "true"},
        {"q": "dept:secret-project"},
        {"idpAlias": "corp"},
        {"briefRepresentation": "true"},
        {"first": "0", "max": "1"},
        {"enabled": "true"},
        {"emailVerified": "false"},
    ],
)
async def test_query_users_alone_finds_and_counts_nobody(lists: Env, query: dict[str, str]) -> None:
    _, bearer = await make_admin(lists, "test", "asker", "query-users")
    found = await lists.http.get(USERS, params=query, headers=bearer)
    assert found.status_code == 200 and found.json() == [], (query, found.text)
    counted = await lists.http.get(f"{USERS}/count", params=query, headers=bearer)
    assert counted.status_code == 200 and counted.json() == 0, (query, counted.text)


async def test_query_users_alone_sees_no_client_by_any_name(lists: Env) -> None:
    _, bearer = await make_admin(lists, "test", "asker", "query-users")
    for query in (
        {},
        {"clientId": "app"},
        {"clientId": "no-such-client"},
        {"clientId": "ap", "search": "true"},
        {"clientId": "zz", "search": "true"},
        {"first": "0", "max": "1"},
    ):
        response = await lists.http.get("/admin/realms/test/clients", params=query, headers=bearer)
        assert response.status_code == 200 and response.json() == [], (query, response.text)


async def test_query_users_lists_no_realm_roles_and_no_client_roles(lists: Env) -> None:
    _, bearer = await make_admin(lists, "test", "asker", "query-users")
    admin = await lists.admin_headers()
    app = (await lists.http.get("/admin/realms/test/clients?clientId=app", headers=admin)).json()[0]
    roles = await lists.http.get("/admin/realms/test/roles", headers=bearer)
    assert roles.status_code == 403, roles.text
    client_roles = await lists.http.get(f"/admin/realms/test/clients/{app['id']}/roles", headers=bearer)
    assert client_roles.status_code == 403, client_roles.text
    unknown = await lists.http.get(
        "/admin/realms/test/clients/00000000-0000-0000-0000-000000000000/roles", headers=bearer
    )
    assert unknown.status_code == 404, unknown.text  # canList: Keycloak's "Could not find client"
    _, events_only = await make_admin(lists, "test", "auditor", "view-events")
    unknown = await lists.http.get(
        "/admin/realms/test/clients/00000000-0000-0000-0000-000000000000/roles", headers=events_only
    )
    assert unknown.status_code == 403, unknown.text


async def test_logout_all_leaves_other_realms_offline_sessions(env: Env) -> None:
    for realm in ("test", "other"):
        await seed_realm(env.db, env.clock, realm)
        await seed_client(env.db, realm, "app")
        await seed_user(env.db, env.clock, realm, "user1")
    offline = {}
    for realm in ("test", "other"):
        response = await password_grant(env.http, realm, "app", scope="offline_access")
        assert response.status_code == 200, response.text
        offline[realm] = response.json()["refresh_token"]
    _, bearer = await make_admin(env, "test", "manager", "manage-users")
    env.clock.advance(5)
    response = await env.http.post("/admin/realms/test/logout-all", headers=bearer)
    assert response.status_code == 200 and response.json() == {}, response.text
    other = await env.http.post("/admin/realms/other/logout-all", headers=bearer)
    assert other.status_code in (401, 403), other.text
    assert (await refresh(env.http, "test", "app", offline["test"])).status_code == 400
    kept = await refresh(env.http, "other", "app", offline["other"])
    assert kept.status_code == 200, kept.text
    admin = await env.admin_headers()
    app = (await env.http.get("/admin/realms/other/clients?clientId=app", headers=admin)).json()[0]
    count = await env.http.get(f"/admin/realms/other/clients/{app['id']}/offline-session-count", headers=admin)
    assert count.json() == {"count": 1}
