"""Creating, copying, refreshing and removing sessions (KEYCLOAK.md §4).

An offline user session is created from the online one with the **same id**; each client adds
an offline client session. Removal helpers delete a user session once no client remains, except a
consent revocation's online logout, which leaves the online session in place as Keycloak 26 does.
"""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Collection, Mapping, Sequence
from typing import TYPE_CHECKING

from doorkeep import policy
from doorkeep.model import Client, ClientSession, Realm, User, UserSession
from doorkeep.sessions import device, ended

if TYPE_CHECKING:
    from doorkeep.sessions.liveness import LiveFilter
    from doorkeep.store.tx import Tx

FIRST_OFFLINE_ACCESS = "first.offline.access"


class IdTaken(Exception):
    """The id asked for a new user session was taken meanwhile, by a transaction that committed first."""

    def __init__(self, session_id: str) -> None:
        super().__init__(session_id)
        self.session_id = session_id


async def start_online(
    tx: Tx,
    realm: Realm,
    user: User,
    client: Client,
    *,
    scope_param: str,
    now: int,
    ip_address: str,
    auth_method: str = "openid-connect",
    login_username: str | None = None,
    remember_me: bool = False,
    redirect_uri: str | None = None,
    notes: dict[str, object] | None = None,
    user_agent: str = "",
    session_notes: Mapping[str, str] | None = None,
    session_id: str | None = None,
) -> tuple[UserSession, ClientSession]:
    """A new online user session (``session_id``, else a random id) with this client's session in it; ``notes``
    are the client session's, ``session_notes`` the user session's besides its device notes. IdTaken when
    another transaction created ``session_id`` first (two tabs of a browser finishing a login at once)."""
    session = UserSession(
        id=session_id or str(uuid.uuid4()),
        realm_id=realm.id,
        user_id=user.id,
        offline=False,
        login_username=login_username or user.username,
        ip_address=ip_address,
        auth_method=auth_method,
        remember_me=remember_me,
        started=now,
        last_session_refresh=now,
        notes={**device.notes_for(user_agent), **(session_notes or {})},
    )
    if session_id is None:
        await tx.sessions.create_user_session(session)
    elif not await tx.sessions.create_user_session_unless_taken(session):
        raise IdTaken(session_id)
    client_session = await add_client(
        tx, session, client, scope_param=scope_param, now=now, redirect_uri=redirect_uri, notes=notes
    )
    return session, client_session


def _fresh(
    session: UserSession,
    client: Client,
    scope_param: str,
    now: int,
    redirect_uri: str | None,
    notes: dict[str, object] | None,
) -> ClientSession:
    """A client session starting now, its ``scope`` note the login's scope parameter."""
    return ClientSession(
        user_session_id=session.id,
        offline=session.offline,
        client_id=client.id,
        started=now,
        timestamp=now,
        redirect_uri=redirect_uri,
        notes={"scope": scope_param, **(notes or {})},
    )


async def add_client(
    tx: Tx,
    session: UserSession,
    client: Client,
    *,
    scope_param: str,
    now: int,
    redirect_uri: str | None = None,
    notes: dict[str, object] | None = None,
) -> ClientSession:
    """Attach (or re-attach, replacing) a client session to a user session."""
    await tx.sessions.detach_client_session(session.id, session.offline, client.id)
    cs = _fresh(session, client, scope_param, now, redirect_uri, notes)
    await tx.sessions.create_client_session(cs)
    return cs


async def join_client(
    tx: Tx,
    realm: Realm,
    session: UserSession,
    client: Client,
    *,
    scope_param: str,
    now: int,
    redirect_uri: str | None = None,
    notes: dict[str, object] | None = None,
) -> ClientSession | None:
    """A login of ``client`` into a user session that exists already (TokenManager.attachAuthenticationSession).

    A valid client session of the client stays and takes the new login's redirect URI, notes and timestamp, so
    the tokens of its earlier logins (their ``started`` check, their rotation families) stay good, as in
    Keycloak; an expired one is restarted. Concurrent logins of one client meet on one row. None when the user
    session was removed meanwhile (a logout racing this login): nothing is attached, and the code issued next
    finds no session, as Keycloak's code of a session removed under it does ("Code not valid")."""
    if not await tx.sessions.hold_user_session(session.id, session.offline):  # the user session's row first
        return None
    fresh = _fresh(session, client, scope_param, now, redirect_uri, notes)
    for _ in range(2):  # the second look finds the row a concurrent login of this client created first
        existing = await tx.sessions.lock_client_session(session.id, session.offline, client.id)
        if existing is not None and policy.client_session_valid(realm, client, session, existing, now):
            joined = dataclasses.replace(existing, timestamp=now, redirect_uri=redirect_uri, notes=fresh.notes)
            await tx.sessions.rejoin_client_session(joined)
            return joined
        if existing is not None:  # expired: restarted (restartClientSession), its rotation families gone
            await tx.sessions.detach_client_session(session.id, session.offline, client.id)
        if await tx.sessions.create_client_session_unless_present(fresh):
            return fresh
    await tx.sessions.create_client_session(fresh)  # not reached: a row both absent and present
    return fresh


async def create_or_update_offline(
    tx: Tx, realm: Realm, client: Client, online: UserSession, online_cs: ClientSession, now: int
) -> tuple[UserSession, ClientSession]:
    """Copy the online session to an offline one with the same id (or bump it), and add this client; both
    copies start now, whenever the online session started.

    As Keycloak's UserSessionManager.createOrUpdateOfflineSession sees them through its session store, an
    offline user or client session that has expired counts as absent: it is replaced by a fresh copy (issue
    13706: a client whose offline client session idled out logs in again over the SSO session)."""
    offline = await tx.sessions.get_user_session(online.id, True)
    if offline is not None and not policy.user_session_valid(realm, offline, now):
        await tx.sessions.delete_user_session(offline.id, True)
        offline = None
    if offline is None:  # PersistentUserSessionProvider.createOfflineUserSession: started = last refresh = now
        offline = dataclasses.replace(online, offline=True, started=now, last_session_refresh=now)
        await tx.sessions.create_user_session(offline)
    else:
        offline = dataclasses.replace(offline, last_session_refresh=now)
        await tx.sessions.touch_user_session(offline.id, True, now)
    offline_cs = await tx.sessions.get_client_session(online.id, True, online_cs.client_id)
    if offline_cs is not None and not policy.client_session_valid(realm, client, offline, offline_cs, now):
        await tx.sessions.detach_client_session(online.id, True, online_cs.client_id)
        offline_cs = None
    if offline_cs is None:
        notes = {k: v for k, v in online_cs.notes.items() if k != FIRST_OFFLINE_ACCESS}
        # createOfflineClientSession: timestamp and STARTED_AT_NOTE are the time the offline copy is made
        offline_cs = dataclasses.replace(online_cs, offline=True, started=now, timestamp=now, notes=notes)
        await tx.sessions.create_client_session(offline_cs)
    return offline, offline_cs


async def remove(tx: Tx, session_id: str, offline: bool) -> bool:
    """Remove a user session with all its client sessions, and the browser's root authentication session of the
    same id (its logins in other tabs): a later login of that browser gets a new root, so no new session takes
    the removed one's id (Keycloak removes the root after a backchannel logout, issue 32197, and after the first
    offline access drops the online session, issue 46239)."""
    await tx.flows.delete_root(session_id)
    return await tx.sessions.delete_user_session(session_id, offline)


async def end(tx: Tx, session_id: str, offline: bool) -> bool:
    """A logout: note the clients to tell by backchannel logout, then remove the session."""
    await ended.announce(tx, session_id, offline)
    return await remove(tx, session_id, offline)


async def end_many(tx: Tx, session_ids: Sequence[str], offline: bool) -> int:
    """``end`` of each of these sessions, in a number of statements that does not grow with theirs: the roots of
    the same ids go, the sessions still there are held (in id order, before any client session's row), their
    clients noted for backchannel logout, then they go with their client sessions. How many existed."""
    return len(await end_each(tx, session_ids, offline))


async def end_each(tx: Tx, session_ids: Sequence[str], offline: bool, *, with_online: bool = False) -> list[str]:
    """``end_many``, returning the ids of the sessions that existed, in the order given; ``with_online``: an offline
    session takes the online session of the same id with it, telling nobody (``end_with_online`` of each). Every
    user session's row is held before any client session's, the online ones' too."""
    await tx.session_ends.delete_roots(session_ids)
    held = await tx.session_ends.hold(session_ids, offline)
    twins = offline and with_online
    if twins:
        await tx.session_ends.hold(session_ids, False)
    position = {sid: number for number, sid in enumerate(session_ids)}
    held.sort(key=lambda us: position[us.id])  # noted in the order ``end`` of each would have noted them
    await ended.announce_many(tx, held, offline)
    await tx.session_ends.remove([us.id for us in held], offline)
    if twins:
        await tx.session_ends.remove(session_ids, False)
    return [us.id for us in held]


async def cut_many(
    tx: Tx,
    offline: bool,
    cuts: Sequence[tuple[UserSession, Sequence[ClientSession]]],
    whole: Collection[str],
    *,
    drop_empty: bool = True,
    tell: bool = True,
) -> set[str]:
    """For each (user session, client sessions) in order, ``end`` of the session when its id is in ``whole``, else
    ``announce(only_client=…)`` and ``detach`` of each of those client sessions; in a number of statements that
    does not grow with theirs. A session not in ``whole`` loses its client sessions of every client named among
    those sessions: list each such session with all of its client sessions of those clients (a trigger's clients
    are covered or not whatever the session). A session left with no client goes too, unless ``drop_empty`` is
    False (``leave`` of an online session). ``tell`` False notes no backchannel logout (a revoked offline grant,
    which Keycloak's revokeOfflineToken only detaches). The ids of the sessions that were still there."""
    ids = [us.id for us, _ in cuts]
    ending = [sid for sid in ids if sid in whole]
    clients = sorted({cs.client_id for us, listed in cuts if us.id not in whole for cs in listed})
    await tx.session_ends.delete_roots(ending)
    held = {us.id for us in await tx.session_ends.hold(ids, offline)}  # before any client session's row
    if tell:
        await ended.note(tx, [(us, listed) for us, listed in cuts if us.id in held])
    partial = [sid for sid in ids if sid in held and sid not in whole]
    await tx.session_ends.detach(partial, offline, clients)
    await tx.session_ends.remove([sid for sid in ending if sid in held], offline)
    if drop_empty:
        await tx.session_ends.remove_empty(partial, offline)
    return held


async def admin_named(tx: Tx, realm: Realm, session_id: str, offline: bool, now: int) -> UserSession | None:
    """The session an administrator names to end (``DELETE sessions/{id}``, the console's Sign out): None when
    it is another realm's or past its idle or max, though the cleaner may not have removed its row yet, as
    Keycloak's persister loads only sessions within their timeouts (JpaUserSessionPersisterProvider)."""
    session = await tx.sessions.get_user_session(session_id, offline)
    if session is None or session.realm_id != realm.id or not policy.user_session_valid(realm, session, now):
        return None
    return session


async def end_with_online(tx: Tx, session_id: str, offline: bool) -> bool:
    """End a session; an offline one takes the online session of the same id with it (Keycloak's logout
    with an offline token, and the admin API's ``isOffline=true`` delete). True if the session existed.

    Only the ended session's clients are told: Keycloak's backchannelLogout(…, offlineSession=true) logs out
    the offline session's clients, then drops the online one with removeUserSession, which tells nobody."""
    existed = await end(tx, session_id, offline)
    if offline:
        await remove(tx, session_id, False)
    return existed


async def detach_with_online(tx: Tx, session_id: str, offline: bool, client_uuid: str) -> None:
    """Remove one client from a session; from an offline one, also from the same-id online one (revocation)."""
    if offline:
        await detach(tx, session_id, True, client_uuid)
    await detach(tx, session_id, False, client_uuid)


async def detach(tx: Tx, session_id: str, offline: bool, client_uuid: str) -> None:
    """Remove one client from a user session, and the user session if that was its last client.

    The user session's row is locked first (``hold_user_session``), then the client session's: the lock order of
    every grant, refresh and logout. Deleting the client session first and then the user session left empty took
    them the other way round, and a rotating refresh of the same session (which holds the user session's row and
    waits for the client session's) then deadlocked with a token revocation on PostgreSQL."""
    await tx.sessions.hold_user_session(session_id, offline)
    await tx.sessions.detach_client_session(session_id, offline, client_uuid)
    await tx.sessions.delete_if_empty(session_id, offline)


async def leave(tx: Tx, session_id: str, offline: bool, client_uuid: str) -> None:
    """Remove one client from a user session as Keycloak removes it when the client's grant is revoked: an offline
    session goes with its last client (UserSessionManager.revokeOfflineToken, checkOfflineUserSessionHasClientSessions),
    an online one stays, with its root, even with no client left (TokenManager.dettachClientSession only detaches:
    the SSO login lives on). The user session's row is held first, as in ``detach``."""
    if offline:
        await detach(tx, session_id, True, client_uuid)
        return
    await tx.sessions.hold_user_session(session_id, False)
    await tx.sessions.detach_client_session(session_id, False, client_uuid)


async def revoke_offline_for_client(tx: Tx, user_id: str, client_uuid: str, live: LiveFilter | None = None) -> int:
    """Remove this client from every offline session of the user (consent revocation), telling nobody, and each
    session it leaves empty (UserSessionManager.revokeOfflineToken: detachFromUserSession, then
    checkOfflineUserSessionHasClientSessions); returns how many of them were live (an expired one is removed too,
    but was already gone for Keycloak). A fixed number of statements, however many sessions the user has."""
    cuts = await tx.session_ends.with_client(user_id, client_uuid, True)
    if not cuts:
        return 0
    alive = None if live is None else set(await tx.sessions.user_client_pairs(user_id, True, live))
    held = await cut_many(tx, True, [(us, [cs]) for us, cs in cuts], (), tell=False)
    return sum(us.id in held and (alive is None or (us.id, client_uuid) in alive) for us, _ in cuts)


async def revoke_grant(
    tx: Tx,
    user_id: str,
    client_uuid: str,
    live: LiveFilter | None = None,
    *,
    online: bool = True,
    offline: bool = True,
) -> bool:
    """Keycloak's UserConsentManager.revokeConsentToClient, shared by the admin and account APIs: remove
    the consent and this client from every offline session of the user (its offline tokens die); when a
    consent was removed, also log the user out of the client's online sessions. True if anything went.
    ``online``/``offline`` false keep that kind (the revocation-trigger policy, sessions/triggered.py)."""
    revoked_consent = await tx.sessions.delete_consent(user_id, client_uuid)
    revoked_offline = offline and await revoke_offline_for_client(tx, user_id, client_uuid, live) > 0
    if revoked_consent and online:
        await logout_client_online(tx, user_id, client_uuid)
    return revoked_consent or revoked_offline


async def logout_client_online(tx: Tx, user_id: str, client_uuid: str) -> None:
    """Backchannel-log the user out of one client: note that client's logout and drop it from every online session
    (AuthenticationManager.backchannelLogoutUserFromClient), in a fixed number of statements.

    A session left with no client stays, with its login tabs: Keycloak 26's TokenManager.dettachClientSession only
    detaches (the SSO login lives on; a refresh by that client finds "Session doesn't have required client")."""
    cuts = await tx.session_ends.with_client(user_id, client_uuid, False)
    await cut_many(tx, False, [(us, [cs]) for us, cs in cuts], (), drop_empty=False)
