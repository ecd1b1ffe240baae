"""``POST users/{id}/federated-identity/{alias}`` sent several times at once (an administrator's double click, two
scripts): one link is made, the others are Keycloak's 409 conflicts, never a 500 or two rows; and one provider
account linked to two users at once ends with one of them holding it."""

from __future__ import annotations

import asyncio

import pytest

from link_support import links, provider
from support import seed_user, update_realm
from wire_env import Env

pytestmark = pytest.mark.anyio


async def user_id(env: Env, username: str) -> str:
    found = await env.http.get(
        "/admin/realms/test/users", params={"username": username, "exact": "true"}, headers=await env.admin_headers()
    )
    return str(found.json()[0]["id"])


async def post_link(env: Env, user: str, account: str) -> int:
    answer = await env.http.post(
        f"/admin/realms/test/users/{user}/federated-identity/partner",
        json={"userId": account, "userName": account},
        headers=await env.admin_headers(),
    )
    return answer.status_code


async def test_one_link_posted_eight_times_at_once_is_made_once(realm: Env) -> None:
    await update_realm(realm.db, "test", identity_providers=(provider("partner"),))
    user = await user_id(realm, "user1")
    statuses = await asyncio.gather(*(post_link(realm, user, "p-1") for _ in range(8)))
    assert sorted(statuses) == [204] + [409] * 7, statuses
    assert await links(realm) == ["partner"]


async def test_one_account_linked_to_two_users_at_once_goes_to_one(realm: Env) -> None:
    await update_realm(realm.db, "test", identity_providers=(provider("partner"),))
    await seed_user(realm.db, realm.clock, "test", "user2")
    first, second = await user_id(realm, "user1"), await user_id(realm, "user2")
    statuses = await asyncio.gather(*(post_link(realm, u, "shared") for u in (first, second) * 4))
    assert sorted(statuses) == [204] + [409] * 7, statuses
    assert sorted([*await links(realm, "user1"), *await links(realm, "user2")]) == ["partner"]
