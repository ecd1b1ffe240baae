"""A login that starts again: a form posted after its authentication session expired, or "Restart login".

Keycloak's SessionCodeChecks.restartAuthenticationSessionFromCookie rebuilds the authentication session from the
KC_RESTART cookie (the client and its request), records a LOGIN_ERROR ``expired_code`` with
``restart_after_timeout=true`` and runs the browser flow again with Messages.LOGIN_TIMEOUT forwarded to its first
page (LoginTest.loginExpiredCode). Doorkeep's expired authentication session still holds that request, so it
stands for the cookie; it is dropped and a new one begins.

"Restart login" (login.ftl's ``reset-login`` link, ``url.loginRestartFlowUrl``) is LoginActionsService.restartSession:
when the login re-authenticates an SSO session (``prompt=login``, ``max_age``), that session is logged out first
(AuthenticationManager.backchannelLogout, no event) and the flow begins again without it, so another user may sign
in (ReAuthenticationTest.usernamePasswordFormReauthenticationWithResetFlow).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import TYPE_CHECKING

from doorkeep import events
from doorkeep.model import AuthSession, Client, Realm
from doorkeep.oauth import login_flow
from doorkeep.oauth.authorize import AuthRequest
from doorkeep.oauth.login_outcomes import Browser, NeedLogin, NeedRegistration, Outcome
from doorkeep.sessions import remember_me, service, sso

if TYPE_CHECKING:
    from doorkeep.oauth.context import Services
    from doorkeep.store.tx import Tx

LOGIN_TIMEOUT = "Your login attempt timed out. Login will start from the beginning."  # Messages.LOGIN_TIMEOUT


@dataclass(frozen=True)
class Restarted:
    """The login begun again: its client, its request (pinned anew to the SSO session) and its first page."""

    client: Client
    request: AuthRequest
    outcome: Outcome


async def restart_after_timeout(
    tx: Tx,
    services: Services,
    realm: Realm,
    expired: AuthSession,
    *,
    issuer: str,
    identity_cookie: str | None,
    remember_me_cookie: str | None,
    browser: Browser,
) -> Restarted | None:
    """The ``expired`` login begun again for its client, the form showing why; None when the client is gone or
    disabled (the login cannot restart: the LOGIN_TIMEOUT error page)."""
    await tx.flows.delete_auth_session(expired.id)
    client = await tx.clients.get(expired.client_id)
    if client is None or not client.enabled:
        return None
    now = services.clock.now()
    await events.record(
        tx,
        realm,
        "LOGIN_ERROR",
        now=now,
        client_id=client.client_id,
        ip=browser.ip_address,
        error="expired_code",
        details={"restart_after_timeout": "true"},
    )
    current = await sso.current_session(tx, services, realm, issuer, identity_cookie)
    stored = AuthRequest.from_json(expired.request)
    request = login_flow.pinned(realm, dataclasses.replace(stored, user_session_id=None, sso_login=False), current, now)
    remembered = remember_me.remembered_username(remember_me_cookie)
    outcome = await login_flow.begin(tx, services, realm, client, request, current, browser, remembered)
    if isinstance(outcome, NeedLogin) and outcome.error is None:  # FORWARDED_ERROR_MESSAGE_NOTE
        outcome = dataclasses.replace(outcome, error=LOGIN_TIMEOUT)
    return Restarted(client, request, outcome)


async def restart_flow(
    tx: Tx,
    services: Services,
    realm: Realm,
    auth_session: AuthSession,
    *,
    remember_me_cookie: str | None,
    browser: Browser,
) -> Restarted | None:
    """ "Restart login": the SSO session this login re-authenticates logged out, the login begun again for its
    client with no session; None when the client is gone or disabled."""
    await tx.flows.delete_auth_session(auth_session.id)
    client = await tx.clients.get(auth_session.client_id)
    if client is None or not client.enabled:
        return None
    stored = AuthRequest.from_json(auth_session.request)
    if stored.user_session_id is not None:
        await service.end(tx, stored.user_session_id, False)
    request = dataclasses.replace(stored, user_session_id=None, sso_login=False)
    if (
        request.app_initiated_flow == login_flow.REGISTER and realm.registration_allowed
    ):  # resetFlow(APP_INITIATED_FLOW)
        return Restarted(client, request, NeedRegistration(login_flow.registration_prefill(request)))
    remembered = remember_me.remembered_username(remember_me_cookie)
    outcome = await login_flow.begin(tx, services, realm, client, request, None, browser, remembered)
    return Restarted(client, request, outcome)
