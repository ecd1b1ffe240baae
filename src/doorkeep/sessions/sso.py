"""The browser's single sign-on identity: a signed cookie naming the online user session.

Like Keycloak's ``KEYCLOAK_IDENTITY`` it is an HS512 JWT (``typ: Serialized-ID``) signed with
the realm's HMAC key; the session it names must still be valid in the database.
"""

from __future__ import annotations

import base64
import hashlib
from typing import TYPE_CHECKING

from doorkeep.errors import OAuthError
from doorkeep.model import Realm, User, UserSession
from doorkeep.sessions import resume

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
    """The valid online session and user named by the identity cookie, if any."""
    if not cookie:
        return None
    claims = await services.codec.verify(tx, realm.id, cookie, internal=True)
    if claims is None or claims.get("typ") != TYPE or claims.get("iss") != issuer:
        return None
    exp = claims.get("exp")
    if isinstance(exp, int) and 0 < exp < services.clock.now():  # TokenVerifier's IS_ACTIVE check
        return None
    try:  # validateToken's session step, read only
        session = await resume.user_session(
            tx, realm, str(claims.get("sid", "")), False, services.clock.now(), write=False
        )
    except OAuthError:
        return None
    if session.user_id != claims.get("sub"):
        return None
    user = await tx.users.get(session.user_id)
    if user is None or not user.enabled:
        return None
    if int(claims.get("iat", 0)) < max(realm.not_before, user.not_before):
        return None
    return session, user


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
