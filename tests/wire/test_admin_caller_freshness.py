"""The admin caller and the session reads' clients are never served stale (issue #8).

The bearer check reads the token realm's clients and role graph, and the session reads their realm's
clients, from the per-process configuration cache, keyed by the realm's config_version; the token's
revocation, the user, their role and group mappings and their session are read on every request. Each
test makes one change, through this app or through another process (its own database pool and cache), and
the very next request of the caller already answers differently.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
import pytest

from admin_support import DEMO, client_uuid, demo_realm, forbidden, make_admin, mappings_url, role_ref
from support import password_grant, seed_client, seed_user
from wire_env import Env, another_worker

pytestmark = [pytest.mark.anyio, pytest.mark.parametrize("elsewhere", [False, True], ids=["this-app", "other-process"])]


@asynccontextmanager
async def _changer(env: Env, elsewhere: bool) -> AsyncIterator[httpx.AsyncClient]:
    """This app's client, or one of another process: a second app with its own pool and configuration cache."""
    if not elsewhere:
        yield env.http
        return
    async with another_worker(env) as http:
        yield http


async def _change(env: Env, elsewhere: bool, method: str, path: str, body: Any = None, status: int = 204) -> None:
    async with _changer(env, elsewhere) as http:
        response = await http.request(method, path, json=body, headers=await env.admin_headers())
        assert response.status_code == status, response.text


async def _boss(env: Env, *management: str, realm_roles: tuple[str, ...] = ()) -> tuple[str, dict[str, str], str]:
    """A demo-realm admin who has just read their own sessions (so everything cacheable is cached)."""
    user_id, headers = await make_admin(env, "demo", "boss", *management, realm_roles=realm_roles)
    url = f"{DEMO}/users/{user_id}/sessions"
    assert (await env.http.get(url, headers=headers)).status_code == 200
    return user_id, headers, url


async def test_a_caller_who_loses_the_role_is_refused_at_the_next_request(env: Env, elsewhere: bool) -> None:
    await demo_realm(env)
    user_id, headers, url = await _boss(env, "view-users")
    rm = await client_uuid(env, "demo", "realm-management")
    view_users = await role_ref(env, "demo", "view-users", "realm-management")
    await _change(env, elsewhere, "DELETE", mappings_url("demo", user_id, rm), [view_users])
    forbidden(await env.http.get(url, headers=headers))


async def test_a_caller_whose_composite_loses_the_role_is_refused_at_the_next_request(
    env: Env, elsewhere: bool
) -> None:
    await demo_realm(env)
    root = await env.admin_headers()
    assert (await env.http.post(f"{DEMO}/roles", json={"name": "ops"}, headers=root)).status_code == 201
    view_users = await role_ref(env, "demo", "view-users", "realm-management")
    assert (await env.http.post(f"{DEMO}/roles/ops/composites", json=[view_users], headers=root)).status_code == 204
    _, headers, url = await _boss(env, realm_roles=("ops",))
    await _change(env, elsewhere, "DELETE", f"{DEMO}/roles/ops/composites", [view_users])
    forbidden(await env.http.get(url, headers=headers))


async def test_a_caller_who_leaves_the_group_holding_the_role_is_refused_at_the_next_request(
    env: Env, elsewhere: bool
) -> None:
    await demo_realm(env)
    root = await env.admin_headers()
    created = await env.http.post(f"{DEMO}/groups", json={"name": "admins"}, headers=root)
    assert created.status_code == 201, created.text
    group = created.headers["Location"].rsplit("/", 1)[-1]
    rm = await client_uuid(env, "demo", "realm-management")
    view_users = await role_ref(env, "demo", "view-users", "realm-management")
    mapped = await env.http.post(f"{DEMO}/groups/{group}/role-mappings/clients/{rm}", json=[view_users], headers=root)
    assert mapped.status_code == 204, mapped.text
    user_id, headers = await make_admin(env, "demo", "boss")
    assert (await env.http.put(f"{DEMO}/users/{user_id}/groups/{group}", headers=root)).status_code == 204
    url = f"{DEMO}/users/{user_id}/sessions"
    assert (await env.http.get(url, headers=headers)).status_code == 200
    await _change(env, elsewhere, "DELETE", f"{DEMO}/users/{user_id}/groups/{group}")
    forbidden(await env.http.get(url, headers=headers))


async def test_a_disabled_caller_is_refused_at_the_next_request(env: Env, elsewhere: bool) -> None:
    await demo_realm(env)
    user_id, headers, url = await _boss(env, "view-users")
    await _change(env, elsewhere, "PUT", f"{DEMO}/users/{user_id}", {"enabled": False})
    assert (await env.http.get(url, headers=headers)).status_code == 401


async def test_a_caller_whose_session_is_logged_out_is_refused_at_the_next_request(env: Env, elsewhere: bool) -> None:
    await demo_realm(env)
    user_id, headers, url = await _boss(env, "view-users")
    await _change(env, elsewhere, "POST", f"{DEMO}/users/{user_id}/logout")
    assert (await env.http.get(url, headers=headers)).status_code == 401


async def test_a_caller_whose_realm_not_before_is_pushed_is_refused_at_the_next_request(
    env: Env, elsewhere: bool
) -> None:
    await demo_realm(env)
    _, headers, url = await _boss(env, "view-users")
    env.clock.advance(1)
    await _change(env, elsewhere, "PUT", DEMO, {"notBefore": env.clock.now()})
    assert (await env.http.get(url, headers=headers)).status_code == 401


async def _offline_session(env: Env) -> tuple[str, str]:
    """Client ``app`` of the demo realm with one offline session of user1: the client's uuid and the user's id."""
    app = await seed_client(env.db, "demo", "app")
    user = await seed_user(env.db, env.clock, "demo", "user1")
    granted = await password_grant(env.http, "demo", "app", scope="offline_access")
    assert granted.status_code == 200, granted.text
    return app.id, user.id


async def test_a_client_deleted_elsewhere_is_gone_from_the_next_session_read(env: Env, elsewhere: bool) -> None:
    await demo_realm(env)
    app, _ = await _offline_session(env)
    root = await env.admin_headers()
    count = f"{DEMO}/clients/{app}/offline-session-count"
    assert (await env.http.get(count, headers=root)).json() == {"count": 1}
    await _change(env, elsewhere, "DELETE", f"{DEMO}/clients/{app}")
    gone = await env.http.get(count, headers=root)
    assert (gone.status_code, gone.json()) == (404, {"error": "Could not find client"})


async def test_a_client_lifespan_override_set_elsewhere_applies_to_the_next_session_read(
    env: Env, elsewhere: bool
) -> None:
    await demo_realm(env)
    app, user_id = await _offline_session(env)
    root = await env.admin_headers()
    reads = (f"{DEMO}/clients/{app}/offline-sessions", f"{DEMO}/users/{user_id}/offline-sessions/{app}")
    count = f"{DEMO}/clients/{app}/offline-session-count"
    assert [len((await env.http.get(read, headers=root)).json()) for read in reads] == [1, 1]
    env.clock.advance(120)
    root = await env.admin_headers()  # master's tokens live 60 s
    rep = (await env.http.get(f"{DEMO}/clients/{app}", headers=root)).json()
    rep.setdefault("attributes", {})["client.offline.session.idle.timeout"] = "60"
    await _change(env, elsewhere, "PUT", f"{DEMO}/clients/{app}", rep)
    assert [len((await env.http.get(read, headers=root)).json()) for read in reads] == [0, 0]
    assert (await env.http.get(count, headers=root)).json() == {"count": 0}


async def test_a_client_renamed_elsewhere_shows_its_new_client_id_in_the_next_session_read(
    env: Env, elsewhere: bool
) -> None:
    await demo_realm(env)
    app, user_id = await _offline_session(env)
    root = await env.admin_headers()
    read = f"{DEMO}/users/{user_id}/offline-sessions/{app}"
    assert [s["clients"] for s in (await env.http.get(read, headers=root)).json()] == [{app: "app"}]
    rep = (await env.http.get(f"{DEMO}/clients/{app}", headers=root)).json()
    await _change(env, elsewhere, "PUT", f"{DEMO}/clients/{app}", rep | {"clientId": "renamed"})
    assert [s["clients"] for s in (await env.http.get(read, headers=root)).json()] == [{app: "renamed"}]
