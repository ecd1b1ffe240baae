"""Ending sessions when a revocation trigger fires, as the realm's policy says (revocation_triggers).

Each trigger site calls one function here. At Keycloak's default the effect is exactly Keycloak's (the
admin sign-out keeps its not-before mechanism); a session ended because a setting differs from Keycloak's
is recorded as the existing code records logouts: a LOGOUT event (user triggers) or a REVOKE_GRANT event
naming the client (client triggers), with the trigger as ``reason``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

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


def _event(trigger: rt.Trigger, user_id: str, session_id: str, offline: bool, client: str | None) -> dict[str, Any]:
    """The event of one session a setting other than Keycloak's ended: ``events.record``'s arguments."""
    details = {"reason": trigger.name, "offline": "true" if offline else "false", "revoked_client": client}
    return {"client_id": client, "user_id": user_id, "session_id": session_id, "details": details}


async def _record(tx: Tx, realm: Realm, trigger: rt.Trigger, now: int, each: list[dict[str, Any]]) -> None:
    kind = "REVOKE_GRANT" if trigger.client_scoped else "LOGOUT"
    await events.record_many(tx, realm, kind, now=now, each=each)


async def end_for_user(
    tx: Tx, realm: Realm, user_id: str, trigger: rt.Trigger, *, now: int, keep_session: str | None = None
) -> int:
    """End the user's sessions the trigger covers, each client session by its client's value. The user session
    itself (the browser's SSO login, its login tabs) ends only when the realm's value covers its kind and so does
    every client in it: Keycloak's user-triggered logouts end whole sessions (AuthenticationManager.backchannelLogout
    of each), while a client's leaving never ends an online session (TokenManager.dettachClientSession only
    detaches). So the covered clients leave the others: an online session left with no client stays, an offline
    one goes (UserSessionManager.checkOfflineUserSessionHasClientSessions). ``keep_session`` (the caller's own) is
    left alone. Returns how many (user session, kind) pairs lost something. However many sessions the user has,
    this takes a fixed number of statements per kind (``service.cut_many``), and one per client of theirs."""
    resolved = _Clients(tx, realm, trigger)
    realm_value = rt.realm_value(trigger, realm.attributes)
    count = 0
    for offline in (False, True):
        sessions = [s for s in await tx.sessions.user_sessions_of(user_id, offline) if s.id != keep_session]
        by_session = await tx.session_ends.client_sessions_of([s.id for s in sessions], offline)
        cuts: list[tuple[UserSession, list[ClientSession]]] = []
        whole: set[str] = set()
        recorded: list[dict[str, Any]] = []
        realm_covers = realm_value.offline if offline else realm_value.online
        for session in sessions:
            clients = by_session[session.id]
            values = [(cs, await resolved.ends(cs.client_id)) for cs in clients]
            covered = [(cs, v) for cs, v in values if (v.offline if offline else v.online)]
            if not values and realm_covers:
                whole.add(session.id)  # no client: the realm's value decides
                cuts.append((session, []))
                default = realm_value is trigger.default
            elif covered:
                if len(covered) == len(values) and realm_covers:
                    whole.add(session.id)
                    cuts.append((session, clients))
                else:  # the covered clients leave it, as a revoked grant's client does (service.leave)
                    cuts.append((session, [cs for cs, _ in covered]))
                default = all(v is trigger.default for _, v in covered)
            else:
                continue
            count += 1
            if not default:
                recorded.append(_event(trigger, user_id, session.id, offline, None))
        await service.cut_many(tx, offline, cuts, whole, drop_empty=offline)  # an online session left empty stays
        await _record(tx, realm, trigger, now, recorded)
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
    """End this client's sessions (of every user) that the trigger covers and ``matches`` accepts, a page of them
    at a time, each page in a fixed number of statements (``service.cut_many``). The client leaves them as a
    revoked grant does (``service.leave``): an offline session goes with its last client, an online one left with
    no client stays (TokenManager.dettachClientSession only detaches)."""
    ends = rt.resolve(trigger, realm.attributes, client.attributes)
    count = 0
    for offline in (False, True):
        if not (ends.offline if offline else ends.online):
            continue
        kept = 0
        while page := await tx.sessions.sessions_with_client(client.id, offline, kept, PAGE):
            cuts = [(us, [cs]) for us, cs in page if matches is None or matches(cs)]
            kept += len(page) - len(cuts)
            await service.cut_many(tx, offline, cuts, (), drop_empty=offline)  # an online session left empty stays
            count += len(cuts)
            if ends is not trigger.default:
                each = [_event(trigger, us.user_id, us.id, offline, client.client_id) for us, _ in cuts]
                await _record(tx, realm, trigger, now, each)
    return count


def granted(scope_name: str) -> Callable[[ClientSession], bool]:
    """A client session whose granted scope includes this scope."""
    return lambda cs: scope_name in str(cs.notes.get("scope", "")).split()


async def revoke_grant(tx: Tx, realm: Realm, user_id: str, client: Client, live: LiveFilter | None = None) -> bool:
    """Keycloak's consent revocation (admin DELETE consent, account "remove access"), as the policy says."""
    ends = rt.resolve(rt.CONSENT_REMOVAL, realm.attributes, client.attributes)
    return await service.revoke_grant(tx, user_id, client.id, live, online=ends.online, offline=ends.offline)


async def _overridden(tx: Tx, user_id: str, trigger: rt.Trigger) -> bool:
    """Does a client of one of the user's sessions override the trigger? Each client is read once, however many
    of the user's sessions it is in."""
    uuids = {cid for offline in (False, True) for _, cid in await tx.sessions.user_client_pairs(user_id, offline)}
    for client_uuid in sorted(uuids):
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
