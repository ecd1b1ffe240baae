"""The UserInfo endpoint (OIDC Core §5.3)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from doorkeep import events
from doorkeep.errors import BearerError
from doorkeep.oauth import access, claims, scopes

if TYPE_CHECKING:
    from doorkeep.oauth.context import OAuthRequest, Services
    from doorkeep.store.tx import Tx


async def userinfo(tx: Tx, services: Services, req: OAuthRequest) -> dict[str, Any]:
    token = access.bearer_token(req.authorization) or req.form.get("access_token")
    if not token:
        raise BearerError("invalid_request", "Token not provided", 401)
    try:
        valid = await access.validate(tx, services, req.realm, req.issuer, token)
    except access.InvalidAccess as exc:
        raise BearerError("invalid_token", "Token verification failed") from exc
    await events.record(tx, req.realm, "USER_INFO_REQUEST", now=services.clock.now(), client_id=valid.client.client_id,
                        user_id=valid.user.id, session_id=valid.claims.get("sid"), ip=req.ip_address,
                        details={"auth_method": "validate_access_token"})
    names = set(scopes.split(str(valid.claims.get("scope", ""))))
    out: dict[str, Any] = {"sub": valid.user.id}
    out.update(claims.user_claims(valid.user, names))
    return out
