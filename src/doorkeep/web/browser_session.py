"""Browser-side session endpoints: RP-initiated logout, the login-status iframe, third-party cookie check.

A logout that ends a session some front-channel client is logged in to answers with Keycloak's
``frontchannel-logout.ftl`` page (OIDCLoginProtocol.finishBrowserLogout): one hidden iframe per such client
(``oauth/frontchannel_logout.py``), then on to the ``post_logout_redirect_uri`` when one was given.

Logout CSRF: without an ``id_token_hint``, or when the hint names another session than the
browser's own (Keycloak's ``forcedConfirmation``), the logout happens only after the user
confirms on a page whose form carries a token bound to the ``DOORKEEP_LOGOUT_CSRF`` cookie. Once
confirmed, only the hinted session ends (LogoutEndpoint.doBrowserLogout); the browser's own session
stays in the store while its cookies are expired (AuthenticationManager.finishBrowserLogout).
"""

from __future__ import annotations

import base64
import hashlib
from typing import TYPE_CHECKING

from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response

from doorkeep import __version__
from doorkeep import errors as e
from doorkeep.console import pages
from doorkeep.errors import OAuthError
from doorkeep.model import Client, Realm
from doorkeep.oauth import claims as claimset
from doorkeep.oauth import frontchannel_logout, logout_confirm, redirect_uris
from doorkeep.oauth import logout as rp_logout
from doorkeep.oauth.context import Form
from doorkeep.oauth.logout import end_browser_sessions
from doorkeep.sessions import sso
from doorkeep.users.account import effective_url
from doorkeep.web import cookies, protocol
from doorkeep.web import locale as page_locale
from doorkeep.web.headers import frame_src_policy
from doorkeep.web.http import base_url, client_ip, in_transaction, issuer, not_found_realm, read_form, state
from doorkeep.web.login_pages import display, error_page, html, open_realm

if TYPE_CHECKING:
    from doorkeep.console.i18n import Language
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


def post_logout_allowed(uri: str, client: Client, base: str) -> bool:
    """``post.logout.redirect.uris`` (``+`` = the redirect URIs), checked by the one redirect validator."""
    return redirect_uris.post_logout(uri, client, base) is not None


async def logout(request: Request) -> Response:
    """RP-initiated logout; a POST carrying ``refresh_token`` is the non-browser logout (as in Keycloak)."""
    try:
        form = await read_form(request)
    except OAuthError:
        form = None
    if request.method == "POST" and (form is None or "refresh_token" in form):
        return await protocol.logout_endpoint(request)
    realm = await open_realm(request)
    if isinstance(realm, Response):
        return realm
    if form is None:
        return error_page(request, realm, "Invalid request")
    services = state(request).services
    iss = issuer(request, realm.name)

    async def work(tx: Tx) -> Response:
        now, ip, base = services.clock.now(), client_ip(request), base_url(request)

        async def failed(error: str, client: str | None, **details: str) -> None:
            await rp_logout.record_error(tx, realm, error, now=now, client_id=client, ip=ip, details=details)

        async def refused(text: str, error: str, client: str | None = None, **details: str) -> Response:
            """ErrorPage.error after the LOGOUT_ERROR event (no back link: Keycloak passes no auth session)."""
            await failed(error, client, **details)
            return error_page(request, realm, text)

        # Keycloak's LogoutEndpoint, in its order: a parameter that is present but empty still counts.
        hint, client_id = form.get("id_token_hint"), form.get("client_id")
        target = form.get("post_logout_redirect_uri")
        if target is not None and hint is None and client_id is None:
            return await refused(MISSING_HINT, "invalid_request", reason=HINT_OR_CLIENT_ID)
        client = await tx.clients.get_by_client_id(realm.id, client_id) if client_id is not None else None
        forced = client_id is not None and client is None  # an unknown client_id: always ask
        needed = True  # a confirmation, unless the hint names an existing client (and agrees with client_id)
        sid: str | None = None
        hint_iat = 0
        if hint is not None:
            claims = await services.codec.verify(tx, realm.id, hint, internal=False)
            unfit = rp_logout.hint_refusal(claims, iss)
            if claims is None or unfit is not None:
                return await refused(BAD_HINT, "invalid_token", reason=unfit or e.INVALID_ID_TOKEN)
            sid = str(claims.get("sid")) if claims.get("sid") else None
            iat = claims.get("iat")
            hint_iat = iat if isinstance(iat, int) else 0
            azp = claims.get("azp")
            if client_id is None:
                client = await tx.clients.get_by_client_id(realm.id, str(azp)) if azp else None
                needed = client is None
            elif azp is not None:
                if azp != client_id:
                    return await refused(BAD_HINT, "invalid_token", client_id, reason=CLIENT_MISMATCH)
                needed = False
        named = client.client_id if client is not None else None
        if target is not None and (client is None or not post_logout_allowed(target, client, base)):
            return await refused("Invalid redirect uri", "invalid_redirect_uri", named, redirect_uri=target)
        current = await sso.current_session(tx, services, realm, iss, request.cookies.get(sso.IDENTITY_COOKIE))
        current_id = current[0].id if current else None
        if current_id is not None:  # a hint for another session than this browser's: the user must confirm
            forced = forced or (sid is not None and sid != current_id)
        elif hint is None and client is not None and target is not None:
            needed = False  # nothing to log out here: straight back to the client
        user = current[1] if current else None
        ui = page_locale.language(request, realm, user=user, ui_locales=form.get("ui_locales"))
        back = effective_url(client, base) if client is not None else None  # "Back to Application"
        confirm = needed or forced
        if confirm and form.get("confirm") != "true":
            return _confirm_page(realm, request, form, now, ui)
        if confirm:
            verdict = logout_confirm.check(realm, form.get("session_code"), request.cookies.get(CSRF), now)
            if verdict != "ok":
                await failed(verdict, named, reason="Failed verification during logout.")
                return html(pages.error(display(realm), logout_confirm.FAILED_LOGOUT, ui=ui, back_uri=back), 400)
        hinted = await rp_logout.hinted_session(tx, realm, sid, now) if sid is not None else None
        if sid is not None and hinted is None:
            # doBrowserLogout: the hint's session is gone (expired, logged out by an admin, its user deleted,
            # or only an offline session by that id, which logout never ends)
            await failed(logout_confirm.SESSION_EXPIRED, named)
            sid = None
        elif hinted is not None and rp_logout.issued_before_session(hint_iat, hinted):
            # checkTokenIssuedAt: nothing ends, the browser keeps its cookies
            return await refused(SESSION_NOT_ACTIVE, "invalid_token", named, reason=e.ISSUED_BEFORE_SESSION_LOGOUT)
        # doBrowserLogout ends one session: the hint's when it is live, else the browser's own. A browser whose
        # session the hint does not name keeps that session in the store; only its cookies are expired below.
        ending = [s for s in (sid or current_id,) if s]
        framed = await frontchannel_logout.notices(tx, ending, iss)  # read before the client sessions go
        recorded = named or await rp_logout.system_client(tx, realm)
        await end_browser_sessions(tx, realm, ending, now=now, client_id=recorded, ip=ip, redirect_uri=target)
        given = form.get("state")
        final = redirect_uris.with_state(target, given) if target is not None and given else target
        response = _after_logout(realm, client, final, framed, ui, back)
        cookies.expire(
            request, response, realm, cookies.IDENTITY, cookies.SESSION, cookies.AUTH_SESSION_ID, cookies.LOGOUT_CSRF
        )
        return response

    return await in_transaction(request, work)


def _after_logout(
    realm: Realm,
    client: Client | None,
    final: str | None,
    framed: list[frontchannel_logout.Notice],
    ui: Language,
    back: str | None,
) -> Response:
    """OIDCLoginProtocol.finishBrowserLogout: the front-channel page when a client is framed, else
    LogoutUtil.sendResponseAfterLogoutFinished: the redirect (``state`` a query parameter, before any fragment),
    or "You are logged out" with a link to the redirect when the client has ``logout.confirmation.enabled``,
    else to the client's base URL."""
    if framed:
        response = html(pages.frontchannel_logout(display(realm), framed, final, ui=ui))
        response.headers["Content-Security-Policy"] = frame_src_policy(n.authority for n in framed)
        return response
    confirmed = client is not None and client.attr(CONFIRMATION_ENABLED).lower() == "true"
    if final is not None and not confirmed:
        return RedirectResponse(final, 302)
    return html(pages.action_info(display(realm), ui.text("successLogout"), back_uri=final or back, ui=ui))


def _confirm_page(realm: Realm, request: Request, form: Form, now: int, ui: Language) -> Response:
    token = logout_confirm.issue(now)
    hidden = {
        k: v
        for k in ("id_token_hint", "client_id", "post_logout_redirect_uri", "state", "ui_locales")
        if (v := form.get(k)) is not None
    }
    action = f"{base_url(request)}/realms/{realm.name}/protocol/openid-connect/logout"
    response = html(pages.logout_confirm(display(realm), action, token, hidden, ui=ui))
    cookies.write(request, response, realm, cookies.LOGOUT_CSRF, token)
    return response


STATUS_IFRAME = pages.static_page("login_status_iframe.html")
STEP1 = pages.static_page("3p_cookies_step1.html")
STEP2 = pages.static_page("3p_cookies_step2.html")
# Keycloak's Version.RESOURCES_VERSION: the one ``?version=`` the iframes answer (and let browsers cache).
RESOURCES_VERSION = base64.b32encode(hashlib.sha256(__version__.encode()).digest()).decode()[:5].lower()
NO_CACHE = "no-cache, must-revalidate, no-transform, no-store"  # CacheControlUtil.noCache() as RESTEasy writes it
STATIC_MAX_AGE = "max-age=2592000"  # CacheControlUtil.getDefaultCacheControl(): the theme's staticMaxAge


async def _iframe(request: Request, page: str) -> Response:
    """IframeUtil.returnIframe: the realm must exist; a ``version`` other than this server's is 404, this server's
    may be cached; the page may be framed by any origin (SecurityHeaders drops its frame-ancestors)."""
    if await protocol.realm_named(request) is None:
        return not_found_realm()
    version = request.query_params.get("version")
    if version is not None and version != RESOURCES_VERSION:
        return Response(status_code=404)
    return HTMLResponse(page, headers={"Cache-Control": NO_CACHE if version is None else STATIC_MAX_AGE})


async def status_iframe(request: Request) -> Response:
    return await _iframe(request, STATUS_IFRAME)


async def status_iframe_init(request: Request) -> Response:
    """LoginStatusIframeEndpoint.preCheck: 204 when an enabled client's web origins, or this server's own
    origin, hold ``origin``; 403 otherwise."""
    realm = await protocol.realm_named(request)
    if realm is None:
        return not_found_realm()
    client_id = request.query_params.get("client_id", "")
    origin = request.query_params.get("origin", "")
    base = base_url(request)

    async def work(tx: Tx) -> bool:
        client = await tx.clients.get_by_client_id(realm.id, client_id)
        if client is None or not client.enabled:
            return False
        return origin == base or claimset.origin_allowed(client, origin, base)

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
