"""A browser's logins in several tabs, as pages (the rules are ``oauth.login_tabs``'s):

- A form or link of a live tab with a spent code (``login_actions.Stale``): SessionCodeChecks redirects to the
  tab's current page with "Action expired. Please continue with login now." when the form was that page's,
  else shows login-page-expired.ftl ("Page has expired", with links to restart and to continue the login).
- A tab whose login expired or is gone while a login finished in this browser since it began: the redirect to
  its client, the error page or info.ftl's "You are already logged in." that ``oauth.login_tabs`` decides.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from doorkeep.console import pages
from doorkeep.model import AuthSession, Client, Realm
from doorkeep.oauth import client_data, login_actions, redirect_uris
from doorkeep.oauth import login_tabs as tabs
from doorkeep.oauth.authorize import AuthRequest
from doorkeep.oauth.login_session import CONSENT, STEP_ACTIONS
from doorkeep.sessions import sso
from doorkeep.web import locale as page_locale
from doorkeep.web.http import base_url, client_ip, issuer, state
from doorkeep.web.login_pages import (
    EXECUTION,
    NO_BACK,
    TAB_ID,
    action_url,
    auth_root,
    display,
    error_page,
    html,
    required_action_url,
    restart_link,
    tab_params,
)
from doorkeep.web.login_responses import error_redirect

if TYPE_CHECKING:
    from doorkeep.store.tx import Tx


def current_page_url(request: Request, realm: Realm, auth_session: AuthSession, client: Client) -> str:
    """``getLastExecutionUrl``: the tab's current page, by GET (its step as the ``execution``); the consent screen's
    is the required-action URL it was redirected to (CURRENT_FLOW_PATH ``required-action``, ``OAUTH_GRANT``)."""
    if auth_session.step == CONSENT:
        return required_action_url(request, realm, auth_session, client)
    action = STEP_ACTIONS.get(auth_session.step, "authenticate")
    params = tab_params(auth_session, client, **{EXECUTION: auth_session.step})
    return redirect_uris.with_params(action_url(request, realm, action), params)


async def stale(request: Request, tx: Tx, realm: Realm, spent: login_actions.Stale) -> Response:
    """A spent code of a live tab: its current page again, with EXPIRED_ACTION, or "Page has expired"."""
    continue_uri = current_page_url(request, realm, spent.auth_session, spent.client)
    if spent.invalid_code:
        await login_actions.invalid_code(tx, state(request).services, realm, spent, client_ip(request))
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


def to_current_action(request: Request, realm: Realm, current: login_actions.ToCurrentAction) -> Response:
    """verifyRequiredAction's redirectToRequiredActions: a required action's form naming another action than the
    one the login waits on sends the browser to that one's page."""
    return RedirectResponse(required_action_url(request, realm, current.auth_session, current.client), 302)


async def timed_out(request: Request, tx: Tx, realm: Realm, expired: login_actions.TimedOut, action: str) -> Response:
    """SessionCodeChecks.isActionActive failing: the flow reset (``login_actions.time_out``) and the browser sent
    to the tab's login form (getLastExecutionUrl of the authenticate path, no execution), which says the login
    timed out."""
    reset = await login_actions.time_out(tx, state(request).services, realm, expired, action, client_ip(request))
    target = redirect_uris.with_params(action_url(request, realm, "authenticate"), tab_params(reset, expired.client))
    return RedirectResponse(target, 302)


async def already_logged_in(
    request: Request,
    tx: Tx,
    realm: Realm,
    action: str,
    auth_session: AuthSession | None,
    carried: tuple[str | None, str | None] | None = None,
) -> Response | None:
    """The page of a tab whose login expired or is gone while a login finished in this browser since it began;
    None when no SSO session is there (or it is older than the tab). ``carried``: the client id and client data
    a provider's state brought back, instead of the URL's."""
    client_id, data = carried or (request.query_params.get("client_id"), request.query_params.get(client_data.PARAM))
    browsed = tabs.Browsed(
        request.cookies.get(sso.IDENTITY_COOKIE),
        client_id,
        data,
        issuer(request, realm.name),
        base_url(request),
        client_ip(request),
        await auth_root(request, tx, realm) if auth_session is None else None,
    )
    answer = await tabs.already_logged_in(tx, state(request).services, realm, action, auth_session, browsed)
    if answer is None:
        return None
    if isinstance(answer, tabs.ErrorText):
        return error_page(request, realm, answer.text)
    if isinstance(answer, tabs.AlreadyLoggedInPage):
        # info.ftl carries the locale dropdown, its links opening this URL again (KEYCLOAK-18846, InfoPageTest)
        switch = page_locale.current_url(request) if request.method == "GET" else None
        ui = page_locale.language(request, realm, user=answer.user, switch_to=switch)
        text = ui.text("alreadyLoggedIn")
        return html(pages.info(display(realm), text, text, ui=ui))
    return await error_redirect(request, tx, realm, answer)


async def named_elsewhere(request: Request, tx: Tx, realm: Realm, action: str) -> Response | None:
    """The error page when the URL's ``auth_session_id`` names another browser's login (``oauth.login_tabs``)."""
    named = request.query_params.get("auth_session_id")
    if not named:
        return None
    url = tabs.NamedLogin(
        named,
        await auth_root(request, tx, realm),
        request.query_params.get("client_id"),
        request.query_params.get(TAB_ID),
        client_ip(request),
    )
    refused = await tabs.named_elsewhere(tx, state(request).services, realm, action, url)
    return None if refused is None else error_page(request, realm, refused.text)
