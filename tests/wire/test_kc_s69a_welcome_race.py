"""The welcome page's first admin (Keycloak's WelcomeResource.createUser, ApplianceBootstrap.createMasterRealmUser)
asked for by several local browsers at once, and what counts as a master user (ApplianceBootstrap.isNoMasterUser).

Keycloak's createMasterRealmAdminUser(..., initialUser=true) creates nothing once master has a user
(``getUsersCount(realm, true) > 0``): there is one first admin. Doorkeep checks inside the creating transaction and,
on PostgreSQL (READ COMMITTED), queues that check behind any other creation of master's first user, so browsers
posting at once with different usernames still make exactly one admin; SQLite's writers are serial already.
Runs on both engines (the module name is in tests/wire_selection.py's storage areas).

Deliberate difference: a creation that finds master's user already there is answered as every request is once a
master user exists, the 302 to the Admin Console (createUser's first check, ``shouldBootstrap()`` false). Keycloak
would answer a request already past that check "User created", ignoring createMasterRealmUser's false, though it
created nothing: a browser would be told its admin exists when it does not.
"""

from __future__ import annotations

import asyncio
import contextlib

import httpx
import pytest

import welcome_support
from doorkeep.realms import temporary_admin
from welcome_support import CHECKER, master_usernames
from wire_env import Env, client_at

pytestmark = pytest.mark.anyio
empty = welcome_support.empty

ADMIN_CONSOLE = "http://localhost/admin/"


async def checked_browser(stack: contextlib.AsyncExitStack, env: Env) -> tuple[httpx.AsyncClient, str]:
    """A local browser holding the form's state checker in its cookie, and the checker."""
    browser = await stack.enter_async_context(client_at(env, "127.0.0.1"))
    page = await browser.get("/")
    assert page.status_code == 200, page.text
    found = CHECKER.search(page.text)
    assert found is not None, page.text
    return browser, found.group(1)


async def create_at_once(env: Env, count: int) -> list[httpx.Response]:
    """``count`` browsers, each with its own form, posting different usernames at the same moment."""
    async with contextlib.AsyncExitStack() as stack:
        browsers = [await checked_browser(stack, env) for _ in range(count)]
        return await asyncio.gather(
            *(
                browser.post(
                    "/",
                    data={"username": f"first{i}", "password": "pw", "passwordConfirmation": "pw", "stateChecker": c},
                    follow_redirects=False,
                )
                for i, (browser, c) in enumerate(browsers)
            )
        )


@pytest.mark.parametrize("count", [2, 6])
async def test_creations_at_once_make_exactly_one_admin(empty: Env, count: int) -> None:
    """One creation is "User created"; every other finds master's user and is the redirect to the Admin Console,
    nothing created, never a 5xx. The one master user is the one the winner named, and holds master's admin."""
    answers = await create_at_once(empty, count)
    created = [a for a in answers if a.status_code == 200]
    assert len(created) == 1, [(a.status_code, a.text[:200]) for a in answers]
    assert "User created" in created[0].text
    others = [a for a in answers if a is not created[0]]
    assert [(a.status_code, a.headers.get("location")) for a in others] == [(302, ADMIN_CONSOLE)] * (count - 1)
    names = await master_usernames(empty)
    assert len(names) == 1
    winner = answers.index(created[0])
    assert names == [f"first{winner}"]
    async with empty.db.transaction(write=False) as tx:
        master = await tx.realms.get_by_name("master")
        assert master is not None
        user = await tx.users.get_by_username(master.id, names[0])
        assert user is not None
        role = await tx.roles.get_realm_role(master.id, "admin")
        assert role is not None and role.id in await tx.users.role_ids(user.id)


async def test_after_the_race_the_page_redirects(empty: Env) -> None:
    """Once the first admin exists, ``GET /`` is the redirect for every browser (shouldBootstrap false)."""
    await create_at_once(empty, 3)
    async with client_at(empty, "127.0.0.1") as browser:
        page = await browser.get("/", follow_redirects=False)
    assert page.status_code == 302 and page.headers["location"] == ADMIN_CONSOLE


async def test_a_service_account_in_master_is_a_master_user(empty: Env) -> None:
    """isNoMasterUser counts service accounts (``getUsersCount(realm, true)``): master holding only a service
    account (here ``kc.sh bootstrap-admin service``'s temporary admin client) offers no form: ``GET /`` is the
    redirect, and a POST creates nothing."""
    async with empty.db.transaction() as tx:
        await temporary_admin.create_service(tx, empty.clock.now(), "temp-admin", "s3cret")
    assert await master_usernames(empty) == []  # no person: the service account alone
    page = await empty.http.get("/", follow_redirects=False)
    assert page.status_code == 302 and page.headers["location"] == ADMIN_CONSOLE
    empty.http.cookies.set("WELCOME_STATE_CHECKER", "c", path="/")
    form = {"username": "intruder", "password": "pw", "passwordConfirmation": "pw", "stateChecker": "c"}
    posted = await empty.http.post("/", data=form, follow_redirects=False)
    assert posted.status_code == 302 and posted.headers["location"] == ADMIN_CONSOLE
    assert await master_usernames(empty) == []
