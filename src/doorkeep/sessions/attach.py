"""Which user session a browser login ends in when no SSO session was pinned to it (AuthenticationProcessor.
attachSession): the one whose id is the browser's root authentication session's (the AUTH_SESSION_ID cookie's).

- None there: a new session takes the root's id, so the LOGIN event's ``sessionId`` equals its ``code_id``.
- A valid one of the same user (a login finished in another tab of the browser): the login joins it.
- A valid one of another user: the login is refused (Messages.DIFFERENT_USER_AUTHENTICATED).
- An expired one: it is removed and the login gets a new id. Keycloak's attachSession would restart it under
  the same id, but the identity cookie's check of the authorization request has logged it out already and
  removed its root (ReAuthenticationTest.loginAfterExpiredUserSession: the new login's ``sid`` differs).
- Only an offline session there (its online session logged out or dropped at the first offline access, while
  another tab kept the root): a new id. Offline copies share their online session's id and
  createOrUpdateOfflineSession finds them by it, so reusing the id would hand this login that offline session
  (MultipleTabsLoginTest.testLogoutDifferentBrowserWithAuthenticationSessionStillPresent). A logout removes the
  root of its session's id (``service.remove``), which covers most of these cases before they arise.
- A root id held by another realm's session: a new id.

Two tabs finishing a login at once both find no session and both create one under the root's id; the one whose
row comes second (PostgreSQL makes it wait for the first's commit) looks again with ``after_race`` and ends as if
it had come a moment later: it joins the first's session, or is refused when that is another user's.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from doorkeep import policy
from doorkeep.model import Realm, UserSession

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
    if online is not None:  # expired: logged out, its id not taken again
        await tx.sessions.delete_user_session(online.id, False)
        return AttachPoint()
    if await tx.sessions.get_user_session(root_id, True) is not None:
        return AttachPoint()
    return AttachPoint(new_id=root_id)


class HeldByAnother(Exception):
    """The root's id was taken meanwhile by another user's login: this one is refused (DIFFERENT_USER_AUTHENTICATED)."""

    def __init__(self, user_id: str) -> None:
        super().__init__(user_id)
        self.user_id = user_id


async def after_race(tx: Tx, realm: Realm, user_id: str, root_id: str, now: int) -> UserSession | None:
    """Where a login goes whose new session lost the root's id to a concurrent one: the session to join, None for a
    new session with a random id, HeldByAnother when the winner is another user."""
    point = await for_root(tx, realm, user_id, root_id, now)
    if point.other_user is not None:
        raise HeldByAnother(point.other_user)
    return point.session
