"""``GET /realms/{realm}/broker/{alias}/link`` (client-initiated account linking) and the end of such a link when
the provider answers at ``/broker/{alias}/endpoint``: the request read, the browser's SSO session found, the
core's decisions (broker/linking.py) answered as a page or a redirect.

Keycloak 26.7.2 turned the legacy endpoint off by default (#51832): unless the server runs with
``--spi-login-protocol--openid-connect--allow-client-initiated-account-linking=true`` it answers 404, as an unknown
path does; the ``idp_link`` application-initiated action is the way to link (web/broker.py ``to_provider``)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from doorkeep.broker import linking, oidc
from doorkeep.model import AuthSession, Client, Realm, User, UserSession
from doorkeep.oauth import idp_link_action, login_session
from doorkeep.oauth.authorize import AuthRequest
from doorkeep.oauth.broker_steps import EXPIRED, NOT_PROCEEDING, Continue
from doorkeep.oauth.login_outcomes import NeedLogin
from doorkeep.oauth.login_step import StepContext
from doorkeep.sessions import sso
from doorkeep.web import not_found
from doorkeep.web.broker_session import Tab, respond
from doorkeep.web.http import base_url, client_ip, in_transaction, issuer, state
from doorkeep.web.login_pages import NO_BACK, browser, error_page, open_realm, root_for_new_tab, set_auth_cookie

if TYPE_CHECKING:
    from doorkeep.store.tx import Tx


AIA = "aia"  # in the link note: the idp_link action started it (not the /link endpoint)


def _where(request: Request, realm: Realm) -> linking.Where:
    now = state(request).services.clock.now()
    return linking.Where(realm, now, client_ip(request), base_url(request))


async def _current(request: Request, tx: Tx, realm: Realm) -> tuple[UserSession, User] | None:
    cookie = request.cookies.get(sso.IDENTITY_COOKIE)
    return await sso.current_session(tx, state(request).services, realm, issuer(request, realm.name), cookie)


def _answer(request: Request, realm: Realm, decided: linking.Refused | linking.Back) -> Response:
    if isinstance(decided, linking.Back):
        response: Response = RedirectResponse(decided.url, 302)
        response.headers["Cache-Control"] = NO_BACK
        return response
    return error_page(request, realm, decided.shown(), decided.status)


async def link(request: Request) -> Response:
    """The link's checks; passed, a tab of the browser's login session is made for the client and the browser is
    sent to the provider as a login would be, the tab noting what the link is for."""
    from doorkeep.web.broker import begin, prepared_config  # that module answers the provider, and ends links here

    if not state(request).services.oidc.allow_client_initiated_account_linking:
        return await disabled(request)
    realm = await open_realm(request)
    if isinstance(realm, Response):
        return realm
    alias = request.path_params["alias"]
    provider = linking.enabled(realm, alias)
    ready = await prepared_config(realm, alias, provider) if provider is not None else None  # before the transaction

    async def work(tx: Tx) -> Response:
        tx.config.bind(realm)
        at = _where(request, realm)
        params = {k: v for k, v in request.query_params.items()}
        decided = await linking.start(tx, at, alias, params, await _current(request, tx, realm))
        if not isinstance(decided, linking.Start):
            return _answer(request, realm, decided)
        auth_request = AuthRequest(
            client_id=decided.client.client_id,
            redirect_uri=decided.redirect_uri,
            response_type="code",
            response_mode="query",
            scope="openid",
            user_session_id=decided.session.id,
        )
        root = await root_for_new_tab(request, tx, realm)
        client = decided.client
        waiting = await login_session.wait_for(tx, realm, client, auth_request, NeedLogin(), None, at.now, root_id=root)
        tab = Tab(waiting.auth_session, client, auth_request)
        ready_here = ready if decided.provider.get("alias") == alias else None
        response = await begin(
            request, tx, realm, tab, decided.provider, link=linking.note_of(decided), ready=ready_here
        )
        await set_auth_cookie(response, request, tx, realm, waiting.auth_session)
        return response

    return await in_transaction(request, work)


async def disabled(request: Request) -> Response:
    """The legacy link endpoint switched off (Keycloak 26.7.2's default): a 404, the page or JSON an unknown path
    gets."""
    return await not_found.no_route(request, HTTPException(404))


async def preflight(request: Request) -> Response:
    """CORS preflight of the link URL: refused (403), as Keycloak refuses it."""
    return Response(status_code=403)


async def finished(
    request: Request, tx: Tx, realm: Realm, note: dict[str, Any], config: oidc.Config, brokered: oidc.Identity
) -> Response:
    """The provider's answer to a link: the browser's session must be the one the link started in."""
    current = await _current(request, tx, realm)
    decided = await linking.finish(tx, _where(request, realm), note[linking.LINK_KEY], current, config, brokered)
    return _answer(request, realm, decided)


async def to_provider(
    request: Request,
    tx: Tx,
    realm: Realm,
    client: Client,
    auth_request: AuthRequest,
    alias: str,
    auth_session: AuthSession,
) -> Response:
    """IdpLinkAction.processAction confirmed: the login's tab (its request as the action left it) goes to the
    provider, noting that its answer ends the action. Decided inside the form's writing transaction: an OpenShift 4
    provider's metadata is read outside it, and the form's request run again (web/broker.begin)."""
    from doorkeep.web.broker import begin

    provider = linking.enabled(realm, alias)
    if provider is None or auth_session.user_id is None:
        return error_page(request, realm, NOT_PROCEEDING, auth_request=auth_request)
    await tx.flows.replace_auth_request(auth_session.id, auth_request.to_json())
    tab = Tab(auth_session, client, auth_request)
    return await begin(request, tx, realm, tab, provider, link={AIA: "true", "user": auth_session.user_id})


async def action_cancelled(
    request: Request, tx: Tx, realm: Realm, tab: Tab, note: dict[str, Any], alias: str
) -> Response:
    """The provider's ``access_denied`` to the ``idp_link`` action: the action cancelled, the login goes on."""
    user = await tx.users.get(tab.auth_session.user_id or "")
    if user is None or user.id != note[linking.LINK_KEY].get("user"):
        return error_page(request, realm, EXPIRED)
    services = state(request).services
    ctx = StepContext(tx, services, realm, tab.client, tab.request, user, browser(request, tab.auth_session))
    outcome, after = await idp_link_action.cancelled(ctx, alias)
    return await respond(request, tx, realm, tab, Continue(outcome, after))


async def action_finished(
    request: Request, tx: Tx, realm: Realm, tab: Tab, note: dict[str, Any], config: oidc.Config, brokered: oidc.Identity
) -> Response:
    """The provider's answer to the ``idp_link`` action: the login's user (the one the action started for) is
    linked, then the login goes on."""
    user = await tx.users.get(tab.auth_session.user_id or "")
    if user is None or user.id != note[linking.LINK_KEY].get("user"):
        return error_page(request, realm, EXPIRED)
    services = state(request).services
    ctx = StepContext(tx, services, realm, tab.client, tab.request, user, browser(request, tab.auth_session))
    outcome, after = await idp_link_action.finish(ctx, config, brokered)
    return await respond(request, tx, realm, tab, Continue(outcome, after))
