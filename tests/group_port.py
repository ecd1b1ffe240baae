"""Shared set-up of the wire ports of Keycloak's group tests (GroupTest, GroupSearchTest): one app and database
per module, as the Java class has one server and one managed realm (``shared_env``), the realm ``test``
imported anew for each test instead of the Java tests' cleanups (``fresh_realm``); AbstractGroupTest's
``createGroup`` (a top-level group and its CREATE event), ``addSubGroup`` (created at the top, then moved under
its parent) and ``login`` (a password grant's access token)."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from typing import Any

import pytest

from keycloak_port import ADMIN, admin_headers, import_realm
from pg import ThrowawayPostgres
from role_port import assert_event, call, clear_events, create, ok
from support import claims, password_grant
from wire_env import Env, _default_settings, make_env, marked_options, prepared_postgres


@pytest.fixture(scope="module")
def anyio_backend() -> str:
    """Module-wide, so that the module's one app (``shared_env``) lives across its tests."""
    return "asyncio"


@pytest.fixture(scope="module")
async def shared_env(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Env]:
    """The app on SQLite, or on PostgreSQL with DOORKEEP_WIRE_ENGINE=postgresql, once for the module: the
    master admin's token and the app's start are paid once instead of once a test."""
    server: ThrowawayPostgres | None = None
    if os.environ.get("DOORKEEP_WIRE_ENGINE") == "postgresql":
        server = request.getfixturevalue("postgres_server")
        url = await prepared_postgres(server)
    else:
        url = f"sqlite:///{tmp_path_factory.mktemp('groups') / 'doorkeep.db'}"
    env, db = await make_env(url, marked_options(request, _default_settings(url)), prepared=server is not None)
    try:
        yield env
    finally:
        await env.drain()
        await env.http.aclose()
        await db.dispose()
        if server is not None:
            server.drop_database_of(url)


@pytest.fixture
def env(shared_env: Env) -> Env:
    """The module's app for each of its tests (the wire conftest's ``env`` makes one a test)."""
    return shared_env


async def fresh_realm(env: Env, rep: dict[str, Any], *, verify_profile: bool = False) -> str:
    """Realm ``rep`` as it is imported, whatever the module's earlier tests left in it; its id. VERIFY_PROFILE is
    disabled unless ``verify_profile`` (``keycloak_port.import_realm``)."""
    headers = await admin_headers(env)
    gone = await env.http.delete(ADMIN, headers=headers)
    assert gone.status_code in (204, 404), gone.text
    await import_realm(env, rep, verify_profile=verify_profile)
    await clear_events(env)
    return str((await ok(env, "GET", ""))["id"])


async def create_group(env: Env, realm_id: str, rep: dict[str, Any]) -> str:
    """``createGroup``: POST ``groups``, its CREATE GROUP event with the representation; the new id (also set
    on ``rep``, as the Java helper sets it on the original representation)."""
    group_id = await create(env, "/groups", rep)
    await assert_event(env, realm_id, "CREATE", f"groups/{group_id}", "GROUP", rep)
    rep["id"] = group_id
    return group_id


async def add_sub_group(env: Env, parent: dict[str, Any], child: dict[str, Any]) -> str:
    """``addSubGroup``: the child made at the top level, then moved under ``parent`` by id. The Java helper
    polls none of the events, so they are dropped here."""
    child["id"] = await create(env, "/groups", child)
    response = await call(env, "POST", f"/groups/{parent['id']}/children", child)
    assert response.status_code == 204, response.text
    await clear_events(env)
    return str(child["id"])


async def login(env: Env, username: str, client_id: str, secret: str) -> dict[str, Any]:
    """``login``: the claims of the access token of a password grant (password ``password``)."""
    response = await password_grant(env.http, "test", client_id, username, "password", secret=secret)
    assert response.status_code == 200, response.text
    return claims(response.json()["access_token"])
