"""Resuming a session from a refresh or offline token: Keycloak's validateToken, written once.

The session, user and client-session checks in Keycloak's order (KEYCLOAK.md §6.1 #7–#13), used
by the refresh grant (under the client-session row lock) and by introspection (read only). Two
failures deliberately write when allowed to: an expired session is removed (online: logged out),
and an expired client session is detached.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from doorkeep import errors as e
from doorkeep import policy
from doorkeep.errors import OAuthError, invalid_grant
from doorkeep.model import Client, ClientSession, Realm, User, UserSession
from doorkeep.oauth.scopes import OFFLINE_ACCESS
from doorkeep.sessions import service
from doorkeep.tokens import TYPE_OFFLINE

if TYPE_CHECKING:
    from doorkeep.oauth.scopes import GrantedScopes
    from doorkeep.store.tx import Tx


async def resume(
    tx: Tx, realm: Realm, client: Client, claims: dict[str, Any], now: int, *, lock: bool, write: bool = True
) -> tuple[UserSession, ClientSession, User]:
    """Keycloak's validateToken: the session, user and client-session checks, in order.

    ``lock`` takes the client-session row lock (a refresh); ``write=False`` (introspection) refuses
    without removing an expired session or detaching an expired client session.
    """
    offline = claims["typ"] == TYPE_OFFLINE
    sid: str = claims["sid"]
    us = await tx.sessions.get_user_session(sid, offline)
    if offline:
        if us is None:
            raise invalid_grant(e.OFFLINE_SESSION_NOT_FOUND)
        if not policy.user_session_valid(realm, True, us.remember_me, us.started, us.last_session_refresh, now):
            if write:
                await service.remove(tx, us.id, True)
            raise invalid_grant(e.OFFLINE_SESSION_NOT_ACTIVE)
    elif us is None or not policy.user_session_valid(
        realm, False, us.remember_me, us.started, us.last_session_refresh, now
    ):
        if us is not None and write:
            await service.end(tx, us.id, False)  # Keycloak backchannel-logs-out an expired online session
        raise invalid_grant(e.SESSION_NOT_ACTIVE)
    user = await tx.users.get(str(claims.get("sub")))
    if user is None or user.id != us.user_id:
        raise invalid_grant(e.INVALID_REFRESH_TOKEN)
    if not user.enabled:
        raise invalid_grant(e.USER_DISABLED)
    if claims["iat"] + 1 < us.started:
        raise invalid_grant(e.ISSUED_BEFORE_SESSION)
    if lock:
        cs = await tx.sessions.lock_client_session(us.id, offline, client.id)
    else:
        cs = await tx.sessions.get_client_session(us.id, offline, client.id)
    if cs is None:
        raise invalid_grant(e.SESSION_MISSING_CLIENT)
    if not policy.client_session_valid(
        realm, client, offline, us.remember_me, cs.started, cs.timestamp, us.started, now
    ):
        if write:
            await tx.sessions.detach_client_session(us.id, offline, client.id)
        raise invalid_grant(e.CLIENT_SESSION_NOT_ACTIVE)
    if claims["iat"] + 1 < cs.started:
        raise invalid_grant(e.ISSUED_BEFORE_CLIENT_SESSION)
    if offline and not await offline_access_granted(tx, client):
        raise invalid_grant(e.OFFLINE_NOT_GRANTED)
    if claims["iat"] < policy.effective_not_before(realm, client, user.not_before):
        raise invalid_grant(e.STALE_TOKEN)
    return us, cs, user


async def offline_access_granted(tx: Tx, client: Client) -> bool:
    """Keycloak's UserSessionUtil.isOfflineAccessGranted: the client still holds the offline_access scope."""
    return OFFLINE_ACCESS in {s.name for s, _ in await tx.config.client_scopes(client)}


async def check_consent(tx: Tx, client: Client, user: User, granted: GrantedScopes) -> None:
    """A consent-required client must still hold consent for every consent-screen scope it uses."""
    if not client.consent_required:
        return
    consent = await tx.sessions.get_consent(user.id, client.id)
    needed = {
        s.id for s in granted.scopes if str(s.attributes.get("display.on.consent.screen", "true")).lower() == "true"
    }
    if consent is None or not needed <= set(consent.granted_scopes):
        raise OAuthError("invalid_scope", e.CONSENT_NO_LONGER)
