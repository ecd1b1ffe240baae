"""An attacker's sweep of session 58's batched consent revocation (the client leaves the user's offline sessions in
a fixed number of statements, SessionEndRepo.with_client): the batch selects by user and client only, so what
matters is who picks them. All held: the admin's DELETE users/{id}/consents/{client} resolves the client in the
admin's realm (another realm's clientId is 404 ``Client not found``, UserResource.revokeConsent) and the user in it;
the account's DELETE applications/{clientId}/consent revokes only the caller's own grant. Another user's and another
realm's offline sessions of a client of the same name keep working."""

from __future__ import annotations

import httpx
import pytest

from support import password_grant, refresh, seed_client, seed_realm, seed_user
from wire_env import Env

pytestmark = pytest.mark.anyio


async def _offline(env: Env, realm: str, username: str) -> str:
    got = await password_grant(env.http, realm, "app", username, scope="openid offline_access")
    assert got.status_code == 200, got.text
    token: str = got.json()["refresh_token"]
    return token


async def _works(env: Env, realm: str, token: str) -> bool:
    answer: httpx.Response = await refresh(env.http, realm, "app", token)
    return answer.status_code == 200


async def _setup(env: Env) -> dict[str, str]:
    """user1 and user2 of ``test`` and user1 of ``other`` (client ``app`` in both), each with an offline token."""
    await seed_user(env.db, env.clock, "test", "user2")
    await seed_realm(env.db, env.clock, "other")
    await seed_client(env.db, "other", "app")
    await seed_user(env.db, env.clock, "other", "user1")
    return {
        "victim": await _offline(env, "test", "user1"),
        "attacker": await _offline(env, "test", "user2"),
        "other": await _offline(env, "other", "user1"),
    }


async def _user_id(env: Env, realm: str, username: str) -> str:
    found = await env.http.get(
        f"/admin/realms/{realm}/users",
        params={"username": username, "exact": "true"},
        headers=await env.admin_headers(),
    )
    user_id: str = found.json()[0]["id"]
    return user_id


async def test_the_account_revocation_ends_only_the_callers_own_grant(realm: Env) -> None:
    tokens = await _setup(realm)
    access = await password_grant(realm.http, "test", "app", "user2")
    assert access.status_code == 200, access.text
    bearer = {"Authorization": f"Bearer {access.json()['access_token']}"}
    revoked = await realm.http.delete("/realms/test/account/applications/app/consent", headers=bearer)
    assert revoked.status_code == 204, revoked.text
    assert not await _works(realm, "test", tokens["attacker"])
    assert await _works(realm, "test", tokens["victim"]) and await _works(realm, "other", tokens["other"])


async def test_an_admin_naming_another_realms_client_or_user_revokes_nothing(realm: Env) -> None:
    tokens = await _setup(realm)
    h = await realm.admin_headers()
    other_user = await _user_id(realm, "other", "user1")
    test_user = await _user_id(realm, "test", "user1")
    # another realm's user under this realm's path: not found, nothing revoked
    wrong_user = await realm.http.delete(f"/admin/realms/test/users/{other_user}/consents/app", headers=h)
    assert wrong_user.status_code == 404, wrong_user.text
    # a clientId only the other realm has
    await seed_client(realm.db, "other", "other-only")
    unknown = await realm.http.delete(f"/admin/realms/test/users/{test_user}/consents/other-only", headers=h)
    assert unknown.status_code == 404 and unknown.json() == {"error": "Client not found"}, unknown.text
    assert all([await _works(realm, "test", tokens["victim"]), await _works(realm, "other", tokens["other"])])
    # the right pair revokes exactly the one grant
    done = await realm.http.delete(f"/admin/realms/test/users/{test_user}/consents/app", headers=h)
    assert done.status_code == 204, done.text
    assert not await _works(realm, "test", tokens["victim"])
    assert await _works(realm, "test", tokens["attacker"]) and await _works(realm, "other", tokens["other"])
