"""Organization roles through the Admin REST (Keycloak's main branch after 26.8.0: OrganizationRolesResource and
OrganizationRoleResource), ported from OrganizationRoleTest; the Keycloak method each test follows is named in its
docstring. What Keycloak's test reads on the server (RoleNameChangeEvent listeners, JPA rows) is read here through
the API or the store."""

from __future__ import annotations

from typing import Any

import pytest

from admin_support import admin_events, enable_admin_events, realm_admin, role_ref
from org_groups import member, organization
from org_invitations import ORGS
from support import seed_user
from wire_env import Env

pytestmark = pytest.mark.anyio
ROLES = "/admin/realms/test/roles"
CLIENTS = "/admin/realms/test/clients"


async def org_role(env: Env, org: str, name: str, **extra: Any) -> dict[str, Any]:
    """A new role of ``org`` (described ``name`` + `` description``), read back."""
    h = await env.admin_headers()
    made = await env.http.post(
        f"{ORGS}/{org}/roles", json={"name": name, "description": f"{name} description", **extra}, headers=h
    )
    assert made.status_code == 201, made.text
    got = await env.http.get(made.headers["location"], headers=h)
    assert got.status_code == 200, got.text
    body: dict[str, Any] = got.json()
    return body


async def realm_role(env: Env, name: str, description: str | None = None) -> dict[str, Any]:
    h = await env.admin_headers()
    made = await env.http.post(ROLES, json={"name": name, "description": description}, headers=h)
    assert made.status_code == 201, made.text
    body: dict[str, Any] = (await env.http.get(f"{ROLES}/{name}", headers=h)).json()
    return body


async def client_with_role(env: Env, client_id: str, role: str) -> tuple[str, dict[str, Any]]:
    """A new client's UUID and its role ``role``."""
    h = await env.admin_headers()
    made = await env.http.post(CLIENTS, json={"clientId": client_id, "enabled": True}, headers=h)
    assert made.status_code == 201, made.text
    uuid = made.headers["location"].rsplit("/", 1)[1]
    assert (await env.http.post(f"{CLIENTS}/{uuid}/roles", json={"name": role}, headers=h)).status_code == 201
    return uuid, (await env.http.get(f"{CLIENTS}/{uuid}/roles/{role}", headers=h)).json()


async def call(env: Env, method: str, path: str, body: Any = None, **params: Any) -> Any:
    """``method organizations/{path}`` as the master admin: (status, JSON body or None)."""
    sent = await env.http.request(method, f"{ORGS}/{path}", json=body, params=params, headers=await env.admin_headers())
    return sent.status_code, (sent.json() if sent.content else None)


async def ids(env: Env, path: str, **params: Any) -> list[str]:
    status, body = await call(env, "GET", path, **params)
    assert status == 200, body
    return [item["id"] for item in body]


async def test_lifecycle_and_events(realm: Env) -> None:
    """OrganizationRoleTest.testOrganizationRoleLifecycleAndEvents: create (201, Location), list, read, rename, empty
    composite lists record nothing, add / read / remove a realm composite, a missing composite 404 and no event, map
    two members (paging, search), available members, a restricted admin (query-users, manage-organizations) sees no
    available member, unmap, delete; each write one ORGANIZATION_ROLE or ORGANIZATION_ROLE_MAPPING event at
    AdminEventPaths.organizationRole*Path."""
    env = realm
    org = await organization(env)
    first = await member(env, org, "role-member", "role-member@neworg.org")
    second = await member(env, org, "second-role-member", "second-role-member@neworg.org")
    spare = await member(env, org, "available-role-member", "available-role-member@neworg.org")
    same_name = await realm_role(env, "organization-role", "Realm role with the same name")
    await enable_admin_events(env, clear=True)

    rep = {
        "name": "organization-role",
        "description": "Organization role",
        "attributes": {"department": ["engineering"]},
    }
    h = await env.admin_headers()
    made = await env.http.post(f"{ORGS}/{org}/roles", json=rep, headers=h)
    assert (made.status_code, made.content) == (201, b"")
    role_id = made.headers["location"].rsplit("/", 1)[1]
    assert made.headers["location"].endswith(f"/organizations/{org}/roles/{role_id}")
    base = f"{org}/roles/{role_id}"
    [event] = await admin_events(env)
    assert (event["operationType"], event["resourceType"], event["resourcePath"]) == (
        "CREATE",
        "ORGANIZATION_ROLE",
        f"organizations/{org}/roles/{role_id}",
    )
    assert role_id in await ids(env, f"{org}/roles", briefRepresentation="false")
    _, stored = await call(env, "GET", base)
    assert (stored["name"], stored["description"], stored["attributes"]) == (
        "organization-role",
        "Organization role",
        {"department": ["engineering"]},
    )
    assert (stored["clientRole"], stored["containerId"], stored["composite"]) == (False, org, False)
    assert stored["id"] != same_name["id"]

    renamed = {
        "name": "organization-role-renamed",
        "description": "Updated organization role",
        "attributes": {"department": ["platform"]},
    }
    assert (await call(env, "PUT", base, renamed))[0] == 204
    events = await admin_events(env)
    assert (events[0]["operationType"], events[0]["resourceType"], events[0]["resourcePath"]) == (
        "UPDATE",
        "ORGANIZATION_ROLE",
        f"organizations/{org}/roles/{role_id}",
    )
    assert (await call(env, "GET", base))[1]["name"] == "organization-role-renamed"

    count = len(events)
    assert (await call(env, "POST", f"{base}/composites", []))[0] == 204
    assert (await call(env, "DELETE", f"{base}/composites", []))[0] == 204
    assert len(await admin_events(env)) == count

    available = await ids(
        env, f"{base}/composites/available", source="realm", search="organization-role", first=0, max=10
    )
    assert available == [same_name["id"]]
    assert (await call(env, "POST", f"{base}/composites", [same_name]))[0] == 204
    events = await admin_events(env)
    assert (events[0]["operationType"], events[0]["resourceType"], events[0]["resourcePath"]) == (
        "CREATE",
        "ORGANIZATION_ROLE",
        f"organizations/{org}/roles/{role_id}/composites",
    )
    assert [r["name"] for r in (await call(env, "GET", f"{base}/composites"))[1]] == ["organization-role"]
    assert [r["name"] for r in (await call(env, "GET", f"{base}/composites/effective", first=0, max=10))[1]] == [
        "organization-role"
    ]
    assert (await call(env, "GET", base))[1]["composite"] is True
    assert (await call(env, "DELETE", f"{base}/composites", [same_name]))[0] == 204
    events = await admin_events(env)
    assert (events[0]["operationType"], events[0]["resourcePath"]) == (
        "DELETE",
        f"organizations/{org}/roles/{role_id}/composites",
    )
    missing = await call(env, "POST", f"{base}/composites", [{"id": "missing-role"}])
    assert missing == (404, {"error": "Could not find composite role"})
    assert len(await admin_events(env)) == len(events)

    assert (await call(env, "POST", f"{base}/users", [{"id": first}, {"id": second}]))[0] == 204
    events = await admin_events(env)
    assert (events[0]["operationType"], events[0]["resourceType"], events[0]["resourcePath"]) == (
        "CREATE",
        "ORGANIZATION_ROLE_MAPPING",
        f"organizations/{org}/roles/{role_id}/users",
    )
    assert sorted(await ids(env, f"{base}/users")) == sorted([first, second])
    assert len(await ids(env, f"{base}/users", briefRepresentation="true", first=0, max=1)) == 1
    assert len(await ids(env, f"{base}/users", briefRepresentation="true", first=1, max=1)) == 1
    assert await ids(env, f"{base}/users", search="second-role-member", first=0, max=10) == [second]
    assert await ids(env, f"{base}/users", search="missing-role-member") == []
    pages = [await ids(env, f"{base}/users", search="role-member@neworg.org", first=n, max=1) for n in (0, 1)]
    assert sorted(p[0] for p in pages) == sorted([first, second])
    assert await ids(env, f"{base}/users/available", search="available-role-member", exact="false") == [spare]

    restricted = await realm_admin(env, "organization-role-restricted-admin", "query-users", "manage-organizations")
    seen = await env.http.get(f"{ORGS}/{base}/users/available", params={"first": 0, "max": 10}, headers=restricted)
    assert (seen.status_code, seen.json()) == (200, [])

    assert (await call(env, "DELETE", f"{base}/users", [{"id": first}, {"id": second}]))[0] == 204
    events = await admin_events(env)
    assert (events[0]["operationType"], events[0]["resourceType"], events[0]["resourcePath"]) == (
        "DELETE",
        "ORGANIZATION_ROLE_MAPPING",
        f"organizations/{org}/roles/{role_id}/users",
    )
    assert (await call(env, "DELETE", base))[0] == 204
    events = await admin_events(env)
    assert (events[0]["operationType"], events[0]["resourceType"], events[0]["resourcePath"]) == (
        "DELETE",
        "ORGANIZATION_ROLE",
        f"organizations/{org}/roles/{role_id}",
    )
    assert (await call(env, "GET", base)) == (404, {"error": "Could not find organization role"})
    _ = (seed_user, role_ref)
