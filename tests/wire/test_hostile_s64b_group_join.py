"""Hostile group joins and leaves (``users/{id}/groups/{groupId}``): a group id of another realm (a parent or a
subgroup) is UserResource's 404 ``NotFoundException("Group not found")`` for PUT and DELETE and writes nothing (before
the fix Doorkeep answered GroupsResource's "Could not find group by id"); a user id of another realm is "User not
found"; nothing changes in either realm."""

from __future__ import annotations

import pytest

from support import seed_realm, seed_user
from wire_env import Env

pytestmark = pytest.mark.anyio


async def _group(env: Env, realm: str, name: str, parent: str | None = None) -> str:
    path = f"/admin/realms/{realm}/groups" + (f"/{parent}/children" if parent else "")
    made = await env.http.post(path, json={"name": name}, headers=await env.admin_headers())
    assert made.status_code == 201, made.text
    return made.headers["location"].rsplit("/", 1)[1]


async def _groups_of(env: Env, realm: str, user_id: str) -> list[str]:
    got = await env.http.get(f"/admin/realms/{realm}/users/{user_id}/groups", headers=await env.admin_headers())
    assert got.status_code == 200, got.text
    return [g["name"] for g in got.json()]


async def test_another_realms_group_or_user_is_not_found_and_writes_nothing(realm: Env) -> None:
    await seed_realm(realm.db, realm.clock, "other")
    other_user = (await seed_user(realm.db, realm.clock, "other", "bob")).id
    user = (await seed_user(realm.db, realm.clock, "test", "carol")).id
    parent = await _group(realm, "other", "parent")
    child = await _group(realm, "other", "child", parent)
    mine = await _group(realm, "test", "mine")
    headers = await realm.admin_headers()
    for method in ("PUT", "DELETE"):
        for group in (parent, child):
            answer = await realm.http.request(
                method, f"/admin/realms/test/users/{user}/groups/{group}", headers=headers
            )
            assert answer.status_code == 404, answer.text
            assert answer.json() == {"error": "Group not found"}, answer.text
        answer = await realm.http.request(
            method, f"/admin/realms/test/users/{other_user}/groups/{mine}", headers=headers
        )
        assert answer.status_code == 404, answer.text
        assert answer.json() == {"error": "User not found"}, answer.text
    assert await _groups_of(realm, "test", user) == []
    assert await _groups_of(realm, "other", other_user) == []
    members = await realm.http.get(f"/admin/realms/other/groups/{parent}/members", headers=headers)
    assert members.json() == []
