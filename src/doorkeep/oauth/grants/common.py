"""Steps shared by grants: offline-session creation and the offline permission check."""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Any

from doorkeep.errors import OFFLINE_NOT_ALLOWED, OAuthError
from doorkeep.oauth import issue
from doorkeep.oauth.issue import GrantContext
from doorkeep.oauth.roles import has_offline_access
from doorkeep.sessions import service

if TYPE_CHECKING:
    from doorkeep.oauth.context import OAuthRequest, Services
    from doorkeep.store.tx import Tx


def require_offline_allowed(ctx: GrantContext) -> None:
    """The realm role offline_access must be among the effective roles (§4.3 #3)."""
    if not has_offline_access(ctx.roles):
        raise OAuthError("not_allowed", OFFLINE_NOT_ALLOWED)


async def issue_new_session_tokens(
    tx: Tx, services: Services, req: OAuthRequest, ctx: GrantContext, *, use_refresh: bool,
    remove_online_when_offline: bool,
) -> dict[str, Any]:
    """Tokens for a freshly created online session; an offline copy when offline_access was granted."""
    now = services.clock.now()
    offline = use_refresh and ctx.scopes.offline
    if offline:
        require_offline_allowed(ctx)
        assert ctx.user_session is not None and ctx.client_session is not None
        online_id = ctx.user_session.id
        us, cs = await service.create_or_update_offline(tx, ctx.user_session, ctx.client_session, now)
        ctx = dataclasses.replace(ctx, user_session=us, client_session=cs)
        if remove_online_when_offline:
            await service.remove(tx, online_id, offline=False)
    plan = issue.new_family_plan(ctx, offline) if use_refresh else None
    return await issue.build_response(tx, services, req, ctx, plan)
