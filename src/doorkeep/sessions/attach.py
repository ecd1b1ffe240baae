"""Which user session a browser login ends in when no SSO session was pinned to it (AuthenticationProcessor.
attachSession): the one whose id is the browser's root authentication session's (the AUTH_SESSION_ID cookie's).

- None there: a new session takes the root's id, so the LOGIN event's ``sessionId`` equals its ``code_id``.
- A valid one of the same user (a login finished in another tab of the browser): the login joins it.
- A valid one of another user: the login is refused (Messages.DIFFERENT_USER_AUTHENTICATED).
- An expired one: it gives way to the new login under the same id (UserSessionModel.restartSession).

Doorkeep keeps an offline session under its online session's id, and Keycloak's createOrUpdateOfflineSession
looks the offline copy up by that id. An offline session left under the root's id by another user (logged out
online, a tab of the same browser still open) would then take this user's offline clients; Keycloak does not
guard against it, Doorkeep does: such a login gets a random id instead, as does a root id held by another
realm's session.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from doorkeep import policy
from doorkeep.model import Realm, UserSession
from doorkeep.sessions import service

if TYPE_CHECKING:
    from doorkeep.store.tx import Tx

_MAX_ID = 36  # the user_sessions.id column (a UUID's text)


@dataclass(frozen=True)
class AttachPoint:
    """``session``: the valid session to join; ``new_id``: the id a new session takes (None: a random one);
    ``other_user``: the user whose valid session holds the root's id (the login is refused)."""

    session: UserSession | None = None
    new_id: str | None = None
    other_user: str | None = None


async def for_root(tx: Tx, realm: Realm, user_id: str, root_id: str | None, now: int) -> AttachPoint:
    """The attach point of ``user_id``'s login in the root authentication session ``root_id``."""
    if not root_id or len(root_id) > _MAX_ID:
        return AttachPoint()
    online = await tx.sessions.get_user_session(root_id, False)
    if online is not None and online.realm_id != realm.id:
        return AttachPoint()
    if online is not None and policy.user_session_valid(realm, online, now):
        if online.user_id == user_id:
            return AttachPoint(session=online)
        return AttachPoint(other_user=online.user_id)
    if online is not None:  # restartSession: nothing of the expired session stays, its clients included
        await service.remove(tx, online.id, False)
    offline = await tx.sessions.get_user_session(root_id, True)
    if offline is not None and (offline.user_id != user_id or offline.realm_id != realm.id):
        return AttachPoint()
    return AttachPoint(new_id=root_id)
