"""``PUT``/``DELETE users/{id}/groups/{group}`` for a user who belongs to the group only through a group below it.

UserResource.joinGroup calls ``user.joinGroup`` when the user is not a *direct* member and records a CREATE
GROUP_MEMBERSHIP event; the JPA model's ``joinGroup`` returns without writing when ``isMemberOf`` (which counts a
group below). removeMembership calls ``leaveGroup`` when ``isMemberOf`` and records a DELETE event; ``leaveGroup``
deletes only a direct row. So both answer 204, record their event and leave the user's direct groups as they were.
"""

from __future__ import annotations

import pytest

from role_port import assert_event, clear_events, create, ok, poll_events
from role_port import import_test_realm as _import
from wire_env import Env

pytestmark = pytest.mark.anyio


async def _tree(env: Env) -> tuple[str, str, str]:
    """A user in ``team/squad`` only: (user id, team id, squad id)."""
    team = await create(env, "/groups", {"name": "team"})
    squad_id = await create(env, f"/groups/{team}/children", {"name": "squad"})
    user = await create(env, "/users", {"username": "member-below"})
    await ok(env, "PUT", f"/users/{user}/groups/{squad_id}")
    return user, team, squad_id


async def _direct(env: Env, user: str) -> list[str]:
    return [g["path"] for g in await ok(env, "GET", f"/users/{user}/groups")]


async def test_join_parent_of_held_group_writes_nothing_but_records_event(env: Env) -> None:
    realm_id = await _import(env)
    user, team, _squad = await _tree(env)
    await clear_events(env)
    await ok(env, "PUT", f"/users/{user}/groups/{team}")
    await assert_event(env, realm_id, "CREATE", f"users/{user}/groups/{team}", "GROUP_MEMBERSHIP", {"name": "team"})
    assert await _direct(env, user) == ["/team/squad"]
    members = await ok(env, "GET", f"/groups/{team}/members")
    assert members == []


async def test_leave_parent_of_held_group_keeps_subgroup_and_records_event(env: Env) -> None:
    realm_id = await _import(env)
    user, team, _squad = await _tree(env)
    await clear_events(env)
    await ok(env, "DELETE", f"/users/{user}/groups/{team}")
    await assert_event(env, realm_id, "DELETE", f"users/{user}/groups/{team}", "GROUP_MEMBERSHIP")
    assert await _direct(env, user) == ["/team/squad"]


async def test_direct_member_join_again_and_stranger_leave_record_nothing(env: Env) -> None:
    await _import(env)
    user, _team, squad = await _tree(env)
    other = await create(env, "/groups", {"name": "elsewhere"})
    await clear_events(env)
    await ok(env, "PUT", f"/users/{user}/groups/{squad}")
    await ok(env, "DELETE", f"/users/{user}/groups/{other}")
    assert await poll_events(env) == []
    assert await _direct(env, user) == ["/team/squad"]


async def test_join_child_of_held_group_is_a_new_direct_membership(env: Env) -> None:
    await _import(env)
    user, team, squad = await _tree(env)
    await ok(env, "DELETE", f"/users/{user}/groups/{squad}")
    await ok(env, "PUT", f"/users/{user}/groups/{team}")
    await ok(env, "PUT", f"/users/{user}/groups/{squad}")
    assert await _direct(env, user) == ["/team", "/team/squad"]
