"""A failure while cleaning one realm's expired sessions does not stop the other realms' cleanup.

Keycloak's ExpirationTaskTest.testRealmAwareTaskFailureInOneRealmDoesNotBlockOthers: RealmAwareExpirationTask runs
each realm's removal on its own, logs a failing realm's exception with the realm ("Exception during cleanup of
expired ... for realm ...") and goes on with the next. The failure here is a real one: a trigger in the database
refuses to delete the broken realm's sessions (SQLite and PostgreSQL).
"""

from __future__ import annotations

import logging

import pytest
from sqlalchemy import text

from doorkeep.sessions.cleaner import clean_once
from support import password_grant, seed_client, seed_realm, seed_user
from wire_env import Env

pytestmark = pytest.mark.anyio
DAY = 86400
BROKEN, FINE = "aaa-broken", "zzz-fine"  # the broken realm is cleaned first (realms are listed by name)


async def _refuse_deleting_sessions_of(env: Env, realm_id: str) -> None:
    statements = (
        [
            f"CREATE TRIGGER s71e_refuse BEFORE DELETE ON user_sessions WHEN old.realm_id = '{realm_id}' "
            "BEGIN SELECT RAISE(ABORT, 'corrupt session row'); END"
        ]
        if env.db.is_sqlite
        else [
            "CREATE FUNCTION s71e_refuse() RETURNS trigger LANGUAGE plpgsql AS "
            "$$ BEGIN RAISE EXCEPTION 'corrupt session row'; END $$",
            "CREATE TRIGGER s71e_refuse BEFORE DELETE ON user_sessions FOR EACH ROW "
            f"WHEN (OLD.realm_id = '{realm_id}') EXECUTE FUNCTION s71e_refuse()",
        ]
    )
    await _ddl(env, statements)


async def _refuse_deleting_the_last_session_of(env: Env, realm_id: str) -> None:
    """A failure in the second batch: the realm's last session cannot go (a row trigger sees the rows the statement
    deleted before it, on both engines)."""
    last = f"(SELECT count(*) FROM user_sessions WHERE realm_id = '{realm_id}') <= 1"
    statements = (
        [
            f"CREATE TRIGGER s71e_refuse BEFORE DELETE ON user_sessions WHEN old.realm_id = '{realm_id}' AND {last} "
            "BEGIN SELECT RAISE(ABORT, 'corrupt session row'); END"
        ]
        if env.db.is_sqlite
        else [
            "CREATE FUNCTION s71e_refuse() RETURNS trigger LANGUAGE plpgsql AS "
            f"$$ BEGIN IF {last} THEN RAISE EXCEPTION 'corrupt session row'; END IF; RETURN OLD; END $$",
            "CREATE TRIGGER s71e_refuse BEFORE DELETE ON user_sessions FOR EACH ROW "
            f"WHEN (OLD.realm_id = '{realm_id}') EXECUTE FUNCTION s71e_refuse()",
        ]
    )
    await _ddl(env, statements)


async def _repair(env: Env) -> None:
    await _ddl(env, ["DROP TRIGGER s71e_refuse" if env.db.is_sqlite else "DROP TRIGGER s71e_refuse ON user_sessions"])


async def _ddl(env: Env, statements: list[str]) -> None:
    async with env.db.engine.connect() as conn:
        for statement in statements:
            await conn.execute(text(statement))
        await conn.commit()


async def _offline_sessions(env: Env, realm: str) -> int:
    async with env.db.transaction(write=False) as tx:
        found = await tx.realms.get_by_name(realm)
        assert found is not None
        return await tx.sessions.count_realm_sessions(found.id, True)


async def _realm_with_offline_sessions(env: Env, name: str, count: int) -> str:
    realm = await seed_realm(env.db, env.clock, name)
    await seed_client(env.db, name, "app")
    await seed_user(env.db, env.clock, name, "user1")
    for _ in range(count):
        response = await password_grant(env.http, name, "app", scope="offline_access")
        assert response.status_code == 200, response.text
    return realm.id


async def test_a_realm_whose_cleanup_fails_is_logged_and_the_other_realms_are_still_cleaned(
    env: Env, caplog: pytest.LogCaptureFixture
) -> None:
    broken_id = await _realm_with_offline_sessions(env, BROKEN, 2)
    await _realm_with_offline_sessions(env, FINE, 3)
    await _refuse_deleting_sessions_of(env, broken_id)
    env.clock.advance(31 * DAY)  # past the 30 days' offline idle and the cleaner's window
    with caplog.at_level(logging.WARNING, logger="doorkeep.cleaner"):
        assert await clean_once(env.db, env.clock.now(), batch=2) == 3
    assert await _offline_sessions(env, FINE) == 0
    assert await _offline_sessions(env, BROKEN) == 2  # its batch rolled back whole
    failures = [r for r in caplog.records if r.name == "doorkeep.cleaner" and r.levelno == logging.WARNING]
    assert [r.getMessage() for r in failures] == [f"cleanup of expired offline sessions failed for realm {BROKEN}"]
    assert failures[0].exc_info is not None
    await _repair(env)
    assert await clean_once(env.db, env.clock.now(), batch=2) == 2  # the next run cleans it
    assert await _offline_sessions(env, BROKEN) == 0


async def test_the_batches_before_a_failing_one_stay_deleted(env: Env, caplog: pytest.LogCaptureFixture) -> None:
    """ExpirationTaskTest.testDefaultTaskPartialOutcome: the first batch's removals count and stay; the failing batch
    is rolled back, logged, and the other realms are cleaned."""
    broken_id = await _realm_with_offline_sessions(env, BROKEN, 3)
    await _realm_with_offline_sessions(env, FINE, 1)
    await _refuse_deleting_the_last_session_of(env, broken_id)
    env.clock.advance(31 * DAY)
    with caplog.at_level(logging.WARNING, logger="doorkeep.cleaner"):
        assert await clean_once(env.db, env.clock.now(), batch=2) == 2 + 1
    assert (await _offline_sessions(env, BROKEN), await _offline_sessions(env, FINE)) == (1, 0)
    messages = [r.getMessage() for r in caplog.records if r.name == "doorkeep.cleaner"]
    assert messages == [f"cleanup of expired offline sessions failed for realm {BROKEN}"]


async def test_a_failure_in_the_realm_less_purges_does_not_stop_the_realms_cleanup(
    env: Env, caplog: pytest.LogCaptureFixture
) -> None:
    """Abandoned logins, codes, device authorizations ... are purged before the realms; Keycloak runs each kind as
    a task of its own, so their failure (here a missing table) leaves the sessions' cleanup to run."""
    await _realm_with_offline_sessions(env, FINE, 1)
    await _ddl(env, ["DROP TABLE device_codes" if env.db.is_sqlite else "DROP TABLE device_codes CASCADE"])
    env.clock.advance(31 * DAY)
    with caplog.at_level(logging.WARNING, logger="doorkeep.cleaner"):
        assert await clean_once(env.db, env.clock.now()) == 1
    assert await _offline_sessions(env, FINE) == 0
    messages = [r.getMessage() for r in caplog.records if r.name == "doorkeep.cleaner"]
    assert messages == ["cleanup of expired short-lived entries failed for realm -"]
