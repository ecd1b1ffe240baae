"""How a step of the browser login answers: a login outcome turned into its page (the authentication session
created or advanced, its cookie set), the authorization response or error sent back to the client in its
response mode, a device-flow login's status page, or the end of the login with the SSO cookies
(AuthenticationManager.createLoginCookie) and the ``KEYCLOAK_LOCALE`` cookie the outcome calls for.
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING

from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response

from doorkeep.console import pages
from doorkeep.errors import UNEXPECTED_ERROR_HANDLING_REQUEST
from doorkeep.model import AuthSession, Client, Realm, UserSession
from doorkeep.oauth import (
    action_redirect,
    device_verification,
    front_channel,
    jarm,
    login_actions,
    login_flow,
    login_outcomes,
    login_session,
    redirect_uris,
    response_types,
    update_email,
)
from doorkeep.oauth.authorize import AuthRequest, RedirectingError
from doorkeep.oauth.authorize_redirects import target
from doorkeep.oauth.jarm import ResponseSigner
from doorkeep.oauth.login_session import STEP_ACTIONS, spend_link
from doorkeep.oauth.token_encryption import EncryptionKeyMissing
from doorkeep.sessions import remember_me, sso
from doorkeep.users import locale as user_locale
from doorkeep.web import action_pages, cookies, verify_email
from doorkeep.web import locale as page_locale
from doorkeep.web.client_redirect import resolved
from doorkeep.web.headers import form_post_headers
from doorkeep.web.http import base_url, issuer, state
from doorkeep.web.login_pages import (
    NO_BACK,
    action_url,
    auth_root,
    display,
    error_page,
    html,
    page_body,
    required_action_url,
    root_for_authorization,
    root_for_new_tab,
    set_auth_cookie,
    tab_params,
)

if TYPE_CHECKING:
    from doorkeep.store.tx import Tx


def client_redirect(target: str, mode: str, params: dict[str, str], signer: ResponseSigner | None = None) -> Response:
    """Send the authorization response (or error) in the requested response mode; a JARM mode sends the
    parameters as one ``response`` JWT signed by ``signer`` (oauth/jarm.py)."""
    if response_types.is_jwt(mode):
        assert signer is not None, f"{mode} needs the client's response signer"
        params, mode = {jarm.RESPONSE: signer.sign(params)}, response_types.carrier(mode)
    if mode == "form_post":
        return HTMLResponse(pages.form_post(target, params), headers=form_post_headers(target))
    return RedirectResponse(redirect_uris.with_params(target, params, in_fragment=mode == "fragment"), 302)


async def response_signer(request: Request, tx: Tx, realm: Realm, client: Client, mode: str) -> ResponseSigner | None:
    """The client's JARM signer when ``mode`` is a JARM mode (its key loaded now, in the transaction)."""
    if not response_types.is_jwt(mode):
        return None
    return await jarm.signer(tx, state(request).services, realm, client, issuer(request, realm.name))


async def error_redirect(request: Request, tx: Tx, realm: Realm, err: RedirectingError) -> Response:
    """``redirectErrorToClient``: the error, its description, the state and the issuer, never cached
    (``noBackButtonCacheControlHeader``)."""
    params = {"error": err.error}
    if err.description:
        params["error_description"] = err.description
    if err.target.state is not None:
        params["state"] = err.target.state
    if err.target.with_issuer:
        params["iss"] = issuer(request, realm.name)
    mode, client = err.target.response_mode, err.target.client
    try:
        signer = None if client is None else await response_signer(request, tx, realm, client, mode)
    except EncryptionKeyMissing:  # the error cannot be encrypted to the client: shown here instead
        return error_page(request, realm, UNEXPECTED_ERROR_HANDLING_REQUEST)
    response = client_redirect(err.target.redirect_uri, mode, params, signer)
    response.headers["Cache-Control"] = NO_BACK
    return response


async def render(
    request: Request,
    tx: Tx,
    realm: Realm,
    client: Client,
    auth_request: AuthRequest,
    outcome: login_outcomes.Outcome,
    auth_session: AuthSession | None,
    *,
    authorization: bool = False,
    completes_flow: bool = False,
    keep_code: bool = False,
) -> Response:
    """Turn a login outcome into a page (creating the authentication session in a new tab of the browser's root,
    the ``authorization`` endpoint's rule when it asks) or a redirect, with the ``KEYCLOAK_LOCALE`` cookie the
    outcome calls for. ``completes_flow``: the answer of an authentication flow's step (a login form, a
    registration, an e-mailed link, the authorization endpoint), which reaches a required action or the consent
    screen by the redirect of ``oauth.action_redirect``. ``keep_code``: the page shown again by a GET keeps the
    form's code while its step stays (``login_session.wait_for``)."""
    response = await _respond(
        request, tx, realm, client, auth_request, outcome, auth_session, authorization, completes_flow, keep_code
    )
    await locale_cookie(request, tx, realm, auth_request, outcome, response)
    return response


# The outcomes a restarted login's first step can wait on: a page of its tab, shown by GET.
_FIRST_PAGES = (
    login_outcomes.NeedLogin,
    login_outcomes.NeedRegistration,
    login_outcomes.NeedOrganization,
    login_outcomes.NeedSelection,
)


async def redirect_to_first_page(
    request: Request,
    tx: Tx,
    realm: Realm,
    client: Client,
    auth_request: AuthRequest,
    outcome: login_outcomes.Outcome,
    tab: tuple[str, str] | None = None,
    *,
    forwarded: str | None = None,
) -> Response | None:
    """LoginActionsService.restartSession's answer: the restarted login in its ``tab`` (id and root) kept, else a
    new tab of the browser's root, and a 302 to its page (getLastExecutionUrl: the flow's path, for a
    registration ``login-actions/registration``, with the tab's ``client_id``, ``tab_id`` and ``client_data`` and
    no execution). ``forwarded``: the message that page shows (FORWARDED_ERROR_MESSAGE_NOTE). None for an outcome
    that is no page of the tab (a provider's redirect, an error): ``render`` answers it."""
    if not isinstance(outcome, _FIRST_PAGES):
        return None
    now = state(request).services.clock.now()
    root = tab[1] if tab is not None else await root_for_new_tab(request, tx, realm)
    kept = tab[0] if tab is not None else None
    waiting = await login_session.wait_for(
        tx, realm, client, auth_request, outcome, None, now, root_id=root, tab_id=kept
    )
    if forwarded is not None:
        await login_actions.forward_error(tx, waiting.auth_session, forwarded)
    action = STEP_ACTIONS.get(waiting.auth_session.step, "authenticate")
    url = redirect_uris.with_params(action_url(request, realm, action), tab_params(waiting.auth_session, client))
    response = RedirectResponse(url, 302)
    await set_auth_cookie(response, request, tx, realm, waiting.auth_session)
    return response


async def locale_cookie(
    request: Request,
    tx: Tx,
    realm: Realm,
    auth_request: AuthRequest,
    outcome: login_outcomes.Outcome,
    response: Response,
) -> None:
    """Once the user is authenticated, UpdateUserLocaleAction: the cookie holds the pick or the user's stored
    locale, or is expired; before that, processLocaleParam: a ``kc_locale`` in the URL is put in the cookie."""
    user_id = login_session.authenticated_user_id(outcome)
    user = await tx.users.get(user_id) if user_id else None
    if user is not None:
        page_locale.set_cookie(request, realm, response, user_locale.cookie_after_login(auth_request.kc_locale, user))
    elif (pick := page_locale.requested(request, realm)) is not None:
        page_locale.set_cookie(request, realm, response, pick)


async def _respond(
    request: Request,
    tx: Tx,
    realm: Realm,
    client: Client,
    auth_request: AuthRequest,
    outcome: login_outcomes.Outcome,
    auth_session: AuthSession | None,
    authorization: bool = False,
    completes_flow: bool = False,
    keep_code: bool = False,
) -> Response:
    now = state(request).services.clock.now()
    if (
        isinstance(outcome, login_outcomes.Done | login_outcomes.AccountUpdated)
        and auth_request.action_token is not None
    ):
        await spend_link(tx, auth_request.action_token, now)
    if isinstance(outcome, login_outcomes.AccountUpdated):
        return await account_updated(request, tx, realm, outcome, auth_session)
    if isinstance(outcome, login_outcomes.Done):
        if outcome.redirect_uri is not None:
            auth_request = dataclasses.replace(auth_request, redirect_uri=outcome.redirect_uri)
        try:
            signer = await response_signer(request, tx, realm, client, auth_request.response_mode)
        except EncryptionKeyMissing:  # its JWK set changed since the login checked it (login_completion._issue)
            page = error_page(request, realm, UNEXPECTED_ERROR_HANDLING_REQUEST, auth_request=auth_request)
            return await login_over(request, tx, realm, auth_session, page)
        response = authorization_response(request, tx, realm, client, auth_request, outcome.response, signer)
        await signed_in(request, tx, realm, outcome.session, response)
        return await login_over(request, tx, realm, auth_session, response, finished=True)
    if isinstance(outcome, login_outcomes.DeviceDone):  # DeviceGrantType.approveOAuth2DeviceAuthorization
        failed = None if outcome.approved else "expired_token"
        response = await signed_in(request, tx, realm, outcome.session, device_status(request, realm, failed))
        return await login_over(request, tx, realm, auth_session, response, finished=True)
    if isinstance(outcome, login_outcomes.Failed) and auth_request.device_user_code is not None:
        # DeviceGrantType.denyOAuth2DeviceAuthorization: unlike a redirecting error, the authentication session
        # stays (OIDCLoginProtocol.sendError returns before removing it), so the consent form posted again
        # after the back button reaches processConsent and is refused there (login_actions.submit)
        denied = await device_verification.deny(tx, realm, auth_request.device_user_code, now)
        return device_status(request, realm, "access_denied" if denied else "expired_token")
    if isinstance(outcome, login_outcomes.AccountDeleted):  # the user is gone: so are the login and its form
        response = action_pages.account_deleted(request, realm, client, auth_request)
        return await login_over(request, tx, realm, auth_session, response)
    if isinstance(outcome, login_outcomes.Refused):
        response = error_page(request, realm, outcome.text, outcome.status, auth_request=auth_request)
        return await login_over(request, tx, realm, auth_session, response)
    if isinstance(outcome, login_outcomes.Failed):  # e.g. consent denied: the login is over, its form dead
        err = RedirectingError(
            outcome.error,
            outcome.description,
            target(client, auth_request.redirect_uri, auth_request.response_mode, auth_request.state),
        )
        response = await error_redirect(request, tx, realm, err)
        return await login_over(request, tx, realm, auth_session, response)
    if isinstance(outcome, login_outcomes.ToIdpLink) and auth_session is not None:
        from doorkeep.web.broker_link import to_provider  # IdpLinkAction: the browser goes to the provider

        after = outcome.request or auth_request  # as the action left it (its LAST_PROCESSED_EXECUTION)
        return await to_provider(request, tx, realm, client, after, outcome.alias, auth_session)
    if isinstance(outcome, login_outcomes.ToProvider):  # the organization step's redirect
        from doorkeep.web.broker import send_to_provider

        args = (request, tx, realm, client, outcome.request, outcome.alias, auth_session)
        return await send_to_provider(*args, authorization=authorization)
    # the page the login now waits on, in its authentication session (a new tab of the browser's root)
    if auth_session is not None:
        root = auth_session.root
    else:
        root = await (root_for_authorization if authorization else root_for_new_tab)(request, tx, realm)
    waiting = await login_session.wait_for(
        tx, realm, client, auth_request, outcome, auth_session, now, root_id=root, keep_code=keep_code
    )
    before = auth_session.step if auth_session is not None else None
    if completes_flow and action_redirect.redirects(before, waiting.auth_session.step):
        return await to_required_action(request, tx, realm, client, waiting)
    switch_to = action_url(request, realm, STEP_ACTIONS[waiting.auth_session.step])
    # a page a form's POST drew ("Try Another Way"'s list) leads its language links to itself, not to the form's
    # URL, whose code this page just spent
    query = None
    if request.method == "POST" and waiting.auth_session.step == login_flow.SELECT_STEP:
        query = tab_params(waiting.auth_session, client, execution=waiting.auth_session.step)
    ui = page_locale.language(
        request, realm, auth_request=auth_request, user=waiting.user, switch_to=switch_to, query=query
    )
    if isinstance(outcome, login_outcomes.EmailUpdateSent) and waiting.user is not None:
        # UpdateEmail: context.failure(EMAIL_SENT_ERROR), the error page (500), if the mail cannot be sent
        unsent = error_page(request, realm, update_email.SEND_FAILED, 500, auth_request=auth_request)
        await set_auth_cookie(unsent, request, tx, realm, waiting.auth_session)
        await verify_email.send_update_confirmation(
            request, tx, realm, client, waiting.user, waiting.auth_session, waiting.request, outcome, unsent
        )
    response = html(await page_body(request, tx, realm, client, outcome, waiting, ui), 200)
    await set_auth_cookie(response, request, tx, realm, waiting.auth_session)
    if waiting.mail_to and waiting.user is not None:
        await verify_email.send(
            request, tx, realm, client, waiting.user, waiting.auth_session, waiting.request, response
        )
    return response


async def to_required_action(
    request: Request, tx: Tx, realm: Realm, client: Client, waiting: login_session.Waiting
) -> Response:
    """redirectToRequiredActions: 302 to the action's ``login-actions/required-action`` URL (``execution``,
    ``client_id``, ``tab_id``, ``client_data``, in Keycloak's order), whose GET renders its page; the e-mail the
    action's challenge sends goes now (VERIFY_EMAIL's), once, as the page shown again does not send it twice."""
    tab = waiting.auth_session
    response = RedirectResponse(required_action_url(request, realm, tab, client), 302)
    await set_auth_cookie(response, request, tx, realm, tab)
    if waiting.mail_to and waiting.user is not None:
        await verify_email.send(request, tx, realm, client, waiting.user, tab, waiting.request, response)
    return response


async def account_updated(
    request: Request, tx: Tx, realm: Realm, outcome: login_outcomes.AccountUpdated, auth_session: AuthSession | None
) -> Response:
    """END_AFTER_REQUIRED_ACTIONS: "Your account has been updated." and the authentication session gone."""
    user = await tx.users.get(outcome.user_id)
    ui = page_locale.language(request, realm, user=user)
    back = resolved(outcome.back_uri, base_url(request))
    body = pages.action_info(display(realm), ui.text("accountUpdatedMessage"), back_uri=back, ui=ui)
    return await login_over(request, tx, realm, auth_session, html(body))


def authorization_response(
    request: Request,
    tx: Tx,
    realm: Realm,
    client: Client,
    auth_request: AuthRequest,
    done: front_channel.AuthorizationResponse,
    signer: ResponseSigner | None = None,
) -> Response:
    """The redirect (or form_post page) with the code and tokens, in a JARM mode signed by ``signer``. Tokens
    are signed only after the commit (issue #8: no signing under SQLite's write lock), so their answer (and its
    ``response`` JWT) is completed then."""
    target, mode, state = auth_request.redirect_uri, auth_request.response_mode, auth_request.state
    iss = issuer(request, realm.name)
    if done.tokens is None:
        return client_redirect(target, mode, front_channel.params(done, state, iss, client), signer)
    response = client_redirect(target, response_types.carrier(mode), {})

    def complete() -> None:
        filled = client_redirect(target, mode, front_channel.params(done, state, iss, client), signer)
        if "location" in filled.headers:
            response.headers["location"] = filled.headers["location"]
        else:
            response.body = filled.body
            response.headers["content-length"] = str(len(filled.body))

    tx.after_commit.append(complete)
    return response


def device_status(request: Request, realm: Realm, error: str | None) -> Response:
    """Where a device-flow login ends: this server's own status page, never a client's URI."""
    target = f"{base_url(request)}/realms/{realm.name}/device/status"
    return RedirectResponse(redirect_uris.with_params(target, {"error": error}) if error else target, 302)


async def signed_in(request: Request, tx: Tx, realm: Realm, session: UserSession, response: Response) -> Response:
    """The end of a login: the SSO cookies set (the tab's authentication session goes with ``login_over``)."""
    await set_login_cookies(request, tx, realm, session, response)
    remember(request, realm, session, response)
    return response


async def set_login_cookies(request: Request, tx: Tx, realm: Realm, session: UserSession, response: Response) -> None:
    """AuthenticationManager.createLoginCookie: ``KEYCLOAK_IDENTITY`` and ``KEYCLOAK_SESSION`` for ``session``,
    on the realm's path; a login and an impersonation set them alike."""
    services = state(request).services
    token = await sso.identity_token(tx, services, realm, issuer(request, realm.name), session)
    identity_age, session_age = sso.cookie_max_ages(realm, session)
    cookies.write(request, response, realm, cookies.IDENTITY, token, identity_age)
    cookies.write(request, response, realm, cookies.SESSION, sso.session_cookie_value(session.id), session_age)


def remember(request: Request, realm: Realm, session: UserSession, response: Response) -> None:
    """AuthenticationManager after every finished login: a remember-me session sets ``KEYCLOAK_REMEMBER_ME``
    to its login username, any other login expires the cookie."""
    if not session.remember_me:
        cookies.expire(request, response, realm, cookies.LOGIN_HINT)
        return
    cookies.write(request, response, realm, cookies.LOGIN_HINT, remember_me.cookie_value(session.login_username))


async def login_over(
    request: Request,
    tx: Tx,
    realm: Realm,
    auth_session: AuthSession | None,
    response: Response,
    *,
    finished: bool = False,
) -> Response:
    """The login is over (signed in, refused, failed, its user gone): its tab's authentication session goes, so
    its forms are dead (AuthenticationSessionManager.removeTabIdInAuthenticationSession). The AUTH_SESSION_ID
    cookie stays, as Keycloak leaves it: it names the root, whose id a signed-in user session takes; a new
    login of a root without tabs starts a new root (``login_tabs.root_for_new_tab``), except at the
    authorization endpoint while the session of the root's id lives (``login_tabs.root_for_authorization``).
    KC_RESTART goes with the root's last tab (removeAuthenticationSession's expireRestartCookie); while another
    tab's login is still there (even expired: its page still learns that the user logged in meanwhile) it stays.
    A login ``finished`` (signed in) leaves the root's other tabs a short while only (``login_session.finish_tab``)."""
    now = state(request).services.clock.now()
    if auth_session is not None and finished:
        await login_session.finish_tab(tx, realm, auth_session, now)
    elif auth_session is not None:  # the root's other tabs live on from now (removeAuthenticationSessionByTabId)
        await login_session.remove_tab(tx, realm, auth_session, now)
    root = auth_session.root if auth_session is not None else await auth_root(request, tx, realm)
    if not root or not await tx.flows.root_alive(realm.id, root, None):
        cookies.expire(request, response, realm, cookies.RESTART)
    return response
