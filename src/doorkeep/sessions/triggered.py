"""Ending sessions when a revocation trigger fires, as the realm's policy says (revocation_triggers).

Each trigger site calls one function here. At Keycloak's default the effect is exactly Keycloak's (the
admin sign-out keeps its not-before mechanism); a session ended because a setting differs from Keycloak's
is recorded as the existing code records logouts: a LOGOUT event (user triggers) or a REVOKE_GRANT event
naming the client (client triggers), with the trigger as ``reason``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import TYPE_CHECKING

from doorkeep import events
from doorkeep.model import Client, ClientSession, Realm, User, UserSession
from doorkeep.sessions import ended, service
from doorkeep.sessions import revocation_triggers as rt

if TYPE_CHECKING:
    from doorkeep.sessions.liveness import LiveFilter
    from doorkeep.store.tx import Tx

PAGE = 500


@dataclasses.dataclass
class _Clients:
    """Each client's resolved value for one trigger, loaded once per call."""

    tx: Tx
    realm: Realm
    trigger: rt.Trigger
    found: dict[str, rt.Ends] = dataclasses.field(default_factory=dict)

    async def ends(self, client_uuid: str) -> rt.Ends:
        if client_uuid not in self.found:
            client = await self.tx.clients.get(client_uuid)
            attributes = client.attributes if client is not None else {}
            self.found[client_uuid] = rt.resolve(self.trigger, self.realm.attributes, attributes)
        return self.found[client_uuid]


async def _record(
    tx: Tx,
    realm: Realm,
    trigger: rt.Trigger,
    user_id: str,
    session_id: str,
    offline: bool,
    now: int,
    client: str | None,
) -> None:
    kind = "REVOKE_GRANT" if trigger.client_scoped else "LOGOUT"
    details = {"reason": trigger.name, "offline": "true" if offline else "false", "revoked_client": client}
    await events.record(
        tx, realm, kind, now=now, client_id=client, user_id=user_id, session_id=session_id, details=details
    )


async def end_for_user(
    tx: Tx, realm: Realm, user_id: str, trigger: rt.Trigger, *, now: int, keep_session: str | None = None
) -> int:
    """End the user's sessions the trigger covers, each client session by its client's value; the user
    session goes when all its clients are covered. ``keep_session`` (the caller's own) is left alone.
    Returns how many (user session, kind) pairs lost something."""
    resolved = _Clients(tx, realm, trigger)
    count = 0
    for offline in (False, True):
        for session in await tx.sessions.user_sessions_of(user_id, offline):
            if session.id == keep_session:
                continue
            clients = await tx.sessions.client_sessions(session.id, offline)
            values = [(cs.client_id, await resolved.ends(cs.client_id)) for cs in clients]
            if not values:
                values = [("", rt.realm_value(trigger, realm.attributes))]
            covered = [(cid, v) for cid, v in values if (v.offline if offline else v.online)]
            if not covered:
                continue
            if len(covered) == len(values):
                await service.end(tx, session.id, offline)
            else:
                for cid, _ in covered:
                    await ended.announce(tx, session.id, offline, only_client=cid)
                    await service.detach(tx, session.id, offline, cid)
            count += 1
            if any(v is not trigger.default for _, v in covered):
                await _record(tx, realm, trigger, user_id, session.id, offline, now, None)
    return count


async def end_for_client(
    tx: Tx,
    realm: Realm,
    client: Client,
    trigger: rt.Trigger,
    *,
    now: int,
    matches: Callable[[ClientSession], bool] | None = None,
) -> int:
    """End this client's sessions (of every user) that the trigger covers and ``matches`` accepts: the client leaves
    them as a revoked grant does (``service.leave``), so an online session left with no client stays."""
    ends = rt.resolve(trigger, realm.attributes, client.attributes)
    count = 0
    for offline in (False, True):
        if not (ends.offline if offline else ends.online):
            continue
        kept = 0
        while page := await tx.sessions.sessions_with_client(client.id, offline, kept, PAGE):
            for us, cs in page:
                if matches is not None and not matches(cs):
                    kept += 1
                    continue
                await ended.announce(tx, us.id, offline, only_client=client.id)
                await service.leave(tx, us.id, offline, client.id)  # an online session left empty stays
                count += 1
                if ends is not trigger.default:
                    await _record(tx, realm, trigger, us.user_id, us.id, offline, now, client.client_id)
    return count


def granted(scope_name: str) -> Callable[[ClientSession], bool]:
    """A client session whose granted scope includes this scope."""
    return lambda cs: scope_name in str(cs.notes.get("scope", "")).split()


async def revoke_grant(tx: Tx, realm: Realm, user_id: str, client: Client, live: LiveFilter | None = None) -> bool:
    """Keycloak's consent revocation (admin DELETE consent, account "remove access"), as the policy says."""
    ends = rt.resolve(rt.CONSENT_REMOVAL, realm.attributes, client.attributes)
    return await service.revoke_grant(tx, user_id, client.id, live, online=ends.online, offline=ends.offline)


async def _overridden(tx: Tx, user_id: str, trigger: rt.Trigger) -> bool:
    """Does a client of one of the user's sessions override the trigger?"""
    for offline in (False, True):
        for _, client_uuid in await tx.sessions.user_client_pairs(user_id, offline):
            client = await tx.clients.get(client_uuid)
            if client is not None and rt.client_override(trigger, client.attributes) is not None:
                return True
    return False


async def sign_out_user(tx: Tx, realm: Realm, user: User, now: int) -> list[UserSession]:
    """``POST users/{id}/logout``. Keycloak's (``both``): the user's not-before moves to now, so every
    earlier token, offline ones included, is refused ("Stale token"), and the online sessions end; the
    offline sessions stay listed until they expire. Any other setting ends exactly the sessions it names.
    Each ended session's login tabs go with it (the root authentication session of its id, which
    backchannelLogout removes: a tab still at its form there would else finish a login under the ended id).
    Returns the online sessions that ended (whose identity providers the caller logs out, after commit)."""
    trigger = rt.ADMIN_LOGOUT
    before = await tx.sessions.user_sessions_of(user.id, False)
    if rt.realm_value(trigger, realm.attributes) is rt.Ends.BOTH and not await _overridden(tx, user.id, trigger):
        await tx.users.update(dataclasses.replace(user, not_before=now))
        await tx.session_ends.delete_roots([s.id for s in before])  # one statement, as service.end_many's
        await ended.announce_user(tx, user.id, False)
        await tx.sessions.delete_user_sessions_of(user.id, False)
        return before
    await end_for_user(tx, realm, user.id, trigger, now=now)
    left = {s.id for s in await tx.sessions.user_sessions_of(user.id, False)}
    return [s for s in before if s.id not in left]
