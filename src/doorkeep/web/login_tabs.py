"""A browser's logins in several tabs (Keycloak's root authentication session with one authentication session per
``tab_id``): what a tab's page answers when its login has moved on or is gone.

- A form or link of a live tab with a spent code (``login_actions.Stale``): SessionCodeChecks redirects to the
  tab's current page with "Action expired. Please continue with login now." when the form was that page's,
  else shows login-page-expired.ftl ("Page has expired", with links to restart and to continue the login).
- A tab whose login expired or is gone while a login finished in this browser since it began (another tab, the
  KC_RESTART cookie expired by that login): the user is already logged in. The tab's client gets
  ``temporarily_unavailable`` / ``authentication_expired`` at the redirect URI the tab's request named (checked
  against the client's redirect URIs again, LoginProtocol.Error.ALREADY_LOGGED_IN), with a ``*_ERROR`` event
  ``already_logged_in`` and ``redirected_to_client=true``; without a request to answer, info.ftl's "You are
  already logged in." (``redirected_to_client=false``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from doorkeep import events
from doorkeep.console import pages
from doorkeep.model import AuthSession, Client, Realm
from doorkeep.oauth import client_data, login_actions, redirect_uris
from doorkeep.oauth.authorize import AuthRequest, RedirectingError
from doorkeep.oauth.authorize_redirects import target
from doorkeep.oauth.client_data import ClientData
from doorkeep.oauth.login_session import STEP_ACTIONS
from doorkeep.sessions import sso
from doorkeep.web import locale as page_locale
from doorkeep.web.http import base_url, client_ip, issuer, state
from doorkeep.web.login_pages import (
    EXECUTION,
    NO_BACK,
    action_url,
    display,
    error_page,
    html,
    restart_link,
    tab_params,
)
from doorkeep.web.login_responses import error_redirect

if TYPE_CHECKING:
    from doorkeep.store.tx import Tx

ALREADY_LOGGED_IN, AUTHENTICATION_EXPIRED = "already_logged_in", "authentication_expired"  # Errors, Constants
INVALID_REDIRECT_URI = "Invalid parameter: redirect_uri"
INVALID_REQUEST = "Invalid Request"  # Messages.INVALID_REQUEST
# The event each login-actions endpoint records (LoginActionsService's EventBuilder), ``_ERROR`` on a failure.
EVENT_TYPES = {
    "authenticate": "LOGIN",
    "registration": "REGISTER",
    "reset-credentials": "RESET_PASSWORD",
    "required-action": "CUSTOM_REQUIRED_ACTION",
    "consent": "LOGIN",
}


def current_page_url(request: Request, realm: Realm, auth_session: AuthSession, client: Client) -> str:
    """``getLastExecutionUrl``: the tab's current page, by GET (its step as the ``execution``)."""
    action = STEP_ACTIONS.get(auth_session.step, "authenticate")
    params = tab_params(auth_session, client, **{EXECUTION: auth_session.step})
    return redirect_uris.with_params(action_url(request, realm, action), params)


async def stale(request: Request, tx: Tx, realm: Realm, spent: login_actions.Stale) -> Response:
    """A spent code of a live tab: its current page again, with EXPIRED_ACTION, or "Page has expired"."""
    continue_uri = current_page_url(request, realm, spent.auth_session, spent.client)
    if spent.same_page:
        await login_actions.forward_error(tx, spent.auth_session, login_actions.EXPIRED_ACTION)
        response: Response = RedirectResponse(continue_uri, 302)
    else:
        auth_request = AuthRequest.from_json(spent.auth_session.request)
        ui = page_locale.language(request, realm, auth_request=auth_request)
        restart = restart_link(request, realm, spent.client, spent.auth_session)
        response = html(pages.page_expired(display(realm), restart, continue_uri, ui=ui))
    response.headers["Cache-Control"] = NO_BACK
    return response


async def already_logged_in(
    request: Request, tx: Tx, realm: Realm, action: str, auth_session: AuthSession | None
) -> Response | None:
    """The answer to a tab whose login expired or is gone while a login finished in this browser since it
    began; None when no SSO session is there (or it is older than the tab: a re-authentication's)."""
    services = state(request).services
    iss = issuer(request, realm.name)
    current = await sso.current_session(tx, services, realm, iss, request.cookies.get(sso.IDENTITY_COOKIE))
    if current is None:
        return None
    session, user = current
    if auth_session is not None and session.auth_time < auth_session.expires - realm.access_code_lifespan_login:
        return None
    event_type = EVENT_TYPES.get(action, "LOGIN")
    now, ip = services.clock.now(), client_ip(request)
    if auth_session is not None:  # the tab's own request, kept on the server
        await tx.flows.delete_auth_session(auth_session.id)
        client = await tx.clients.get(auth_session.client_id)
        stored = AuthRequest.from_json(auth_session.request)
        data = ClientData(stored.redirect_uri, stored.response_type, stored.response_mode, stored.state)
    else:  # a finished (or purged) tab: its URL's client_id and client_data
        named = request.query_params.get("client_id")
        client = await tx.clients.get_by_client_id(realm.id, named) if named else None
        try:
            data = client_data.decode(request.query_params.get(client_data.PARAM) or "")
        except ValueError:  # ClientData.decodeClientDataFromParameter failed: INVALID_REQUEST
            await events.record(
                tx,
                realm,
                f"{event_type}_ERROR",
                now=now,
                ip=ip,
                error="invalid_request",
                client_id=client.client_id if client is not None else None,
            )
            return error_page(request, realm, INVALID_REQUEST)
    if client is None or not client.enabled or not data.redirect_uri:
        await events.record(
            tx,
            realm,
            f"{event_type}_ERROR",
            now=now,
            ip=ip,
            error=ALREADY_LOGGED_IN,
            details={"redirected_to_client": "false"},
        )
        ui = page_locale.language(request, realm, user=user)
        text = ui.text("alreadyLoggedIn")
        return html(pages.info(display(realm), text, text, ui=ui))
    return await _send_error(request, tx, realm, client, data, event_type)


async def _send_error(
    request: Request, tx: Tx, realm: Realm, client: Client, data: ClientData, event_type: str
) -> Response:
    """OIDCLoginProtocol.sendError(client, clientData, ALREADY_LOGGED_IN): the redirect URI checked against the
    client's again (``invalid_redirect_uri`` and its error page when it no longer is one of them)."""
    now, ip = state(request).services.clock.now(), client_ip(request)
    mode = data.response_mode or "query"
    kept = redirect_uris.resolve(data.redirect_uri, client, base_url(request))
    details = {"response_type": data.response_type, "response_mode": mode}
    if kept is None:
        await events.record(
            tx,
            realm,
            "LOGIN_ERROR",
            now=now,
            client_id=client.client_id,
            ip=ip,
            error="invalid_redirect_uri",
            details={"redirect_uri": data.redirect_uri, **details},
        )
        return error_page(request, realm, INVALID_REDIRECT_URI)
    await events.record(
        tx,
        realm,
        f"{event_type}_ERROR",
        now=now,
        client_id=client.client_id,
        ip=ip,
        error=ALREADY_LOGGED_IN,
        details={"redirect_uri": kept, "redirected_to_client": "true", **details},
    )
    err = RedirectingError("temporarily_unavailable", AUTHENTICATION_EXPIRED, target(client, kept, mode, data.state))
    return await error_redirect(request, tx, realm, err)
