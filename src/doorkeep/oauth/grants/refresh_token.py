"""The refresh_token grant, online and offline (RFC 6749 §6; KEYCLOAK.md §6).

The ordered checks of Keycloak's verifyRefreshToken / validateToken, the offline permission, then
rotation under the client-session row lock; then a new token of the same type is minted and the
refresh recorded in one place. Only Keycloak's deliberate failures write and still commit: an
expired session is deleted, and an expired or reused token's client session is detached.
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Any

from doorkeep import errors as e
from doorkeep import policy
from doorkeep.errors import OAuthError, invalid_grant, invalid_request
from doorkeep.model import Client, ClientSession, User, UserSession
from doorkeep.oauth import issue
from doorkeep.oauth import scopes as scope_rules
from doorkeep.oauth.grants.common import require_offline_allowed
from doorkeep.oauth.issue import GrantContext, RefreshPlan
from doorkeep.oauth.roles import effective_roles
from doorkeep.sessions import rotation, service
from doorkeep.tokens import TYPE_OFFLINE, TYPE_REFRESH

if TYPE_CHECKING:
    from doorkeep.oauth.context import OAuthRequest, Services
    from doorkeep.store.tx import Tx

GRANT_TYPE = "refresh_token"


async def decode(tx: Tx, services: Services, req: OAuthRequest, token: str) -> dict[str, Any]:
    """Signature, type and issuer checks shared by refresh, logout and revocation."""
    claims = await services.codec.verify(tx, req.realm.id, token, internal=True)
    if claims is None or claims.get("typ") not in (TYPE_REFRESH, TYPE_OFFLINE):
        raise invalid_grant(e.INVALID_REFRESH_TOKEN)
    if claims.get("iss") != req.issuer:
        raise invalid_grant(e.INVALID_ISSUER.format(req.issuer))
    if not isinstance(claims.get("sid"), str) or not isinstance(claims.get("iat"), int):
        raise invalid_grant(e.INVALID_REFRESH_TOKEN)
    return claims


def check_expiry(claims: dict[str, Any], req: OAuthRequest, client: Client, now: int) -> None:
    if claims["iat"] < max(req.realm.not_before, client.not_before):
        raise invalid_grant(e.STALE_TOKEN)
    exp = claims.get("exp")
    if isinstance(exp, int) and exp != 0 and exp <= now:
        raise invalid_grant(e.TOKEN_NOT_ACTIVE)
    if claims.get("azp") != client.client_id:
        raise invalid_grant(e.CLIENT_MISMATCH)


async def load_sessions(
    tx: Tx, req: OAuthRequest, client: Client, claims: dict[str, Any], now: int, *, lock: bool, write: bool = True
) -> tuple[UserSession, ClientSession, User]:
    """Keycloak's validateToken: the session, user and client-session checks, in order."""
    realm = req.realm
    offline = claims["typ"] == TYPE_OFFLINE
    sid: str = claims["sid"]
    us = await tx.sessions.get_user_session(sid, offline)
    if offline:
        if us is None:
            raise invalid_grant(e.OFFLINE_SESSION_NOT_FOUND)
        if not policy.user_session_valid(realm, True, us.remember_me, us.started, us.last_session_refresh, now):
            if write:
                await service.remove(tx, us.id, True)
            raise invalid_grant(e.OFFLINE_SESSION_NOT_ACTIVE)
    elif us is None or not policy.user_session_valid(
        realm, False, us.remember_me, us.started, us.last_session_refresh, now
    ):
        if us is not None and write:
            await service.end(tx, us.id, False)  # Keycloak backchannel-logs-out an expired online session
        raise invalid_grant(e.SESSION_NOT_ACTIVE)
    user = await tx.users.get(str(claims.get("sub")))
    if user is None or user.id != us.user_id:
        raise invalid_grant(e.INVALID_REFRESH_TOKEN)
    if not user.enabled:
        raise invalid_grant(e.USER_DISABLED)
    if claims["iat"] + 1 < us.started:
        raise invalid_grant(e.ISSUED_BEFORE_SESSION)
    if lock:
        cs = await tx.sessions.lock_client_session(us.id, offline, client.id)
    else:
        cs = await tx.sessions.get_client_session(us.id, offline, client.id)
    if cs is None:
        raise invalid_grant(e.SESSION_MISSING_CLIENT)
    if not policy.client_session_valid(realm, client, offline, us.remember_me, cs.started, cs.timestamp,
                                       us.started, now):
        if write:
            await tx.sessions.detach_client_session(us.id, offline, client.id)
        raise invalid_grant(e.CLIENT_SESSION_NOT_ACTIVE)
    if claims["iat"] + 1 < cs.started:
        raise invalid_grant(e.ISSUED_BEFORE_CLIENT_SESSION)
    if offline and not await offline_access_granted(tx, client):
        raise invalid_grant(e.OFFLINE_NOT_GRANTED)
    if claims["iat"] < policy.effective_not_before(realm, client, user.not_before):
        raise invalid_grant(e.STALE_TOKEN)
    return us, cs, user


async def offline_access_granted(tx: Tx, client: Client) -> bool:
    """Keycloak's UserSessionUtil.isOfflineAccessGranted: the client still holds the offline_access scope."""
    return scope_rules.OFFLINE_ACCESS in {s.name for s, _ in await tx.config.client_scopes(client)}


async def grant(tx: Tx, services: Services, req: OAuthRequest, client: Client) -> dict[str, Any]:
    """Refresh an online or offline token: validate, then mint, then record (KEYCLOAK.md §6.1, §6.3).

    Nothing is written before the last check except Keycloak's deliberate failure writes (an
    expired session removed, a client session detached, a reused token's client session detached).
    """
    token = req.form.get("refresh_token")
    if token is None:
        raise invalid_request(e.NO_REFRESH_TOKEN)
    now = services.clock.now()
    claims = await decode(tx, services, req, token)
    check_expiry(claims, req, client, now)
    rotating = policy.revoke_refresh_token(req.realm, client)
    original = await scope_rules.from_names(tx, client, str(claims.get("scope", "")))
    scope_param = req.form.get("scope")
    granted = await scope_rules.narrow(tx, client, original, scope_param) if scope_param else original
    us, cs, user = await load_sessions(tx, req, client, claims, now, lock=True)
    granted = dataclasses.replace(granted, openid=scope_rules.OPENID in scope_rules.split(cs.scope_param))
    await check_consent(tx, client, user, granted)
    roles = await effective_roles(tx, user, client, granted.scopes)
    ctx = GrantContext(req.realm, client, user, us, cs, granted, roles, GRANT_TYPE)
    use_refresh = client.attr_bool("use.refresh.tokens", True)
    offline = claims["typ"] == TYPE_OFFLINE
    if offline and use_refresh:
        # The permission follows the offline grant (the token's own scope), not a narrower
        # ``scope`` of this request (Keycloak's offlineTokenRefreshWithoutOfflineAccessScope).
        grant_roles = roles if granted.scopes == original.scopes else await effective_roles(
            tx, user, client, original.scopes)
        require_offline_allowed(dataclasses.replace(ctx, roles=grant_roles))
    family = None
    if rotating:  # the last check; a violation detaches the client session (deliberate, it sticks)
        family = await rotation.check(tx, req.realm, client, us, str(claims.get("jti")), int(claims["iat"]),
                                      str(claims["reuse_id"]) if claims.get("reuse_id") else None)
    # ---- validated: from here on mint, then write once ----
    plan = None
    if use_refresh:
        reuse_id = claims.get("reuse_id") if rotating else None
        plan = RefreshPlan(offline, str(reuse_id) if reuse_id else None, str(claims.get("scope", "")))
    minted = await issue.mint(tx, services, req, ctx, plan)
    await rotation.record_refresh(tx, us, client, family, minted.refresh_jti, now)
    return minted.body


async def check_consent(tx: Tx, client: Client, user: User, granted: scope_rules.GrantedScopes) -> None:
    """A consent-required client must still hold consent for every consent-screen scope it uses."""
    if not client.consent_required:
        return
    consent = await tx.sessions.get_consent(user.id, client.id)
    needed = {s.id for s in granted.scopes
              if str(s.attributes.get("display.on.consent.screen", "true")).lower() == "true"}
    if consent is None or not needed <= set(consent.granted_scopes):
        raise OAuthError("invalid_scope", e.CONSENT_NO_LONGER)
