"""A login that starts again: a form posted after its authentication session expired, or "Restart login".

Keycloak's SessionCodeChecks.restartAuthenticationSessionFromCookie rebuilds the authentication session from the
KC_RESTART cookie (``restart_cookie``: the client and its request) when the form's tab has none (expired, gone, or
its AUTH_SESSION_ID cookie lost), records a LOGIN_ERROR ``expired_code`` with ``restart_after_timeout=true`` and
runs the browser flow again with Messages.LOGIN_TIMEOUT forwarded to its first page (LoginTest.loginExpiredCode,
RestartCookieTest). The cookie must name the client of the form's URL, else LOGIN_ERROR ``invalid_code``.

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
from doorkeep.model import AuthSession, Client, Realm, User, UserSession
from doorkeep.oauth import client_data, loa, login_flow, redirect_uris, response_types, restart_cookie
from doorkeep.oauth.authorize import AuthRequest
from doorkeep.oauth.login_outcomes import Browser, NeedLogin, NeedRegistration, Outcome
from doorkeep.sessions import remember_me, service, sso

if TYPE_CHECKING:
    from doorkeep.oauth.context import Services
    from doorkeep.store.tx import Tx

LOGIN_TIMEOUT = "Your login attempt timed out. Login will start from the beginning."  # Messages.LOGIN_TIMEOUT
INVALID_CODE = "An error occurred, please login again through your application."  # Messages.INVALID_CODE


@dataclass(frozen=True)
class Restarted:
    """The login begun again: its client, its request (pinned anew to the SSO session) and its first page; ``tab``:
    the tab id and root it keeps (resetFlow of the same authentication session), None for a new tab."""

    client: Client
    request: AuthRequest
    outcome: Outcome
    tab: tuple[str, str] | None = None


@dataclass(frozen=True)
class Browsed:
    """What the form's request brings besides the KC_RESTART cookie: the URL's ``client_id`` and ``client_data``,
    the browser's other cookies, where it comes from and which server name it reached."""

    client_id: str | None
    client_data: str | None
    identity_cookie: str | None
    remember_me_cookie: str | None
    browser: Browser
    issuer: str
    base_url: str
    event_type: str = "LOGIN"  # the endpoint's (login_tabs.EVENT_TYPES): its ``*_ERROR`` events


async def restart_from_cookie(
    tx: Tx, services: Services, realm: Realm, cookie: str, browsed: Browsed, expired: AuthSession | None
) -> Restarted | str:
    """SessionCodeChecks.restartAuthenticationSessionFromCookie: the login of the KC_RESTART ``cookie`` begun
    again for the client the form's URL names, the form showing why; else the error page's text (INVALID_CODE
    when the cookie is not the realm's or names another client, LOGIN_TIMEOUT when its client is disabled).
    The tab's ``expired`` authentication session, if any, goes."""
    if expired is not None:
        await tx.flows.delete_auth_session(expired.id)
    now = services.clock.now()
    decoded = await restart_cookie.decode(tx, services.keyring, realm.id, cookie, now)
    client = await tx.clients.get_by_client_id(realm.id, decoded.client_id) if decoded is not None else None
    stored = restart_cookie.to_request(decoded, browsed.issuer) if decoded is not None else None
    if client is None or stored is None or client.client_id != browsed.client_id:  # "Clients doesn't match"
        known = client.client_id if client is not None and client.client_id == browsed.client_id else None
        ip = browsed.browser.ip_address
        error_type = f"{browsed.event_type}_ERROR"
        await events.record(tx, realm, error_type, now=now, client_id=known, ip=ip, error="invalid_code")
        return INVALID_CODE
    if not client.enabled:
        return LOGIN_TIMEOUT
    await events.record(
        tx,
        realm,
        f"{browsed.event_type}_ERROR",
        now=now,
        client_id=client.client_id,
        ip=browsed.browser.ip_address,
        error="expired_code",
        details={"restart_after_timeout": "true"},
    )
    stored = _tab_redirect(stored, client, browsed)
    current = await sso.current_session(tx, services, realm, browsed.issuer, browsed.identity_cookie)
    request = login_flow.pinned(realm, stored, current, now, services.disabled_features)
    remembered = remember_me.remembered_username(browsed.remember_me_cookie)
    outcome = await login_flow.begin(tx, services, realm, client, request, current, browsed.browser, remembered)
    if isinstance(outcome, NeedLogin) and outcome.error is None:  # FORWARDED_ERROR_MESSAGE_NOTE
        outcome = dataclasses.replace(outcome, error=LOGIN_TIMEOUT)
    return Restarted(client, request, outcome)


def _tab_redirect(stored: AuthRequest, client: Client, browsed: Browsed) -> AuthRequest:
    """The tab's own redirect from the URL's ``client_data`` (the cookie holds the request of the tab opened
    last), when its redirect URI is one of the client's; else the cookie's."""
    try:
        data = client_data.decode(browsed.client_data or "")
    except ValueError:
        return stored
    resolved = redirect_uris.resolve(data.redirect_uri, client, browsed.base_url) if data.redirect_uri else None
    response_type = response_types.parse(data.response_type or stored.response_type)
    mode = response_types.mode(data.response_mode or stored.response_mode, response_type) if response_type else None
    if resolved is None or response_type is None or mode is None:
        return stored
    return dataclasses.replace(
        stored,
        redirect_uri=resolved,
        response_type=data.response_type or stored.response_type,
        response_mode=mode,
        state=data.state,
    )


async def restart_flow(
    tx: Tx,
    services: Services,
    realm: Realm,
    auth_session: AuthSession,
    *,
    remember_me_cookie: str | None,
    browser: Browser,
    skip_logout: bool = False,
    current: tuple[UserSession, User] | None = None,
) -> Restarted | None:
    """ "Restart login": the SSO session this login re-authenticates logged out, the login begun again for its
    client with no session; None when the client is gone or disabled. The tab keeps its id and root (resetFlow),
    except after a re-authentication, whose login goes on in a new root (AuthenticationProcessor.recreate).
    ``skip_logout`` (the link's ``skip_logout=true``): the SSO session stays and the flow begins again with it
    (``current``), the tab kept. The RESTART_AUTHENTICATION event names the tab's user, its attempted username
    and the protocol, as restartSession's."""
    await tx.flows.delete_auth_session(auth_session.id)
    client = await tx.clients.get(auth_session.client_id)
    if client is None or not client.enabled:
        return None
    stored = AuthRequest.from_json(auth_session.request)
    ended = stored.user_session_id is not None and not skip_logout
    if ended and stored.user_session_id is not None:
        await service.end(tx, stored.user_session_id, False)
    kept_sso = current if skip_logout else None
    # resetFlow: the authentication session's notes start again (no ATTEMPTED_USERNAME nor organization picked, the
    # organization step asks anew; no broker login's identity nor its continuation), its required actions too
    fresh = dataclasses.replace(stored.flow_reset(), user_session_id=None, sso_login=False)
    request = loa.restarted(fresh)
    if kept_sso is not None:  # the flow begins again in the SSO session kept
        request = login_flow.pinned(realm, request, kept_sso, services.clock.now(), services.disabled_features)
    if (
        request.app_initiated_flow == login_flow.REGISTER and realm.registration_allowed
    ):  # resetFlow(APP_INITIATED_FLOW)
        outcome: Outcome = NeedRegistration(login_flow.registration_prefill(request))
    else:
        remembered = remember_me.remembered_username(remember_me_cookie)
        outcome = await login_flow.begin(tx, services, realm, client, request, kept_sso, browser, remembered)
    details = {"username": stored.attempted_username} if stored.attempted_username else {}
    await events.record(  # restartSession's event.success(), its client the tab's
        tx,
        realm,
        "RESTART_AUTHENTICATION",
        now=services.clock.now(),
        client_id=client.client_id,
        user_id=auth_session.user_id,
        ip=browser.ip_address,
        details={**details, "auth_method": "openid-connect"},
    )
    kept = None if ended else (auth_session.id, auth_session.root)
    return Restarted(client, request, outcome, kept)
