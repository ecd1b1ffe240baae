"""Which clients must hear that a user session ended: Keycloak's backchannel logout of each client
session (AuthenticationManager.backchannelLogout → OIDCLoginProtocol.backchannelLogout).

The core only notes, before the rows go, "this session ended for these clients" on the unit of work
(``tx.ended``); the web layer delivers the logout tokens once the transaction has committed.
Only clients with a ``backchannel.logout.url`` are noted, or, without one (OIDCLoginProtocol.backchannelLogout's
other branch, ResourceAdminManager.logoutClientSession), clients with an admin URL whose client session has an
adapter session noted (keycloak-connect and the Java adapters send it with the code): they get Keycloak's
LogoutAction at ``k_logout``. Of those, neither a disabled client nor one with ``frontchannelLogout`` on:
Keycloak's backchannelLogoutClientSession returns before sending for both (a front-channel client is left to the
browser logout's iframes, ``oauth/frontchannel_logout.py``; an admin-initiated logout has no browser and tells it
nothing).
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Sequence
from typing import TYPE_CHECKING

from doorkeep.model import ADAPTER_HOST_NOTE, Client, ClientSession, SessionEnded, UserSession

if TYPE_CHECKING:
    from doorkeep.store.tx import Tx

BACKCHANNEL_URL = "backchannel.logout.url"


async def announce(tx: Tx, session_id: str, offline: bool, *, only_client: str | None = None) -> None:
    """Note every client of this session (or only ``only_client``) that is to get a logout token."""
    session = await tx.sessions.get_user_session(session_id, offline)
    if session is None:
        return
    client_sessions = await tx.sessions.client_sessions(session_id, offline)
    await note(tx, [(session, [cs for cs in client_sessions if only_client in (None, cs.client_id)])])


async def announce_many(tx: Tx, sessions: Sequence[UserSession], offline: bool) -> None:
    """``announce`` of each of these sessions, in their order, their client sessions read at once."""
    by_session = await tx.session_ends.client_sessions_of([s.id for s in sessions], offline)
    await note(tx, [(session, by_session[session.id]) for session in sessions])


async def note(tx: Tx, ending: Sequence[tuple[UserSession, Sequence[ClientSession]]]) -> None:
    """Note the clients of these ending sessions that are to be told, each (session id, client) once: the same-id
    online and offline sessions are one logout for the client."""
    noted = {(e.session_id, e.client.id) for e in tx.ended}
    clients: dict[str, Client | None] = {}
    for session, client_sessions in ending:
        for cs in client_sessions:
            if (session.id, cs.client_id) in noted:
                continue
            if cs.client_id not in clients:
                clients[cs.client_id] = await tx.clients.get(cs.client_id)
            client = clients[cs.client_id]
            if client is None:
                continue
            ended = SessionEnded(session.realm_id, session.user_id, session.id, client, cs.issuer)
            if told_by_backchannel(client):
                tx.ended.append(ended)
            elif told_by_admin_url(client, cs):
                host = cs.notes.get(ADAPTER_HOST_NOTE)
                ended = dataclasses.replace(ended, adapter_session=cs.adapter_session)
                tx.ended.append(dataclasses.replace(ended, adapter_host=host if isinstance(host, str) else None))
            else:
                continue
            noted.add((session.id, cs.client_id))


def told_by_backchannel(client: Client) -> bool:
    """Whether Keycloak would POST this client a logout token when one of its sessions ends."""
    return client.enabled and not client.frontchannel_logout and bool(client.attr(BACKCHANNEL_URL))


def told_by_admin_url(client: Client, cs: ClientSession) -> bool:
    """Whether Keycloak would POST this client a LogoutAction for this client session: no backchannel logout URL,
    an admin URL, and an adapter session noted (without one it logs "no logged adapter sessions" and sends
    nothing)."""
    usable = client.enabled and not client.frontchannel_logout and not client.attr(BACKCHANNEL_URL)
    return usable and bool(client.admin_url) and cs.adapter_session is not None


async def announce_user(tx: Tx, user_id: str, offline: bool) -> None:
    """Note every session of the user (admin user logout). A client in one of them gets that session's logout
    token; a client in several gets one token for all of them, without ``sid``, so that it ends every session of
    the user at once and hears of it once (BackchannelLogoutAdminLogoutAllTest, keycloak#22914). The sessions'
    client sessions are read at once, whatever their number."""
    first = len(tx.ended)
    await announce_many(tx, await tx.sessions.user_sessions_of(user_id, offline), offline)
    merge_per_client(tx, first)


def merge_per_client(tx: Tx, first: int) -> None:
    """The logouts noted since ``first`` for one user's sessions, merged as ``announce_user`` answers them: a client
    noted once keeps its session's token, a client noted several times gets one token for every session."""
    noted = tx.ended[first:]
    counts = Counter(e.client.id for e in noted)
    merged: list[SessionEnded] = []
    for e in noted:
        if counts[e.client.id] == 1 or e.adapter_session is not None:  # a LogoutAction per client session
            merged.append(e)
        elif not any(m.client.id == e.client.id for m in merged):
            merged.append(dataclasses.replace(e, every_session=True))
    tx.ended[first:] = merged
