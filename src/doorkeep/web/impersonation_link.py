"""The impersonation link: ``GET /realms/{realm}/login-actions/action-token?key=…`` with an ImpersonateActionToken
(ImpersonateActionTokenHandler, keycloak#10655).

``POST users/{id}/impersonation`` answers a ``redirect`` that is this link on the realm's frontend URL, not the
account console itself: where the Admin API has its own hostname (``--hostname-admin``), the SSO cookies the
call sets belong to the admin host, and only a link opened on the frontend host can set them where the user's
applications read them. Opening the link sets the cookies of the session the call made and goes on to the token's
``reduri`` (the account console).

The link works once (``canUseTokenRepeatedly`` false: its key is spent before anything else, across workers) and
for 60 seconds. It is refused when its user is gone, disabled or a service account (the handler's own checks,
with their statuses), or when the session it names has ended meanwhile. A browser already signed in to the realm
as another user is logged out of that session first, as the handler does.

Doorkeep makes the session, and records ``IMPERSONATE``, when the link is asked for, as Keycloak's older
UserResource.impersonate did and as ImpersonationTest still checks right after the call; the link hands that
session to the browser. Keycloak's newest handler makes the session when the link is opened instead.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from doorkeep.email import action_tokens
from doorkeep.email.action_tokens import ActionToken
from doorkeep.errors import OAuthError
from doorkeep.model import Realm, UserSession
from doorkeep.sessions import resume, service, sso
from doorkeep.web import cookies
from doorkeep.web.action_link import record_event
from doorkeep.web.http import client_ip, issuer, state
from doorkeep.web.login_pages import error_page
from doorkeep.web.login_responses import set_login_cookies

if TYPE_CHECKING:
    from doorkeep.store.tx import Tx

LIFESPAN = 60  # UserResource.impersonate: Time.currentTime() + 60
USER_NOT_FOUND = "User not found"
USER_DISABLED = "User is disabled"
SERVICE_ACCOUNT = "Service accounts cannot be impersonated"
# What AuthenticationManager expires before another session of the realm is ended in this browser (the call in the
# administrator's own realm, and the link in a browser signed in as someone else).
EXPIRED_FIRST = (cookies.IDENTITY, cookies.LOGIN_HINT, cookies.AUTH_SESSION_ID)


async def _session(tx: Tx, realm: Realm, token: ActionToken, now: int) -> UserSession | None:
    """The online session the impersonation made, if it is still valid and still the token user's."""
    if not token.session_id:
        return None
    try:
        session = await resume.user_session(tx, realm, token.session_id, False, now, write=False)
    except OAuthError:
        return None
    return session if session.user_id == token.user_id else None


async def redeem(request: Request, tx: Tx, realm: Realm, token: ActionToken) -> Response:
    """ImpersonateActionTokenHandler.handleToken for a link whose signature, issuer and expiry were checked."""
    services = state(request).services
    now, ip = services.clock.now(), client_ip(request)

    async def refuse(text: str, error: str, status: int = 400) -> Response:
        await record_event(tx, services, realm, "IMPERSONATE", ip, token=token, error=error)
        return error_page(request, realm, text, status)

    if not await tx.action_tokens.put_if_absent(token.single_use_key, token.expires, now):
        return await refuse(action_tokens.EXPIRED_ACTION, "expired_code")
    user = await tx.users.get(token.user_id)
    if user is None or user.realm_id != realm.id:
        return await refuse(USER_NOT_FOUND, "user_not_found", 404)
    if not user.enabled:
        return await refuse(USER_DISABLED, "user_disabled")
    if user.service_account_client_id:
        return await refuse(SERVICE_ACCOUNT, "invalid_token")
    session = await _session(tx, realm, token, now)
    if session is None:
        return await refuse(action_tokens.EXPIRED_ACTION, "session_expired")
    target = token.redirect_uri or f"{issuer(request, realm.name)}/account"
    response = RedirectResponse(target, status_code=302)
    cookie = request.cookies.get(sso.IDENTITY_COOKIE)
    current = await sso.current_session(tx, services, realm, issuer(request, realm.name), cookie)
    if current is not None and current[0].user_id != user.id:  # one impersonation at a time in a browser
        cookies.expire(request, response, realm, *EXPIRED_FIRST)
        await service.end(tx, current[0].id, False)
    await set_login_cookies(request, tx, realm, session, response)
    return response
