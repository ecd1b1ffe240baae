"""Who may see and change groups without fine-grained permissions (Keycloak's GroupPermissions, v1): listing
and counting need query-groups, view-users or manage-users (``canList``); every listed group must also pass
``canView`` (view-users or manage-users), so a query-groups-only admin counts the groups but lists none;
one group, its subgroups and members need view-users; changes need manage-users. Each group's ``access``
says what this caller may do (``getAccess``), not what an all-powerful one could.
"""

from __future__ import annotations

from typing import Any

import pytest

import group_port
from admin_support import realm_admin
from group_port import fresh_realm
from keycloak_port import ADMIN
from role_port import TEST_REALM, create
from wire_env import Env

pytestmark = pytest.mark.anyio
anyio_backend, shared_env, env = group_port.anyio_backend, group_port.shared_env, group_port.env

READ_ONLY = {"view": True, "viewMembers": True, "manage": False, "manageMembers": False, "manageMembership": False}
EVERYTHING = dict.fromkeys(READ_ONLY, True)


@pytest.fixture
async def tree(env: Env) -> dict[str, str]:
    """``/top`` holding ``/top/sub``; their ids."""
    await fresh_realm(env, TEST_REALM)
    top = await create(env, "/groups", {"name": "top"})
    sub = await create(env, f"/groups/{top}/children", {"name": "sub"})
    return {"top": top, "sub": sub}


async def answers(env: Env, headers: dict[str, str], tree: dict[str, str]) -> dict[str, Any]:
    """The status (and the body, when 200) of each read, as this caller."""
    out: dict[str, Any] = {}
    for name, path in {
        "list": "/groups",
        "search": "/groups?search=sub",
        "count": "/groups/count",
        "one": f"/groups/{tree['top']}",
        "children": f"/groups/{tree['top']}/children",
        "members": f"/groups/{tree['top']}/members",
        "by-path": "/group-by-path/top",
    }.items():
        response = await env.http.get(ADMIN + path, headers=headers)
        out[name] = response.json() if response.status_code == 200 else response.status_code
    return out


async def test_query_groups_counts_the_groups_but_lists_none_and_reads_no_group(env: Env, tree: dict[str, str]) -> None:
    headers = await realm_admin(env, "groups-query", "query-groups")
    found = await answers(env, headers, tree)
    assert found == {
        "list": [],
        "search": [],
        "count": {"count": 2},
        "one": 403,
        "children": 403,
        "members": 403,
        "by-path": 403,
    }
    refused = await env.http.post(ADMIN + "/groups", json={"name": "more"}, headers=headers)
    assert refused.status_code == 403


async def test_view_users_reads_every_group_and_its_access_says_read_only(env: Env, tree: dict[str, str]) -> None:
    headers = await realm_admin(env, "groups-viewer", "view-users")
    found = await answers(env, headers, tree)
    assert [g["access"] for g in found["list"]] == [READ_ONLY]
    assert found["search"][0]["access"] == found["search"][0]["subGroups"][0]["access"] == READ_ONLY
    assert found["one"]["access"] == found["by-path"]["access"] == READ_ONLY
    assert [g["access"] for g in found["children"]] == [READ_ONLY]
    assert found["members"] == [] and found["count"] == {"count": 2}
    for method, path, body in (
        ("POST", "/groups", {"name": "more"}),
        ("POST", f"/groups/{tree['top']}/children", {"name": "more"}),
        ("PUT", f"/groups/{tree['sub']}", {"name": "renamed"}),
        ("DELETE", f"/groups/{tree['sub']}", None),
    ):
        response = await env.http.request(method, ADMIN + path, json=body, headers=headers)
        assert response.status_code == 403, (method, path, response.text)


async def test_manage_users_may_do_everything_and_its_access_says_so(env: Env, tree: dict[str, str]) -> None:
    headers = await realm_admin(env, "groups-manager", "manage-users")
    found = await answers(env, headers, tree)
    assert [g["access"] for g in found["list"]] == [EVERYTHING]
    assert found["one"]["access"] == found["children"][0]["access"] == EVERYTHING
    created = await env.http.post(ADMIN + "/groups", json={"name": "more"}, headers=headers)
    assert created.status_code == 201, created.text
