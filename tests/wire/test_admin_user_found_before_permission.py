"""Every ``users/{id}/…`` route finds the user before it asks what the caller may do, as Keycloak's locator
UsersResource.user does: an id no user has is 404 "User not found" to an admin who may query users (even one the
method itself would refuse) and 403 to anyone else; only for a user that exists does the method's own check
(UserResource: requireView, requireManage, requireImpersonate, RoleMapperResource's view and map checks) decide.

The routes come from the server's own route table, so a new ``users/{id}/…`` route fails here until it says
which permission its method needs.
"""

from __future__ import annotations

import re
import uuid
from typing import Any

import pytest
from starlette.routing import Route

from admin_support import DEMO, FORBIDDEN_BODY, demo_realm, make_admin
from doorkeep.web.admin.routes import admin_routes
from support import seed_client, seed_user
from wire_env import Env

pytestmark = pytest.mark.anyio

NOBODY = str(uuid.UUID(int=7))  # an id no user, credential, group or provider has
USER = "/admin/realms/{realm}/users/{id}"
VIEW, MANAGE, IMPERSONATE = "view-users", "manage-users", "impersonation"
# The permission each UserResource method asks for once the user is found.
NEEDS: dict[tuple[str, str], str] = {
    ("GET", ""): VIEW,
    ("PUT", ""): MANAGE,
    ("DELETE", ""): MANAGE,
    ("PUT", "/reset-password"): MANAGE,
    ("GET", "/credentials"): VIEW,
    ("GET", "/configured-user-storage-credential-types"): VIEW,
    ("PUT", "/disable-credential-types"): MANAGE,
    ("DELETE", "/credentials/{credential}"): MANAGE,
    ("PUT", "/credentials/{credential}/userLabel"): MANAGE,
    ("POST", "/credentials/{credential}/moveToFirst"): MANAGE,
    ("POST", "/credentials/{credential}/moveAfter/{previous}"): MANAGE,
    ("GET", "/role-mappings"): VIEW,
    ("GET", "/role-mappings/realm"): VIEW,
    ("POST", "/role-mappings/realm"): MANAGE,
    ("DELETE", "/role-mappings/realm"): MANAGE,
    ("GET", "/role-mappings/realm/composite"): VIEW,
    ("GET", "/role-mappings/realm/available"): VIEW,
    ("GET", "/role-mappings/clients/{client}"): VIEW,
    ("POST", "/role-mappings/clients/{client}"): MANAGE,
    ("DELETE", "/role-mappings/clients/{client}"): MANAGE,
    ("GET", "/role-mappings/clients/{client}/composite"): VIEW,
    ("GET", "/role-mappings/clients/{client}/available"): VIEW,
    ("GET", "/role-mappings/composite"): VIEW,
    ("GET", "/role-mappings/inherited"): VIEW,
    ("GET", "/role-mappings/available"): VIEW,
    ("POST", "/impersonation"): IMPERSONATE,
    ("GET", "/sessions"): VIEW,
    ("GET", "/offline-sessions"): VIEW,
    ("DELETE", "/offline-sessions"): MANAGE,  # Doorkeep's own: end the user's other offline sessions
    ("GET", "/offline-sessions/{client}"): VIEW,
    ("GET", "/consents"): VIEW,
    ("DELETE", "/consents/{client_id}"): MANAGE,
    ("POST", "/logout"): MANAGE,
    ("GET", "/groups"): VIEW,
    ("GET", "/groups/count"): VIEW,
    ("PUT", "/groups/{group}"): MANAGE,
    ("DELETE", "/groups/{group}"): MANAGE,
    ("PUT", "/execute-actions-email"): MANAGE,
    ("PUT", "/reset-password-email"): MANAGE,
    ("PUT", "/send-verify-email"): MANAGE,
    ("GET", "/federated-identity"): VIEW,
    ("POST", "/federated-identity/{provider}"): MANAGE,
    ("DELETE", "/federated-identity/{provider}"): MANAGE,
}
# An admin who lacks the method's permission: query-users only lacks view-users, view-users lacks the rest.
LACKING = {VIEW: "querier", MANAGE: "viewer", IMPERSONATE: "viewer"}


def user_routes() -> list[tuple[str, str]]:
    """``(method, rest)`` of every route under ``users/{id}`` in the admin route table."""
    found = []
    for route in admin_routes():
        assert isinstance(route, Route)
        if route.path == USER or route.path.startswith(USER + "/"):
            found += [(m, route.path.removeprefix(USER)) for m in sorted((route.methods or set()) - {"HEAD"})]
    return found


def test_every_users_id_route_says_which_permission_its_method_needs() -> None:
    assert sorted(user_routes()) == sorted(NEEDS)


def url(rest: str, user_id: str, client: str) -> str:
    filled = rest.replace("{client}", client).replace("{client_id}", "account")
    return f"{DEMO}/users/{user_id}" + re.sub(r"\{[^}]+\}", NOBODY, filled)


def body(rest: str) -> Any:
    return [] if "role-mappings" in rest else {}


async def callers(env: Env) -> tuple[dict[str, dict[str, str]], str, str]:
    """The demo realm's admins by name, a user's id and a client's UUID."""
    await demo_realm(env)
    who = {
        "querier": (await make_admin(env, "demo", "querier", "query-users"))[1],
        "viewer": (await make_admin(env, "demo", "viewer", "view-users"))[1],
        "nobody": (await make_admin(env, "demo", "plain"))[1],  # signed in to the realm, no admin role
    }
    target = (await seed_user(env.db, env.clock, "demo", "target")).id
    return who, target, (await seed_client(env.db, "demo", "app")).id


async def answers(env: Env, caller: dict[str, str], user_id: str, client: str) -> list[str]:
    """``"METHOD rest STATUS body"`` of each route for ``user_id``."""
    out = []
    for method, rest in user_routes():
        response = await env.http.request(method, url(rest, user_id, client), json=body(rest), headers=caller)
        out.append(f"{method} {rest} {response.status_code} {response.text}")
    return out


@pytest.mark.parametrize("who", ["querier", "viewer"])
async def test_an_unknown_user_is_404_to_an_admin_who_may_query_users_whatever_the_method_needs(
    env: Env, who: str
) -> None:
    """UsersResource.user: canQuery() (query-users, or view-users that holds it) gets "User not found" before the
    method's own requireView or requireManage is asked."""
    admins, _, client = await callers(env)
    got = await answers(env, admins[who], NOBODY, client)
    assert [a for a in got if not a.endswith(' 404 {"error":"User not found"}')] == []


async def test_an_unknown_user_is_403_to_an_admin_who_may_not_query_users(env: Env) -> None:
    admins, _, client = await callers(env)
    _, events = await make_admin(env, "demo", "watcher", "view-events")
    for caller in (admins["nobody"], events):
        got = await answers(env, caller, NOBODY, client)
        assert [a for a in got if not a.endswith(" 403 " + '{"error":"HTTP 403 Forbidden"}')] == []


async def test_a_known_user_is_403_to_an_admin_lacking_the_methods_permission(env: Env) -> None:
    admins, target, client = await callers(env)
    wrong = []
    for method, rest in user_routes():
        caller = admins[LACKING[NEEDS[method, rest]]]
        response = await env.http.request(method, url(rest, target, client), json=body(rest), headers=caller)
        if (response.status_code, response.json()) != (403, FORBIDDEN_BODY):
            wrong.append(f"{method} {rest}: {response.status_code} {response.text}")
    assert wrong == []


async def test_a_known_user_is_403_to_a_caller_with_no_admin_role(env: Env) -> None:
    admins, target, client = await callers(env)
    got = await answers(env, admins["nobody"], target, client)
    assert [a for a in got if not a.endswith(" 403 " + '{"error":"HTTP 403 Forbidden"}')] == []


async def test_a_user_role_mapping_finds_its_client_before_the_permission_but_offline_sessions_after(
    env: Env,
) -> None:
    """RoleMapperResource.getUserClientRoleMappingsResource looks the client up ("Client not found") before the
    method's check; UserResource.getOfflineSessions asks requireView first, then looks for the client."""
    admins, target, _ = await callers(env)
    for method in ("GET", "POST", "DELETE"):
        mapping = await env.http.request(
            method, f"{DEMO}/users/{target}/role-mappings/clients/{NOBODY}", json=[], headers=admins["querier"]
        )
        assert (mapping.status_code, mapping.json()) == (404, {"error": "Client not found"}), method
    offline = await env.http.get(f"{DEMO}/users/{target}/offline-sessions/{NOBODY}", headers=admins["querier"])
    assert (offline.status_code, offline.json()) == (403, FORBIDDEN_BODY)
    shown = await env.http.get(f"{DEMO}/users/{target}/offline-sessions/{NOBODY}", headers=admins["viewer"])
    assert (shown.status_code, shown.json()) == (404, {"error": "Client not found"})
