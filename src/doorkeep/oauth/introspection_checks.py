"""The checks behind an introspection answer, in the order of Keycloak 26's AccessTokenIntrospectionProvider
(``introspectionChecks``) and its RefreshTokenIntrospectionProvider, each failure with the Errors value and the
``reason`` its INTROSPECT_TOKEN_ERROR event records (S18; KEYCLOAK.md §6.3).

1. verifyToken: the signature and the issuer, nothing else (``TokenVerifier.create`` plus ``realmUrl`` has no
   check of the token's type or expiry), so an ID token of a live session is active too, its ``token_type`` ID.
2. verifyClient: the ``azp`` client exists and is enabled, then the realm's and client's not-before, the expiry
   and the revoked-token store ("JWT check failed").
3. The session: ``findValidSessionForAccessToken`` (by the jti's session type), or for a refresh or offline token
   the refresh grant's checks read only (``resume.resume``, ``write=False``), its refusals put back in this order
   (``_resume_refused``); the refresh_token provider refuses any other type (``invalid_token_type``). From here on
   the event names the token's session. The realm's and client's not-before were step 2's.
4. isUserValid: the session's user exists, is enabled, and the token is not older than its not-before.
5. An offline session whose client lost the ``offline_access`` scope; then, for the refresh_token provider under
   ``revokeRefreshToken``, refresh-token reuse.
6. verifyAudience (Keycloak 26.6.2, last, after ``transformAccessToken``): the calling client must be in the token's
   ``aud``, or, when the token has none (a lightweight one), in the rebuilt token's; else ``invalid_token``, reason
   "Client '<caller>' is not in the token audience". This holds for every hint but refresh_token's refresh tokens,
   and for ID tokens too (their ``aud`` is the client they were issued to, so only that client sees them active).

A refresh or offline token is active only to the client it was issued to (Keycloak 26.8, issue 51552; KEYCLOAK.md
§12 "refresh-token introspection limited to the issuing client"), whatever the hint: its ``aud`` is the realm, so
its ``azp`` stands in for step 6, checked after step 2. The server option
``allow-token-introspection-without-audience-check`` or the *calling* client's attribute
``allow.token.introspection.without.audience.check`` lifts both checks, with a warning logged per request.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from doorkeep import errors as e
from doorkeep import policy
from doorkeep.errors import OAuthError
from doorkeep.oauth import access, refresh_tokens
from doorkeep.sessions import resume, rotation
from doorkeep.tokens import TYPE_OFFLINE, TYPE_REFRESH, unverified

if TYPE_CHECKING:
    from doorkeep.model import Client, Realm, User, UserSession
    from doorkeep.oauth.context import OAuthRequest, Services
    from doorkeep.store.tx import Tx

_log = logging.getLogger(__name__)
TOKEN_CHECK_FAILED = "Access token JWT check failed"  # verifyToken's reason
NOT_IN_AUDIENCE = "Client '{}' is not in the token audience"  # verifyAudience's reason (26.6.2)
# Keycloak 26.8 (issue 51552, RefreshTokenIntrospectionTest): a refresh or offline token is active only to the client
# it was issued to (its ``azp``), whatever the hint. Keycloak's event wording is not in the sources at hand: this
# reason is Doorkeep's.
NOT_ISSUED_TO_CALLER = "token not issued to the introspecting client"
# resume.resume's refusals before the user is looked at, as findValidSessionForRefreshToken's Errors value
# (SESSION_NOT_ACTIVE, online, is told apart by whether the session is still stored).
_SESSION_ERRORS = {
    e.OFFLINE_SESSION_NOT_FOUND: "user_session_not_found",
    e.OFFLINE_SESSION_NOT_ACTIVE: "session_expired",
    e.SESSION_MISSING_CLIENT: "user_session_not_found",
    e.CLIENT_SESSION_NOT_ACTIVE: "user_session_not_found",  # Keycloak's store drops an expired client session
    e.ISSUED_BEFORE_SESSION: "invalid_token",
    e.ISSUED_BEFORE_CLIENT_SESSION: "invalid_token",
}
# ... and isUserValid's: no user, a disabled one, a token older than the user's not-before.
_USER_ERRORS = {
    e.INVALID_REFRESH_TOKEN: "user_not_found",
    e.USER_DISABLED: "user_disabled",
    e.STALE_TOKEN: "user_disabled",
}


class Refused(Exception):
    """Why a token is inactive: the event's error and reason, and what the event names by then (the token's
    claims once the signature held, its session once it was looked up, its user once found)."""

    def __init__(
        self,
        error: str,
        reason: str,
        claims: dict[str, Any] | None = None,
        session_id: str | None = None,
        user_id: str | None = None,
    ) -> None:
        super().__init__(reason)
        self.error, self.reason, self.claims = error, reason, claims
        self.session_id, self.user_id = session_id, user_id


@dataclass(frozen=True)
class Checked:
    """An active token: its claims, the client it was issued to, its user and (unless transient) its session."""

    claims: dict[str, Any]
    client: Client
    user: User
    session: UserSession | None


def _for(azp: object, what: str) -> str:
    return f"Introspection access token for {'null' if azp is None else azp} client: {what}"


def _user_reason(sid: object) -> str:
    return f"Could not find valid user from user session {sid}"


async def checked(
    tx: Tx, services: Services, req: OAuthRequest, token: str, caller: Client, *, refresh_hint: bool
) -> Checked:
    """All the checks; ``caller``: the authenticated client; ``refresh_hint``: the refresh_token provider
    (``token_type_hint=refresh_token``)."""
    claims = await _signed(tx, services, req, token)
    if claims.get("typ") in (TYPE_REFRESH, TYPE_OFFLINE):
        return await _refresh(tx, services, req, token, caller, reuse_check=refresh_hint)
    client = await _client(tx, services, req.realm, claims)
    if refresh_hint:  # findValidSessionForRefreshToken: neither Refresh nor Offline
        raise Refused("invalid_token_type", _for(client.client_id, "invalid_token_type"), claims, _sid(claims))
    return await _access(tx, services, req.realm, client, claims)


def _sid(claims: dict[str, Any]) -> str | None:
    sid = claims.get("sid")
    return sid if isinstance(sid, str) else None


async def _signed(tx: Tx, services: Services, req: OAuthRequest, token: str) -> dict[str, Any]:
    """verifyToken: a token of this realm (refresh and offline tokens carry its HMAC key) from this issuer."""
    parsed = unverified(token)
    internal = parsed is not None and parsed[1].get("typ") in (TYPE_REFRESH, TYPE_OFFLINE)
    claims = None if parsed is None else await services.codec.verify(tx, req.realm.id, token, internal=internal)
    if claims is None or claims.get("iss") != req.issuer or not isinstance(claims.get("iat"), int):
        raise Refused("invalid_token", TOKEN_CHECK_FAILED)
    return claims


async def _client(tx: Tx, services: Services, realm: Realm, claims: dict[str, Any]) -> Client:
    """verifyClient: the ``azp`` client, enabled; then NotBeforeCheck, IS_ACTIVE and TokenRevocationCheck."""
    azp = claims.get("azp")
    client = await tx.config.client(realm.id, str(azp or ""))
    if client is None:
        raise Refused("client_not_found", f"Could not find client for {'null' if azp is None else azp}", claims)
    if not client.enabled:
        raise Refused("client_disabled", f"Client with clientId {azp} is disabled", claims)
    if (
        int(claims["iat"]) < max(realm.not_before, client.not_before)
        or not policy.token_active(claims, services.clock.now())  # still valid in its exp second
        or await tx.revoked.is_revoked(str(claims.get("jti", "")))
    ):
        raise Refused("invalid_token", _for(azp, "JWT check failed"), claims)
    return client


async def _access(tx: Tx, services: Services, realm: Realm, client: Client, claims: dict[str, Any]) -> Checked:
    """An access (or ID) token: findValidSessionForAccessToken, isUserValid, offline access still granted."""
    sid, jti, iat = _sid(claims), str(claims.get("jti", "")), int(claims["iat"])
    session = None
    if sid is not None:
        try:
            session = await access.valid_session(tx, realm, client, sid, jti, iat, services.clock.now())
        except access.InvalidAccess as err:
            raise Refused(err.event_error, _for(client.client_id, err.event_error), claims, sid) from None
    # the session's user; a token without a session (a transient one) names its user itself
    user = await (tx.users.get(session.user_id) if session is not None else access.stateless_user(tx, realm.id, claims))
    if user is None:
        raise Refused("user_not_found", _user_reason(sid), claims, sid)
    if not user.enabled or iat < user.not_before:
        raise Refused("user_disabled", _user_reason(sid), claims, sid, user.id)
    if session is not None and session.offline and not await resume.offline_access_granted(tx, client, user):
        raise Refused("session_expired", e.OFFLINE_NOT_GRANTED, claims, sid, user.id)
    return Checked(claims, client, user, session)


async def _refresh(
    tx: Tx, services: Services, req: OAuthRequest, token: str, caller: Client, *, reuse_check: bool
) -> Checked:
    """A refresh or offline token: only its own client may see it active (its ``azp``), then its session as a
    refresh finds it (read only), then reuse when asked."""
    try:
        found = await refresh_tokens.decode(tx, services, req, token)
    except OAuthError:
        raise Refused("invalid_token", TOKEN_CHECK_FAILED) from None
    claims, now = found.raw, services.clock.now()
    client = await _client(tx, services, req.realm, claims)
    if client.id != caller.id and not _unchecked(services, caller, client):
        raise Refused("invalid_token", _for(client.client_id, NOT_ISSUED_TO_CALLER), claims)
    try:
        us, _, user = await resume.resume(tx, req.realm, client, found, now, lock=False, write=False)
    except OAuthError as err:
        raise await _resume_refused(tx, req.realm, err.description, client, found, now) from None
    if (
        reuse_check
        and policy.revoke_refresh_token(req.realm, client)
        and await rotation.refused(tx, req.realm, client, us, found.jti, found.iat, found.reuse_id)
    ):
        reason = f"Realm revoke refresh token, token type is {found.typ} and token is not eligible for introspection"
        raise Refused("invalid_token", reason, claims, found.sid, user.id)
    return Checked(claims, client, user, us)


async def _resume_refused(
    tx: Tx, realm: Realm, description: str, client: Client, found: refresh_tokens.RefreshClaims, now: int
) -> Refused:
    """resume.resume's refusal as RefreshTokenIntrospectionProvider's event words it. resume checks the user before
    the client session and the user's not-before after offline access (the refresh grant's order);
    introspectionChecks looks the session and its client up first (findValidSessionForRefreshToken), then
    isUserValid (the user, enabled, its not-before), then offline access: a user refusal, or offline access, is
    the session's refusal when the session check fails, and offline access the user's when the user's fails."""
    claims, sid = found.raw, found.sid
    if description in _USER_ERRORS or description == e.OFFLINE_NOT_GRANTED:
        try:
            await access.valid_session(tx, realm, client, sid, found.jti, found.iat, now, offline=found.offline)
        except access.InvalidAccess as err:
            return Refused(err.event_error, _for(client.client_id, err.event_error), claims, sid)
    if description == e.OFFLINE_NOT_GRANTED:
        holder = await tx.users.get(found.sub)
        if holder is not None and holder.enabled and found.iat >= holder.not_before:
            return Refused("session_expired", e.OFFLINE_NOT_GRANTED, claims, sid, found.sub)
        description = e.INVALID_REFRESH_TOKEN if holder is None else e.USER_DISABLED
    if description in _USER_ERRORS:
        user_id = None if description == e.INVALID_REFRESH_TOKEN else found.sub
        return Refused(_USER_ERRORS[description], _user_reason(sid), claims, sid, user_id)
    error = _SESSION_ERRORS.get(description)
    if error is None:  # SESSION_NOT_ACTIVE: stored but expired, or gone
        stored = await tx.sessions.get_user_session(sid, False) is not None
        error = "session_expired" if stored else "user_session_not_found"
    return Refused(error, _for(client.client_id, error), claims, sid)


def audience(services: Services, caller: Client, found: Checked, rebuilt: dict[str, Any]) -> None:
    """verifyAudience: ``caller`` in the token's ``aud``, else (none there) in the rebuilt token's; a refresh or
    offline token was checked by its ``azp`` already."""
    claims = found.claims
    if claims.get("typ") in (TYPE_REFRESH, TYPE_OFFLINE):
        return
    held = claims.get("aud") if claims.get("aud") is not None else rebuilt.get("aud")
    if caller.client_id in ([held] if isinstance(held, str) else list(held or [])):
        return
    if _unchecked(services, caller, found.client):
        return
    sid = None if found.session is None else found.session.id
    raise Refused("invalid_token", NOT_IN_AUDIENCE.format(caller.client_id), claims, sid, found.user.id)


def _unchecked(services: Services, caller: Client, issuer: Client) -> bool:
    """The compatibility switch that lets ``caller`` past the audience check, warned about on each request as
    Keycloak does (client ids only: no token in the log)."""
    why = services.oidc.introspection_without_audience(caller)
    if why is not None:
        _log.warning(
            "Client '%s' introspecting token for '%s' without audience check (%s)",
            caller.client_id,
            issuer.client_id,
            why,
        )
    return why is not None
