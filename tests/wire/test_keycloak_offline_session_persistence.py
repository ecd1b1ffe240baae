"""Keycloak's OfflineSessionPersistenceTest (testsuite/model, 26.x), ported to HTTP against real Doorkeeps: one
pytest per Java method, named after it.

``reinitializeKeycloakSessionFactory`` ("simulate server restart") is a real restart here: one ``doorkeep
start-dev`` process for the module, on a database of its own (SQLite, or PostgreSQL with
DOORKEEP_WIRE_ENGINE=postgresql), killed with SIGKILL and started again on the same database. The restart
tests share one world (``world``: two realms, their users' offline sessions, made once and restarted once, the
realm deletion then restarting it again), as the restarts are what costs: the Java class's 50 users with 10
offline sessions each are 4 users with 2 each here. ``inIndependentFactories`` (several nodes on one database)
is several apps with their own engines on the module's database (``wire_env.another_worker``).

Not ported, with the reason: ``testOfflineSessionLoadingAfterCacheRemoval`` empties Infinispan's local
offline-session cache and reloads it from the database; Doorkeep keeps no session cache, every read is the
database's, which the restart tests already read back. ``testOfflineSessionsRemovedAfterDeleteRealm`` (older
versions) needs a HotRod map store.
"""

from __future__ import annotations

import json
import os
import random
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest

import group_port
from doorkeep.users import passwords
from interop.server import DoorkeepProcess
from keycloak_port import admin_headers
from offline_model_port import APP, THIRD_PARTY, Browser, browser_session, code_tokens, fresh, user_id
from pg import ThrowawayPostgres
from ports import free_port
from wire_env import Env, another_worker, prepared_postgres

anyio_backend, shared_env, env = group_port.anyio_backend, group_port.shared_env, group_port.env
pytestmark = pytest.mark.anyio

USERS = 4  # USER_COUNT = 50 in the Java test
PER_USER = 2  # OFFLINE_SESSION_COUNT_PER_USER = 10
CLIENTS = [f"client-{i}" for i in range(5)]


@dataclass
class World:
    """The process, and what was made in it before its first restart."""

    server: DoorkeepProcess
    http: httpx.AsyncClient
    sessions: dict[str, list[str]] = field(default_factory=dict)  # offline session ids by realm
    tokens: dict[str, str] = field(default_factory=dict)  # an offline token and its client, by realm
    stats: dict[str, dict[str, tuple[str, str]]] = field(default_factory=dict)  # client-session-stats by realm

    admin_token: tuple[str, float] = ("", 0.0)

    async def admin(self) -> dict[str, str]:
        """The master admin's bearer header, minted again after 50 s (the process verifies the bootstrap
        password at Keycloak's argon2 cost)."""
        if time.monotonic() - self.admin_token[1] > 50:
            form = {"grant_type": "password", "client_id": "admin-cli", "username": "admin", "password": "admin"}
            response = await self.http.post("/realms/master/protocol/openid-connect/token", data=form)
            assert response.status_code == 200, response.text
            self.admin_token = (response.json()["access_token"], time.monotonic())
        return {"Authorization": f"Bearer {self.admin_token[0]}"}

    async def restart(self) -> None:
        """SIGKILL, then the same command on the same database and port."""
        self.server.kill9()
        self.server.start()


def _cheap_password() -> dict[str, str]:
    """ "password" hashed here, where tests hash with a cheap argon2 (tests/conftest.py): the hash carries its
    cost, so the process verifies it as cheaply; plain passwords it would hash at Keycloak's cost."""
    secret, credential = passwords.hash_password("password")
    return {"type": "password", "secretData": json.dumps(secret), "credentialData": json.dumps(credential)}


def realm(name: str) -> dict[str, Any]:
    """``prepareRealm``: SSO 1 h idle / 10 h max, offline 30 days idle / 365 days max; its users and clients."""
    users = [
        {
            "username": f"{name}-user-{i}",
            "enabled": True,
            "email": f"{name}-user-{i}@localhost",
            "firstName": "User",
            "lastName": str(i),
            "credentials": [_cheap_password()],
            "realmRoles": ["offline_access"],
        }
        for i in range(USERS)
    ]
    clients = [{"clientId": c, "secret": "password", "directAccessGrantsEnabled": True} for c in CLIENTS]
    timeouts = {"ssoSessionMaxLifespan": 36000, "ssoSessionIdleTimeout": 3600}
    offline = {"offlineSessionMaxLifespan": 365 * 86400, "offlineSessionIdleTimeout": 30 * 86400}
    return {"realm": name, "enabled": True, "users": users, "clients": clients, **timeouts, **offline}


async def offline_sessions(world: World, name: str) -> None:
    """``createOfflineSessions``: PER_USER offline sessions of every user, each through one of the five
    clients (``testLazyClientSessionStatsFetching`` gives each a client at random)."""
    pick = random.Random(name)
    for i in range(USERS):
        for _ in range(PER_USER):
            client_id = pick.choice(CLIENTS)
            form = {
                "grant_type": "password",
                "username": f"{name}-user-{i}",
                "password": "password",
                "scope": "offline_access",
            }
            response = await world.http.post(
                f"/realms/{name}/protocol/openid-connect/token", data=form, auth=(client_id, "password")
            )
            assert response.status_code == 200, response.text
            world.sessions.setdefault(name, []).append(response.json()["session_state"])
            world.tokens[name] = response.json()["refresh_token"]
            world.tokens[f"{name}:client"] = client_id


async def found_sessions(world: World, name: str) -> set[str]:
    """``assertOfflineSessionsExist``' reads: every user's offline sessions for every client (admin REST)."""
    headers = await world.admin()
    base = f"/admin/realms/{name}"
    clients = (await world.http.get(f"{base}/clients", headers=headers)).json()
    found: set[str] = set()
    for i in range(USERS):
        (user,) = (
            await world.http.get(f"{base}/users", params={"username": f"{name}-user-{i}"}, headers=headers)
        ).json()
        for rep in clients:
            listed = await world.http.get(f"{base}/users/{user['id']}/offline-sessions/{rep['id']}", headers=headers)
            assert listed.status_code == 200, listed.text
            found |= {s["id"] for s in listed.json()}
    return found


async def stats_of(world: World, name: str) -> dict[str, tuple[str, str]]:
    response = await world.http.get(f"/admin/realms/{name}/client-session-stats", headers=await world.admin())
    assert response.status_code == 200, response.text
    return {s["clientId"]: (s["active"], s["offline"]) for s in response.json()}


@pytest.fixture(scope="module")
async def world(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[World]:
    """The module's server with realms ``realm`` and ``realm2`` and their offline sessions, restarted once."""
    folder: Path = tmp_path_factory.mktemp("persistence")
    db_url = f"sqlite:///{folder / 'doorkeep.db'}"
    postgres: ThrowawayPostgres | None = None
    if os.environ.get("DOORKEEP_WIRE_ENGINE") == "postgresql":
        postgres = request.getfixturevalue("postgres_server")
        db_url = await prepared_postgres(postgres)
    server = DoorkeepProcess(folder, port=free_port(), db_url=db_url)
    server.start()
    try:
        async with httpx.AsyncClient(base_url=server.base_url, timeout=30) as http:
            made = World(server, http)
            for name in ("realm", "realm2"):
                created = await http.post("/admin/realms", json=realm(name), headers=await made.admin())
                assert created.status_code == 201, created.text
                await offline_sessions(made, name)
                assert await found_sessions(made, name) == set(made.sessions[name])
                made.stats[name] = await stats_of(made, name)
            await made.restart()
            yield made
    finally:
        server.stop()
        if postgres is not None:
            postgres.drop_database_of(db_url)


async def test_persistence_single_node(world: World) -> None:
    assert await found_sessions(world, "realm") == set(world.sessions["realm"])
    form = {"grant_type": "refresh_token", "refresh_token": world.tokens["realm"]}
    client_id = world.tokens["realm:client"]
    response = await world.http.post(
        "/realms/realm/protocol/openid-connect/token", data=form, auth=(client_id, "password")
    )
    assert response.status_code == 200, response.text  # the offline token works after the restart
    assert response.json()["session_state"] in world.sessions["realm"]


async def test_lazy_client_session_stats_fetching(world: World) -> None:
    """The stats read after the restart are those before it; their offline counts add up to every offline
    client session made, and a client's offline-session-count is its entry's."""
    after = await stats_of(world, "realm")
    assert after == world.stats["realm"]
    assert sum(int(offline) for _, offline in after.values()) == USERS * PER_USER
    headers = await world.admin()
    for rep in (await world.http.get("/admin/realms/realm/clients", headers=headers)).json():
        if rep["clientId"] in after:
            count = await world.http.get(
                f"/admin/realms/realm/clients/{rep['id']}/offline-session-count", headers=headers
            )
            assert count.json() == {"count": int(after[rep["clientId"]][1])}


async def test_lazy_offline_user_session_fetching(world: World) -> None:
    assert await found_sessions(world, "realm2") == set(world.sessions["realm2"])


async def test_persistence_single_node_delete_realm(world: World) -> None:
    """Last: realm2 deleted after the restart, the server restarted again, realm's sessions all there."""
    assert await found_sessions(world, "realm2") == set(world.sessions["realm2"])
    deleted = await world.http.delete("/admin/realms/realm2", headers=await world.admin())
    assert deleted.status_code == 204, deleted.text
    await world.restart()
    assert await found_sessions(world, "realm") == set(world.sessions["realm"])
    assert await stats_of(world, "realm") == world.stats["realm"]
    gone = await world.http.get("/admin/realms/realm2", headers=await world.admin())
    assert gone.status_code == 404


# --- several nodes on one database ------------------------------------------------------------------------------


def on_node(session: Browser, env: Env) -> httpx.AsyncClient:
    """The same browser (its cookie jar) talking to the newest node (``another_worker`` adds its app last)."""
    transport = httpx.ASGITransport(app=env.apps[-1], raise_app_exceptions=False, client=("127.0.0.1", 50000))
    return httpx.AsyncClient(transport=transport, base_url="http://localhost", cookies=session.http.cookies)


async def listed_on(env: Env, node: httpx.AsyncClient, client_id: str) -> set[str]:
    """The ids of user1's offline sessions holding ``client_id``, as ``node`` lists them."""
    headers = await admin_headers(env)
    (rep,) = (await node.get("/admin/realms/test/clients", params={"clientId": client_id}, headers=headers)).json()
    uid = await user_id(env, "user1")
    listed = await node.get(f"/admin/realms/test/users/{uid}/offline-sessions/{rep['id']}", headers=headers)
    return {s["id"] for s in listed.json()}


async def test_persistence_multiple_nodes_client_session_at_same_node(env: Env) -> None:
    """Three nodes each make offline sessions, each holding both clients (made on the node that made the
    session); four other nodes then find every one of them with both clients."""
    await fresh(env)
    made: set[str] = set()
    for _ in range(3):
        async with another_worker(env):
            app = env.apps[-1]
            for _ in range(2):
                made.add((await browser_session(env, "user1", (APP, THIRD_PARTY), (APP, THIRD_PARTY), app=app)).sid)
    for _ in range(4):
        async with another_worker(env) as node:
            assert await listed_on(env, node, APP) == await listed_on(env, node, THIRD_PARTY) == made


async def test_persistence_multiple_nodes_client_sessions_at_random_node(env: Env) -> None:
    """Offline sessions made on one node; their browsers then add the other client's offline session through
    nodes picked in turn, a new node every few requests ("reinitialize the session factory"); every session
    ends up with both clients, as any node reads them."""
    await fresh(env)
    sessions = [await browser_session(env, "user1", (APP,), (APP,)) for _ in range(4)]
    for index, session in enumerate(sessions):
        async with another_worker(env):
            other = on_node(session, env)
            body = await code_tokens(other, THIRD_PARTY, scope="openid offline_access")
            assert body["session_state"] == session.sid, index
            await other.aclose()
    async with another_worker(env) as node:
        expected = {s.sid for s in sessions}
        assert await listed_on(env, node, APP) == await listed_on(env, node, THIRD_PARTY) == expected


async def test_persistence_client_sessions_multiple_nodes(env: Env) -> None:
    await fresh(env)
    made = {(await browser_session(env, "user1", (APP,), (APP,))).sid for _ in range(3)}
    for _ in range(4):  # the factory closed, four independent ones
        async with another_worker(env) as node:
            assert await listed_on(env, node, APP) == made
