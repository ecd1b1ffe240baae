"""The browser's single sign-on identity: a signed cookie naming the online user session.

Like Keycloak's ``KEYCLOAK_IDENTITY`` it is an HS512 JWT (``typ: Serialized-ID``) signed with
the realm's HMAC key; the session it names must still be valid in the database.
"""

from __future__ import annotations

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


async def identity_token(tx: Tx, services: Services, realm: Realm, issuer: str, session: UserSession) -> str:
    now = services.clock.now()
    claims = {"iat": now, "iss": issuer, "sub": session.user_id, "typ": TYPE, "sid": session.id}
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
