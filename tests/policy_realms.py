"""Realms, clients and constants the unit tests of doorkeep.policy build on (tests/unit/test_policy_*.py)."""

from __future__ import annotations

from typing import Any

from doorkeep.model import Client, Realm

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
