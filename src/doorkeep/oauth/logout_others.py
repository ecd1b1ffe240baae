"""The "Sign out from other devices" box (``logout-sessions``) of the update-password and authenticator pages.

Keycloak 26's AuthenticatorUtil.logoutOtherSessions, which UpdatePassword and UpdateTotp run when the box comes
back ``on`` (password-commons.ftl draws it unchecked since Keycloak 26.3, keycloak#40234): every session of the
user but the one this login goes on in is logged out by backchannel (AuthenticationManager.backchannelLogout),
the online ones and then the offline ones (keycloak#38850: a user does not know the difference; the deprecated
LOGOUT_ALL_SESSIONS_V1 feature, off by default, would keep them). Each records a LOGOUT event for that session,
the required action's event with ``logout_triggered_by_required_action`` naming the action.
"""

from __future__ import annotations

from doorkeep.oauth import login_events
from doorkeep.oauth.login_step import StepContext
from doorkeep.sessions import service

FIELD = "logout-sessions"
TRIGGERED_BY = "logout_triggered_by_required_action"  # Details.LOGOUT_TRIGGERED_BY_REQUIRED_ACTION


def asked(value: str | None) -> bool:
    """``"on".equals(formData.getFirst("logout-sessions"))``: only the checked box's value counts."""
    return value == "on"


async def logout_other_sessions(ctx: StepContext, action: str) -> int:
    """End the user's other sessions, online then offline; the session this login continues (the SSO session it
    was pinned to, whose id its offline copy shares) stays. Returns how many sessions ended. However many the
    user has, they end (``service.end_each``) and their events are stored in a fixed number of statements."""
    keep = ctx.request.user_session_id
    ended = 0
    for offline in (False, True):
        others = [s.id for s in await ctx.tx.sessions.user_sessions_of(ctx.user.id, offline) if s.id != keep]
        gone = await service.end_each(ctx.tx, others, offline)
        ended += len(gone)
        more = {"custom_required_action": action, TRIGGERED_BY: action}
        await login_events.record_many(ctx, "LOGOUT", session_ids=gone, more=more)
    return ended
