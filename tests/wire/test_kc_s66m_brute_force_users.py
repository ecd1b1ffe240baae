"""Keycloak 26's admin-ui-ext BruteForceUsersResource (``GET ui-ext/brute-force-user``, 404 in Doorkeep before): the
admin console's user list, the users search with each user's ``bruteForceStatus``, over HTTP against the real app.
Who may call it is in tests/admin_route_matrix_data.py."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from admin_support import realm_admin
from support import assert_error, password_grant
from wire_env import Env

pytestmark = pytest.mark.anyio
API = "/admin/realms/test"
BRUTE = f"{API}/ui-ext/brute-force-user"
UNTOUCHED = {"disabled": False, "numFailures": 0, "lastFailure": 0, "lastIPFailure": "n/a"}
PROTECTED = {
    "bruteForceProtected": True,
    "permanentLockout": False,
    "failureFactor": 2,
    "waitIncrementSeconds": 60,
    "maxFailureWaitSeconds": 600,
    "maxDeltaTimeSeconds": 3600,
}


async def _admin(env: Env, method: str, path: str, body: Any = None) -> httpx.Response:
    response = await env.http.request(method, API + path, json=body, headers=await env.admin_headers())
    assert response.status_code < 300, f"{method} {path}: {response.status_code} {response.text}"
    return response


async def _search(env: Env, headers: dict[str, str] | None = None, **query: Any) -> httpx.Response:
    return await env.http.get(BRUTE, params=query, headers=headers or await env.admin_headers())


async def _locked_user1(env: Env) -> str:
    """Brute Force Detection on, user1 temporarily locked by two wrong passwords; a second user ``ann``."""
    await _admin(env, "PUT", "", PROTECTED)
    await _admin(env, "POST", "/users", {"username": "ann", "enabled": True, "email": "ann@example.test"})
    for _ in range(2):
        env.clock.advance(5)
        assert_error(await password_grant(env.http, "test", "app", "user1", "wrong"), 400, "invalid_grant")
    users = (await _admin(env, "GET", "/users?username=user1&exact=true")).json()
    return str(users[0]["id"])


async def test_each_user_carries_its_brute_force_status(realm: Env) -> None:
    """The users search's representations, each with ``bruteForceStatus``: a locked user's failures as the attack
    detection endpoint counts them and ``disabled`` while the temporary lockout lasts; a user without failures
    the defaults; when the lockout ends ``disabled`` turns false and the failures stay."""
    env = realm
    user1 = await _locked_user1(env)
    detected = (await _admin(env, "GET", f"/attack-detection/brute-force/users/{user1}")).json()
    response = await _search(env, search="")
    assert response.status_code == 200, response.text
    listed = {rep["username"]: rep for rep in response.json()}
    assert listed["user1"]["bruteForceStatus"] == {
        "disabled": True,
        "numFailures": 2,
        "lastFailure": detected["lastFailure"],
        "lastIPFailure": detected["lastIPFailure"],
    }
    assert detected["lastFailure"] > 0
    assert listed["ann"]["bruteForceStatus"] == UNTOUCHED
    plain = {rep["username"]: rep for rep in (await _admin(env, "GET", "/users")).json()}
    assert {k: v for k, v in listed["ann"].items() if k != "bruteForceStatus"} == plain["ann"]
    env.clock.advance(3600 - 30)  # past the lockout, within maxDeltaTimeSeconds
    later = (await _search(env, search="user1")).json()
    assert [rep["bruteForceStatus"]["disabled"] for rep in later] == [False]
    assert later[0]["bruteForceStatus"]["numFailures"] == 2


async def test_the_search_follows_the_users_search(realm: Env) -> None:
    """``search=id:…`` finds one user by id; ``search`` matches names and addresses; ``briefRepresentation`` gives the
    brief representation; ``first``/``max`` page; without Brute Force Detection every status is the default."""
    env = realm
    await _admin(env, "POST", "/users", {"username": "ann", "enabled": True, "email": "ann@example.test"})
    await _admin(env, "POST", "/users", {"username": "bob", "enabled": True})
    ann = (await _search(env, search="ann@example")).json()
    assert [rep["username"] for rep in ann] == ["ann"]
    assert ann[0]["bruteForceStatus"] == UNTOUCHED
    by_id = (await _search(env, search=f"id: {ann[0]['id']} ")).json()
    assert [rep["username"] for rep in by_id] == ["ann"]
    brief = (await _search(env, search="ann", briefRepresentation="true")).json()
    assert "attributes" not in brief[0] and brief[0]["bruteForceStatus"] == UNTOUCHED
    everyone = [rep["username"] for rep in (await _search(env)).json()]
    assert {"ann", "bob", "user1"} <= set(everyone)
    paged = [rep["username"] for rep in (await _search(env, first=1, max=1)).json()]
    assert paged == everyone[1:2]
    assert (await _search(env, max="many")).status_code == 404


async def test_only_who_may_view_users_sees_them(realm: Env) -> None:
    """users().requireQuery(): 403 without query-users; the found users are then filtered by canView, so an admin
    holding query-users alone gets ``[]``, one holding view-users the list."""
    env = realm
    assert (await _search(env, await realm_admin(env, "events", "view-events"))).status_code == 403
    querier = await _search(env, await realm_admin(env, "querier", "query-users"))
    assert (querier.status_code, querier.json()) == (200, [])
    viewer = (await _search(env, await realm_admin(env, "viewer", "view-users"), search="user1")).json()
    assert [rep["username"] for rep in viewer] == ["user1"]
