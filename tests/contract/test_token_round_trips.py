"""PostgreSQL: the statements a token grant sends, counted by the server itself (``log_statement = all``).

Each statement the log shows is one round trip (a statement's first Parse on a connection, not logged, is
taken by the warm-up). A rotation-off refresh within the second writes nothing and sends two reads, no BEGIN
and no COMMIT (store/pg_connections.py); one in a new second still writes both sessions' timestamps, in a
transaction; rotation on reads its session and its refresh family in one statement under the rows' locks and
writes the family with the touch in one more; client_credentials sends one read.
Counts, not times (issue #8).
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from pathlib import Path

import asyncpg
import pytest

from pg import ThrowawayPostgres
from support import offline_timestamps, password_grant, refresh, seed_client, update_realm
from wire_env import Env, make_env, prepared_postgres

pytestmark = [pytest.mark.anyio, pytest.mark.postgres]

_LOGGED = re.compile(r"LOG:\s+(?:statement|execute [^:]*): (.*)")


class StatementLog:
    """The statements the server logs for one database from ``mark`` on."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.start = 0

    def mark(self) -> None:
        self.start = self.path.stat().st_size

    def since(self) -> list[str]:
        with self.path.open("rb") as f:
            f.seek(self.start)
            text = f.read().decode(errors="replace")
        entries: list[str] = []
        for line in text.splitlines():  # a statement's further lines start with a tab
            if line.startswith("\t") and entries:
                entries[-1] += " " + line.strip()
            else:
                entries.append(line)
        return [m.group(1).strip() for m in map(_LOGGED.search, entries) if m]


@pytest.fixture
async def logged(postgres_server: ThrowawayPostgres) -> AsyncIterator[tuple[Env, StatementLog]]:
    url = await prepared_postgres(postgres_server, test_realm=True)
    name = url.rsplit("/", 1)[1]
    admin = await asyncpg.connect(url)
    try:
        await admin.execute(f"ALTER DATABASE \"{name}\" SET log_statement = 'all'")  # its connections from now on
    finally:
        await admin.close()
    env, db = await make_env(url, prepared=True, test_realm=True)
    await db.dispose()  # no connection opened before the setting stays (the engine opens new ones)
    try:
        yield env, StatementLog(postgres_server.log_file)
    finally:
        await env.drain()
        await env.http.aclose()
        await db.dispose()
        postgres_server.drop_database_of(url)


async def _offline_token(env: Env) -> str:
    response = await password_grant(env.http, "test", "app", scope="offline_access")
    assert response.status_code == 200, response.text
    return str(response.json()["refresh_token"])


async def _refreshed(env: Env, token: str, times: int) -> str:
    for _ in range(times):
        response = await refresh(env.http, "test", "app", token)
        assert response.status_code == 200, response.text
        token = str(response.json()["refresh_token"])
    return token


def _is_read(sql: str) -> bool:
    return sql.startswith("SELECT") and " FOR " not in sql


async def test_a_rotation_off_refresh_within_the_second_sends_two_reads_and_no_transaction(
    logged: tuple[Env, StatementLog],
) -> None:
    env, log = logged
    token = await _refreshed(env, await _offline_token(env), 3)  # warm: statements prepared, the configuration cached
    log.mark()
    await _refreshed(env, token, 5)
    sent = log.since()
    assert len(sent) == 10, sent
    assert all(_is_read(sql) for sql in sent), sent
    assert [" FROM realms " in sql for sql in sent] == [True, False] * 5, sent


async def test_a_rotation_off_refresh_in_a_new_second_still_writes_both_timestamps(
    logged: tuple[Env, StatementLog],
) -> None:
    env, log = logged
    token = await _refreshed(env, await _offline_token(env), 3)
    before = await offline_timestamps(env.db, token)
    env.clock.advance(1)
    log.mark()
    token = await _refreshed(env, token, 1)
    sent = log.since()
    assert len(sent) == 5, sent
    assert _is_read(sent[0]) and _is_read(sent[1]), sent
    assert sent[2] == "BEGIN;" and sent[4] == "COMMIT;", sent
    assert "UPDATE user_sessions" in sent[3] and "UPDATE client_sessions" in sent[3], sent
    assert await offline_timestamps(env.db, token) == (before[0] + 1, before[1] + 1)


async def test_a_rotating_refresh_reads_its_session_and_family_under_the_locks_in_one_statement(
    logged: tuple[Env, StatementLog],
) -> None:
    env, log = logged
    await update_realm(env.db, "test", revoke_refresh_token=True)
    token = await _refreshed(env, await _offline_token(env), 3)
    log.mark()
    await _refreshed(env, token, 1)
    sent = log.since()
    assert len(sent) == 5, sent
    assert sent[1] == "BEGIN;" and sent[-1] == "COMMIT;", sent
    assert "FOR NO KEY UPDATE OF user_sessions, client_sessions, refresh_families" in sent[2], sent
    assert sent[3].startswith("UPDATE refresh_families"), sent  # the same second: nothing to touch


async def test_a_rotating_refresh_in_a_new_second_writes_both_timestamps_and_its_family_in_one_statement(
    logged: tuple[Env, StatementLog],
) -> None:
    env, log = logged
    await update_realm(env.db, "test", revoke_refresh_token=True)
    token = await _refreshed(env, await _offline_token(env), 3)
    before = await offline_timestamps(env.db, token)
    env.clock.advance(1)
    log.mark()
    token = await _refreshed(env, token, 1)
    sent = log.since()
    assert len(sent) == 5, sent
    assert sent[1] == "BEGIN;" and sent[-1] == "COMMIT;", sent
    written = sent[3]
    assert all(f"UPDATE {table}" in written for table in ("user_sessions", "client_sessions", "refresh_families"))
    assert await offline_timestamps(env.db, token) == (before[0] + 1, before[1] + 1)
    token = await _refreshed(env, token, 1)  # the family recorded the new token as the current one


async def test_client_credentials_sends_one_read(logged: tuple[Env, StatementLog]) -> None:
    env, log = logged
    await seed_client(env.db, "test", "machine", service_accounts=True)
    form = {"grant_type": "client_credentials", "client_id": "machine", "client_secret": "secret"}
    for _ in range(3):
        response = await env.http.post("/realms/test/protocol/openid-connect/token", data=form)
        assert response.status_code == 200, response.text
    log.mark()
    response = await env.http.post("/realms/test/protocol/openid-connect/token", data=form)
    assert response.status_code == 200, response.text
    sent = log.since()
    assert len(sent) == 1 and _is_read(sent[0]), sent
