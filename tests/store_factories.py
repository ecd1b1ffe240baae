"""Small factories for the store contract suite: rows built straight through the repositories."""

from __future__ import annotations

import uuid
from typing import Any

from doorkeep.model import Client, ClientSession, Realm, RefreshFamily, User, UserSession
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
