"""Prepared statements (store/prepared.py) read and write exactly what SQLAlchemy's execute does.

Each hot statement of the token path is run both ways on the same data, on both engines: the rows
must be equal by position, by name and through ``_mapping``, with the same Python types (booleans,
JSON). Errors keep SQLAlchemy's classes, with no bind parameter in their text.
"""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import bindparam, select, text
from sqlalchemy.exc import DBAPIError, IntegrityError, SQLAlchemyError
from sqlalchemy.sql.base import Executable

from doorkeep.model import Client, Realm, Role, User, UserSession
from doorkeep.store import realms as realm_store
from doorkeep.store import resume_read, sessions, users
from doorkeep.store.database import Database, is_data_error
from doorkeep.store.prepared import Prepared
from doorkeep.store.tables import user_role_mappings
from store_factories import add_client, add_client_session, add_realm, add_user, add_user_session, new_id

pytestmark = pytest.mark.anyio


def _same(prepared: list[Any], plain: list[Any]) -> None:
    assert [tuple(r) for r in prepared] == [tuple(r) for r in plain]
    assert [[type(v) for v in r] for r in prepared] == [[type(v) for v in r] for r in plain]
    for mine, theirs in zip(prepared, plain, strict=True):
        names = [k for k in theirs._mapping if list(theirs._mapping).count(k) == 1]
        assert {k: mine._mapping[k] for k in names} == {k: theirs._mapping[k] for k in names}
        assert all(getattr(mine, k) == getattr(theirs, k) for k in names)


async def _both(db: Database, statement: Prepared, params: dict[str, Any]) -> tuple[list[Any], list[Any]]:
    async with db.transaction(write=False) as tx:
        conn = tx.realms._c
        assert isinstance(statement.statement, Executable)  # Prepared keeps it as a ClauseElement
        return list(await statement.execute(conn, params)), list(await conn.execute(statement.statement, params))


async def _session(db: Database) -> tuple[Realm, Client, User, UserSession]:
    """A realm, a client, a user and one offline session of the user holding the client."""
    async with db.transaction() as tx:
        realm = await add_realm(tx)
        client = await add_client(tx, realm)
        user = await add_user(tx, realm)
        session = await add_user_session(tx, user, offline=True, started=10, last_refresh=20)
        await add_client_session(tx, session, client)
    return realm, client, user, session


async def test_the_token_path_reads_equal_sqlalchemys(db: Database) -> None:
    realm, client, user, session = await _session(db)
    async with db.transaction() as tx:
        role = Role(id=new_id(), realm_id=realm.id, name="reader")
        await tx.roles.create(role)
        await tx.users.grant_roles(user.id, [role.id])
    cases: list[tuple[Prepared, dict[str, Any]]] = [
        (realm_store._REALM_BY_NAME, {"name": realm.name}),
        (realm_store._REALM_BY_NAME, {"name": "no such realm"}),
        (users._USER_BY_ID, {"id": user.id}),
        (users._ROLE_IDS, {"id": user.id}),
        (users._SERVICE_ACCOUNT, {"realm": realm.id, "cid": client.id}),
    ]
    joined = {"sid": session.id, "off": True, "uid": user.id, "cid": client.id}
    if db.is_sqlite:
        cases.append((resume_read._SQLITE, joined))
    else:
        cases += [(resume_read._PG, joined), (resume_read._PG_LOCKED, joined)]
    for statement, params in cases:
        prepared, plain = await _both(db, statement, params)
        _same(prepared, plain)
    prepared, _ = await _both(db, users._USER_BY_ID, {"id": user.id})
    assert prepared[0].enabled is True and isinstance(prepared[0]._mapping["config"], dict)


async def test_a_refresh_touches_exactly_its_client_session_and_its_user_session(db: Database) -> None:
    realm, client, user, session = await _session(db)
    async with db.transaction() as tx:  # a neighbour of each row that must keep its values
        other_client = await add_client(tx, realm, "other-app")
        await add_client_session(tx, session, other_client)
        other = await add_user_session(tx, user, offline=True, started=10, last_refresh=20)
        await add_client_session(tx, other, client)
    async with db.transaction() as tx:
        await tx.sessions.touch_sessions(
            session.id, True, client.id, 5000
        )  # after every stored value: a touch only moves forward
    async with db.transaction(write=False) as tx:
        touched_us = await tx.sessions.get_user_session(session.id, True)
        touched_cs = await tx.sessions.get_client_session(session.id, True, client.id)
        kept_cs = await tx.sessions.get_client_session(session.id, True, other_client.id)
        kept_us = await tx.sessions.get_user_session(other.id, True)
        kept_other_cs = await tx.sessions.get_client_session(other.id, True, client.id)
        online = await tx.sessions.get_client_session(session.id, False, client.id)
    assert touched_us is not None and touched_us.last_session_refresh == 5000
    assert touched_cs is not None and touched_cs.timestamp == 5000
    assert kept_cs is not None and kept_cs.timestamp != 5000
    assert kept_us is not None and kept_us.last_session_refresh == 20
    assert kept_other_cs is not None and kept_other_cs.timestamp != 5000
    assert online is None


async def test_the_refresh_updates_change_one_row_each(db: Database) -> None:
    _, client, _, session = await _session(db)
    async with db.transaction() as tx:
        await tx.sessions.touch_user_session(session.id, True, 77)
        await tx.sessions.touch_client_session(session.id, True, client.id, 78)
        touched = await sessions._TOUCH_US.execute(tx.realms._c, {"sid": session.id, "off": True, "at": 79})
        assert touched.rowcount == 1
        missed = await sessions._TOUCH_US.execute(tx.realms._c, {"sid": "nobody", "off": True, "at": 79})
        assert missed.rowcount == 0
    async with db.transaction(write=False) as tx:
        stored = await tx.sessions.get_user_session(session.id, True)
        client_session = await tx.sessions.get_client_session(session.id, True, client.id)
    assert stored is not None and stored.last_session_refresh == 79
    assert client_session is not None and client_session.timestamp == 78


async def test_a_bind_with_a_value_in_the_statement_uses_it_and_a_missing_one_is_refused(db: Database) -> None:
    async with db.transaction() as tx:
        realm = await add_realm(tx)
        user = await add_user(tx, realm)
    with_default = Prepared(select(bindparam("n", 5), bindparam("given")))
    async with db.transaction(write=False) as tx:
        row = (await with_default.execute(tx.realms._c, {"given": user.id})).first()
        assert row is not None and tuple(row) == (5, user.id)
        with pytest.raises(SQLAlchemyError, match="A value is required for bind parameter 'id'"):
            await users._USER_BY_ID.execute(tx.realms._c, {})


async def test_database_errors_keep_sqlalchemys_class_without_the_values(db: Database) -> None:
    async with db.transaction() as tx:
        await tx.realms._c.execute(text("CREATE TABLE IF NOT EXISTS probe_prepared (v INTEGER NOT NULL, note TEXT)"))
    refused = Prepared(text("INSERT INTO probe_prepared (v, note) VALUES (:v, :note)").bindparams(bindparam("v")))
    secret = "s3cret-value-never-logged"
    with pytest.raises(IntegrityError) as caught:
        async with db.transaction() as tx:
            await refused.execute(tx.realms._c, {"v": None, "note": secret})
    assert isinstance(caught.value, DBAPIError) and secret not in str(caught.value)
    grants = Prepared(select(user_role_mappings.c.role_id).where(user_role_mappings.c.user_id == bindparam("id")))
    async with db.transaction() as tx:  # the connection is usable after a refused statement
        assert list(await grants.execute(tx.realms._c, {"id": secret})) == []
        await refused.execute(tx.realms._c, {"v": 1, "note": "kept"})
    async with db.transaction(write=False) as tx:
        assert [tuple(r) for r in await tx.realms._c.execute(text("SELECT v, note FROM probe_prepared"))] == [
            (1, "kept")
        ]


ON_POSTGRESQL = pytest.mark.parametrize("db", ["postgresql"], indirect=True)  # conftest's db, one engine


async def _count(db: Database, session_id: str) -> int:
    async with db.transaction(write=False) as tx:
        rows = await tx.realms._c.execute(
            text("SELECT last_session_refresh FROM user_sessions WHERE id = :i"), {"i": session_id}
        )
        return int(rows.scalar_one())


@pytest.mark.postgres
@ON_POSTGRESQL
async def test_on_postgresql_a_prepared_statement_is_part_of_sqlalchemys_transaction(db: Database) -> None:
    _, _, _, session = await _session(db)
    touch = {"sid": session.id, "off": True}
    with pytest.raises(RuntimeError):  # first statement of its transaction: it starts asyncpg's BEGIN
        async with db.transaction() as tx:
            assert (await sessions._TOUCH_US.execute(tx.realms._c, {**touch, "at": 31})).rowcount == 1
            raise RuntimeError("roll back")
    assert await _count(db, session.id) == 20
    with pytest.raises(RuntimeError):  # after SQLAlchemy's statement: the same transaction, no second BEGIN
        async with db.transaction() as tx:
            await tx.realms._c.execute(text("SELECT 1"))
            assert (await sessions._TOUCH_US.execute(tx.realms._c, {**touch, "at": 32})).rowcount == 1
            await tx.realms._c.execute(
                text("UPDATE user_sessions SET broker_session_id = 'x' WHERE id = :i"), {"i": session.id}
            )
            raise RuntimeError("roll back")
    assert await _count(db, session.id) == 20
    async with db.transaction() as tx:
        await sessions._TOUCH_US.execute(tx.realms._c, {**touch, "at": 33})
        await tx.realms._c.execute(text("SELECT 1"))
    assert await _count(db, session.id) == 33


@pytest.mark.postgres
@ON_POSTGRESQL
async def test_on_postgresql_bad_input_is_a_data_error_and_a_lost_connection_is_replaced(db: Database) -> None:
    with pytest.raises(DBAPIError) as caught:
        async with db.transaction(write=False) as tx:
            await realm_store._REALM_BY_NAME.execute(tx.realms._c, {"name": "nul\x00byte"})
    assert is_data_error(caught.value) and "nul" not in str(caught.value)
    with pytest.raises(DBAPIError) as lost:
        async with db.transaction(write=False) as tx:
            conn = tx.realms._c
            pid = (await conn.execute(text("SELECT pg_backend_pid()"))).scalar_one()
            async with db.transaction(write=False) as other:
                await other.realms._c.execute(text("SELECT pg_terminate_backend(:p)"), {"p": pid})
            await realm_store._REALM_BY_NAME.execute(conn, {"name": "master"})
    assert lost.value.connection_invalidated
    async with db.transaction(write=False) as tx:  # the pool hands out a live connection again
        assert list(await realm_store._REALM_BY_NAME.execute(tx.realms._c, {"name": "no such realm"})) == []
