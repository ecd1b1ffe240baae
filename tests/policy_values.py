"""What the unit tests of doorkeep.policy build on: realms, clients and constants, and stored sessions and
rotation families built from the few numbers a test varies (the rest are placeholders no rule looks at)."""

from __future__ import annotations

from typing import Any

from doorkeep.model import Client, ClientSession, Realm, RefreshFamily, UserSession

MINUTE = 60
HOUR = 3600
DAY = 86400
T0 = 1_700_000_000

CLIENT_OFFLINE_IDLE = "client.offline.session.idle.timeout"
CLIENT_OFFLINE_MAX = "client.offline.session.max.lifespan"
CLIENT_IDLE = "client.session.idle.timeout"
CLIENT_MAX = "client.session.max.lifespan"
ACCESS_LIFESPAN = "access.token.lifespan"
# Client timeout attribute values that mean "unset" (§5.2: blank or non-numeric; §5.3: only > 0 counts).
UNSET_ATTRIBUTE_VALUES = ["", "   ", "abc", "1.5", "10s", "0", "-1", "-600", None]


def make_realm(**settings: Any) -> Realm:
    return Realm(id="realm-id", name="test", **settings)


def make_client(attributes: dict[str, Any] | None = None, **settings: Any) -> Client:
    return Client(id="client-uuid", realm_id="realm-id", client_id="app", attributes=attributes or {}, **settings)


def offline_limited(**settings: Any) -> Realm:
    return make_realm(offline_session_max_lifespan_enabled=True, **settings)


def session(offline: bool, remember_me: bool, started: int, last_refresh: int) -> UserSession:
    """A user session started at ``started`` and last refreshed at ``last_refresh``."""
    return UserSession(
        "session", "realm", "user", offline, "user", "127.0.0.1", "openid-connect", remember_me, started, last_refresh
    )


def client_session(started: int, timestamp: int, offline: bool = False) -> ClientSession:
    """A client session started at ``started`` whose newest refresh token is from ``timestamp``."""
    return ClientSession("session", offline, "client", started, timestamp)


def family(current_jti: str | None, latest_jti: str | None, last_refresh: int, use_count: int) -> RefreshFamily:
    """A stored rotation family as reuse_verdict reads it."""
    return RefreshFamily("", current_jti, use_count, last_refresh, latest_jti)
