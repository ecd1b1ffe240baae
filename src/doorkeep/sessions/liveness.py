"""Which stored sessions are live right now, as cut-off timestamps the store can filter on in SQL.

Keycloak's persister loads only live sessions, so an expired session is invisible everywhere
(admin lists and counts, consents, the account API) before the cleaner deletes its row. The rule is
policy.py's ``is_valid`` rewritten as column bounds: a row is live iff its last activity is after
``idle_after`` and (when there is a max) its start is after ``max_after``. The user session's max
and idle are checked on the user-session row, so the client-session window carries only the
client-level lifespans (the ``min`` with the user session's max holds through the join).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from doorkeep import policy
from doorkeep.model import Client, Realm

if TYPE_CHECKING:
    from doorkeep.store.tx import Tx

OVERRIDE_ATTRS = (
    "client.session.idle.timeout",
    "client.session.max.lifespan",
    "client.offline.session.idle.timeout",
    "client.offline.session.max.lifespan",
)


@dataclass(frozen=True)
class Window:
    """Live iff last activity > ``idle_after`` and (``max_after`` is None or start > ``max_after``)."""

    idle_after: int
    max_after: int | None


@dataclass(frozen=True)
class Liveness:
    """Windows of one kind (online or offline), indexed by remember_me; None means none is live."""

    user: tuple[Window | None, Window | None]
    client: tuple[Window | None, Window | None]


@dataclass(frozen=True)
class LiveFilter:
    """The realm's windows plus those of the clients overriding the client-level timeouts."""

    offline: bool
    default: Liveness
    overrides: dict[str, Liveness] = field(default_factory=dict)

    def for_client(self, client_uuid: str) -> Liveness:
        return self.overrides.get(client_uuid, self.default)


def _window(idle_ts: int, max_ts: int, now: int) -> Window:
    """From the expiry instants of a row that started and was active at 0 to column bounds."""
    return Window(now - idle_ts, None if max_ts == policy.NEVER else now - max_ts)


def liveness(realm: Realm, client: Client | None, offline: bool, now: int) -> Liveness:
    users: list[Window | None] = []
    clients: list[Window | None] = []
    for remember_me in (False, True):
        if remember_me and not realm.remember_me:
            users.append(None)
            clients.append(None)
            continue
        users.append(
            _window(
                policy.user_session_idle(realm, offline, remember_me, 0),
                policy.user_session_max(realm, offline, remember_me, 0),
                now,
            )
        )
        # A very large user-session start keeps the user-session cap out of the client window.
        far = 1 << 60
        cs_max = policy.client_session_max(realm, client, offline, remember_me, 0, far)
        clients.append(_window(policy.client_session_idle(realm, client, offline, remember_me, 0), cs_max, now))
    return Liveness((users[0], users[1]), (clients[0], clients[1]))


def has_overrides(client: Client) -> bool:
    return any(policy.client_attr_timeout(client, key) > 0 for key in OVERRIDE_ATTRS)


def live_filter(realm: Realm, clients: list[Client], offline: bool, now: int) -> LiveFilter:
    """The filter for a realm; ``clients`` are the realm's clients (only overriding ones are kept)."""
    return LiveFilter(
        offline,
        liveness(realm, None, offline, now),
        {c.id: liveness(realm, c, offline, now) for c in clients if has_overrides(c)},
    )


async def realm_filter(tx: Tx, realm: Realm, offline: bool, now: int) -> LiveFilter:
    """The live filter of a realm at ``now``, with its clients' overrides."""
    return live_filter(realm, await tx.clients.list(realm.id), offline, now)
