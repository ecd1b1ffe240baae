"""The browser's single sign-on identity: a signed cookie naming the online user session.

Like Keycloak's ``KEYCLOAK_IDENTITY`` it is an HS512 JWT (``typ: Serialized-ID``) signed with
the realm's HMAC key; the session it names must still be valid in the database.
"""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass
from typing import TYPE_CHECKING

from doorkeep import policy
from doorkeep.errors import OAuthError
from doorkeep.model import Realm, User, UserSession
from doorkeep.sessions import resume, service

if TYPE_CHECKING:
    from doorkeep.oauth.context import Services
    from doorkeep.store.tx import Tx

IDENTITY_COOKIE = "KEYCLOAK_IDENTITY"
SESSION_COOKIE = "KEYCLOAK_SESSION"
AUTH_COOKIE = "AUTH_SESSION_ID"
TYPE = "Serialized-ID"


def session_cookie_value(session_id: str) -> str:
    """``KEYCLOAK_SESSION``'s value since Keycloak 26.1: HashUtils.sha256UrlEncodedHash of the session id
    (base64url of its SHA-256, no padding), which the login-status iframe compares with the hash of the
    ``session_state`` a client posts. The id itself is no longer readable by every page's script."""
    digest = hashlib.sha256(session_id.encode()).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def cookie_max_ages(realm: Realm, session: UserSession) -> tuple[int | None, int]:
    """AuthenticationManager.createLoginCookie's Max-Age for ``KEYCLOAK_IDENTITY`` (a browser-session cookie
    unless remember-me) and ``KEYCLOAK_SESSION`` (always the session's max lifespan, so a re-login replaces
    it): a remember-me session uses ssoSessionMaxLifespanRememberMe when set."""
    remembered = realm.sso_session_max_lifespan_remember_me if session.remember_me else 0
    longest = remembered if remembered > 0 else realm.sso_session_max_lifespan
    return (longest if session.remember_me else None), longest


async def identity_token(tx: Tx, services: Services, realm: Realm, issuer: str, session: UserSession) -> str:
    """AuthenticationManager.createIdentityToken: it expires with the session's max lifespan counted from now,
    ssoSessionMaxLifespanRememberMe for a remember-me session when set (LoginTest.loginRememberMeExpiredMaxLifespan)."""
    now = services.clock.now()
    claims: dict[str, object] = {"iat": now, "iss": issuer, "sub": session.user_id, "typ": TYPE, "sid": session.id}
    if session.remember_me and realm.sso_session_max_lifespan_remember_me > 0:
        claims["exp"] = now + realm.sso_session_max_lifespan_remember_me
    elif realm.sso_session_max_lifespan > 0:
        claims["exp"] = now + realm.sso_session_max_lifespan
    return await services.codec.sign_internal(tx, realm.id, claims, now)


async def current_session(
    tx: Tx, services: Services, realm: Realm, issuer: str, cookie: str | None
) -> tuple[UserSession, User] | None:
    """The valid online session and user named by the identity cookie, if any (read only)."""
    claims = await _verified(tx, services, realm, issuer, cookie)
    if claims is None:
        return None
    try:  # validateToken's session step, read only
        session = await resume.user_session(tx, realm, _sid(claims), False, services.clock.now(), write=False)
    except OAuthError:
        return None
    if _issued_before(claims, session):
        return None
    return await _with_user(tx, realm, claims, session)


@dataclass(frozen=True)
class CookieVerdict:
    """AuthenticationManager.authenticateIdentityCookie's outcome: the session and user the cookie names
    (``found``); ``expire``: a cookie was sent but names no valid session, so KEYCLOAK_IDENTITY and
    KEYCLOAK_SESSION expire in the answer (expireIdentityCookie); ``ended``: the session it named was no longer
    valid and was logged out (the caller logs it out at its identity provider once committed)."""

    found: tuple[UserSession, User] | None
    expire: bool = False
    ended: UserSession | None = None


NO_COOKIE = CookieVerdict(None)  # no identity cookie, or an empty one


async def authenticate_cookie(
    tx: Tx, services: Services, realm: Realm, issuer: str, cookie: str | None
) -> CookieVerdict:
    """authenticateIdentityCookie(session, realm, true), as the authorization endpoint runs it
    (AuthenticationSessionManager.getUserSessionFromIdentityCookie, CookieAuthenticator): an absent or empty
    cookie is nothing; any other that names no valid session of an enabled user is expired. When its token is
    sound, active and not older than the realm's not-before, and the online session it names is there but past
    its idle or max lifespan (UserSessionUtil.findValidSession's SESSION_EXPIRED) or started after the token
    (INVALID_TOKEN), verifyIdentityToken's invalidUserSessionCallback back-channel logs that session out
    (backchannelLogout(..., logoutBroker true): its clients noted for their logout tokens, the session and its
    root removed; no event). A session that is gone, or a valid one of a disabled user (TokenManager.isUserValid
    comes after the session checks), is left as it is."""
    if not cookie:
        return NO_COOKIE
    claims = await _verified(tx, services, realm, issuer, cookie)
    if claims is None or _iat(claims) < realm.not_before:  # refused before the session is looked up
        return CookieVerdict(None, expire=True)
    session = await tx.sessions.get_user_session(_sid(claims), False)
    if session is None or session.realm_id != realm.id or session.user_id != claims.get("sub"):
        # Another user's session under the id a stale cookie names (a root reused, as a fixated AUTH_SESSION_ID
        # makes it) is not the cookie's to end: Keycloak's findValidSession does not compare the subject here.
        return CookieVerdict(None, expire=True)
    if not policy.user_session_valid(realm, session, services.clock.now()) or _issued_before(claims, session):
        # held, then noted and removed only if still there: two requests with the same cookie log it out once
        ended = await service.end_each(tx, [session.id], False)
        return CookieVerdict(None, expire=True, ended=session if ended else None)
    found = await _with_user(tx, realm, claims, session)
    return CookieVerdict(found, expire=found is None)


async def _verified(
    tx: Tx, services: Services, realm: Realm, issuer: str, cookie: str | None
) -> dict[str, object] | None:
    """The identity cookie's claims when the realm signed it for ``issuer``, as an identity token that is still
    active (TokenVerifier's signature, realm URL, token type and IS_ACTIVE checks)."""
    if not cookie:
        return None
    previous = tx.config.bind(realm)  # the realm's cached keys: a cookie naming an unknown kid reads none again
    try:
        claims = await services.codec.verify(tx, realm.id, cookie, internal=True)
    finally:
        tx.config.bind(previous)
    if claims is None or claims.get("typ") != TYPE or claims.get("iss") != issuer:
        return None
    exp = claims.get("exp")
    if isinstance(exp, int) and 0 < exp < services.clock.now():  # TokenVerifier's IS_ACTIVE check
        return None
    return claims


async def _with_user(
    tx: Tx, realm: Realm, claims: dict[str, object], session: UserSession
) -> tuple[UserSession, User] | None:
    """The valid session with its user, when the cookie names that user, enabled, and was issued after the realm's
    and the user's not-before (TokenManager.isUserValid)."""
    if session.user_id != claims.get("sub"):
        return None
    user = await tx.users.get(session.user_id)
    if user is None or not user.enabled:
        return None
    if _iat(claims) < max(realm.not_before, user.not_before):
        return None
    return session, user


def _sid(claims: dict[str, object]) -> str:
    return str(claims.get("sid", ""))


def _iat(claims: dict[str, object]) -> int:
    iat = claims.get("iat", 0)
    return int(iat) if isinstance(iat, int | float) else 0


def _issued_before(claims: dict[str, object], session: UserSession) -> bool:
    """JsonWebToken.isIssuedBeforeSessionStart: the cookie is older than the session its id names."""
    return _iat(claims) + 1 < session.started


async def session_of_root(tx: Tx, services: Services, realm: Realm, root: str) -> tuple[UserSession, User] | None:
    """AuthenticationSessionManager.getUserSessionFromAuthenticationCookie: the valid online session, and its
    enabled user, whose id is that of the root authentication session AUTH_SESSION_ID names (a login finished in
    this browser gave its user session the root's id); the caller makes sure that root still is."""
    try:
        session = await resume.user_session(tx, realm, root, False, services.clock.now(), write=False)
    except OAuthError:
        return None
    user = await tx.users.get(session.user_id)
    return (session, user) if user is not None and user.enabled else None
