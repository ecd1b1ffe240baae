"""Attacks on Keycloak 26.8's client session listings filtered by user visibility (ClientResource.getUserSessions /
getOfflineUserSessions: ``auth.users().canView(user)`` per session, then ``first``/``max``): roles near view-users
that do not view users (query-users, view-realm, manage-realm, manage-clients, impersonation) see no session under
any paging; a client of another realm is 404; whoever cannot list the sessions cannot end one by its id either
(RealmAdminResource.deleteSession: ``auth.users().requireManage()``), so a session id learnt elsewhere (a token's
``sid``) does not let a client administrator log a user out."""

from __future__ import annotations

import pytest

import admin_support
from admin_support import client_uuid, make_admin
from support import claims, password_grant, seed_client, seed_realm, seed_user
from wire_env import Env

pytestmark = pytest.mark.anyio

BASE = "/admin/realms/test/clients"
sessions_env = admin_support.sessions_env


@pytest.mark.parametrize(
    "roles",
    [
        ("view-clients", "query-users"),
        ("view-clients", "view-realm"),
        ("view-clients", "manage-realm"),
        ("manage-clients",),
        ("view-clients", "impersonation"),
        ("view-clients", "query-groups", "query-clients"),
    ],
)
@pytest.mark.parametrize("kind", ["user-sessions", "offline-sessions"])
async def test_roles_that_do_not_view_users_see_no_session(
    sessions_env: Env, roles: tuple[str, ...], kind: str
) -> None:
    _, bearer = await make_admin(sessions_env, "test", "near", *roles)
    app = await client_uuid(sessions_env, "test", "app")
    for params in ({}, {"first": "0", "max": "1000"}, {"first": "-1", "max": "-1"}, {"max": "0"}):
        listed = await sessions_env.http.get(f"{BASE}/{app}/{kind}", params=params, headers=bearer)
        assert (listed.status_code, listed.json()) == (200, []), (params, listed.text)


async def test_another_realms_client_is_not_found(sessions_env: Env) -> None:
    env = sessions_env
    await seed_realm(env.db, env.clock, "other")
    far = await seed_client(env.db, "other", "far-app")
    await seed_user(env.db, env.clock, "other", "bob")
    assert (await password_grant(env.http, "other", "far-app", "bob")).status_code == 200
    _, bearer = await make_admin(env, "test", "viewer", "view-clients", "view-users")
    for kind in ("user-sessions", "offline-sessions", "session-count", "offline-session-count"):
        answer = await env.http.get(f"{BASE}/{far.id}/{kind}", headers=bearer)
        assert answer.status_code == 404, (kind, answer.text)


@pytest.mark.parametrize("roles", [("manage-clients",), ("view-clients", "view-users"), ("manage-realm",)])
async def test_a_session_id_from_a_token_ends_nothing_without_manage_users(
    sessions_env: Env, roles: tuple[str, ...]
) -> None:
    env = sessions_env
    grant = await password_grant(env.http, "test", "app", "alice")
    sid = claims(grant.json()["access_token"])["sid"]
    _, bearer = await make_admin(env, "test", "near", *roles)
    for offline in ("false", "true"):
        answer = await env.http.delete(
            f"/admin/realms/test/sessions/{sid}", params={"isOffline": offline}, headers=bearer
        )
        assert answer.status_code == 403, (offline, answer.text)
    refreshed = await env.http.post(
        "/realms/test/protocol/openid-connect/token",
        data={"grant_type": "refresh_token", "refresh_token": grant.json()["refresh_token"]},
        auth=("app", "secret"),
    )
    assert refreshed.status_code == 200, refreshed.text
