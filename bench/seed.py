"""Seeding the benchmark realm, bulk-inserting offline sessions, and minting offline tokens for them.

Everything goes through Doorkeep's own Python API (provisioning, bootstrap, TokenCodec, KeyRing) or its
SQLAlchemy tables, against the same database the server will open. Run these while no server writes.
"""

from __future__ import annotations

import random
import time
import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy import create_engine, event, func, insert, select

from doorkeep.keys.ring import KeyRing
from doorkeep.model import Client, ProtocolMapper, User
from doorkeep.oauth import scopes as scope_rules
from doorkeep.realms import provisioning
from doorkeep.realms.bootstrap import set_password
from doorkeep.store.database import Database
from doorkeep.store.tables import client_sessions, user_sessions
from doorkeep.tokens import TYPE_OFFLINE, TokenCodec, new_id

REALM = "bench"
CLIENT_ID = "bench-app"
AUDIENCE = "oidc-audience-mapper"
CLIENT_SECRET = "bench-app-secret"  # a throwaway secret of a throwaway database on 127.0.0.1
USERNAME = "bench-user"
PASSWORD = "bench-password"
BALLAST_USERS = 1000
OFFLINE_SCOPE = "offline_access"


@dataclass(frozen=True)
class Seeded:
    realm_id: str
    client_uuid: str
    user_id: str
    ballast_user_ids: tuple[str, ...]


async def seed(db_url: str, *, ballast_users: int = 0, own_audience: bool = False) -> Seeded:
    """Migrate, then create realm ``bench``: a confidential client and a user who holds offline_access.

    The client has direct access grants and a service account, and ``client_credentials.use_refresh_token``
    on. ``ballast_users`` extra users (no password) own the bulk-inserted sessions of the scale benchmark.
    """
    now = int(time.time())
    db = Database(db_url)
    try:
        await db.migrate()
        async with db.transaction() as tx:
            realm = await provisioning.create_realm(tx, REALM, now)
            client = await provisioning.create_client(
                tx,
                realm,
                Client(
                    id=provisioning.new_id(),
                    realm_id=realm.id,
                    client_id=CLIENT_ID,
                    secret=CLIENT_SECRET,
                    direct_access_grants_enabled=True,
                    service_accounts_enabled=True,
                    attributes={"client_credentials.use_refresh_token": "true"},
                ),
                now=now,
            )
            if own_audience:
                # Keycloak 26.6.2 introspects a token only for a client in its ``aud``: the throughput runs' client
                # names itself there, so their introspection measures an active answer. Off for the side-by-side
                # refreshes, which stay the request earlier sessions measured (no audience mapper to run).
                own = {"included.custom.audience": CLIENT_ID, "access.token.claim": "true"}
                mapper = ProtocolMapper(id=provisioning.new_id(), name="own audience", mapper=AUDIENCE, config=own)
                await tx.mappers.add(realm.id, client.id, mapper, client=True)
            user = await provisioning.create_user(
                tx,
                realm,
                User(
                    id=provisioning.new_id(),
                    realm_id=realm.id,
                    username=USERNAME,
                    email=f"{USERNAME}@example.com",
                    email_verified=True,
                    first_name="Bench",
                    last_name="User",
                    created_timestamp=now * 1000,
                ),
            )
            await set_password(tx, user, PASSWORD, now, policy=realm.password_policy)
            ballast: list[str] = []
            for number in range(ballast_users):
                other = await provisioning.create_user(
                    tx,
                    realm,
                    User(
                        id=provisioning.new_id(),
                        realm_id=realm.id,
                        username=f"ballast-{number:05d}",
                        email=f"ballast-{number:05d}@example.com",
                        email_verified=True,
                        first_name="Ballast",
                        last_name=f"{number:05d}",
                        created_timestamp=now * 1000,
                    ),
                )
                ballast.append(other.id)
        return Seeded(realm.id, client.id, user.id, tuple(ballast))
    finally:
        await db.dispose()


def sync_url(db_path: str) -> str:
    return f"sqlite:///{db_path}"


class Reservoir:
    """A uniform random sample of at most ``size`` items of a stream (Algorithm R)."""

    def __init__(self, size: int, rng: random.Random) -> None:
        self.size = size
        self.seen = 0
        self._rng = rng
        self._items: list[tuple[str, str]] = []

    def add(self, item: tuple[str, str]) -> None:
        self.seen += 1
        if len(self._items) < self.size:
            self._items.append(item)
        else:
            slot = self._rng.randrange(self.seen)
            if slot < self.size:
                self._items[slot] = item

    def items(self) -> list[tuple[str, str]]:
        return list(self._items)


def insert_offline_sessions(
    db_path: str, seeded: Seeded, count: int, sample: Reservoir, *, first: int = 0, chunk: int = 20_000
) -> None:
    """Bulk-insert ``count`` offline user sessions, each with one offline client session of the bench client.

    Sessions belong to the ballast users round-robin, started up to 7 days ago and last refreshed up to
    1 day ago (all valid under the default 30-day offline idle timeout). ``sample`` sees every
    (session id, user id) pair; ``first`` numbers the rows on from an earlier call.
    """
    rng = random.Random(first)
    now = int(time.time())
    engine = create_engine(sync_url(db_path))

    @event.listens_for(engine, "connect")
    def _pragmas(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.execute("PRAGMA journal_mode=WAL")
        dbapi_conn.execute("PRAGMA synchronous=NORMAL")

    users = seeded.ballast_user_ids
    try:
        for start in range(first, first + count, chunk):
            us_rows: list[dict[str, Any]] = []
            cs_rows: list[dict[str, Any]] = []
            for number in range(start, min(start + chunk, first + count)):
                sid, uid = str(uuid.uuid4()), users[number % len(users)]
                started = now - rng.randrange(7 * 86400)
                refreshed = max(started, now - rng.randrange(86400))
                us_rows.append(
                    {
                        "id": sid,
                        "offline": True,
                        "realm_id": seeded.realm_id,
                        "user_id": uid,
                        "login_username": f"ballast-{number % len(users):05d}",
                        "ip_address": "127.0.0.1",
                        "auth_method": "openid-connect",
                        "remember_me": False,
                        "started": started,
                        "last_session_refresh": refreshed,
                        "broker_session_id": None,
                        "notes": {},
                    }
                )
                cs_rows.append(
                    {
                        "user_session_id": sid,
                        "offline": True,
                        "client_id": seeded.client_uuid,
                        "started": started,
                        "timestamp": refreshed,
                        "redirect_uri": None,
                        "notes": {"scope": OFFLINE_SCOPE, "grant_type": "password"},
                    }
                )
                sample.add((sid, uid))
            with engine.begin() as conn:
                conn.execute(insert(user_sessions), us_rows)
                conn.execute(insert(client_sessions), cs_rows)
        with engine.connect() as conn:  # start every server on a checkpointed, empty WAL
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        engine.dispose()


def count_offline_sessions(db_path: str) -> int:
    engine = create_engine(sync_url(db_path))
    try:
        with engine.connect() as conn:
            return int(
                conn.execute(
                    select(func.count()).select_from(user_sessions).where(user_sessions.c.offline.is_(True))
                ).scalar_one()
            )
    finally:
        engine.dispose()


async def mint_offline_tokens(db_url: str, seeded: Seeded, issuer: str, sessions: list[tuple[str, str]]) -> list[str]:
    """Offline tokens for existing sessions, with the claims oauth/issue.py gives a password-grant offline token.

    Signed by Doorkeep's TokenCodec with the realm's HMAC key from the same database, so the server accepts
    them exactly like tokens it issued itself (``iss`` must match the URL the benchmark will call).
    """
    now = int(time.time())
    db = Database(db_url)
    codec = TokenCodec(KeyRing())
    try:
        async with db.transaction(write=False) as tx:
            client = await tx.clients.get(seeded.client_uuid)
            assert client is not None
            full_scope = (await scope_rules.resolve(tx, client, OFFLINE_SCOPE)).full_scope()
            tokens = []
            for sid, uid in sessions:
                claims = {
                    "iat": now,
                    "jti": new_id(),
                    "iss": issuer,
                    "aud": issuer,
                    "sub": uid,
                    "typ": TYPE_OFFLINE,
                    "azp": CLIENT_ID,
                    "sid": sid,
                    "scope": full_scope,
                }
                tokens.append(await codec.sign_internal(tx, seeded.realm_id, claims, now))
        return tokens
    finally:
        await db.dispose()


def offline_login_form(client_id: str, client_secret: str) -> dict[str, str]:
    """The password grant (with ``offline_access``) the benchmarks use to get an offline token for the bench user."""
    return {
        "grant_type": "password",
        "username": USERNAME,
        "password": PASSWORD,
        "client_id": client_id,
        "client_secret": client_secret,
        "scope": "openid offline_access",
    }
