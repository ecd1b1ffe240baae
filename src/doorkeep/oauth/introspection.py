"""Token introspection (RFC 7662) of access, refresh and offline tokens (KEYCLOAK.md §6.3, S18)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from doorkeep import errors as e
from doorkeep import events, policy
from doorkeep.errors import OAuthError
from doorkeep.oauth import access, refresh_tokens
from doorkeep.oauth.client_auth import authenticate_client
from doorkeep.sessions import resume, rotation
from doorkeep.tokens import TYPE_OFFLINE, TYPE_REFRESH, unverified

if TYPE_CHECKING:
    from doorkeep.model import Client
    from doorkeep.oauth.context import OAuthRequest, Services
    from doorkeep.store.tx import Tx

INACTIVE: dict[str, Any] = {"active": False}


async def introspect(tx: Tx, services: Services, req: OAuthRequest) -> dict[str, Any]:
    client = await authenticate_client(tx, req)
    if client.public_client:
        raise e.InvalidRequest(e.INTROSPECTION_NOT_ALLOWED, status=403)
    if req.form.has_duplicates():
        raise e.InvalidRequest(e.DUPLICATED_PARAMETER)
    token = req.form.get("token")
    if not token:
        raise e.InvalidRequest(e.INTROSPECTION_NO_TOKEN)
    parsed = unverified(token)
    if parsed is None:
        return INACTIVE
    typ = parsed[1].get("typ")
    if typ in (TYPE_REFRESH, TYPE_OFFLINE):
        return await _refresh(tx, services, req, client, token)
    try:
        valid = await access.validate(tx, services, req.realm, req.issuer, token)
    except access.InvalidAccess:
        return INACTIVE
    if (
        valid.session is not None
        and valid.session.offline
        and not await resume.offline_access_granted(tx, valid.client)
    ):
        return INACTIVE  # "Offline session invalid because offline access not granted anymore"
    out = dict(valid.claims)
    out.update(client_id=valid.client.client_id, username=valid.user.username, token_type="Bearer", active=True)
    await _record(tx, services, req, client, out)
    return out


async def _refresh(tx: Tx, services: Services, req: OAuthRequest, caller: Client, token: str) -> dict[str, Any]:
    now = services.clock.now()
    try:
        claims = await refresh_tokens.decode(tx, services, req, token)
        client = await tx.config.client(req.realm.id, claims.azp or "")
        if client is None or not client.enabled:
            return INACTIVE
        refresh_tokens.check_binding(claims, req, client, now)
        us, _, user = await resume.resume(tx, req.realm, client, claims, now, lock=False, write=False)
        if policy.revoke_refresh_token(req.realm, client) and await rotation.refused(
            tx, req.realm, client, us, claims.jti, claims.iat, claims.reuse_id
        ):
            return INACTIVE
    except OAuthError:
        return INACTIVE
    out = dict(claims.raw)
    out.update(client_id=client.client_id, username=user.username, token_type=claims.typ, active=True)
    await _record(tx, services, req, caller, out)
    return out


async def _record(tx: Tx, services: Services, req: OAuthRequest, caller: Client, active: dict[str, Any]) -> None:
    """INTROSPECT_TOKEN, by the calling client, about the token's user and session."""
    await events.record(
        tx,
        req.realm,
        "INTROSPECT_TOKEN",
        now=services.clock.now(),
        client_id=caller.client_id,
        user_id=active.get("sub"),
        session_id=active.get("sid"),
        ip=req.ip_address,
    )
