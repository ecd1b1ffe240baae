"""Validating a bearer access token as userinfo, introspection and the REST APIs need it.

An access token is good while its signature, issuer and ``exp`` hold, its ``jti`` is not revoked,
it is not older than the not-before policy, its user is enabled, and (unless transient) its
session still holds a client session for ``azp`` (online or offline per the jti prefix), checked
by the session steps of Keycloak's validateToken (``sessions.resume``), as a refresh checks them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from doorkeep import policy
from doorkeep.errors import OAuthError
from doorkeep.model import Client, Realm, User, UserSession
from doorkeep.sessions import resume
from doorkeep.tokens import TYPE_BEARER, jti_session_type

if TYPE_CHECKING:
    from doorkeep.oauth.context import Services
    from doorkeep.store.tx import Tx


@dataclass(frozen=True)
class ValidAccess:
    claims: dict[str, Any]
    user: User
    client: Client
    session: UserSession | None


class InvalidAccess(Exception):
    """Why a token failed; the caller maps it to its endpoint's error."""


async def validate(tx: Tx, services: Services, realm: Realm, issuer: str, token: str) -> ValidAccess:
    now = services.clock.now()
    claims = await services.codec.verify(tx, realm.id, token, internal=False)
    if claims is None:
        raise InvalidAccess("signature")
    if claims.get("typ") != TYPE_BEARER or claims.get("iss") != issuer:
        raise InvalidAccess("type or issuer")
    exp, iat = claims.get("exp"), claims.get("iat")
    if not isinstance(exp, int) or exp <= now or not isinstance(iat, int):
        raise InvalidAccess("expired")
    jti = str(claims.get("jti", ""))
    if await tx.revoked.is_revoked(jti):
        raise InvalidAccess("revoked")
    client = await tx.config.client(realm.id, str(claims.get("azp", "")))
    user = await tx.users.get(str(claims.get("sub", "")))
    if client is None or not client.enabled or user is None or not user.enabled:
        raise InvalidAccess("client or user")
    if iat < policy.effective_not_before(realm, client, user.not_before):
        raise InvalidAccess("stale")
    sid = claims.get("sid")
    if sid is None:
        return ValidAccess(claims, user, client, None)
    kind = jti_session_type(jti)
    candidates = [False, True] if kind is None else [kind == "offline"]
    for offline in candidates:  # validateToken's session steps, read only
        try:
            session = await resume.user_session(tx, realm, str(sid), offline, now, write=False)
            if session.user_id != user.id:
                continue
            await resume.client_session(tx, realm, client, session, iat, now, lock=False, write=False)
        except OAuthError:
            continue
        return ValidAccess(claims, user, client, session)
    raise InvalidAccess("session")


def bearer_token(authorization: str | None) -> str | None:
    if authorization and authorization[:7].lower() == "bearer ":
        token = authorization[7:].strip()
        return token or None
    return None
