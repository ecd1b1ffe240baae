"""Browser-side session endpoints: RP-initiated logout, the login-status iframe, third-party cookie check.

A logout that ends a session some front-channel client is logged in to answers with Keycloak's
``frontchannel-logout.ftl`` page (OIDCLoginProtocol.finishBrowserLogout): one hidden iframe per such client
(``oauth/frontchannel_logout.py``), then on to the ``post_logout_redirect_uri`` when one was given.

Logout CSRF: without an ``id_token_hint``, or when the hint names another session than the
browser's own (Keycloak's ``forcedConfirmation``), the logout happens only after the user
confirms on a page whose form, posted to Keycloak's ``logout/logout-confirm``, carries a token bound to the
``DOORKEEP_LOGOUT_CSRF`` cookie and the request's parameters. Once confirmed, only the hinted session ends
(LogoutEndpoint.doBrowserLogout); the browser's own session stays in the store while its cookies are expired
(AuthenticationManager.finishBrowserLogout).
"""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import secrets
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response

from doorkeep import __version__
from doorkeep import errors as e
from doorkeep.broker import provider_logout
from doorkeep.clientpolicies import enforce_endpoints
from doorkeep.clientpolicies.context import Event
from doorkeep.console import pages
from doorkeep.errors import OAuthError
from doorkeep.model import Client, Realm
from doorkeep.oauth import claims as claimset
from doorkeep.oauth import frontchannel_logout, provider_config, redirect_uris
from doorkeep.oauth import logout as rp_logout
from doorkeep.oauth import logout_confirm as logout_confirm_code
from doorkeep.oauth.context import Form
from doorkeep.oauth.login_completion import skips_link
from doorkeep.oauth.logout import end_browser_sessions
from doorkeep.oauth.provider_config import ProviderConfig
from doorkeep.sessions import sso
from doorkeep.users.account import effective_url
from doorkeep.web import cookies, protocol
from doorkeep.web import locale as page_locale
from doorkeep.web.cookie_prefix import iframe_script
from doorkeep.web.headers import frame_src_policy
from doorkeep.web.http import (
    RealmNotFound,
    admin_url,
    base_url,
    client_ip,
    in_transaction,
    issuer,
    oauth_error,
    read_form,
    state,
)
from doorkeep.web.login_pages import display, error_page, html, open_realm

if TYPE_CHECKING:
    from doorkeep.console.i18n import Language
    from doorkeep.oauth.context import Services
    from doorkeep.store.tx import Tx

BAD_HINT = "Invalid parameter: id_token_hint"  # Keycloak's invalidParameterMessage
MISSING_HINT = "Missing parameters: id_token_hint"  # missingParameterMessage
HINT_OR_CLIENT_ID = (
    "Either the parameter 'client_id' or the parameter 'id_token_hint' is required when 'post_logout_redirect_uri' "
    "is used."
)
SESSION_NOT_ACTIVE = "Session not active."  # Messages.SESSION_NOT_ACTIVE (sessionNotActiveMessage)
CLIENT_MISMATCH = "Parameter client_id is different than the client for which ID Token was issued."
CONFIRMATION_ENABLED = "logout.confirmation.enabled"  # OIDCConfigAttributes.LOGOUT_CONFIRMATION_ENABLED
CSRF = cookies.LOGOUT_CSRF.name
INITIATING_IDP = "initiating_idp"  # AuthenticationManager.INITIATING_IDP_PARAM
CONFIRM_LOGOUT = "confirmLogout"  # the confirmation form's field LogoutEndpoint.logoutConfirmAction requires


def post_logout_allowed(
    uri: str, client: Client, base: str, admin_base: str | None = None, oidc: ProviderConfig = provider_config.DEFAULT
) -> bool:
    """``post.logout.redirect.uris`` (``+`` = the redirect URIs), checked by the one redirect validator; response
    parameters in it only where ``allow-oidc-params-in-redirect-uris`` (or the client's attribute) allows them."""
    allow = oidc.params_in_redirect_uris(client)
    return redirect_uris.post_logout(uri, client, base, admin_base, allow_params=allow) is not None


async def logout(request: Request) -> Response:
    """RP-initiated logout; a POST carrying ``refresh_token`` is the non-browser logout (as in Keycloak)."""
    try:
        form = await read_form(request)
    except OAuthError:
        form = None
    if request.method == "POST" and (form is None or "refresh_token" in form):
        return await protocol.logout_endpoint(request)
    return await _browser_logout(request, form)


async def logout_confirm(request: Request) -> Response:
    """``logout/logout-confirm``: the confirmation form's POST (LogoutEndpoint.logoutConfirmAction), whose session code
    must verify and which must carry ``confirmLogout``, else 400 "Logout failed"; a GET (logoutConfirmGet, Keycloak's
    locale switch on that page, which Doorkeep's stateless form has no session for) is "Logout failed" to a browser
    still signed in, "You are logged out" to one that is not."""
    if request.method == "POST":
        try:
            form = await read_form(request)
        except OAuthError:
            form = None
        return await _browser_logout(request, form, confirming=True)
    realm = await open_realm(request)
    if isinstance(realm, Response):
        return realm
    services, iss = state(request).services, issuer(request, realm.name)
    cookie = request.cookies.get(sso.IDENTITY_COOKIE)

    async def work(tx: Tx) -> Response:
        current = await sso.current_session(tx, services, realm, iss, cookie)
        ui = page_locale.language(request, realm, user=current[1] if current else None)
        if current is None:
            return html(pages.action_info(display(realm), ui.text("successLogout"), ui=ui))
        # no LOGOUT_ERROR: Keycloak 26's logoutConfirmGet records none (25's recorded ``logout_failed``)
        return html(pages.error(display(realm), logout_confirm_code.FAILED_LOGOUT, ui=ui), 400)

    response = await in_transaction(request, work)
    response.headers["Cache-Control"] = NO_CACHE
    return response


async def _browser_logout(request: Request, form: Form | None, *, confirming: bool = False) -> Response:
    realm = await open_realm(request)
    if isinstance(realm, Response):
        return realm
    if form is None:
        return error_page(request, realm, "Invalid request")
    services = state(request).services
    call = _Call(request, realm, form, services, issuer(request, realm.name), services.clock.now(), confirming)
    response = await in_transaction(request, call.run)
    for plan in call.calls:  # the provider's logout, outside the transaction (its failure does not stop this one)
        await provider_logout.call(plan)
    return response


@dataclass(frozen=True)
class _Target:
    """What the logout request names: its client (by ``client_id`` or the hint's ``azp``), the hinted session, and
    whether the user must confirm (``needed``: no known client vouches; ``forced``: the request is suspect)."""

    client: Client | None
    sid: str | None = None
    hint_iat: int = 0
    needed: bool = True
    forced: bool = False

    @property
    def named(self) -> str | None:
        return self.client.client_id if self.client is not None else None


@dataclass(frozen=True)
class _Call:
    """One browser logout (Keycloak's LogoutEndpoint.logout), its steps in Keycloak's order."""

    request: Request
    realm: Realm
    form: Form
    services: Services
    iss: str
    now: int
    confirming: bool = False  # posted to logout-confirm: the confirmation must verify, whatever the request
    calls: list[provider_logout.Backchannel] = field(default_factory=list)  # provider logouts to call afterwards

    async def failed(self, tx: Tx, error: str, client: str | None, **details: str) -> None:
        ip = client_ip(self.request)
        await rp_logout.record_error(tx, self.realm, error, now=self.now, client_id=client, ip=ip, details=details)

    async def refused(self, tx: Tx, text: str, error: str, client: str | None = None, **details: str) -> Response:
        """ErrorPage.error after the LOGOUT_ERROR event (no back link: Keycloak passes no auth session)."""
        await self.failed(tx, error, client, **details)
        return error_page(self.request, self.realm, text)

    async def run(self, tx: Tx) -> Response:
        # A parameter that is present but empty still counts.
        target = self.form.get("post_logout_redirect_uri")
        if target is not None and self.form.get("id_token_hint") is None and self.form.get("client_id") is None:
            return await self.refused(tx, MISSING_HINT, "invalid_request", reason=HINT_OR_CLIENT_ID)
        named = await self._target(tx)
        if isinstance(named, Response):
            return named
        client = named.client
        if target is not None and (
            client is None
            or not post_logout_allowed(
                target, client, base_url(self.request), admin_url(self.request), state(self.request).services.oidc
            )
        ):
            return await self.refused(
                tx, "Invalid redirect uri", "invalid_redirect_uri", named.named, redirect_uri=target
            )
        cookie = self.request.cookies.get(sso.IDENTITY_COOKIE)
        current = await sso.current_session(tx, self.services, self.realm, self.iss, cookie)
        current_id = current[0].id if current else None
        needed, forced = named.needed, named.forced
        if current_id is not None:  # a hint for another session than this browser's: the user must confirm
            forced = forced or (named.sid is not None and named.sid != current_id)
        elif self.form.get("id_token_hint") is None and client is not None and target is not None:
            needed = False  # nothing to log out here: straight back to the client
        ui = page_locale.language(
            self.request, self.realm, user=current[1] if current else None, ui_locales=self.form.get("ui_locales")
        )
        if needed or forced or self.confirming:
            refusal = await self._confirmed(tx, named, ui)
            if refusal is not None:
                return refusal
        return await self._end(tx, named, current_id, ui)

    async def _target(self, tx: Tx) -> _Target | Response:
        """The client named by ``client_id``, then the ``id_token_hint`` checked and agreeing with it."""
        hint, client_id = self.form.get("id_token_hint"), self.form.get("client_id")
        client = await tx.clients.get_by_client_id(self.realm.id, client_id) if client_id is not None else None
        forced = client_id is not None and client is None  # an unknown client_id: always ask
        if hint is None:
            return _Target(client, forced=forced)
        previous = tx.config.bind(self.realm)  # the realm's cached keys: a hint naming an unknown kid reads none again
        try:
            claims = await self.services.codec.verify(tx, self.realm.id, hint, internal=False)
        finally:
            tx.config.bind(previous)
        unfit = rp_logout.hint_refusal(claims, self.iss)
        if claims is None or unfit is not None:
            return await self.refused(tx, BAD_HINT, "invalid_token", reason=unfit or e.INVALID_ID_TOKEN)
        sid = str(claims.get("sid")) if claims.get("sid") else None
        iat = claims.get("iat")
        hinted = _Target(client, sid, iat if isinstance(iat, int) else 0, forced=forced)
        azp = claims.get("azp")
        if client_id is None:
            found = await tx.clients.get_by_client_id(self.realm.id, str(azp)) if azp else None
            return dataclasses.replace(hinted, client=found, needed=found is None)
        if azp is None:
            return hinted
        if azp != client_id:
            return await self.refused(tx, BAD_HINT, "invalid_token", client_id, reason=CLIENT_MISMATCH)
        return dataclasses.replace(hinted, needed=False)

    async def _confirmed(self, tx: Tx, named: _Target, ui: Language) -> Response | None:
        """The confirmation page, or the refusal of a confirmation that does not verify; None once confirmed."""
        if not self.confirming:
            return _confirm_page(self.realm, self.request, self.form, self.now, ui)
        verdict = logout_confirm_code.check(
            self.realm, self.form.get("session_code"), self.request.cookies.get(CSRF), self.now
        )
        if verdict == "ok" and CONFIRM_LOGOUT in self.form:
            return None
        error = verdict if verdict != "ok" else logout_confirm_code.SESSION_EXPIRED
        await self.failed(tx, error, named.named, reason="Failed verification during logout.")
        back = await _back_link(self.request, tx, self.realm, named.client)
        return html(pages.error(display(self.realm), logout_confirm_code.FAILED_LOGOUT, ui=ui, back_uri=back), 400)

    async def _frontchannel_policies(self, tx: Tx, ending: list[str]) -> Response | None:
        """AuthenticationManager.frontchannelLogoutClientSession: LOGOUT_REQUEST for each client the logout would
        frame, before anything ends (secure-logout refuses a GET); a refusal is the executor's JSON error."""
        if not enforce_endpoints.active(self.realm):
            return None
        for client in await frontchannel_logout.framed_clients(tx, ending):
            violation = await enforce_endpoints.refusal(
                tx, self.realm, Event.LOGOUT_REQUEST, client, self.form, http_method=self.request.method
            )
            if violation is not None:
                return oauth_error(enforce_endpoints.as_oauth_error(violation))
        return None

    async def _end(self, tx: Tx, named: _Target, current_id: str | None, ui: Language) -> Response:
        """doBrowserLogout: the hint's session when it is live, else the browser's own; the cookies expired."""
        sid = named.sid
        hinted = await rp_logout.hinted_session(tx, self.realm, sid, self.now) if sid is not None else None
        if sid is not None and hinted is None:
            # the hint's session is gone (expired, logged out by an admin, its user deleted, or only an offline
            # session by that id, which logout never ends)
            await self.failed(tx, logout_confirm_code.SESSION_EXPIRED, named.named)
            sid = None
        elif hinted is not None and rp_logout.issued_before_session(named.hint_iat, hinted):
            # checkTokenIssuedAt: nothing ends, the browser keeps its cookies
            return await self.refused(
                tx, SESSION_NOT_ACTIVE, "invalid_token", named.named, reason=e.ISSUED_BEFORE_SESSION_LOGOUT
            )
        # A browser whose session the hint does not name keeps that session in the store; only its cookies go.
        ending = [s for s in (sid or current_id,) if s]
        refused = await self._frontchannel_policies(tx, ending)
        if refused is not None:
            return refused
        recorded = named.named or await rp_logout.system_client(tx, self.realm)
        target = self.form.get("post_logout_redirect_uri")
        given = self.form.get("state")
        final = redirect_uris.with_state(target, given) if target is not None and given else target
        finish = Finish(ending, named.named, recorded, target, final)
        at_provider = await self._provider_logout(tx, finish)
        if at_provider is not None:
            return at_provider
        return await finish_logout(self.request, tx, self.realm, finish, named.client, ui)

    async def _provider_logout(self, tx: Tx, finish: Finish) -> Response | None:
        """AuthenticationManager.browserLogout's call of the session's identity provider: a server-side call made
        once this transaction is through, or the browser sent to the provider, the session LOGGING_OUT until
        ``logout_response`` finishes it (web/broker_logout.py)."""
        if len(finish.ending) != 1:
            return None
        session = await tx.sessions.get_user_session(finish.ending[0], False)
        allowed = state(self.request).services.oidc.allow_initiating_idp_logout_param
        initiating = self.form.get(INITIATING_IDP) if allowed else None  # ignored by default since Keycloak 26.8
        plan = (
            provider_logout.browser_plan(self.realm, session, base_url(self.request), initiating) if session else None
        )
        if isinstance(plan, provider_logout.Backchannel):
            self.calls.append(plan)
        if session is None or not isinstance(plan, provider_logout.Redirect):
            return None
        notes = {**session.notes, provider_logout.LOGGING_OUT_NOTE: dataclasses.asdict(finish)}
        await tx.sessions.update_user_session_notes(session.id, False, notes)
        response = RedirectResponse(plan.url, 302)
        response.headers["Cache-Control"] = NO_CACHE
        return response


@dataclass(frozen=True)
class Finish:
    """What a browser logout ends with (AuthenticationManager.finishBrowserLogout): the sessions, the client the
    request named, the client its LOGOUT events name, the ``post_logout_redirect_uri`` and its URL with ``state``."""

    ending: list[str]
    client_id: str | None
    recorded: str
    target: str | None
    final: str | None


async def finish_logout(
    request: Request, tx: Tx, realm: Realm, finish: Finish, client: Client | None, ui: Language
) -> Response:
    """The sessions ended (LOGOUT events), then the front-channel page, the redirect or "You are logged out"; the
    browser's cookies expired."""
    framed = await frontchannel_logout.notices(tx, finish.ending, issuer(request, realm.name))  # before they go
    now, ip = state(request).services.clock.now(), client_ip(request)
    await end_browser_sessions(
        tx, realm, finish.ending, now=now, client_id=finish.recorded, ip=ip, redirect_uri=finish.target
    )
    skip = client is not None and await skips_link(tx, realm, client)
    back = None if skip or client is None else effective_url(client, base_url(request))
    response = _after_logout(realm, client, finish.final, framed, ui, back, skip)
    expired = (cookies.IDENTITY, cookies.SESSION, cookies.AUTH_SESSION_ID, cookies.LOGOUT_CSRF)
    cookies.expire(request, response, realm, *expired)
    return response


def _after_logout(
    realm: Realm,
    client: Client | None,
    final: str | None,
    framed: list[frontchannel_logout.Notice],
    ui: Language,
    back: str | None,
    skip_link: bool = False,
) -> Response:
    """OIDCLoginProtocol.finishBrowserLogout: the front-channel page when a client is framed, else
    LogoutUtil.sendResponseAfterLogoutFinished: the redirect (``state`` a query parameter, before any fragment),
    or "You are logged out" with a link to the redirect when the client has ``logout.confirmation.enabled``,
    else to the client's base URL; no link at all for the system client (``skip_link``, checkSkipLink)."""
    if framed:
        response = html(pages.frontchannel_logout(display(realm), framed, final, ui=ui))
        response.headers["Content-Security-Policy"] = frame_src_policy(n.authority for n in framed)
        return response
    confirmed = client is not None and client.attr(CONFIRMATION_ENABLED).lower() == "true"
    if final is not None and not confirmed:
        return RedirectResponse(final, 302)
    link = None if skip_link else final or back
    return html(pages.action_info(display(realm), ui.text("successLogout"), back_uri=link, ui=ui))


async def _back_link(request: Request, tx: Tx, realm: Realm, client: Client | None) -> str | None:
    """A logout page's "Back to Application": the client's URL, none without a client or for the system client
    (SystemClientUtil.checkSkipLink, whose base URL is account management)."""
    if client is None or await skips_link(tx, realm, client):
        return None
    return effective_url(client, base_url(request))


def _confirm_page(realm: Realm, request: Request, form: Form, now: int, ui: Language) -> Response:
    token = logout_confirm_code.issue(now)
    hidden = {
        k: v
        for k in ("id_token_hint", "client_id", "post_logout_redirect_uri", "state", "ui_locales")
        if (v := form.get(k)) is not None
    }
    action = f"{base_url(request)}/realms/{realm.name}/protocol/openid-connect/logout/logout-confirm"
    response = html(pages.logout_confirm(display(realm), action, token, hidden, ui=ui))
    cookies.write(request, response, realm, cookies.LOGOUT_CSRF, token)
    return response


MODULE_SCRIPT = '<script type="module">'  # the pages' one inline script each, as Keycloak's (ES modules)
STATUS_IFRAME = pages.static_page("login_status_iframe.html")
STEP1 = pages.static_page("3p_cookies_step1.html")
STEP2 = pages.static_page("3p_cookies_step2.html")
# Keycloak's Version.RESOURCES_VERSION: the one ``?version=`` the iframes answer (and let browsers cache).
RESOURCES_VERSION = base64.b32encode(hashlib.sha256(__version__.encode()).digest()).decode()[:5].lower()
NO_CACHE = "no-cache, must-revalidate, no-transform, no-store"  # CacheControlUtil.noCache() as RESTEasy writes it


async def _iframe(request: Request, page: str) -> Response:
    """IframeUtil.returnIframe: the realm must exist; a ``version`` other than this server's is 404; the page may
    be framed by any origin (SecurityHeaders drops its frame-ancestors). Its inline scripts carry a CSP nonce made
    for this response, so no answer may be cached, this server's ``version`` or not (IframeEndpointsNonceTest)."""
    if await protocol.realm_named(request) is None:
        raise RealmNotFound
    version = request.query_params.get("version")
    if version is not None and version != RESOURCES_VERSION:
        return Response(status_code=404)
    nonced = page.replace(MODULE_SCRIPT, f'<script type="module" nonce="{secrets.token_urlsafe(16)}">')
    return HTMLResponse(nonced, headers={"Cache-Control": NO_CACHE})


async def status_iframe(request: Request) -> Response:
    return await _iframe(request, iframe_script(STATUS_IFRAME, state(request).settings.cookie_prefix))


async def status_iframe_init(request: Request) -> Response:
    """LoginStatusIframeEndpoint.preCheck: 204 when an enabled client's web origins, or this server's own
    origin, hold ``origin``; 403 otherwise."""
    realm = await protocol.realm_named(request)
    if realm is None:
        raise RealmNotFound
    client_id = request.query_params.get("client_id", "")
    origin = request.query_params.get("origin", "")
    base = base_url(request)

    async def work(tx: Tx) -> bool:
        client = await tx.clients.get_by_client_id(realm.id, client_id)
        if client is None or not client.enabled:
            return False
        own = claimset.origin(base)  # getOrigin of the base URI: no path (/auth)
        return origin == own or claimset.origin_allowed(client, origin, base)

    return Response(status_code=204 if await in_transaction(request, work, write=False) else 403)


async def third_party_step1(request: Request) -> Response:
    return await _iframe(request, STEP1)


async def third_party_step2(request: Request) -> Response:
    return await _iframe(request, STEP2)


async def installed_app(request: Request) -> Response:
    """OIDCLoginProtocolService.installedAppUrnCallback: where a response to the installed-app URN lands, the
    page showing the code to copy (or the error, as text)."""
    realm = await open_realm(request)
    if isinstance(realm, Response):
        return realm
    code, error = request.query_params.get("code"), request.query_params.get("error")
    ui = page_locale.language(request, realm)
    return html(pages.installed_app(display(realm), code, error, ui=ui))
