"""Token revocation (RFC 7009; KEYCLOAK.md §8.2), in the order of Keycloak's TokenRevocationEndpoint.

The client authenticates before the form is looked at for repeated parameters. The token must then
belong to a session that still holds the calling client (Keycloak's checkUser, through
UserSessionUtil.findValidSessionForAccessToken): if none does, the token is already as good as
revoked and the answer is HTTP 200 with ``invalid_token``, for access and refresh tokens alike.
A refresh or offline token removes its client from its session (offline: from the offline session,
then from the same-id online session); an access token's jti goes to the revoked-token store. Either way
the client sessions exchanged from the calling client's tokens in that session are detached too
(revokeTokenExchangeSession, oauth/exchange_chain.py).

Each refusal after the client authentication records REVOKE_GRANT_ERROR as Keycloak's checkToken,
checkIssuedFor and checkUser do (its Errors value, and a ``reason`` where Keycloak sets one), but for a
bearer-only client and repeated parameters, which Keycloak refuses without an event, and for a token whose
session is gone, expired or younger than the token (checkUser since Keycloak PR #50828: nothing to report).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from doorkeep import errors as e
from doorkeep import events, policy
from doorkeep.clientpolicies import enforce_endpoints
from doorkeep.clientpolicies.context import Event
from doorkeep.oauth import access, exchange_chain
from doorkeep.oauth.endpoint_events import RequestEvents
from doorkeep.sessions import service
from doorkeep.tokens import TYPE_BEARER, TYPE_OFFLINE, TYPE_REFRESH, unverified

if TYPE_CHECKING:
    from doorkeep.model import Client, Realm, UserSession
    from doorkeep.oauth.context import OAuthRequest, Services
    from doorkeep.store.tx import Tx

MIN_REVOKED_LIFETIME = 10
ISSUED_FOR_NOT_SET = "Issued for not set"  # checkIssuedFor's REASON detail for a token without ``azp``
# checkUser records no REVOKE_GRANT_ERROR for these (Keycloak PR #50828, issue #50629): a token whose session is
# already gone, e.g. after the user revoked the consent, is as good as revoked, which RFC 7009 answers with 200
SILENT_SESSION_ERRORS = frozenset({"user_session_not_found", "session_expired", "invalid_token"})


def _unusable() -> e.InvalidToken:
    """Keycloak answers an unusable token with 200 and this body."""
    return e.InvalidToken(e.INVALID_TOKEN, status=200)


async def revoke(tx: Tx, services: Services, req: OAuthRequest) -> None:
    refusals = RequestEvents(tx, req, "REVOKE_GRANT", services.clock.now())
    client = await refusals.client()  # checkClient comes before checkParameterDuplicated
    # Neither of the next two refusals records an event (no event.error before the throw).
    if client.bearer_only:
        raise e.InvalidClient(e.BEARER_ONLY, status=400)
    if req.form.has_duplicates():
        raise e.InvalidRequest(e.DUPLICATED_PARAMETER)
    violation = await enforce_endpoints.refusal(
        tx, req.realm, Event.TOKEN_REVOKE, client, req.form, certificates=req.client_certificates
    )
    if violation is not None:  # TOKEN_REVOKE: the executor's error and detail, with Cors
        await refusals.error(violation.error, **enforce_endpoints.event_details(violation))
        raise enforce_endpoints.as_oauth_error(violation)
    token = req.form.get("token")
    if token is None:  # an empty one is decoded, and fails as invalid_token
        await refusals.error("invalid_request", reason=e.TOKEN_NOT_PROVIDED)
        raise e.InvalidRequest(e.TOKEN_NOT_PROVIDED)
    claims = await _decode(tx, services, req, token)
    if claims is None:
        await refusals.error("invalid_token")
        raise _unusable()
    typ = claims.get("typ")
    if typ not in (TYPE_REFRESH, TYPE_OFFLINE, TYPE_BEARER, "DPoP"):
        await refusals.error("invalid_token_type", reason=e.UNSUPPORTED_TOKEN_TYPE)
        raise e.UnsupportedTokenType(e.UNSUPPORTED_TOKEN_TYPE)
    azp = claims.get("azp")
    if not azp:
        await refusals.error("invalid_token", reason=ISSUED_FOR_NOT_SET)
        raise _unusable()
    if azp != client.client_id:
        await refusals.error("invalid_request", reason=e.UNMATCHING_CLIENTS)
        raise e.InvalidRequest(e.UNMATCHING_CLIENTS)
    held = await _holder(tx, req.realm, client, claims, services.clock.now())
    if isinstance(held, _NotHeld):
        if held.error not in SILENT_SESSION_ERRORS:
            await refusals.error(held.error)
        raise _unusable()
    sid = claims.get("sid")
    # revokeTokenExchangeSession: with a refresh token, only when the online client session was there to detach
    chained = sid is not None
    if typ in (TYPE_REFRESH, TYPE_OFFLINE):
        chained = chained and await tx.sessions.get_client_session(str(sid), False, client.id) is not None
        await service.detach_with_online(tx, str(sid), typ == TYPE_OFFLINE, client.id)
        details = {"revoked_client": client.client_id, "refresh_token_id": claims.get("jti"), "refresh_token_type": typ}
    else:
        exp = claims.get("exp")
        now = services.clock.now()
        expires = max(int(exp) if isinstance(exp, int) else now, now + MIN_REVOKED_LIFETIME)
        await tx.revoked.add(str(claims.get("jti", "")), expires)
        details = {"token_id": claims.get("jti")}
    revoked_clients = await exchange_chain.revoke_exchanged(tx, str(sid), client.client_id) if chained else []
    if revoked_clients:
        details["token_exchange_revoked_clients"] = ",".join(revoked_clients)
    if typ not in (TYPE_REFRESH, TYPE_OFFLINE):
        sid = None
    details["client_auth_method"] = events.client_auth_method(client)  # set by the client authentication flow
    await events.record(
        tx,
        req.realm,
        "REVOKE_GRANT",
        now=services.clock.now(),
        client_id=client.client_id,
        user_id=held.user_id,
        session_id=sid if isinstance(sid, str) else None,
        ip=req.ip_address,
        details=details,
    )


async def _decode(tx: Tx, services: Services, req: OAuthRequest, token: str) -> dict[str, Any] | None:
    """Keycloak's session.tokens().decode: the signature (refresh tokens carry the realm's HMAC key)."""
    parsed = unverified(token)
    if parsed is None:
        return None
    internal = parsed[1].get("typ") in (TYPE_REFRESH, TYPE_OFFLINE)
    claims = await services.codec.verify(tx, req.realm.id, token, internal=internal)
    if claims is None or claims.get("iss") != req.issuer:
        return None
    return claims


# Keycloak's AccessTokenContext.SessionType, from the jti prefix: (online lookup, offline lookup).
# "nt"/"ft" (token exchange) allow a transient client session; "tr" and an unprefixed jti (UNKNOWN)
# a transient user session, i.e. a token without ``sid``.
_LOOKUPS = {"on": (False,), "nt": (False,), "of": (True,), "ft": (True,), "tr": (), "un": (False, True)}


class _Predates(Exception):
    """The token was issued before the (client) session it names started."""


@dataclass(frozen=True)
class _Held:
    user_id: str


@dataclass(frozen=True)
class _NotHeld:
    error: str  # UserSessionValidationResult's Errors value, the REVOKE_GRANT_ERROR event's error


async def _holder(tx: Tx, realm: Realm, client: Client, claims: dict[str, Any], now: int) -> _Held | _NotHeld:
    """The user whose valid session still holds this client for the token, or why none does (checkUser).

    Keycloak's UserSessionUtil.findValidSession: online, then offline, as the session type allows,
    each through getUserSessionIfClientExists. Read only: nothing is written on this path.
    """
    sid, iat, jti = claims.get("sid"), claims.get("iat"), str(claims.get("jti", ""))
    kind = jti[:2] if ":" in jti else "un"
    if not isinstance(iat, int):
        return _NotHeld("invalid_token")
    if sid is None:  # a transient session: the token's user, if enabled
        if kind not in ("tr", "un"):
            return _NotHeld("user_session_not_found")
        user = await access.stateless_user(tx, realm.id, claims)
        if user is None:
            return _NotHeld("user_not_found")
        return _Held(user.id) if user.enabled else _NotHeld("user_disabled")
    found = False
    try:
        for offline in _LOOKUPS.get(kind, ()):
            us = await _with_client(tx, client, str(sid), offline, iat, transient_client=kind in ("nt", "ft"))
            found = found or us is not None
            if us is not None and policy.user_session_valid(realm, us, now):
                if iat + 1 < us.started:  # JsonWebToken.isIssuedBeforeSessionStart
                    raise _Predates
                return _Held(us.user_id)
    except _Predates:
        return _NotHeld("invalid_token")
    # found but no longer valid: SESSION_EXPIRED; none holding the client: USER_SESSION_NOT_FOUND
    return _NotHeld("session_expired" if found else "user_session_not_found")


async def _with_client(
    tx: Tx, client: Client, sid: str, offline: bool, iat: int, *, transient_client: bool
) -> UserSession | None:
    """The user session if it holds this client (getUserSessionIfClientExists), else None; raises
    ``_Predates`` when the token is older than the client session."""
    us = await tx.sessions.get_user_session(sid, offline)
    if us is None or transient_client:
        return us
    cs = await tx.sessions.get_client_session(sid, offline, client.id)
    if cs is None:
        return None
    if iat + 1 < cs.started:
        raise _Predates
    return us
