"""Small factories for the store contract suite: rows built straight through the repositories."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import insert

from doorkeep.model import Client, ClientSession, Realm, RefreshFamily, User, UserSession
from doorkeep.store.tables import client_sessions, user_sessions
from doorkeep.store.tx import Tx


def new_id() -> str:
    return str(uuid.uuid4())


async def add_realm(tx: Tx, name: str = "test", **settings: Any) -> Realm:
    realm = Realm(id=new_id(), name=name, **settings)
    await tx.realms.create(realm)
    return realm


async def add_client(tx: Tx, realm: Realm, client_id: str = "app", **settings: Any) -> Client:
    client = Client(id=new_id(), realm_id=realm.id, client_id=client_id, **settings)
    await tx.clients.create(client)
    return client


async def add_user(tx: Tx, realm: Realm, username: str = "alice", **settings: Any) -> User:
    user = User(id=new_id(), realm_id=realm.id, username=username, **settings)
    await tx.users.create(user)
    return user


async def add_user_session(
    tx: Tx,
    user: User,
    *,
    offline: bool = False,
    session_id: str | None = None,
    started: int = 1000,
    last_refresh: int | None = None,
) -> UserSession:
    session = UserSession(
        id=session_id or new_id(),
        realm_id=user.realm_id,
        user_id=user.id,
        offline=offline,
        login_username=user.username,
        ip_address="127.0.0.1",
        auth_method="openid-connect",
        remember_me=False,
        started=started,
        last_session_refresh=started if last_refresh is None else last_refresh,
    )
    await tx.sessions.create_user_session(session)
    return session


async def add_client_session(tx: Tx, session: UserSession, client: Client, *, started: int = 1000) -> ClientSession:
    cs = ClientSession(
        user_session_id=session.id,
        offline=session.offline,
        client_id=client.id,
        started=started,
        timestamp=started,
        redirect_uri="https://app.example/cb",
        notes={"scope": "openid"},
    )
    await tx.sessions.create_client_session(cs)
    return cs


async def add_family(tx: Tx, cs: ClientSession, key: str = "family-1", use_count: int = 0) -> RefreshFamily:
    family = RefreshFamily(
        reuse_key=key, current_jti="jti-0", use_count=use_count, last_refresh=cs.started, latest_jti="jti-0"
    )
    await tx.sessions.save_family(cs.user_session_id, cs.offline, cs.client_id, family)
    return family


async def add_sessions_in_bulk(
    tx: Tx, user: User, clients: Sequence[Client], starts: Sequence[int], *, offline: bool
) -> list[UserSession]:
    """One session of ``user`` per start time, in two multi-row INSERTs (thousands in a blink): session ``i``
    holds a client session of ``clients[i % len(clients)]``, and every third one of the next client too."""
    sessions = [
        UserSession(
            id=new_id(),
            realm_id=user.realm_id,
            user_id=user.id,
            offline=offline,
            login_username=user.username,
            ip_address=f"10.0.{i // 250}.{i % 250}",
            auth_method="openid-connect",
            remember_me=False,
            started=started,
            last_session_refresh=started,
            notes={"device.label": f"device {i}"} if offline else {},
        )
        for i, started in enumerate(starts)
    ]
    links = [
        {"user_session_id": us.id, "offline": offline, "client_id": clients[(i + k) % len(clients)].id}
        | {"started": us.started, "timestamp": us.started, "redirect_uri": None, "notes": {}}
        for i, us in enumerate(sessions)
        for k in range(2 if i % 3 == 0 and len(clients) > 1 else 1)
    ]
    conn = tx._conn  # a test's bulk seeding, below the repositories
    await conn.execute(insert(user_sessions), [us.__dict__ for us in sessions])
    await conn.execute(insert(client_sessions), links)
    return sessions


async def add_twins_in_bulk(tx: Tx, sessions: Sequence[UserSession]) -> list[UserSession]:
    """The sessions of the same ids of the other kind (an offline session is copied from the online one), each with
    the client sessions of its twin, in two multi-row INSERTs."""
    twins = [UserSession(**{**us.__dict__, "offline": not us.offline}) for us in sessions]
    if not twins:
        return twins
    conn = tx._conn  # a test's bulk seeding, below the repositories
    by_session = await tx.session_ends.client_sessions_of([us.id for us in sessions], sessions[0].offline)
    links = [{**cs.__dict__, "offline": not cs.offline} for us in sessions for cs in by_session[us.id]]
    await conn.execute(insert(user_sessions), [us.__dict__ for us in twins])
    if links:
        await conn.execute(insert(client_sessions), links)
    return twins
