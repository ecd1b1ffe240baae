"""``DELETE /account/applications/{clientId}/sessions``: the user ends every session one application holds.

Keycloak's AccountRestService.revokeApplicationSessions (Keycloak main, 2026): the client is removed from each of
the user's online sessions, then from each offline one (its offline token dies), the client told by backchannel
logout; a session left with no client goes too. One LOGOUT event per session, by the ``account`` client, with the
``revoked_client`` detail. The consent stays (that is ``DELETE …/consent``). An unknown client is answered 204 as
well, so that the endpoint tells nobody which clients exist; Keycloak records that as LOGOUT_ERROR.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from doorkeep import events, policy
from doorkeep.sessions import service
from doorkeep.users.account import ACCOUNT_CLIENT, MANAGE_ACCOUNT, Caller

if TYPE_CHECKING:
    from doorkeep.store.tx import Tx


async def revoke_application_sessions(tx: Tx, caller: Caller, client_id: str) -> None:
    """End the application's online and offline client sessions of the caller's user (manage-account only)."""
    caller.require_one_of(MANAGE_ACCOUNT)
    one = {"client_id": ACCOUNT_CLIENT, "user_id": caller.user.id, "ip": caller.ip}
    client = await tx.clients.get_by_client_id(caller.realm.id, client_id)
    if client is None:
        reason = f"No client with clientId: {client_id} found."
        details = {"reason": reason}
        await events.record(
            tx, caller.realm, "LOGOUT_ERROR", now=caller.now, error="client_not_found", **one, details=details
        )
        return
    each = []
    for offline in (False, True):  # Stream.concat(getUserSessionsStream, getOfflineUserSessionsStream)
        cuts = await tx.session_ends.with_client(caller.user.id, client.id, offline)
        # Keycloak's streams hold only sessions within their timeouts: an expired row goes too, without an event
        live = [us.id for us, _ in cuts if policy.user_session_valid(caller.realm, us, caller.now)]
        held = await service.cut_many(tx, offline, [(us, [cs]) for us, cs in cuts], ())
        details = {"revoked_client": client.client_id}
        each += [{**one, "session_id": sid, "details": details} for sid in live if sid in held]
    await events.record_many(tx, caller.realm, "LOGOUT", now=caller.now, each=each)
