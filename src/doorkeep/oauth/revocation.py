"""Token revocation (RFC 7009; KEYCLOAK.md §8.2).

A refresh or offline token removes its client from its session (offline: from the offline session,
then from the same-id online session); an access token's jti goes to the revoked-token store.
Invalid tokens are answered with HTTP 200 and ``invalid_token``, as Keycloak does.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from doorkeep import errors as e
from doorkeep import events
from doorkeep.oauth.client_auth import authenticate_client
from doorkeep.sessions import service
from doorkeep.tokens import TYPE_BEARER, TYPE_OFFLINE, TYPE_REFRESH, unverified

if TYPE_CHECKING:
    from doorkeep.oauth.context import OAuthRequest, Services
    from doorkeep.store.tx import Tx

MIN_REVOKED_LIFETIME = 10


def _unusable() -> e.InvalidToken:
    """Keycloak answers an unusable token with 200 and this body."""
    return e.InvalidToken(e.INVALID_TOKEN, status=200)


async def revoke(tx: Tx, services: Services, req: OAuthRequest) -> None:
    if req.form.has_duplicates():
        raise e.InvalidRequest(e.DUPLICATED_PARAMETER)
    client = await authenticate_client(tx, req)
    token = req.form.get("token")
    if not token:
        raise e.InvalidRequest(e.TOKEN_NOT_PROVIDED)
    parsed = unverified(token)
    if parsed is None:
        raise _unusable()
    typ = parsed[1].get("typ")
    if typ not in (TYPE_REFRESH, TYPE_OFFLINE, TYPE_BEARER, "DPoP"):
        raise e.UnsupportedTokenType(e.UNSUPPORTED_TOKEN_TYPE)
    internal = typ in (TYPE_REFRESH, TYPE_OFFLINE)
    claims = await services.codec.verify(tx, req.realm.id, token, internal=internal)
    if claims is None or claims.get("iss") != req.issuer:
        raise _unusable()
    azp = claims.get("azp")
    if not azp:
        raise _unusable()
    if azp != client.client_id:
        raise e.InvalidRequest(e.UNMATCHING_CLIENTS)
    user = await tx.users.get(str(claims.get("sub", "")))
    if user is None:
        raise _unusable()
    sid = claims.get("sid")
    if internal:
        if not isinstance(sid, str):
            raise _unusable()
        offline = typ == TYPE_OFFLINE
        session = await tx.sessions.get_user_session(sid, offline)
        if session is None:
            raise _unusable()
        await service.detach_with_online(tx, sid, offline, client.id)
        details = {"revoked_client": client.client_id, "refresh_token_id": claims.get("jti"), "refresh_token_type": typ}
    else:
        exp = claims.get("exp")
        now = services.clock.now()
        expires = max(int(exp) if isinstance(exp, int) else now, now + MIN_REVOKED_LIFETIME)
        await tx.revoked.add(str(claims.get("jti", "")), expires)
        details, sid = {"token_id": claims.get("jti")}, None
    await events.record(
        tx,
        req.realm,
        "REVOKE_GRANT",
        now=services.clock.now(),
        client_id=client.client_id,
        user_id=user.id,
        session_id=sid,
        ip=req.ip_address,
        details=details,
    )
