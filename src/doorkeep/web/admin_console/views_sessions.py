"""Sessions as the console lists them: the realm's Sessions page, a client's Sessions and Offline Access
tabs, a user's Sessions tab, and signing one out.

Lists show only live sessions (an expired row awaiting the cleaner is already gone for Keycloak) and
are paged in SQL (``first``/``max`` with one extra row to know a next page exists, or with the list's
total), their rows built in a fixed number of statements (``_Rows``), so a page costs the same at a
million sessions. Reading needs what the matching REST read needs (realm list:
view-realm, as Keycloak's ``ui-ext/sessions``; client tabs: view-clients; user tab: view-users);
signing out needs manage-users, as ``DELETE /admin/realms/{realm}/sessions/{id}``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass

from doorkeep.broker import provider_logout
from doorkeep.model import Client, SessionView, User, UserSession
from doorkeep.sessions import device, service, triggered
from doorkeep.sessions.liveness import LiveFilter, live_filter
from doorkeep.web.admin_console.context import Console, Missing, Page, page_of, within


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
    clients: tuple[str, ...]  # the clientIds, sorted
    device_label: str = ""  # offline sessions only (docs/offline-devices.md)
    client_uuids: tuple[str, ...] = ()  # the ids of ``clients``, in their order: what a client's link names

    @property
    def client_links(self) -> list[tuple[str, str]]:
        """(id, clientId) of each client of the session, by clientId."""
        return list(zip(self.client_uuids, self.clients, strict=True))


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


Shown = UserSession | SessionView  # a row reads the fields both have


async def _clients(c: Console) -> list[Client]:
    """The realm's clients, from the configuration cache when it holds them (as the REST session reads)."""
    return list((await c.tx.config.realm_clients(c.realm)).values())


class _Rows:
    """Builds the rows of one page of sessions of one kind from what ``prefetch`` loads for the whole page in a
    few statements (the usernames, the live client sessions), whatever the page's size; the clients are the
    realm's, listed once. A session not prefetched (one being signed out) is loaded alone."""

    def __init__(self, c: Console, live: LiveFilter, clients: Sequence[Client]) -> None:
        self._c, self._live = c, live
        self._clients = {client.id: client for client in clients}
        self._usernames: dict[str, str | None] = {}
        self._links: dict[str, list[tuple[str, int]]] = {}  # (client uuid, timestamp) per session id

    @classmethod
    async def of(cls, c: Console, offline: bool) -> _Rows:
        """Rows of ``offline`` sessions, live as the realm's windows say now."""
        clients = await _clients(c)
        return cls(c, live_filter(c.realm, clients, offline, c.now), clients)

    @property
    def live(self) -> LiveFilter:
        return self._live

    def knowing(self, user: User) -> _Rows:
        """``user`` is loaded already: its sessions' rows need no statement for its name."""
        self._usernames[user.id] = user.username
        return self

    async def prefetch(self, sessions: Sequence[Shown]) -> None:
        """Load the usernames and live client sessions of all these sessions (of this kind) at once."""
        missing = sorted({us.user_id for us in sessions} - self._usernames.keys())
        if missing:
            found = await self._c.tx.session_views.usernames(missing)
            self._usernames.update({user_id: found.get(user_id) for user_id in missing})
        ids = [us.id for us in sessions if us.id not in self._links]
        if ids:
            self._links.update(await self._c.tx.session_views.clients_of(ids, self._live.offline, self._live))

    async def row(self, us: Shown, last_access: int | None = None) -> SessionRow:
        if us.id not in self._links or us.user_id not in self._usernames:
            await self.prefetch([us])
        username = self._usernames[us.user_id]
        named = sorted((self._clients[uuid].client_id, uuid) for uuid, _ in self._links[us.id] if uuid in self._clients)
        return SessionRow(
            us.id,
            us.offline,
            us.login_username if username is None else username,
            us.user_id,
            us.ip_address,
            us.started,
            us.last_session_refresh if last_access is None else last_access,
            tuple(client_id for client_id, _ in named),
            device.label_of(us.notes) if us.offline else "",
            tuple(uuid for _, uuid in named),
        )

    async def build(self, sessions: Sequence[Shown], last_access: Sequence[int | None] = ()) -> list[SessionRow]:
        """The rows of these sessions, prefetched at once (``last_access``: each one's, when not its own)."""
        await self.prefetch(sessions)
        at = [*last_access] or [None] * len(sessions)
        return [await self.row(us, when) for us, when in zip(sessions, at, strict=True)]


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
    rows = await _Rows.of(c, offline)
    found = await c.tx.sessions.realm_sessions_page(c.realm.id, offline, first, size + 1, rows.live)
    return page_of(await rows.build(found), first, size)


async def client_sessions(c: Console, client: Client, offline: bool, first: int, size: int) -> Page[SessionRow]:
    """A client's Sessions (online) or Offline Access tab; last access is the client session's, as
    ``GET clients/{id}/offline-sessions`` reports it."""
    c.require("view-clients")
    rows = await _Rows.of(c, offline)
    pairs = await c.tx.sessions.sessions_with_client(client.id, offline, first, size + 1, rows.live)
    total = await c.tx.sessions.count_with_client(client.id, offline, rows.live)
    out = await rows.build([us for us, _ in pairs], [cs.timestamp if offline else None for _, cs in pairs])
    return page_of(out, first, size, total)


async def user_sessions(
    c: Console, user: User, online_at: tuple[int, int], offline_at: tuple[int, int]
) -> tuple[Page[SessionRow], Page[SessionRow]]:
    """A user's Sessions tab: a page (``first``, ``size``) of its online and of its offline sessions, oldest first,
    each with its total; a page past the end is the last page (where a sign-out of the last row comes back to).
    A service user behind a fleet of devices holds thousands of offline sessions: the page's rows are read in a
    fixed number of statements whatever its size."""
    c.require("view-users")
    clients = await _clients(c)
    pages: list[Page[SessionRow]] = []
    for offline, (first, size) in ((False, online_at), (True, offline_at)):
        rows = _Rows(c, live_filter(c.realm, clients, offline, c.now), clients).knowing(user)
        total = await c.tx.session_views.count_live(user.id, rows.live, offline=offline)
        first = within(first, size, total)
        found = await c.tx.session_views.page_of_user(user.id, offline, first, size, rows.live)
        built = await rows.build(found)
        if not c.can("view-clients"):  # as ``GET users/{id}/sessions``: clients only to who may view them
            built = [dataclasses.replace(row, clients=(), client_uuids=()) for row in built]
        pages.append(Page(built, first, size, first + size < total, total))
    return pages[0], pages[1]


async def sign_out(c: Console, session_id: str, offline: bool) -> SessionRow:
    """End one session as ``DELETE sessions/{id}?isOffline=`` does: offline also ends the same-id online one."""
    c.require("manage-users")
    session = await service.admin_named(c.tx, c.realm, session_id, offline, c.now)
    if session is None:  # also past its idle or max: the REST call's 404 "Sesssion not found"
        raise Missing("That session has already ended.")
    row = await (await _Rows.of(c, offline)).row(session)
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
