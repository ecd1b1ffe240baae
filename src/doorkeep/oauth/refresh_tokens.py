"""Verifying a refresh or offline token before its session is looked at (KEYCLOAK.md §6.1 #1–#6).

Keycloak's verifyRefreshToken: signature, type, issuer, then not-before, expiry and the client the
token was issued to. Used by the refresh grant, introspection and logout; the session checks that
follow are ``sessions.resume``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from doorkeep import errors as e
from doorkeep.errors import invalid_grant
from doorkeep.model import Client
from doorkeep.tokens import TYPE_OFFLINE, TYPE_REFRESH

if TYPE_CHECKING:
    from doorkeep.oauth.context import OAuthRequest, Services
    from doorkeep.store.tx import Tx


async def decode(tx: Tx, services: Services, req: OAuthRequest, token: str) -> dict[str, Any]:
    """Signature, type and issuer checks shared by refresh, introspection and logout."""
    claims = await services.codec.verify(tx, req.realm.id, token, internal=True)
    if claims is None or claims.get("typ") not in (TYPE_REFRESH, TYPE_OFFLINE):
        raise invalid_grant(e.INVALID_REFRESH_TOKEN)
    if claims.get("iss") != req.issuer:
        raise invalid_grant(e.INVALID_ISSUER.format(req.issuer))
    if not isinstance(claims.get("sid"), str) or not isinstance(claims.get("iat"), int):
        raise invalid_grant(e.INVALID_REFRESH_TOKEN)
    return claims


def check_binding(claims: dict[str, Any], req: OAuthRequest, client: Client, now: int, *, expiry: bool = True) -> None:
    """Not-before (realm and client), expiry (unless ``expiry=False``, as logout), and the token's client."""
    if claims["iat"] < max(req.realm.not_before, client.not_before):
        raise invalid_grant(e.STALE_TOKEN)
    exp = claims.get("exp")
    if expiry and isinstance(exp, int) and exp != 0 and exp <= now:
        raise invalid_grant(e.TOKEN_NOT_ACTIVE)
    if claims.get("azp") != client.client_id:
        raise invalid_grant(e.CLIENT_MISMATCH)
