"""``doorkeep bootstrap-admin user|service`` while the welcome page creates master's first admin, on both engines (the
module name is a storage area: ``race``).

Keycloak's rule (ApplianceBootstrap.createMasterRealmAdminUser): the command (BootstrapAdminUser.onStart through
QuarkusKeycloakApplication.createTemporaryMasterRealmAdminUser) passes ``initialUser=false``: it adds its temporary
admin whatever users master has, and refuses only a username master holds (ModelDuplicateException, "user with username
exists"); ``bootstrap-admin service`` likewise refuses only a client id master holds. The welcome page passes
``initialUser=true``: it creates nothing once master has a user, a service account too. Run one after the other, the
command then the page make one admin; the page then the command make two.

Doorkeep runs both in one transaction each, queued behind one another on master's initial-user lock
(``users.serialize_initial``), so the outcome is always that of one order. Before, the command took no lock: on
PostgreSQL a welcome creation that began after the command had written its admin did not see it and made a second
one ("User created"), and the two writing one username met at the unique index: a 500 for the page, "cannot open the
database" for the command, where Keycloak's order gives the redirect or the command's "user with username exists".
SQLite's writers are serial already; the same answers are pinned there.
"""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

import httpx
import pytest
from sqlalchemy import text

import welcome_support
from doorkeep.realms import temporary_admin
from store_factories import add_user
from welcome_support import CHECKER, master_usernames
from wire_env import Env

pytestmark = pytest.mark.anyio
empty = welcome_support.empty

DOORKEEP = Path(sys.executable).parent / "doorkeep"
ADMIN_CONSOLE = "http://localhost/admin/"
PASSWORD = "Recovery-pw-8c1f2e"
WAITING = text("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'")


async def _queued(env: Env) -> None:
    """Until another transaction waits on a lock behind the open one (PostgreSQL); SQLite's file lock queues every
    other writer, nothing to watch there but the command's start."""
    if env.db.is_sqlite:
        await asyncio.sleep(1.5)
        return
    for _ in range(1200):
        async with env.db.engine.connect() as conn:
            if (await conn.execute(WAITING)).scalar_one() > 0:
                return
        await asyncio.sleep(0.025)
    raise AssertionError("nothing waited for the open transaction")


async def _command(env: Env, *args: str) -> asyncio.subprocess.Process:
    """The real ``doorkeep bootstrap-admin`` against the test's database, without a terminal."""
    environ = {k: v for k, v in os.environ.items() if not k.startswith(("DOORKEEP_", "KC_"))}
    return await asyncio.create_subprocess_exec(
        str(DOORKEEP),
        "bootstrap-admin",
        *args,
        "--no-prompt",
        "--db-url",
        env.settings.db_url,
        env={**environ, "RESCUE_PW": PASSWORD},
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )


async def _ended(process: asyncio.subprocess.Process) -> tuple[int, str, str]:
    out, err = await asyncio.wait_for(process.communicate(), 120)
    assert process.returncode is not None
    return process.returncode, out.decode(), err.decode()


async def _form(env: Env) -> tuple[httpx.AsyncClient, str]:
    page = await env.http.get("/")
    found = CHECKER.search(page.text)
    assert found is not None, page.text
    return env.http, found.group(1)


async def _post(http: httpx.AsyncClient, checker: str, username: str) -> httpx.Response:
    form = {"username": username, "password": "pw", "passwordConfirmation": "pw", "stateChecker": checker}
    return await http.post("/", data=form, follow_redirects=False)


async def _welcome_creating(env: Env, username: str, process: asyncio.subprocess.Process | None = None) -> None:
    """What the welcome page's transaction holds when it has written master's first admin: the initial-user lock and
    the user (WelcomeResource.createUser); it commits once the command queued behind it."""
    async with env.db.transaction() as tx:
        master = await tx.realms.get_by_name("master")
        assert master is not None
        await tx.users.serialize_initial(master.id)
        await add_user(tx, master, username)
        await _queued(env)
        assert process is None or process.returncode is None


@pytest.mark.parametrize(("kind", "name"), [("user", "temp-admin"), ("user", "admin"), ("service", "admin")])
async def test_a_welcome_creation_after_the_commands_write_finds_master_user(empty: Env, kind: str, name: str) -> None:
    """The command's transaction (what ``bootstrap-admin user|service`` runs) has written its temporary admin when a
    local browser posts the form: the page waits, finds master's user (createMasterRealmUser's
    ``getUsersCount(realm, true) > 0``) and answers the redirect, nothing created; never a second admin, never a 5xx."""
    http, checker = await _form(empty)
    async with empty.db.transaction() as tx:
        if kind == "user":
            await temporary_admin.create_user(tx, empty.clock.now(), name, PASSWORD)
        else:
            await temporary_admin.create_service(tx, empty.clock.now(), name, PASSWORD)
        posted = asyncio.ensure_future(_post(http, checker, "admin"))
        await _queued(empty)
    answer = await posted
    assert (answer.status_code, answer.headers.get("location")) == (302, ADMIN_CONSOLE), answer.text[:300]
    assert await master_usernames(empty) == ([name] if kind == "user" else [])


async def test_the_command_after_a_welcome_creation_refuses_its_username(empty: Env) -> None:
    """The welcome page's transaction has written ``admin`` when the command asks for ``admin``: the command waits and
    is Keycloak's refusal of a taken username (exit 1), nothing more written; not a database failure."""
    process = await _command(empty, "user", "--username", "admin", "--password:env", "RESCUE_PW")
    await _welcome_creating(empty, "admin", process)
    code, out, err = await _ended(process)
    assert (code, out) == (1, ""), err
    assert err.strip() == "Error: Failed to add user 'admin' to realm 'master': user with username exists"
    assert await master_usernames(empty) == ["admin"]


async def test_the_command_after_a_welcome_creation_adds_its_temporary_admin(empty: Env) -> None:
    """createMasterRealmAdminUser(..., initialUser=false): the command adds its temporary admin though master now has
    a user, as Keycloak's command does once the page has made one; the two admins hold master's admin role."""
    process = await _command(empty, "user", "--username", "rescuer", "--password:env", "RESCUE_PW")
    await _welcome_creating(empty, "admin")
    code, out, err = await _ended(process)
    assert (code, out.strip()) == (0, "Created temporary admin user with username rescuer"), err
    assert await master_usernames(empty) == ["admin", "rescuer"]
    async with empty.db.transaction(write=False) as tx:
        master = await tx.realms.get_by_name("master")
        assert master is not None
        rescuer = await tx.users.get_by_username(master.id, "rescuer")
        assert rescuer is not None and rescuer.attributes.get(temporary_admin.TEMPORARY) == ["true"]
