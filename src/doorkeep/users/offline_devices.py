"""A user's offline grants by device, and their removal (a Doorkeep extension, issue #13 item 2).

Keycloak's ``/account/sessions`` lists online sessions only (``/sessions/devices`` lists both since 26.5); the
offline sessions (one per device that holds offline tokens) are listed here with their device label, first
use, last use and IP. "Remove this device" ends one offline session (every offline token of it dies at
once); "remove all other devices" ends every other offline session of the user, whatever its clients.
The same-id online session is left alone, as the Account Console's revoke does. docs/offline-devices.md.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from doorkeep.model import UserSession
from doorkeep.sessions import device, service
from doorkeep.sessions.liveness import realm_filter
from doorkeep.users import account as ops

if TYPE_CHECKING:
    from doorkeep.store.tx import Tx


async def _live_offline(tx: Tx, caller: ops.Caller) -> list[UserSession]:
    live = await realm_filter(tx, caller.realm, True, caller.now)
    return await tx.sessions.user_sessions_of(caller.user.id, True, live)


async def offline_sessions(tx: Tx, caller: ops.Caller) -> list[dict[str, Any]]:
    """``GET /account/offline-sessions``: the user's live offline sessions, most recently used first."""
    caller.require_one_of(ops.MANAGE_ACCOUNT, ops.VIEW_PROFILE)
    live = await realm_filter(tx, caller.realm, True, caller.now)
    out = []
    sessions = sorted(await _live_offline(tx, caller), key=lambda us: (-us.last_session_refresh, us.id))
    for session in sessions:
        clients = []
        for cs in await tx.sessions.client_sessions(session.id, True, live):
            client = await tx.clients.get(cs.client_id)
            if client is not None:
                entry = {"clientId": client.client_id, "lastAccess": max(cs.timestamp, cs.started)}
                clients.append(entry | ({"clientName": client.name} if client.name else {}))
        notes = ops._device(session)
        out.append(
            {
                "id": session.id,
                "deviceLabel": device.label_of(session.notes),
                **notes,
                "ipAddress": session.ip_address,
                "started": session.started,
                "lastAccess": session.last_session_refresh,
                "clients": clients,
                "current": session.id == caller.session_id,
            }
        )
    return out


async def remove_device(tx: Tx, caller: ops.Caller, session_id: str) -> bool:
    """End one of the user's offline sessions; False if it is not one of theirs (the route still says 204)."""
    caller.require_one_of(ops.MANAGE_ACCOUNT)
    if "\x00" in session_id:  # no session has one (PostgreSQL refuses a NUL in text): unknown on both engines
        return False
    session = await tx.sessions.get_user_session(session_id, True)
    if session is None or session.user_id != caller.user.id:
        return False
    return await service.end(tx, session.id, True)


async def end_other_offline(tx: Tx, user_id: str, keep: str | None) -> int:
    """End every offline session of the user but ``keep`` (all of them when None); how many ended. A service user
    may hold thousands: they end together (``service.end_many``), not one by one."""
    return await service.end_many(tx, await tx.session_ends.ids_of_user(user_id, True, besides=keep), True)


async def remove_other_devices(tx: Tx, caller: ops.Caller, keep: str | None) -> int:
    """``DELETE /account/offline-sessions?keep={id}``: every other offline session of the user."""
    caller.require_one_of(ops.MANAGE_ACCOUNT)
    return await end_other_offline(tx, caller.user.id, keep)
