"""Security sweep s52: brute force lockout by user property (users/brute_force_keys.py, migration 0039; Keycloak's
BruteForceUserProperty) attacked as the security review attacks older code: a lock dodged by changing the typed
identifier's case, padding or form, or by switching between username and e-mail; counters keyed by values an
attacker chooses (the table must not grow with unknown names); a locked account told apart from a wrong password
or an unknown name; and a success of another account clearing the victim's counters."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, select

from browser_flow import start, submit
from doorkeep.store.tables import login_failures, property_login_failures
from support import password_grant, seed_client, seed_realm, seed_user, update_client
from wire_env import Env

pytestmark = pytest.mark.anyio

REALM = "/admin/realms/test"
CONFIG: dict[str, Any] = {
    "bruteForceProtected": True,
    "failureFactor": 3,
    "bruteForcePropertyFailureFactor": 3,
    "waitIncrementSeconds": 60,
    "quickLoginCheckMilliSeconds": 0,
    "bruteForceLockPolicy": "PROPERTIES",
    "bruteForceProtectedUserProperties": ["username", "email"],
}
VICTIM, EMAIL = "victim", "victim@example.com"
INVALID = {"error": "invalid_grant", "error_description": "Invalid user credentials"}


@pytest.fixture
async def realm(env: Env) -> Env:
    await seed_realm(env.db, env.clock)
    await seed_client(env.db, "test", "app", redirect_uris=("http://127.0.0.1:9999/*",))
    await seed_user(env.db, env.clock, "test", VICTIM, email=EMAIL, email_verified=True)
    await seed_user(env.db, env.clock, "test", "attacker", email="attacker@example.com", email_verified=True)
    await _configure(env, CONFIG)
    return env


async def _configure(env: Env, changes: dict[str, Any]) -> None:
    response = await env.http.put(REALM, json=changes, headers=await env.admin_headers())
    assert response.status_code == 204, response.text


async def _fail(env: Env, identifier: str) -> None:
    env.clock.advance(5)
    answer = await password_grant(env.http, "test", "app", identifier, "wrong")
    assert answer.status_code == 400 and answer.json() == INVALID, answer.text


async def _right(env: Env, identifier: str) -> int:
    env.clock.advance(5)
    return (await password_grant(env.http, "test", "app", identifier, "password")).status_code


async def _rows(env: Env) -> int:
    async with env.db.transaction(write=False) as tx:
        total = 0
        for table in (login_failures, property_login_failures):
            total += int(await tx._conn.scalar(select(func.count()).select_from(table)) or 0)
        return total


@pytest.mark.parametrize(
    "variants",
    [
        ["VICTIM@EXAMPLE.COM", "Victim@Example.Com", " victim@example.com "],
        ["VICTIM", "Victim", "\tvictim "],
    ],
)
async def test_case_and_padding_of_the_typed_identifier_move_one_counter(realm: Env, variants: list[str]) -> None:
    """The lookup ignores case and Java trim()'s padding, so the counter does too: three failures typed three ways
    lock the property, and the right password is then refused whatever its spelling."""
    for typed in variants:
        await _fail(realm, typed)
    assert await _right(realm, variants[0].strip().lower()) == 400
    assert await _right(realm, variants[1]) == 400


@pytest.mark.parametrize("typed", ["ｖｉｃｔｉｍ", "victim\u200b", "vıctım", "victim@example.com\u00a0"])
async def test_a_look_alike_identifier_names_nobody_and_counts_nothing(realm: Env, typed: str) -> None:
    """Fullwidth, zero-width, dotless-i and no-break-space forms find no user (no NFKC folding, as Keycloak): they
    neither sign in with the right password nor move any counter, so they cannot bypass a lock either."""
    assert await _right(realm, typed) == 400
    before = await _rows(realm)
    await _fail(realm, typed)
    assert await _rows(realm) == before


async def test_unknown_identifiers_add_no_rows(realm: Env) -> None:
    """Counters are keyed by the values users hold: twenty failures under names and addresses nobody has leave the
    failure tables as they were (no unbounded growth by attacker-chosen keys)."""
    before = await _rows(realm)
    for n in range(20):
        await _fail(realm, f"nobody-{n}@example.com" if n % 2 else f"nobody-{n}")
    assert await _rows(realm) == before


async def test_switching_between_username_and_email_does_not_give_more_than_each_factor(realm: Env) -> None:
    """Each protected property locks after its factor; once one is locked every counter of the user locks it, so the
    attacker gets at most factor guesses per property (here 3 + 2 before the username locks too), then the right
    password is refused through either identifier."""
    for typed in (VICTIM, EMAIL, VICTIM, EMAIL, VICTIM):
        await _fail(realm, typed)
    assert await _right(realm, EMAIL) == 400
    assert await _right(realm, VICTIM) == 400


async def test_any_policy_counts_the_user_id_across_identifiers(realm: Env) -> None:
    """ANY: the user-id counter moves whatever is typed, so alternating identifiers locks after failureFactor."""
    await _configure(realm, {"bruteForceLockPolicy": "ANY", "bruteForcePropertyFailureFactor": 10})
    for typed in (VICTIM, EMAIL, VICTIM.upper()):
        await _fail(realm, typed)
    assert await _right(realm, VICTIM) == 400


async def test_a_locked_account_answers_as_a_wrong_password_and_an_unknown_name(realm: Env) -> None:
    """No enumeration: the password grant's answer for the locked victim's right password, a wrong one and a name
    nobody holds is the same body; the login form's page text is the same for all three."""
    for _ in range(3):
        await _fail(realm, EMAIL)
    locked = await password_grant(realm.http, "test", "app", EMAIL, "password")
    unknown = await password_grant(realm.http, "test", "app", "ghost@example.com", "password")
    wrong = await password_grant(realm.http, "test", "app", "attacker", "wrong")
    assert [r.status_code for r in (locked, unknown, wrong)] == [400, 400, 400]
    assert locked.json() == unknown.json() == wrong.json() == INVALID
    await update_client(realm.db, "test", "app", redirect_uris=("http://127.0.0.1:9999/*",))
    texts = []
    for name, password in ((EMAIL, "password"), ("ghost@example.com", "password"), ("attacker", "wrong")):
        realm.http.cookies.clear()
        page = await submit(realm.http, await start(realm.http, "test", "app"), username=name, password=password)
        assert page.status_code == 200
        texts.append("Invalid username or password." in page.text)
    assert texts == [True, True, True]


async def test_another_accounts_success_does_not_clear_the_victims_counters(realm: Env) -> None:
    """A success clears the signing-in user's own counters only: the attacker signing in to their own account
    (typed as username or e-mail) leaves the victim locked."""
    for _ in range(3):
        await _fail(realm, EMAIL)
    assert await _right(realm, "attacker") == 200
    assert await _right(realm, "attacker@example.com") == 200
    assert await _right(realm, EMAIL) == 400
    assert await _right(realm, VICTIM) == 400


async def test_the_property_counters_store_no_value(realm: Env) -> None:
    """The property table keys a digest: neither the e-mail address nor the username typed is stored."""
    await _fail(realm, EMAIL)
    await _fail(realm, VICTIM)
    async with realm.db.transaction(write=False) as tx:
        keys = [str(k) for k in (await tx._conn.execute(select(property_login_failures.c.failure_key))).scalars()]
    assert keys and all(EMAIL not in k and VICTIM not in k for k in keys)
