"""Which client sessions a token exchange derived from which subject client, so that revoking the subject's
token revokes what was exchanged from it (Keycloak's ``Constants.TOKEN_EXCHANGE_SUBJECT_CLIENT`` notes).

StandardTokenExchangeProvider.exchangeClientToOIDCClient notes on the requester's client session the subject
token's client (``token_exchange_subject_client`` + its clientId = the subject token's jti), and, when the
subject token was itself exchanged, copies the subject client session's notes of that kind, so that a chain
leads back to its first subject. TokenRevocationEndpoint.revokeTokenExchangeSession detaches every client
session of the token's user session noted with the revoked token's client, and names them in the REVOKE_GRANT
event's ``token_exchange_revoked_clients`` detail. A transient client session keeps no note: nothing of it
outlives the request.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from doorkeep.model import Client, UserSession
    from doorkeep.store.tx import Tx

SUBJECT_CLIENT_NOTE = "token_exchange_subject_client"  # Constants.TOKEN_EXCHANGE_SUBJECT_CLIENT, a prefix
TOKEN_EXCHANGE_GRANT = "te"  # the jti's grant shortcut of a token-exchange token


async def record(tx: Tx, us: UserSession, client: Client, subject: dict[str, Any]) -> None:
    """Note the subject on ``client``'s (persisted, online) client session in ``us``."""
    cs = await tx.sessions.get_client_session(us.id, False, client.id)
    if cs is None:
        return
    notes = dict(cs.notes)
    azp, jti = str(subject.get("azp", "")), str(subject.get("jti", ""))
    prefix = jti.split(":", 1)[0] if ":" in jti else ""  # AccessTokenContext: session, type, grant; 2 chars each
    if prefix[4:6] == TOKEN_EXCHANGE_GRANT:  # the subject was exchanged: its own chain comes along
        holder = await tx.config.client(us.realm_id, azp)
        held = None if holder is None else await tx.sessions.get_client_session(us.id, False, holder.id)
        if held is not None:
            notes |= {k: v for k, v in held.notes.items() if k.startswith(SUBJECT_CLIENT_NOTE)}
    notes[SUBJECT_CLIENT_NOTE + azp] = jti
    await tx.sessions.update_client_session_notes(us.id, False, client.id, notes)


async def revoke_exchanged(tx: Tx, session_id: str, subject_client_id: str) -> list[str]:
    """Detach the online client sessions exchanged from ``subject_client_id``'s tokens; their clientIds."""
    revoked: list[str] = []
    for cs in await tx.sessions.client_sessions(session_id, False):
        if SUBJECT_CLIENT_NOTE + subject_client_id in cs.notes:
            if not revoked:  # the user session's row before any client session's (sessions/service.py detach)
                await tx.sessions.hold_user_session(session_id, False)
            await tx.sessions.detach_client_session(session_id, False, cs.client_id)
            exchanged = await tx.clients.get(cs.client_id)
            revoked.append(cs.client_id if exchanged is None else exchanged.client_id)
    if revoked:
        await tx.sessions.delete_if_empty(session_id, False)
    return revoked
