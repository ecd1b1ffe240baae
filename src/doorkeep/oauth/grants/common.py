"""Steps shared by grants: the offline permission check, the ``resource`` binding, and the write → issue half of
a new session.

Every grant validates first (``require_offline_allowed`` included), then writes, then mints:
a grant calls ``issue_new_session_tokens`` only once nothing is left to refuse.
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING

from doorkeep import features, policy
from doorkeep.errors import OFFLINE_NOT_ALLOWED, NotAllowed
from doorkeep.model import Role
from doorkeep.oauth import issue, resource_indicators
from doorkeep.oauth.issue import GrantContext
from doorkeep.oauth.minted import Minted
from doorkeep.oauth.roles import has_offline_access
from doorkeep.sessions import device, offline_cap, rotation, service

if TYPE_CHECKING:
    from doorkeep.oauth.context import OAuthRequest, Services
    from doorkeep.store.tx import Tx


def require_offline_allowed(ctx: GrantContext) -> None:
    """The realm role offline_access must be among the effective roles (§4.3 #3)."""
    require_offline_role(ctx.roles)


def require_offline_role(roles: list[Role]) -> None:
    """The realm role offline_access must be among ``roles``, the effective roles of the grant."""
    if not has_offline_access(roles):
        raise NotAllowed(OFFLINE_NOT_ALLOWED)


async def bind_resource(
    tx: Tx,
    services: Services,
    req: OAuthRequest,
    ctx: GrantContext,
    *,
    original: str | None = None,
    continues: bool = False,
) -> GrantContext:
    """With the resource-indicators feature on, the resource the grant's tokens are for (its ``resource``, or the
    ``original`` one of the grant it ``continues``), checked against the access token's audience: the grant's
    last check, before its first write (oauth/resource_indicators.py). With the feature off, ``resource`` is
    ignored."""
    if features.RESOURCE_INDICATORS not in services.enabled_features:
        return ctx
    wanted = resource_indicators.target(req.form.get(resource_indicators.PARAM), original, continues=continues)
    if wanted is None:
        return ctx
    audience = await issue.access_audience(tx, req, ctx)
    return dataclasses.replace(ctx, resource=await resource_indicators.bind(tx, ctx.realm, wanted, audience))


async def issue_new_session_tokens(
    tx: Tx,
    services: Services,
    req: OAuthRequest,
    ctx: GrantContext,
    *,
    use_refresh: bool,
    remove_online_when_offline: bool,
) -> Minted:
    """Tokens for a freshly created online session; an offline copy when offline_access was granted.

    The caller has already checked ``require_offline_allowed``: from here on the grant only writes
    (the offline copy, the online session's removal), mints, and records the refresh token.
    """
    now = services.clock.now()
    offline = use_refresh and ctx.scopes.offline
    if offline:
        assert ctx.user_session is not None and ctx.client_session is not None
        online_id = ctx.user_session.id
        us, cs = await service.create_or_update_offline(
            tx, ctx.realm, ctx.client, ctx.user_session, ctx.client_session, now
        )
        us = await offline_cap.label_session(tx, us, device.clean_label(req.form.get(device.LABEL_PARAM) or ""))
        await offline_cap.enforce_cap(tx, ctx.realm, ctx.client, us, now, req.ip_address)
        ctx = dataclasses.replace(ctx, user_session=us, client_session=cs)
        if remove_online_when_offline:
            await service.remove(tx, online_id, offline=False)
    plan = issue.new_family_plan(ctx, offline) if use_refresh else None
    minted = await issue.mint(tx, services, req, ctx, plan)
    session, client_session = ctx.user_session, ctx.client_session
    if minted.refresh_jti is not None and plan is not None and session is not None and client_session is not None:
        family = rotation.new_family(plan.reuse_id) if policy.revoke_refresh_token(ctx.realm, ctx.client) else None
        await rotation.record_refresh(tx, session, client_session, ctx.client, family, minted, now)
    return minted
