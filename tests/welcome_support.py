"""Shared set-up of the welcome page tests (Keycloak's WelcomeResource: the form that creates master's first admin):
the app with no user in master, the users master holds read from the store, the form's state checker."""

from __future__ import annotations

import re

import pytest

from wire_env import Env

CHECKER = re.compile(r'name="stateChecker" value="([^"]+)"')


async def delete_master_users(env: Env) -> None:
    """Every user of master deleted, its clients' service accounts kept (``users.search`` lists people only)."""
    async with env.db.transaction() as tx:
        realm = await tx.realms.get_by_name("master")
        assert realm is not None
        for user in await tx.users.search(realm.id):
            await tx.users.delete(user.id)


@pytest.fixture
async def empty(env: Env) -> Env:
    """The app with no user in master (localAccessNoAdmin's first step)."""
    await delete_master_users(env)
    return env


async def master_usernames(env: Env) -> list[str]:
    async with env.db.transaction() as tx:
        realm = await tx.realms.get_by_name("master")
        assert realm is not None
        return [user.username for user in await tx.users.search(realm.id)]
