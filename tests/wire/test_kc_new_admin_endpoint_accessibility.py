"""Keycloak's AdminEndpointAccessibilityTest (tests/base/.../tests/admin/, the new test framework; KEYCLOAK-2964):
a master user without roles is refused the admin API (403); master's ``admin`` role, held directly or through a
group (whether the user joined before or after the group got the role), lets them list the realms."""

from __future__ import annotations

import uuid

import httpx
import pytest

from support import password_grant
from wire_env import Env

pytestmark = pytest.mark.anyio

MASTER = "/admin/realms/master"


async def _as_master(env: Env, method: str, path: str, body: object = None) -> httpx.Response:
    return await env.http.request(method, MASTER + path, json=body, headers=await env.admin_headers())


async def _created(env: Env, path: str, body: object) -> str:
    response = await _as_master(env, "POST", path, body)
    assert response.status_code == 201, response.text
    return response.headers["location"].rsplit("/", 1)[-1]


async def _user(env: Env) -> tuple[str, str]:
    """``UserConfigBuilder.create().username("user-…").password("pwd")``, created in master: name and id."""
    name = f"user-{uuid.uuid4()}"
    rep = {"username": name, "enabled": True, "credentials": [{"type": "password", "value": "pwd"}]}
    return name, await _created(env, "/users", rep)


async def _admin_role(env: Env) -> dict[str, object]:
    response = await _as_master(env, "GET", "/roles/admin")
    assert response.status_code == 200 and response.json()["id"], response.text
    return dict(response.json())


async def _realms(env: Env, username: str) -> httpx.Response:
    """``userClient.realms().findAll()`` as this user, signed in through admin-cli."""
    login = await password_grant(env.http, "master", "admin-cli", username, "pwd", secret=None)
    assert login.status_code == 200, login.text
    return await env.http.get("/admin/realms", headers={"Authorization": f"Bearer {login.json()['access_token']}"})


async def test_no_admin_endpoint_access_when_no_role_assigned(env: Env) -> None:
    """AdminEndpointAccessibilityTest#noAdminEndpointAccessWhenNoRoleAssigned"""
    name, _ = await _user(env)
    response = await _realms(env, name)
    assert (response.status_code, response.json()) == (403, {"error": "HTTP 403 Forbidden"})


async def test_admin_endpoint_accessible_when_admin_role_assigned_to_user(env: Env) -> None:
    """AdminEndpointAccessibilityTest#adminEndpointAccessibleWhenAdminRoleAssignedToUser"""
    role = await _admin_role(env)
    name, user_id = await _user(env)
    assert (await _as_master(env, "POST", f"/users/{user_id}/role-mappings/realm", [role])).status_code == 204
    response = await _realms(env, name)
    assert response.status_code == 200 and response.json(), response.text


@pytest.mark.parametrize("join_first", [False, True], ids=["role_then_join", "join_then_role"])
async def test_admin_endpoint_accessible_when_admin_role_assigned_to_group(env: Env, join_first: bool) -> None:
    """AdminEndpointAccessibilityTest#adminEndpointAccessibleWhenAdminRoleAssignedToGroup and
    #adminEndpointAccessibleWhenAdminRoleAssignedToGroupAfterUserJoinedIt"""
    role = await _admin_role(env)
    name, user_id = await _user(env)
    group_id = await _created(env, "/groups", {"name": f"group-{uuid.uuid4()}"})
    steps = [
        ("POST", f"/groups/{group_id}/role-mappings/realm", [role]),
        ("PUT", f"/users/{user_id}/groups/{group_id}", None),
    ]
    for method, path, body in reversed(steps) if join_first else steps:
        assert (await _as_master(env, method, path, body)).status_code == 204, path
    response = await _realms(env, name)
    assert response.status_code == 200 and response.json(), response.text
