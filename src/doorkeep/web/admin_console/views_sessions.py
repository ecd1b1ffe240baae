"""Sessions as the console lists them: the realm's Sessions page, a client's Sessions and Offline Access
tabs, a user's Sessions tab, and signing one out.

Lists show only live sessions (an expired row awaiting the cleaner is already gone for Keycloak) and
are paged in SQL (``first``/``max`` with one extra row to know a next page exists), so a page costs
the same at a million sessions. Reading needs what the matching REST read needs (realm list:
view-realm, as Keycloak's ``ui-ext/sessions``; client tabs: view-clients; user tab: view-users);
signing out needs manage-users, as ``DELETE /admin/realms/{realm}/sessions/{id}``.
"""

from __future__ import annotations

from dataclasses import dataclass

from doorkeep.broker import provider_logout
from doorkeep.model import Client, User, UserSession
from doorkeep.sessions import device, service, triggered
from doorkeep.sessions.liveness import LiveFilter, live_filter
from doorkeep.web.admin_console.context import Console, Missing, Page, page_of


@dataclass(frozen=True)
class SessionRow:
    """One line of a sessions table; times in epoch seconds."""

    id: str
    offline: bool
    username: str
    user_id: str
    ip_address: str
    started: int
    last_access: int
    clients: tuple[str, ...]
    device_label: str = ""  # offline sessions only (docs/offline-devices.md)


# The realm's Sessions tabs and overview count live sessions up to this many, then show "10,000+": an exact
# count reads every session of the realm (~1 s at 10,000,000 on PostgreSQL), on every visit of the page.
COUNT_CAP = 10_000


@dataclass(frozen=True)
class Counts:
    """How many live sessions, as shown: an exact number up to ``COUNT_CAP``, else ``"10,000+"``."""

    online: str
    offline: str


def _shown(count: int) -> str:
    return f"{COUNT_CAP:,}+" if count > COUNT_CAP else str(count)


async def live(c: Console, offline: bool) -> LiveFilter:
    return live_filter(c.realm, await c.tx.clients.list(c.realm.id), offline, c.now)


class _Rows:
    """Builds rows, loading each user and client once per page."""

    def __init__(self, c: Console, live: LiveFilter) -> None:
        self._c, self._live = c, live
        self._users: dict[str, User | None] = {}
        self._clients: dict[str, Client | None] = {}

    async def row(self, us: UserSession, last_access: int | None = None) -> SessionRow:
        if us.user_id not in self._users:
            self._users[us.user_id] = await self._c.tx.users.get(us.user_id)
        user = self._users[us.user_id]
        names: list[str] = []
        for cs in await self._c.tx.sessions.client_sessions(us.id, us.offline, self._live):
            if cs.client_id not in self._clients:
                self._clients[cs.client_id] = await self._c.tx.clients.get(cs.client_id)
            client = self._clients[cs.client_id]
            if client is not None:
                names.append(client.client_id)
        return SessionRow(
            us.id,
            us.offline,
            user.username if user else us.login_username,
            us.user_id,
            us.ip_address,
            us.started,
            us.last_session_refresh if last_access is None else last_access,
            tuple(sorted(names)),
            device.label_of(us.notes) if us.offline else "",
        )


async def realm_counts(c: Console) -> Counts:
    c.require("view-realm")
    return Counts(
        _shown(await c.tx.sessions.count_realm_live(c.realm.id, False, await live(c, False), COUNT_CAP)),
        _shown(await c.tx.sessions.count_realm_live(c.realm.id, True, await live(c, True), COUNT_CAP)),
    )


@dataclass(frozen=True)
class ClientCount:
    """One line of the Sessions page's *By client* tab, as ``GET client-session-stats`` answers it."""

    id: str
    client_id: str
    online: int
    offline: int


async def client_counts(c: Console) -> list[ClientCount]:
    """Live sessions per client, the clients that have some, by clientId (view-realm, as the REST call)."""
    c.require("view-realm")
    stats = await c.tx.sessions.client_stats(c.realm.id, await live(c, False), await live(c, True))
    return [ClientCount(*row) for row in sorted(stats, key=lambda s: s[1])]


async def realm_sessions(c: Console, offline: bool, first: int, size: int) -> Page[SessionRow]:
    """The realm's online or offline sessions, most recently active first."""
    c.require("view-realm")
    filt = await live(c, offline)
    found = await c.tx.sessions.realm_sessions_page(c.realm.id, offline, first, size + 1, filt)
    rows = _Rows(c, filt)
    return page_of([await rows.row(us) for us in found], first, size)


async def client_sessions(c: Console, client: Client, offline: bool, first: int, size: int) -> Page[SessionRow]:
    """A client's Sessions (online) or Offline Access tab; last access is the client session's, as
    ``GET clients/{id}/offline-sessions`` reports it."""
    c.require("view-clients")
    filt = await live(c, offline)
    pairs = await c.tx.sessions.sessions_with_client(client.id, offline, first, size + 1, filt)
    total = await c.tx.sessions.count_with_client(client.id, offline, filt)
    rows = _Rows(c, filt)
    out = [await rows.row(us, cs.timestamp if offline else None) for us, cs in pairs]
    return page_of(out, first, size, total)


async def user_sessions(c: Console, user: User) -> tuple[list[SessionRow], list[SessionRow]]:
    """A user's online and offline sessions (a person has a handful: no paging)."""
    c.require("view-users")
    out: list[list[SessionRow]] = []
    for offline in (False, True):
        filt = await live(c, offline)
        rows = _Rows(c, filt)
        out.append([await rows.row(us) for us in await c.tx.sessions.user_sessions_of(user.id, offline, filt)])
    return out[0], out[1]


async def sign_out(c: Console, session_id: str, offline: bool) -> SessionRow:
    """End one session as ``DELETE sessions/{id}?isOffline=`` does: offline also ends the same-id online one."""
    c.require("manage-users")
    session = await service.admin_named(c.tx, c.realm, session_id, offline, c.now)
    if session is None:  # also past its idle or max: the REST call's 404 "Sesssion not found"
        raise Missing("That session has already ended.")
    row = await _Rows(c, await live(c, offline)).row(session)
    await service.end_with_online(c.tx, session.id, offline)
    c.changed("DELETE", "sessions", session.id)
    return row


async def sign_out_user(c: Console, user: User) -> list[provider_logout.Backchannel]:
    """ "Sign out" of all the user's sessions, as ``POST users/{id}/logout``: online sessions end, the user's
    not-before moves to now (earlier offline tokens turn stale); offline sessions stay listed. Returns the
    identity-provider logouts to call once committed."""
    c.require("manage-users")
    ended = await triggered.sign_out_user(c.tx, c.realm, user, c.now)
    c.changed("POST", "users", user.id, "logout")
    return provider_logout.backchannel_plans(c.realm, ended)
