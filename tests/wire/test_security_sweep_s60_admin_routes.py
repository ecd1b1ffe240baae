"""Session 60 sweep of the Admin REST route by route (/tmp/s60/b-table.md lists each route's check beside
Keycloak's): every route of the server's own route table is called by an unauthenticated caller, by another
realm's realm-admin and, with ids no object has, by an admin who may not look the object up; then the by-id
doors between two realms are tried with real ids, and a limited admin tries the doors of partial import.

Fixed here: bulk revocation read and judged its body before it asked who called (an unauthenticated call got the
criteria's 400, not the 401); ``client-scopes/{id}`` looked the scope up before asking requireListClientScopes,
and ``users/{id}/groups`` answered an unknown user 404 whatever the caller could query, so both told an admin
who may not see scopes or users which ids exist (Keycloak answers 403 first: ClientScopesResource.getClientScope,
UsersResource.user).
"""

from __future__ import annotations

import re
import uuid
from typing import Any

import pytest
from starlette.routing import Route

from admin_support import FORBIDDEN_BODY, demo_realm, forbidden, make_admin, mapped, role_ref
from doorkeep.web.admin.routes import admin_routes
from support import password_grant, seed_client, seed_realm, seed_user
from wire_env import Env

pytestmark = pytest.mark.anyio

DEMO = "/admin/realms/demo"
VICTIM = "/admin/realms/victim"
NOBODY = str(uuid.UUID(int=7))  # an id no object has
# Keycloak looks these up before any check (GroupsResource.getGroupById, RoleByIdResource.getRoleModel): a 404
# to anyone signed in as an administrator of the realm.
LOOKED_UP_FIRST = (
    "/{realm}/groups/{id}",
    "/{realm}/roles-by-id/{role_id}",
    # admin-ui-ext EffectiveRoleMappingResource finds the group or client before it asks who calls (s66-l)
    "/{realm}/ui-ext/effective-roles/groups/{id}",
    "/{realm}/ui-ext/effective-roles/clients/{id}",
)
# Keycloak's admin-ui-ext role reads for ``roles/{id}`` look nothing up: the same answer whatever the id.
NOTHING_LOOKED_UP = ("/{realm}/ui-ext/available-roles/roles/{id}", "/{realm}/ui-ext/effective-roles/roles/{id}")


IDS = ("{id}", "{user}", "{uuid}", "{role_id}", "{group}", "{client}", "{credential}", "{session}", "{mid}", "{inv}")


def calls() -> list[tuple[str, str, str, Any]]:
    """Every route and method of the admin API as ``(method, template, url, body)``: on realm ``demo``, with ids
    no object has."""
    out: list[tuple[str, str, str, Any]] = []
    for route in admin_routes():
        assert isinstance(route, Route)
        path = re.sub(r"\{path(:path)?\}", "a", route.path.replace("{realm}", "demo"))
        url = re.sub(r"\{[^}]+\}", NOBODY, path)
        for method in sorted((route.methods or set()) - {"HEAD"}):
            out.append(
                (method, route.path.removeprefix("/admin/realms"), url, {} if method in ("POST", "PUT") else None)
            )
    return out


async def test_every_admin_route_answers_an_unauthenticated_call_401_before_reading_its_body(env: Env) -> None:
    await demo_realm(env)
    wrong = []
    for method, _, url, body in calls():
        response = await env.http.request(method, url, json=body)
        if response.status_code != 401:
            wrong.append(f"{method} {url}: {response.status_code} {response.text[:80]}")
    assert wrong == [], "\n".join(wrong)


async def test_every_admin_route_of_a_realm_refuses_another_realms_administrator(env: Env) -> None:
    """RealmsAdminResource.getRealmAdmin: a token of realm ``victim`` administers ``victim`` only, 403 for ``demo``
    whatever the path, the ids or the body."""
    await demo_realm(env)
    await seed_realm(env.db, env.clock, "victim")
    _, other = await make_admin(env, "victim", "vboss", "realm-admin")
    wrong = []
    for method, _, url, body in calls():
        if not url.startswith(DEMO):
            continue  # GET /admin/realms lists the realms the caller may view: its own
        response = await env.http.request(method, url, json=body, headers=other)
        if (response.status_code, response.json() if response.content else None) != (403, FORBIDDEN_BODY):
            wrong.append(f"{method} {url}: {response.status_code} {response.text[:80]}")
    assert wrong == [], "\n".join(wrong)


async def test_no_route_tells_an_admin_who_may_not_look_whether_an_id_exists(env: Env) -> None:
    """An administrator holding view-events only gets 403 for every path naming an id, not the 404 that would
    tell an unknown id from a known one, except where Keycloak itself looks the object up first."""
    await demo_realm(env)
    _, watcher = await make_admin(env, "demo", "eventwatcher", "view-events")
    looked_up = set()
    for method, path, url, body in calls():
        if not any(param in path for param in IDS):
            continue
        if path in NOTHING_LOOKED_UP:
            continue
        response = await env.http.request(method, url, json=body, headers=watcher)
        if response.status_code != 403:
            assert response.status_code == 404, f"{method} {url}: {response.status_code} {response.text}"
            looked_up.add(next((prefix for prefix in LOOKED_UP_FIRST if path.startswith(prefix)), path))
    assert looked_up == set(LOOKED_UP_FIRST)


async def test_bulk_revocation_asks_who_calls_before_it_judges_the_criteria(env: Env) -> None:
    await demo_realm(env)
    await seed_realm(env.db, env.clock, "victim")
    _, viewer = await make_admin(env, "demo", "viewer", "view-users")
    _, other = await make_admin(env, "victim", "vboss", "realm-admin")
    url = f"{DEMO}/offline-sessions/revoke"
    for body in ({}, {"clientId": "nobody"}, [1]):
        anonymous = await env.http.post(url, json=body)
        assert anonymous.status_code == 401 and "WWW-Authenticate" in anonymous.headers, anonymous.text
        forbidden(await env.http.post(url, json=body, headers=viewer))
        forbidden(await env.http.post(url, json=body, headers=other))
    _, helpdesk = await make_admin(env, "demo", "helpdesk", "manage-users")
    refused = await env.http.post(url, json={}, headers=helpdesk)
    assert (refused.status_code, refused.json()) == (400, {"error": "At least one criterion is required"})
    done = await env.http.post(url, json={"username": "helpdesk", "dryRun": True}, headers=helpdesk)
    assert done.status_code == 200 and done.json()["count"] == 0, done.text


async def test_unknown_client_scope_and_user_ids_are_403_to_who_may_not_list_them(env: Env) -> None:
    await demo_realm(env)
    _, watcher = await make_admin(env, "demo", "eventwatcher", "view-events")
    _, querier = await make_admin(env, "demo", "querier", "query-clients", "query-users")
    forbidden(await env.http.get(f"{DEMO}/client-scopes/{NOBODY}", headers=watcher))
    forbidden(await env.http.get(f"{DEMO}/client-scopes/{NOBODY}/protocol-mappers/models", headers=watcher))
    forbidden(await env.http.get(f"{DEMO}/users/{NOBODY}/groups", headers=watcher))
    forbidden(await env.http.put(f"{DEMO}/users/{NOBODY}/groups/{NOBODY}", headers=watcher))
    scope = await env.http.get(f"{DEMO}/client-scopes/{NOBODY}", headers=querier)
    assert (scope.status_code, scope.json()) == (404, {"error": "Could not find client scope"})
    groups = await env.http.get(f"{DEMO}/users/{NOBODY}/groups", headers=querier)
    assert (groups.status_code, groups.json()) == (404, {"error": "User not found"})


def _location(response: Any) -> str:
    assert response.status_code == 201, response.text
    return str(response.headers["location"]).rsplit("/", 1)[1]


async def test_a_realm_admin_reaches_no_object_of_another_realm_by_its_id(env: Env) -> None:
    """Each door that takes an id is tried with the id of realm ``victim``'s object on realm ``demo``'s path, by
    ``demo``'s realm-admin: all 404 (the object is not found in ``demo``), and the objects are as they were."""
    await demo_realm(env)
    await seed_realm(env.db, env.clock, "victim")
    root, http = await env.admin_headers(), env.http
    vuser = (await seed_user(env.db, env.clock, "victim", "vic")).id
    vclient = (await seed_client(env.db, "victim", "vapp", service_accounts=True)).id
    assert (await http.post(f"{VICTIM}/clients/{vclient}/roles", json={"name": "vrole"}, headers=root)).is_success
    vrole = await role_ref(env, "victim", "vrole", "vapp")
    vgroup = _location(await http.post(f"{VICTIM}/groups", json={"name": "vg"}, headers=root))
    vscope = _location(
        await http.post(f"{VICTIM}/client-scopes", json={"name": "vs", "protocol": "openid-connect"}, headers=root)
    )
    access = await http.post(f"{VICTIM}/clients-initial-access", json={"count": 1, "expiration": 100}, headers=root)
    vaccess = access.json()["id"]
    vcredential = (await http.get(f"{VICTIM}/users/{vuser}/credentials", headers=root)).json()[0]["id"]
    duser = (await seed_user(env.db, env.clock, "demo", "duser")).id
    dclient = (await seed_client(env.db, "demo", "dapp")).id
    dgroup = _location(await http.post(f"{DEMO}/groups", json={"name": "dg"}, headers=root))
    me, boss = await make_admin(env, "demo", "boss", "realm-admin")
    password = {"type": "password", "value": "Takeover1!", "temporary": False}
    doors: list[tuple[str, str, Any]] = [
        ("PUT", f"/users/{vuser}/reset-password", password),
        ("PUT", f"/users/{vuser}", {"firstName": "x"}),
        ("POST", f"/users/{vuser}/impersonation", None),
        ("DELETE", f"/users/{duser}/credentials/{vcredential}", None),
        ("PUT", f"/users/{duser}/groups/{vgroup}", None),
        ("PUT", f"/default-groups/{vgroup}", None),
        ("POST", f"/groups/{dgroup}/children", {"id": vgroup, "name": "vg"}),
        ("GET", f"/clients/{vclient}/client-secret", None),
        ("POST", f"/clients/{vclient}/client-secret", None),
        ("GET", f"/clients/{vclient}/service-account-user", None),
        ("PUT", f"/clients/{dclient}/default-client-scopes/{vscope}", None),
        ("POST", f"/users/{me}/role-mappings/clients/{vclient}", [vrole]),
        ("POST", f"/users/{me}/role-mappings/realm", [vrole]),
        ("POST", f"/groups/{dgroup}/role-mappings/realm", [vrole]),
        ("PUT", f"/roles-by-id/{vrole['id']}", {"name": "vrole", "description": "x"}),
        ("POST", f"/clients/{dclient}/scope-mappings/clients/{vclient}", [vrole]),
    ]
    wrong = []
    for method, path, body in doors:
        response = await http.request(method, DEMO + path, json=body, headers=boss)
        if response.status_code != 404:
            wrong.append(f"{method} {path}: {response.status_code} {response.text[:80]}")
    assert wrong == [], "\n".join(wrong)
    # deletes whose Keycloak counterparts are scoped to the realm answer 204 and remove nothing elsewhere
    assert (await http.delete(f"{DEMO}/attack-detection/brute-force/users/{vuser}", headers=boss)).status_code == 204
    assert (await http.delete(f"{DEMO}/clients-initial-access/{vaccess}", headers=boss)).status_code == 204
    assert [a["id"] for a in (await http.get(f"{VICTIM}/clients-initial-access", headers=root)).json()] == [vaccess]
    assert (await password_grant(http, "victim", "vapp", "vic", "password")).status_code == 200
    assert mapped_names(await http.get(f"{DEMO}/users/{me}/role-mappings", headers=root)) == {
        "default-roles-demo",
        "realm-admin",
    }


def mapped_names(response: Any) -> set[str]:
    body = response.json()
    names = {r["name"] for r in body.get("realmMappings", [])}
    for client in body.get("clientMappings", {}).values():
        names |= {r["name"] for r in client["mappings"]}
    return names


@pytest.mark.parametrize("holding", ["manage-users", "manage-clients"])
async def test_partial_import_needs_manage_realm_whatever_else_the_admin_holds(env: Env, holding: str) -> None:
    """RealmAdminResource.partialImport asks manage-realm: an admin with manage-users or manage-clients alone
    imports nothing, neither users carrying realm-admin nor clients."""
    await demo_realm(env)
    me, headers = await make_admin(env, "demo", "importer", holding)
    rm = {"realm-management": ["realm-admin"]}
    bodies: list[dict[str, Any]] = [
        {"users": [{"username": "mole", "enabled": True, "clientRoles": rm}]},
        {"ifResourceExists": "OVERWRITE", "users": [{"username": "importer", "enabled": True, "clientRoles": rm}]},
        {"groups": [{"name": "ring", "clientRoles": rm}]},
        {"clients": [{"clientId": "robot", "serviceAccountsEnabled": True, "publicClient": False}]},
        {"roles": {"realm": [{"name": "wrapper", "composite": True, "composites": {"client": rm}}]}},
    ]
    for body in bodies:
        forbidden(await env.http.post(f"{DEMO}/partialImport", json=body, headers=headers))
    assert await mapped(env, "demo", me) == {"default-roles-demo", holding}
    users = await env.http.get(f"{DEMO}/users", params={"username": "mole"}, headers=await env.admin_headers())
    assert users.json() == []
