"""A login form posted after its authentication session expired: the login starts again.

Keycloak's SessionCodeChecks.restartAuthenticationSessionFromCookie rebuilds the authentication session from the
KC_RESTART cookie (the client and its request), records a LOGIN_ERROR ``expired_code`` with
``restart_after_timeout=true`` and runs the browser flow again with Messages.LOGIN_TIMEOUT forwarded to its first
page (LoginTest.loginExpiredCode). Doorkeep's expired authentication session still holds that request, so it
stands for the cookie; it is dropped and a new one begins.
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING

from starlette.requests import Request
from starlette.responses import Response

from doorkeep import events
from doorkeep.model import AuthSession, Realm
from doorkeep.oauth import login_flow
from doorkeep.oauth.authorize import AuthRequest
from doorkeep.sessions import remember_me, sso
from doorkeep.web.http import client_ip, issuer, state

if TYPE_CHECKING:
    from doorkeep.store.tx import Tx


async def restart_after_timeout(request: Request, tx: Tx, realm: Realm, expired: AuthSession) -> Response:
    """The expired login begun again for its client, the form showing why; an error page if the client is gone."""
    from doorkeep.web import login  # it renders with that module's helpers

    await tx.flows.delete_auth_session(expired.id)
    client = await tx.clients.get(expired.client_id)
    if client is None or not client.enabled:
        return login.error_page(request, realm, login.TIMED_OUT)
    services = state(request).services
    now = services.clock.now()
    await events.record(
        tx,
        realm,
        "LOGIN_ERROR",
        now=now,
        client_id=client.client_id,
        ip=client_ip(request),
        error="expired_code",
        details={"restart_after_timeout": "true"},
    )
    current = await sso.current_session(
        tx, services, realm, issuer(request, realm.name), request.cookies.get(sso.IDENTITY_COOKIE)
    )
    stored = AuthRequest.from_json(expired.request)
    auth_request = login_flow.pinned(dataclasses.replace(stored, user_session_id=None, sso_login=False), current, now)
    remembered = remember_me.remembered_username(request.cookies.get(remember_me.COOKIE))
    outcome = await login_flow.begin(
        tx, services, realm, client, auth_request, current, login.browser(request), remembered
    )
    if isinstance(outcome, login_flow.NeedLogin) and outcome.error is None:  # FORWARDED_ERROR_MESSAGE_NOTE
        outcome = dataclasses.replace(outcome, error=login.TIMED_OUT)  # Messages.LOGIN_TIMEOUT
    return await login.render(request, tx, realm, client, auth_request, outcome, None)
