"""L5: argon2 never runs while this process holds SQLite's write lock (a login must not stall token writes)."""

from __future__ import annotations

from typing import Any

import pytest

from browser_flow import code_from, start, submit, submit_forged
from doorkeep.store import database
from doorkeep.users import passwords
from keycloak_port import update_realm
from support import password_grant, seed_login_realm
from wire_env import Env

pytestmark = pytest.mark.anyio


@pytest.fixture
async def realm(env: Env) -> Env:
    await seed_login_realm(env.db, env.clock)
    return env


@pytest.fixture
def hashes(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """For every password check, and every dummy hash a login with no credential costs (AuthenticatorUtils.dummyHash
    at the realm's policy): whether it ran under the write lock (the flag travels into the thread)."""
    seen: list[bool] = []
    verify, dummy_hash = passwords.verify, passwords.dummy_hash

    def spy(*args: Any) -> bool:
        seen.append(database._holding_write_lock.get())
        return bool(verify(*args))

    def dummy_spy(*args: Any) -> None:
        seen.append(database._holding_write_lock.get())
        dummy_hash(*args)

    monkeypatch.setattr(passwords, "verify", spy)
    monkeypatch.setattr(passwords, "dummy_hash", dummy_spy)
    return seen


@pytest.mark.parametrize("password", ["password", "wrong"])
async def test_the_login_form_checks_the_password_outside_the_write_lock(
    realm: Env,
    hashes: list[bool],
    password: str,
) -> None:
    page = await start(realm.http, "test", "app")
    answer = await submit(realm.http, page, username="user1", password=password)
    if password == "password":
        code_from(answer)
    assert hashes == [False]


async def test_an_unknown_user_on_the_login_form_costs_one_hash_outside_the_lock(
    realm: Env,
    hashes: list[bool],
) -> None:
    page = await start(realm.http, "test", "app")
    await submit(realm.http, page, username="ghost", password="x")
    assert hashes == [False]


async def test_a_forged_form_gets_no_password_hashed(realm: Env, hashes: list[bool]) -> None:
    page = await start(realm.http, "test", "app")
    refused = await submit_forged(realm.http, page, "forged", username="user1", password="password")
    assert refused.status_code == 302 and "code=" not in refused.headers["location"] and hashes == []


async def test_the_password_grant_checks_the_password_outside_the_write_lock(realm: Env, hashes: list[bool]) -> None:
    assert (await password_grant(realm.http, "test", "app")).status_code == 200
    assert hashes == [False]


async def test_a_password_changed_between_the_check_and_the_login_is_checked_again(
    realm: Env,
    hashes: list[bool],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from doorkeep.oauth import login_password
    from doorkeep.realms.bootstrap import set_password

    precheck = login_password.precheck

    async def precheck_then_change(tx: Any, test: Any, *args: Any) -> Any:
        verdict = await precheck(tx, test, *args)
        async with realm.db.transaction() as other:  # another request changes the password meanwhile
            user = await other.users.get_by_username(test.id, "user1")
            assert user is not None
            await set_password(other, user, "changed", realm.clock.now(), policy=None)
        return verdict

    monkeypatch.setattr(login_password, "precheck", precheck_then_change)
    page = await start(realm.http, "test", "app")
    refused = await submit(realm.http, page, username="user1", password="password")
    assert "Invalid username or password." in refused.text  # the old password's verdict was not reused


@pytest.fixture
def rehashes(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """For every new hash: whether it ran under the write lock."""
    seen: list[bool] = []
    hash_password = passwords.hash_password

    def spy(*args: Any, **kwargs: Any) -> Any:
        seen.append(database._holding_write_lock.get())
        return hash_password(*args, **kwargs)

    monkeypatch.setattr(passwords, "hash_password", spy)
    return seen


@pytest.mark.parametrize("via", ["form", "grant"])
async def test_a_password_the_policy_no_longer_describes_is_hashed_again_outside_the_write_lock(
    realm: Env, hashes: list[bool], rehashes: list[bool], via: str
) -> None:
    await update_realm(realm, passwordPolicy="hashAlgorithm(pbkdf2-sha256) and hashIterations(1)")
    hashes.clear()  # the master admin's token, for the update
    if via == "form":
        page = await start(realm.http, "test", "app")
        code_from(await submit(realm.http, page, username="user1", password="password"))
    else:
        assert (await password_grant(realm.http, "test", "app")).status_code == 200
    assert hashes == [False] and rehashes == [False]
    async with realm.db.transaction(write=False) as tx:
        user = await tx.users.get_by_username((await tx.realms.get_by_name("test") or _missing()).id, "user1")
        cred = await tx.users.password(user.id) if user else None
    assert cred is not None and cred.credential_data["algorithm"] == "pbkdf2-sha256"


def _missing() -> Any:
    raise AssertionError("realm test is missing")
