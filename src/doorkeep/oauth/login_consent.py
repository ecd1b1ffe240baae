"""The consent screen answered (LoginActionsService.processConsent): accepted, what it showed is stored in the
user's consent and the login goes on; cancelled, the login ends with ``access_denied``.
"""

from __future__ import annotations

from doorkeep.model import Consent
from doorkeep.oauth import consent as consent_screen
from doorkeep.oauth import login_completion, login_events
from doorkeep.oauth.login_outcomes import Failed, Outcome
from doorkeep.oauth.login_step import StepContext

REJECTED_BY_USER = "rejected_by_user"  # Errors.REJECTED_BY_USER


async def grant_consent(ctx: StepContext, offered: frozenset[str] | None = None) -> Outcome:
    """The screen accepted: what it stood for (``offered``: a client scope added to the client while it was
    open is not granted, LoginActionsService.processConsent grants the authentication session's scopes) is
    stored in the user's consent, then the login goes on."""
    tx, client, user = ctx.tx, ctx.client, ctx.user
    now_ms = ctx.services.clock.now() * 1000
    granted = [
        i
        for i in await consent_screen.screen_items(tx, client, user, ctx.request)
        if offered is None or i.id in offered
    ]
    existing = await tx.sessions.get_consent(user.id, client.id)
    ids = set(existing.granted_scopes if existing else ()) | {s.id for s in granted}
    await tx.sessions.save_consent(
        Consent(user.id, client.id, tuple(sorted(ids)), existing.created_date if existing else now_ms, now_ms)
    )
    return await login_completion.proceed(ctx, consented=True)


async def deny_consent(ctx: StepContext) -> Outcome:
    """The screen cancelled: a LOGIN_ERROR ``rejected_by_user`` without a session (LoginActionsService
    .processConsent), and ``access_denied`` back to the client (Error.CONSENT_DENIED)."""
    await login_events.login_event(ctx, ctx.user.username, error=REJECTED_BY_USER)
    return Failed("access_denied", "")
