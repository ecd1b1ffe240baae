"""Device labels and the per-client cap on a user's offline sessions (a Doorkeep extension, issue #13 item 2).

Off by default: with the client attribute ``offline.session.max.per.user`` empty or ``0`` nothing is
ended. With a cap N, when a token request gives a user an offline session for the client, the user's
live offline sessions of that client beyond N are ended, the least recently used first (by the client
session's last refresh, then its start, then its id), never the one just created. Ending removes the
client from that offline session (the session goes when no client is left) in the same transaction,
and records a ``REVOKE_GRANT`` event with ``reason=offline_session_cap``. docs/offline-devices.md.
"""

from __future__ import annotations

import dataclasses
import re
from typing import TYPE_CHECKING

from doorkeep import events
from doorkeep.model import Client, Realm, UserSession
from doorkeep.sessions import device, ended, service
from doorkeep.sessions.liveness import realm_filter

if TYPE_CHECKING:
    from doorkeep.store.tx import Tx

CAP_ATTR = "offline.session.max.per.user"
MAX_CAP = 1000
CAP_REASON = "offline_session_cap"


def cap_error(value: object) -> str | None:
    """Why an attribute value is not a cap (the admin API's 400), or None: "" or 0..``MAX_CAP``."""
    text = "" if value is None else str(value).strip()
    if text == "" or (re.fullmatch(r"[0-9]{1,4}", text) and int(text) <= MAX_CAP):
        return None
    return f"Invalid value for {CAP_ATTR}: must be an integer from 0 to {MAX_CAP}"


def cap_of(client: Client) -> int:
    """The client's cap; 0 (no cap) when unset or unusable."""
    value = client.attr(CAP_ATTR).strip()
    return int(value) if cap_error(value) is None and value else 0


async def label_session(tx: Tx, session: UserSession, label: str | None) -> UserSession:
    """Store the label the client sent, or keep the stored one, or store the one the notes give."""
    current = session.notes.get(device.LABEL_NOTE)
    wanted = label or (str(current) if current else device.derived_label(session.notes))
    if wanted == current:
        return session
    notes = {**session.notes, device.LABEL_NOTE: wanted}
    await tx.sessions.update_user_session_notes(session.id, session.offline, notes)
    return dataclasses.replace(session, notes=notes)


async def enforce_cap(tx: Tx, realm: Realm, client: Client, kept: UserSession, now: int, ip: str) -> list[str]:
    """End the user's live offline sessions of this client beyond its cap (oldest last use first);
    the ids of those ended."""
    cap = cap_of(client)
    if cap <= 0:
        return []
    live = await realm_filter(tx, realm, True, now)
    others = []
    for session_id, client_uuid in await tx.sessions.user_client_pairs(kept.user_id, True, live):
        if client_uuid == client.id and session_id != kept.id:
            cs = await tx.sessions.get_client_session(session_id, True, client.id)
            if cs is not None:
                others.append((cs.timestamp, cs.started, session_id))
    others.sort()
    excess = others[: max(0, len(others) + 1 - cap)]
    for last_use, _, session_id in excess:
        await ended.announce(tx, session_id, True, only_client=client.id)
        await service.detach(tx, session_id, True, client.id)
        await events.record(
            tx,
            realm,
            "REVOKE_GRANT",
            now=now,
            client_id=client.client_id,
            user_id=kept.user_id,
            session_id=session_id,
            ip=ip,
            details={
                "reason": CAP_REASON,
                "revoked_client": client.client_id,
                "offline_session_cap": cap,
                "last_access": last_use,
                "new_session": kept.id,
            },
        )
    return [session_id for _, _, session_id in excess]
