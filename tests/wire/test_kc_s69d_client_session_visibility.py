"""Keycloak 26.8's "Client session listings filter sessions by user visibility" (upgrading guide 26.8.0, issue
#48858, pull request #49801): ``GET clients/{id}/user-sessions`` and ``GET clients/{id}/offline-sessions`` leave out
the sessions of users the caller may not view (ClientResource: ``auth.users().canView(user)`` on each session, then
``first``/``max``). Without fine-grained permissions that is view-users or manage-users: a view-clients-only admin
still reaches the endpoints (an unknown client is still a 404) but sees no session; the session counts are as
before."""

from __future__ import annotations

from typing import Any

import pytest

import admin_support
from admin_support import client_uuid, make_admin
from wire_env import Env

pytestmark = pytest.mark.anyio

BASE = "/admin/realms/test/clients"
sessions_env = admin_support.sessions_env


async def _listed(env: Env, headers: dict[str, str], kind: str, **params: str) -> Any:
    app = await client_uuid(env, "test", "app")
    response = await env.http.get(f"{BASE}/{app}/{kind}", params=params, headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


@pytest.mark.parametrize("kind", ["user-sessions", "offline-sessions"])
async def test_view_clients_alone_sees_no_session(sessions_env: Env, kind: str) -> None:
    _, bearer = await make_admin(sessions_env, "test", "viewer", "view-clients")
    assert await _listed(sessions_env, bearer, kind) == []
    assert await _listed(sessions_env, bearer, kind, first="0", max="10") == []


@pytest.mark.parametrize("kind", ["user-sessions", "offline-sessions"])
@pytest.mark.parametrize("users_role", ["view-users", "manage-users"])
async def test_a_user_viewer_sees_the_sessions(sessions_env: Env, kind: str, users_role: str) -> None:
    _, bearer = await make_admin(sessions_env, "test", "viewer", "view-clients", users_role)
    [session] = await _listed(sessions_env, bearer, kind)
    assert session["username"] == "alice"


async def test_the_counts_and_the_lookup_are_unchanged(sessions_env: Env) -> None:
    _, bearer = await make_admin(sessions_env, "test", "viewer", "view-clients")
    app = await client_uuid(sessions_env, "test", "app")
    online = await sessions_env.http.get(f"{BASE}/{app}/session-count", headers=bearer)
    offline = await sessions_env.http.get(f"{BASE}/{app}/offline-session-count", headers=bearer)
    assert (online.json(), offline.json()) == ({"count": 1}, {"count": 1}), (online.text, offline.text)
    unknown = await sessions_env.http.get(f"{BASE}/00000000-0000-0000-0000-000000000000/user-sessions", headers=bearer)
    assert unknown.status_code == 404, unknown.text
    _, outsider = await make_admin(sessions_env, "test", "outsider", "view-users")
    refused = await sessions_env.http.get(f"{BASE}/{app}/user-sessions", headers=outsider)
    assert refused.status_code == 403, refused.text
