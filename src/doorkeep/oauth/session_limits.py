"""The User Session Count Limiter (Keycloak 26's UserSessionLimitsAuthenticator, ``user-session-limits``).

A REQUIRED step of the browser or direct grant flow once the user is known. It counts the user's online sessions
in the realm (``userRealmLimit``) and those holding a session of the login's client (``userClientLimit``); a
limit of zero, a negative one or a blank one is off. Offline sessions are not counted (UserSessionProvider's
getUserSessionsStream reads the online ones). A login that goes on in the SSO session its browser already holds
is not a new session: the realm limit is asked only of a login without one, the client limit only of one whose
session holds no session of that client yet (``authenticateIdentityCookie``). At the limit (``count > limit -
1``), ``behavior`` decides: ``Deny new session`` refuses the login with ``errorMessage`` (else
``sessionLimitExceeded``), ``Terminate oldest session`` logs out by backchannel the sessions refreshed longest
ago until one is free; when the realm limit is the one reached, those over the client limit first, then the
sessions of the login's client before any other client's, whether or not a client limit is set (the comparator
of issue 46879's fix: UserSessionLimitsDirectGrantTest#testComparatorPrioritizesCurrentClientSessionsForRemoval).
The database counts and picks the sessions (store/session_views.py): no session row is read but those to end.
Logins of one user count one after the other (the per-user lock of login attempts), so parallel logins cannot
all pass the count.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from doorkeep import policy
from doorkeep.numbers import parse_int
from doorkeep.sessions import service
from doorkeep.sessions.liveness import live_filter

if TYPE_CHECKING:
    from doorkeep.model import Client, Realm, User
    from doorkeep.sessions.liveness import LiveFilter
    from doorkeep.store.tx import Tx

USER_REALM_LIMIT, USER_CLIENT_LIMIT = "userRealmLimit", "userClientLimit"  # UserSessionLimitsAuthenticatorFactory
BEHAVIOR, ERROR_MESSAGE = "behavior", "errorMessage"
DENY_NEW_SESSION, TERMINATE_OLDEST_SESSION = "Deny new session", "Terminate oldest session"
SESSION_LIMIT_EXCEEDED = "There are too many sessions"  # messages_en's sessionLimitExceeded
EVENT_ERROR = "generic_authentication_error"  # Errors.GENERIC_AUTHENTICATION_ERROR
_REALM_DETAIL = "Realm session limit exceeded. Realm: {}, Realm limit: {}. Session count: {}, User id: {}"
_CLIENT_DETAIL = "Client session limit exceeded. Realm: {}, Client limit: {}. Session count: {}, User id: {}"


class Misconfigured(Exception):
    """No config, a limit that is no number, or no known behavior where one is needed: Keycloak's
    AuthenticationFlowException (or NumberFormatException) ends the login as an unexpected error."""


@dataclass(frozen=True)
class Verdict:
    """``denied``: the message the refused login shows (None: the login goes on); ``detail``: the event's
    ``authentication_error_detail``; ``ended``: the ids of the sessions logged out to make room."""

    denied: str | None = None
    detail: str | None = None
    ended: tuple[str, ...] = ()


def _limit(config: Mapping[str, str], key: str) -> int:
    """getIntConfigProperty: blank is -1 (off); anything else must be an int."""
    value = config.get(key)
    if value is None or not value.strip():
        return -1
    number = parse_int(value)
    if number is None or not -(2**31) <= number < 2**31:
        raise Misconfigured(f"{key} is not a number")
    return number


def _over(count: int, limit: int) -> int:
    """getNumberOfSessionsThatNeedToBeLoggedOut where exceedsLimit holds, else 0 (a limit <= 0 is off)."""
    return max(0, count - (limit - 1)) if limit > 0 else 0


async def is_new(tx: Tx, realm: Realm, client: Client, sso_session: str | None, now: int) -> tuple[bool, bool]:
    """Whether the login makes a new user session and a new client session: the browser's SSO session (the one the
    login was pinned to) gone or past its timeouts makes both new."""
    session = await tx.sessions.get_user_session(sso_session, False) if sso_session else None
    if session is None or session.realm_id != realm.id or not policy.user_session_valid(realm, session, now):
        return True, True
    return False, await tx.sessions.get_client_session(session.id, False, client.id) is None


async def enforce(
    tx: Tx,
    realm: Realm,
    user: User,
    client: Client,
    config: tuple[tuple[str, str], ...] | None,
    *,
    new_user_session: bool,
    new_client_session: bool,
    now: int,
) -> Verdict:
    """UserSessionLimitsAuthenticator.authenticate for ``user`` signing in to ``client``."""
    if config is None:
        raise Misconfigured("No configuration found of 'User Session Count Limiter' authenticator")
    settings = dict(config)
    realm_limit, client_limit = _limit(settings, USER_REALM_LIMIT), _limit(settings, USER_CLIENT_LIMIT)
    if realm_limit > 0 or client_limit > 0:
        # Parallel logins of the user (on PostgreSQL, several workers) queue here until this one's session is
        # made or refused, so each counts the sessions the others made: without it, six logins at once under a
        # limit of one all passed the count. The lock is the one every login attempt on the user takes.
        await tx.login_failures.serialize(realm.id, user.id)
    live = live_filter(realm, [], False, now)
    views = tx.session_views
    realm_count = await views.count_live(user.id, live) if realm_limit > 0 else 0
    client_count = await views.count_live(user.id, live, client.id) if client_limit > 0 else 0
    behavior = settings.get(BEHAVIOR)
    if new_user_session and _over(realm_count, realm_limit):
        detail = _REALM_DETAIL.format(realm.name, realm_limit, realm_count, user.id)
        if behavior != TERMINATE_OLDEST_SESSION:
            return _deny(settings, behavior, detail)
        first = await _end_oldest(tx, user, live, _over(client_count, client_limit), client.id)
        rest = await _end_oldest(tx, user, live, _over(realm_count - len(first), realm_limit), None, first, client.id)
        return Verdict(ended=(*first, *rest))
    if new_client_session and _over(client_count, client_limit):
        detail = _CLIENT_DETAIL.format(realm.name, client_limit, client_count, user.id)
        if behavior != TERMINATE_OLDEST_SESSION:
            return _deny(settings, behavior, detail)
        return Verdict(ended=await _end_oldest(tx, user, live, _over(client_count, client_limit), client.id))
    return Verdict()


def _deny(settings: Mapping[str, str], behavior: str | None, detail: str) -> Verdict:
    if behavior != DENY_NEW_SESSION:  # handleLimitExceeded's switch matches neither: no outcome at all
        raise Misconfigured(f"unknown behavior {behavior!r}")
    return Verdict(denied=settings.get(ERROR_MESSAGE) or SESSION_LIMIT_EXCEEDED, detail=detail)


async def _end_oldest(
    tx: Tx,
    user: User,
    live: LiveFilter,
    count: int,
    client_uuid: str | None,
    skip: tuple[str, ...] = (),
    first_of: str | None = None,
) -> tuple[str, ...]:
    """logoutOldestSessions: the ``count`` sessions refreshed longest ago (those of client ``first_of`` before the
    others), each logged out by backchannel."""
    ids = await tx.session_views.oldest_live(user.id, live, count, client_uuid, skip, first_of=first_of)
    return tuple([sid for sid in ids if await service.end(tx, sid, False)])
