"""The refresh_token grant, online and offline (RFC 6749 §6; KEYCLOAK.md §6).

The ordered checks of Keycloak's verifyRefreshToken / validateToken, rotation under the client-session
row lock, then the offline permission; then a new token of the same type is minted and the refresh
recorded in one place. Only Keycloak's deliberate failures write and still commit: an expired session
is deleted, and an expired or reused token's client session is detached.
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING

from doorkeep import errors as e
from doorkeep import policy
from doorkeep.clientpolicies import enforce as client_policies
from doorkeep.clientpolicies.context import Event, RequestFacts
from doorkeep.model import ADAPTER_HOST_NOTE, ADAPTER_STATE_NOTE, Client, Role
from doorkeep.oauth import acr, backchannel, issue, mtls, refresh_tokens, resource_indicators
from doorkeep.oauth import scopes as scope_rules
from doorkeep.oauth.grants.common import bind_resource, require_offline_role
from doorkeep.oauth.issue import GrantContext, RefreshPlan, TransientGrant
from doorkeep.oauth.mappers import lightweight
from doorkeep.oauth.mappers.context import picked_of
from doorkeep.oauth.minted import Minted
from doorkeep.oauth.roles import effective_roles
from doorkeep.oauth.scopes import GrantedScopes
from doorkeep.organizations import scope as organization_scope
from doorkeep.organizations import selected
from doorkeep.sessions import resume, rotation

if TYPE_CHECKING:
    from doorkeep.oauth.context import OAuthRequest, Services
    from doorkeep.store.tx import Tx

GRANT_TYPE = issue.REFRESH_GRANT


async def grant(tx: Tx, services: Services, req: OAuthRequest, client: Client) -> Minted:
    """Refresh an online or offline token: validate, then mint, then record (KEYCLOAK.md §6.1, §6.3).

    Nothing is written before the last check except Keycloak's deliberate failure writes (an
    expired session removed, a client session detached, a reused token's client session detached).
    """
    token = req.form.get("refresh_token")
    if token is None:  # RefreshTokenGrantType answers before its event learns anything: none is recorded
        raise e.InvalidRequest(e.NO_REFRESH_TOKEN, event_error="")
    proof = req.dpop is not None or req.dpop_header is not None
    facts = RequestFacts(issuer=req.issuer, certificates=req.client_certificates)
    event = Event.TOKEN_REFRESH
    verdict = await client_policies.on_request(tx, req.realm, event, client, req.form, dpop_proof=proof, request=facts)
    if verdict.bind_only_refresh_token:
        req = dataclasses.replace(req, dpop_refresh_only=True)
    client = lightweight.for_request(client, verdict.lightweight_access_token)
    scope_param = req.form.get("scope")
    if scope_param is not None:  # OAuth2GrantTypeBase.getRequestedScopes, before the token is read (even ``scope=``)
        try:
            await scope_rules.check_requested(tx, client, scope_param)
        except e.InvalidScope as err:
            err.event_error, err.event_details = "invalid_request", {"reason": err.description}
            raise
    now = services.clock.now()
    try:
        claims = await refresh_tokens.decode(tx, services, req, token)
        refresh_tokens.check_binding(claims, req, client, now)
        refresh_tokens.check_certificate(claims, req, client)
        refresh_tokens.check_dpop(claims, req, client)
    except e.OAuthError as err:
        raise _refused(err) from None
    try:
        return await _verified(tx, services, req, client, claims, now)
    except e.OAuthError as err:
        # TokenManager.refreshAccessToken names the session and the token on the event as soon as
        # verifyRefreshToken accepts it, so every later refusal's REFRESH_TOKEN_ERROR carries them.
        err.event_session = claims.sid
        err.event_details = {
            "refresh_token_id": claims.jti,
            "refresh_token_type": claims.typ,
            "refresh_token_sub": claims.sub,
            **err.event_details,
        }
        raise _refused(err) from None


def _refused(err: e.OAuthError) -> e.OAuthError:
    """RefreshTokenGrantType's REFRESH_TOKEN_ERROR: ``invalid_token`` with the description as ``reason``; the
    offline permission's refusal and the certificate binding's keep ``not_allowed`` (KEYCLOAK-6771). A refusal
    raised to record no event (``event_error=""``) stays the answer alone: a resource refused (``invalid_target``,
    Keycloak's TokenInterceptorException) or a selected organization gone (validateSelectedOrganization's
    ErrorResponseException)."""
    if err.event_error == "":
        return err
    if not isinstance(err, e.NotAllowed) and err.description != mtls.MISMATCH:  # a certificate's: not_allowed
        err.event_error = "invalid_token"
    err.event_details = {**err.event_details, "reason": err.description}
    return err


async def _verified(
    tx: Tx, services: Services, req: OAuthRequest, client: Client, claims: refresh_tokens.RefreshClaims, now: int
) -> Minted:
    """The refresh of a token verifyRefreshToken accepted: validateToken's checks, rotation, mint, record."""
    rotating = policy.revoke_refresh_token(req.realm, client)
    original = await scope_rules.from_names(tx, client, claims.scope)
    scope_param = req.form.get("scope")
    granted = await scope_rules.narrow(tx, client, original, scope_param) if scope_param else original
    us, cs, user, family = await resume.for_refresh(tx, req.realm, client, claims, now, rotating=rotating)
    # TokenManager.validateSelectedOrganization, right after the session checks: the organization the login
    # selected must still exist, be enabled and have the user (online and offline tokens alike).
    chosen = await selected.on_refresh(tx, req.realm, user, claims.raw)
    organization = chosen.alias if chosen is not None else None
    # the organization claim maps this login's pick (its refresh token's), not the client session's latest one
    mapped = cs if chosen is None else dataclasses.replace(cs, notes={**cs.notes, organization_scope.NOTE: chosen.id})
    # An OIDC refresh when the login was one: the client session's scope note, or, once a later SSO login of the
    # client without ``openid`` rewrote that note, the refresh token's own scope (Keycloak 26.8, issue 52574;
    # RefreshTokenTest.refreshTokenRetainsOpenidScopeAfterClientSessionScopeNoteOverwritten).
    openid = any(scope_rules.OPENID in scope_rules.split(s) for s in (cs.scope_param, claims.scope))
    # What this refresh derives from the configuration and the user alone, kept while neither changes (issue #8).
    # (the organization the login picked, the client session's kc.org note, feeds the organization claim)
    picked = picked_of(mapped) or ""
    key = (
        "refresh",
        client.id,
        user.id,
        claims.scope,
        scope_param or "",
        "openid" if openid else "",
        req.base_url,
        picked,
    )
    kept = tx.config.kept(key, lambda: TransientGrant(per_session=True))
    if kept is not None and kept.scopes is not None and kept.roles is not None:
        granted, roles = kept.scopes, kept.roles
    else:
        granted = await scope_rules.permitted(tx, user, dataclasses.replace(granted, openid=openid))
        roles = await effective_roles(tx, user, client, granted.scopes)
        if kept is not None:
            kept.scopes, kept.roles = granted, roles
    await resume.check_consent(tx, client, user, granted)
    # TokenManager: the refresh token's nonce (there only under the nonce mapper) is the new tokens' nonce.
    nonce = claims.raw.get("nonce")
    ctx = GrantContext(
        req.realm,
        client,
        user,
        us,
        mapped,
        granted,
        roles,
        GRANT_TYPE,
        nonce=nonce if isinstance(nonce, str) else None,
        acr=acr.refreshed_acr(client, req.realm, cs.notes),  # AcrProtocolMapper reads the client session again
        kept=kept,
    )
    use_refresh = client.attr_bool("use.refresh.tokens", True)
    offline = claims.offline
    turn = None
    if rotating:  # a violation detaches the client session, or with a grace period ends its chain
        turn = await rotation.check(tx, req.realm, client, us, claims.jti, claims.iat, claims.reuse_id, now, family)
    if offline and use_refresh:
        # Keycloak checks the permission last, while it makes the new refresh token, after the rotation check: a
        # reused token is refused as reused. Keycloak 26 then keeps the use the rotation check counted
        # (keycloak#49213, a bug its open fix #51749 removes); Doorkeep writes nothing, so the token works again
        # once the role is back. The permission follows the offline grant (the token's own scope), not a narrower
        # ``scope`` of this request (Keycloak's offlineTokenRefreshWithoutOfflineAccessScope).
        require_offline_role(await _grant_roles(tx, ctx, original, kept))
    # resource-indicators: the refresh token's resource binds this refresh (an offline token's too)
    bound = claims.raw.get(resource_indicators.PARAM)
    ctx = await bind_resource(
        tx, services, req, ctx, original=bound if isinstance(bound, str) else None, continues=True
    )
    # ---- validated: from here on mint, then write once ----
    plan = None
    if use_refresh:
        replay = turn.replay if turn else None  # a retry inside the grace period: the same successor
        plan = RefreshPlan(offline, claims.reuse_id if rotating else None, claims.scope, replay, organization)
    minted = await issue.mint(tx, services, req, ctx, plan)
    if turn is None or turn.replay is None:
        await rotation.record_refresh(tx, us, cs, client, turn.family if turn else None, minted, now)
    adapter = backchannel.adapter_notes(cs.notes, req.form.get(ADAPTER_STATE_NOTE), req.form.get(ADAPTER_HOST_NOTE))
    if adapter is not None and not offline:  # RefreshTokenGrantType: updateClientSession of an online session only
        await tx.sessions.update_client_session_notes(us.id, False, client.id, adapter)
    details = {**minted.event_details, **_timing(minted, claims)}
    return dataclasses.replace(minted, refreshed=claims, event_details=details)


async def _grant_roles(tx: Tx, ctx: GrantContext, original: GrantedScopes, kept: TransientGrant | None) -> list[Role]:
    """The roles of the refresh token's own scope (a ``scope`` parameter may have narrowed this refresh's)."""
    if ctx.scopes.scopes == original.scopes:
        return ctx.roles
    if kept is not None and kept.grant_roles is not None:
        return kept.grant_roles
    roles = await effective_roles(tx, ctx.user, ctx.client, original.scopes)
    if kept is not None:
        kept.grant_roles = roles
    return roles


def _timing(minted: Minted, old: refresh_tokens.RefreshClaims) -> dict[str, str]:
    """TokenManager.storeRefreshTimingInformation: the REFRESH_TOKEN event says how long the new access token
    lives and how old the refresh token presented was, so that clients refreshing too early can be found."""
    access = minted.unsigned["access_token"].claims
    return {
        "access_token_expiration_time": str(access["exp"] - access["iat"]),
        "age_of_refresh_token": str(access["iat"] - old.iat),
    }
