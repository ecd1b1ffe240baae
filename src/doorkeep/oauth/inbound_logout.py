"""Inbound back-channel logout: a logout token POSTed to ``.../logout/backchannel-logout`` by an upstream
identity provider (OIDC Back-Channel Logout 1.0 §2.5, as Keycloak's LogoutEndpoint.backchannelLogout answers it).

The token is checked first, outside any transaction (broker/logout_tokens.py: the providers' keys may be fetched).
A refusal is Keycloak's 400 ``invalid_request`` with the failing check's message and a LOGOUT_ERROR
``invalid_token`` event carrying it as ``reason``. A trusted token ends, for each provider that verified it, the
sessions brokered through it: by ``sid`` the one whose broker session is ``{alias}.{sid}``, else by ``sub`` every
session of the user linked to ``{alias}``'s account ``sub`` made through that provider. Each ended online
session is a LOGOUT event (user and session, no client) and tells its clients by back-channel logout
(AuthenticationManager.backchannelLogout, the provider not called back). With ``revoke_offline_access`` in the
token's events the matching offline sessions are revoked too, telling no client (UserSessionManager
.revokeOfflineUserSession); by ``sid``, only one of the user ``sub`` names (Keycloak's lazily loaded offline
sessions). Sessions are ended as they stand; the token is never logged.

A session one of whose clients cannot be logged out is Keycloak's failed local logout: its
backchannelLogoutClientSession skips a disabled client and a front-channel one, so
checkUserSessionOnlyHasLoggedOutClients finds it still logged in, and LogoutEndpoint answers 501
``server_error`` "There was an error during the local logout" with a LOGOUT_ERROR ``logout_failed`` carrying it as
``reason``, its error handler rolling the transaction back: nothing is ended. Doorkeep checks that before ending
anything, so it ends nothing and tells no client (Keycloak has already POSTed the logout tokens of the clients it met
before the failure; those cannot be rolled back, and Doorkeep does not send them). Whether the clients told
answered is the web layer's (web/protocol.py: 504 when one did not).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from doorkeep import errors as e
from doorkeep import events, policy
from doorkeep.broker.logout_tokens import Verified
from doorkeep.broker.provider_logout import PROVIDER_NOTE
from doorkeep.model import Realm, UserSession
from doorkeep.sessions import service

LOCAL_LOGOUT_FAILED = "There was an error during the local logout"  # LogoutEndpoint.backchannelLogout

if TYPE_CHECKING:
    from doorkeep.oauth.context import OAuthRequest, Services
    from doorkeep.store.tx import Tx


async def backchannel_logout(tx: Tx, services: Services, req: OAuthRequest, checked: Verified | str) -> None:
    """Refuse the token with its reason, or end the sessions it names."""
    now = services.clock.now()
    if isinstance(checked, str):
        details = {"reason": checked}
        await events.record(
            tx, req.realm, "LOGOUT_ERROR", now=now, ip=req.ip_address, error="invalid_token", details=details
        )
        raise e.InvalidRequest(checked)
    named = [await _named(tx, req.realm, alias, checked, now) for alias in checked.aliases]
    for online, _ in named:
        for session in online:
            if not await _clients_can_be_logged_out(tx, session):
                details = {"reason": LOCAL_LOGOUT_FAILED}
                await events.record(
                    tx, req.realm, "LOGOUT_ERROR", now=now, ip=req.ip_address, error="logout_failed", details=details
                )
                raise e.ServerError(LOCAL_LOGOUT_FAILED, status=501)
    for online, offline in named:
        if checked.revoke_offline:
            for session in offline:
                await service.remove(tx, session.id, True)
        for session in online:
            await service.end(tx, session.id, False)
            await events.record(
                tx, req.realm, "LOGOUT", now=now, user_id=session.user_id, session_id=session.id, ip=req.ip_address
            )


async def _named(
    tx: Tx, realm: Realm, alias: str, checked: Verified, now: int
) -> tuple[list[UserSession], list[UserSession]]:
    """The online and offline sessions the token names through ``alias``."""
    user_id = await tx.federated.user_of(realm.id, alias, checked.sub) if checked.sub is not None else None
    if checked.sid is not None:
        brokered = f"{alias}.{checked.sid}"
        online = await tx.broker_sessions.sessions(realm.id, brokered, False)
        offline = [s for s in await tx.broker_sessions.sessions(realm.id, brokered, True) if s.user_id == user_id]
    elif user_id is not None:
        online = [s for s in await tx.sessions.user_sessions_of(user_id, False) if _through(s, alias)]
        offline = [s for s in await tx.sessions.user_sessions_of(user_id, True) if _through(s, alias)]
    else:
        return [], []
    return [s for s in online if policy.user_session_valid(realm, s, now)], offline


async def _clients_can_be_logged_out(tx: Tx, session: UserSession) -> bool:
    """None of the session's clients is disabled or logged out by front channel (module docstring)."""
    for client_session in await tx.sessions.client_sessions(session.id, False):
        client = await tx.clients.get(client_session.client_id)
        if client is not None and (not client.enabled or client.frontchannel_logout):
            return False
    return True


def _through(session: UserSession, alias: str) -> bool:
    """Whether a brokered login through ``alias`` made the session (its brokerUserId is that provider's)."""
    return session.notes.get(PROVIDER_NOTE) == alias
