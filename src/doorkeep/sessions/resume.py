"""Resuming a session from a refresh or offline token: Keycloak's validateToken, written once.

The session, user and client-session checks in Keycloak's order (KEYCLOAK.md §6.1 #7–#13), used
by the refresh grant (under the client-session row lock) and by introspection (read only). Bearer
access tokens follow UserInfoEndpoint's ``findValidSession`` instead (``oauth.access``), on the same
``policy`` lifetimes. Two failures deliberately write when allowed to: an expired session is removed
(online: logged out), and an expired client session is detached.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from doorkeep import errors as e
from doorkeep import policy
from doorkeep.model import Client, ClientSession, Realm, RefreshFamily, User, UserSession
from doorkeep.oauth import consent as consent_screen
from doorkeep.oauth.scopes import OFFLINE_ACCESS, GrantedScopes, permitted
from doorkeep.sessions import service

if TYPE_CHECKING:
    from doorkeep.oauth.refresh_tokens import RefreshClaims
    from doorkeep.store.tx import Tx


async def resume(
    tx: Tx,
    realm: Realm,
    client: Client,
    claims: RefreshClaims,
    now: int,
    *,
    lock: bool,
    write: bool = True,
    found: tuple[UserSession, User, ClientSession] | None = None,
) -> tuple[UserSession, ClientSession, User]:
    """Keycloak's validateToken: the session, user and client-session checks, in order.

    ``lock`` takes the client-session row lock (a refresh); ``write=False`` (introspection) refuses
    without removing an expired session or detaching an expired client session. ``found``: the three rows,
    already read by the caller (under the locks when ``lock``).
    """
    # One statement when all three rows exist (issue #8); otherwise one by one, for Keycloak's error.
    if found is None:
        found = await tx.resume.session_user_client(claims.sid, claims.offline, claims.sub, client.id, lock=lock)
    if found is None:
        us = await user_session(tx, realm, claims.sid, claims.offline, now, write=write)  # #7-#8
        user = await tx.users.get(claims.sub)
    else:
        us, user, cs = found
        await check_user_session(tx, realm, us, us.offline, now, write=write)
    if user is None or user.id != us.user_id:  # #9
        raise e.InvalidGrant(e.INVALID_REFRESH_TOKEN)
    if not user.enabled:
        raise e.InvalidGrant(e.USER_DISABLED)
    if claims.iat + 1 < us.started:  # #10
        raise e.InvalidGrant(e.ISSUED_BEFORE_SESSION)
    if found is None:
        cs = await client_session(tx, realm, client, us, claims.iat, now, lock=lock, write=write)  # #11-#12
    else:
        await check_client_session(tx, realm, client, us, cs, claims.iat, now, write=write)
    if claims.offline and not await offline_access_granted(tx, client, user):  # #13
        refused = e.InvalidGrant(e.OFFLINE_NOT_GRANTED)
        refused.event_details["reason"] = e.OFFLINE_NOT_GRANTED  # TokenManager.validateToken: Details.REASON
        raise refused
    if claims.iat < policy.effective_not_before(realm, client, user.not_before):
        raise e.InvalidGrant(e.STALE_TOKEN)
    return us, cs, user


async def for_refresh(
    tx: Tx, realm: Realm, client: Client, claims: RefreshClaims, now: int, *, rotating: bool
) -> tuple[UserSession, ClientSession, User, RefreshFamily | None]:
    """``resume`` for the refresh grant: under the rows' locks when ``rotating`` (the reuse check that follows is a
    read-modify-write of the family, serialised per client session by the lock), else first without them.

    Rotating, the token's refresh family comes with the sessions in one statement, its row locked after theirs
    (store/resume_read.py ``rotating``; issue #8); None when it was not read that way (rotation off, or a row of
    the four missing: then the sessions are read as before and ``rotation.check`` reads the family itself).

    A rotation-off refresh that passes writes at most its touch, which is safe without the locks (store/sessions.py
    ``touch_sessions``): it then needs none, and on PostgreSQL its reads run before any BEGIN (issue #8). Keycloak
    itself takes no lock here (its sessions live in Infinispan). A refresh whose session is deleted while it runs
    has read it first: it answers as if it had finished before the deletion, and its touch writes nothing. A
    refusal may write (an expired session removed, an expired client session detached): the checks are then made
    again under the locks, on the rows as they are by then, exactly as before."""
    if rotating:
        key = claims.reuse_id or ""
        read = await tx.resume.rotating(claims.sid, claims.offline, claims.sub, client.id, key)
        if read is not None:
            us, user, cs, family = read
            found = await resume(tx, realm, client, claims, now, lock=True, found=(us, user, cs))
            return (*found, family)
    else:
        try:
            return (*await resume(tx, realm, client, claims, now, lock=False, write=False), None)
        except e.OAuthError:
            pass
    return (*await resume(tx, realm, client, claims, now, lock=True), None)


async def user_session(tx: Tx, realm: Realm, sid: str, offline: bool, now: int, *, write: bool) -> UserSession:
    """The token's user session, present and within its lifetimes (refresh tokens and bearer tokens alike).

    With ``write`` an expired session goes: offline removed, online logged out (Keycloak
    backchannel-logs-out an expired online session)."""
    return await check_user_session(
        tx, realm, await tx.sessions.get_user_session(sid, offline), offline, now, write=write
    )


async def check_user_session(
    tx: Tx, realm: Realm, us: UserSession | None, offline: bool, now: int, *, write: bool
) -> UserSession:
    """``user_session``'s checks of a session already read."""
    if offline:
        if us is None:
            raise e.InvalidGrant(e.OFFLINE_SESSION_NOT_FOUND)
        if not policy.user_session_valid(realm, us, now):
            if write:
                await service.remove(tx, us.id, True)
            raise e.InvalidGrant(e.OFFLINE_SESSION_NOT_ACTIVE)
    elif us is None or not policy.user_session_valid(realm, us, now):
        if us is not None and write:
            await service.end(tx, us.id, False)
        raise e.InvalidGrant(e.SESSION_NOT_ACTIVE)
    return us


async def client_session(
    tx: Tx, realm: Realm, client: Client, us: UserSession, iat: int, now: int, *, lock: bool, write: bool
) -> ClientSession:
    """The client's session within the user session: present, within its lifetimes, and not newer than
    the token (``iat``). ``lock`` takes its row lock; with ``write`` an expired one is detached."""
    if lock:
        cs = await tx.sessions.lock_client_session(us.id, us.offline, client.id)
    else:
        cs = await tx.sessions.get_client_session(us.id, us.offline, client.id)
    return await check_client_session(tx, realm, client, us, cs, iat, now, write=write)


async def check_client_session(
    tx: Tx, realm: Realm, client: Client, us: UserSession, cs: ClientSession | None, iat: int, now: int, *, write: bool
) -> ClientSession:
    """``client_session``'s checks of a client session already read."""
    if cs is None:
        raise e.InvalidGrant(e.SESSION_MISSING_CLIENT)
    if not policy.client_session_valid(realm, client, us, cs, now):
        if write:
            await tx.sessions.detach_client_session(us.id, us.offline, client.id)
        raise e.InvalidGrant(e.CLIENT_SESSION_NOT_ACTIVE)
    if iat + 1 < cs.started:
        raise e.InvalidGrant(e.ISSUED_BEFORE_CLIENT_SESSION)
    return cs


async def offline_access_granted(tx: Tx, client: Client, user: User) -> bool:
    """Keycloak's UserSessionUtil.isOfflineAccessGranted: the client still holds the offline_access scope and the
    user may have it (DefaultClientSessionContext.isClientScopePermittedForUser: its role scope mappings, the
    offline_access role, meet the user's roles, composites and groups expanded)."""
    linked = tuple(s for s, _ in await tx.config.client_scopes(client) if s.name == OFFLINE_ACCESS)
    if not linked:
        return False
    kept = await permitted(tx, user, GrantedScopes(linked, False), offline_by_role=True)
    return bool(kept.scopes)


async def check_consent(tx: Tx, client: Client, user: User, granted: GrantedScopes) -> None:
    """A consent-required client must still hold consent for every consent-screen scope it uses."""
    if not await consent_still_available(tx, client, user, granted):
        raise e.InvalidScope(e.CONSENT_NO_LONGER, event_error="not_allowed")


async def consent_still_available(tx: Tx, client: Client, user: User, granted: GrantedScopes) -> bool:
    """TokenManager.verifyConsentStillAvailable: no consent needed, or one covering every consent-screen scope."""
    if not client.consent_required:
        return True
    consent = await tx.sessions.get_consent(user.id, client.id)
    needed = {s.id for s in granted.scopes if consent_screen.scope_shown(s)}
    return consent is not None and needed <= set(consent.granted_scopes)
