"""Browser-side session endpoints: RP-initiated logout, the login-status iframe, third-party cookie check.

A logout that ends a session some front-channel client is logged in to answers with Keycloak's
``frontchannel-logout.ftl`` page (OIDCLoginProtocol.finishBrowserLogout): one hidden iframe per such client
(``oauth/frontchannel_logout.py``), then on to the ``post_logout_redirect_uri`` when one was given.

Logout CSRF: without an ``id_token_hint``, or when the hint names another session than the
browser's own (Keycloak's ``forcedConfirmation``), the browser's session ends only after the user
confirms on a page whose form carries a token bound to the ``DOORKEEP_LOGOUT_CSRF`` cookie.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from typing import TYPE_CHECKING

from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response

from doorkeep import __version__
from doorkeep.console import pages
from doorkeep.errors import OAuthError
from doorkeep.model import Client, Realm
from doorkeep.oauth import claims as claimset
from doorkeep.oauth import frontchannel_logout, redirect_uris
from doorkeep.oauth.context import Form
from doorkeep.oauth.logout import end_browser_sessions
from doorkeep.sessions import sso
from doorkeep.web import cookies, protocol
from doorkeep.web import locale as page_locale
from doorkeep.web.headers import frame_src_policy
from doorkeep.web.http import base_url, client_ip, in_transaction, issuer, not_found_realm, read_form, state
from doorkeep.web.login import display, error_page, html, open_realm

if TYPE_CHECKING:
    from doorkeep.console.i18n import Language
    from doorkeep.store.tx import Tx

BAD_HINT = "Invalid parameter: id_token_hint"  # Keycloak's invalidParameterMessage


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
        # Keycloak's LogoutEndpoint, in its order: a parameter that is present but empty still counts.
        hint, client_id = form.get("id_token_hint"), form.get("client_id")
        target = form.get("post_logout_redirect_uri")
        if target is not None and hint is None and client_id is None:
            return error_page(request, realm, "Missing parameters: id_token_hint")
        client = await tx.clients.get_by_client_id(realm.id, client_id) if client_id is not None else None
        forced = client_id is not None and client is None  # an unknown client_id: always ask
        needed = True  # a confirmation, unless the hint names an existing client (and agrees with client_id)
        sid: str | None = None
        if hint is not None:
            claims = await services.codec.verify(tx, realm.id, hint, internal=False)
            if claims is None or claims.get("iss") != iss or claims.get("typ") != "ID":
                return error_page(request, realm, BAD_HINT)
            sid = str(claims.get("sid")) if claims.get("sid") else None
            azp = claims.get("azp")
            if client_id is None:
                client = await tx.clients.get_by_client_id(realm.id, str(azp)) if azp else None
                needed = client is None
            elif azp is not None:
                if azp != client_id:
                    return error_page(request, realm, BAD_HINT)
                needed = False
        if target is not None and (client is None or not post_logout_allowed(target, client, base_url(request))):
            return error_page(request, realm, "Invalid redirect uri")
        current = await sso.current_session(tx, services, realm, iss, request.cookies.get(sso.IDENTITY_COOKIE))
        current_id = current[0].id if current else None
        if current_id is not None:  # a hint for another session than this browser's: the user must confirm
            forced = forced or (sid is not None and sid != current_id)
        elif hint is None and client is not None and target is not None:
            needed = False  # nothing to log out here: straight back to the client
        confirm = needed or forced
        if confirm and form.get("confirm") != "true":
            return _confirm_page(realm, request, form)
        if confirm and not _csrf_ok(request, form):
            return error_page(request, realm, "Invalid request: the form has expired. Please try again.")
        ending = [s for s in dict.fromkeys((sid, current_id)) if s]
        framed = await frontchannel_logout.notices(tx, ending, iss)  # read before the client sessions go
        await end_browser_sessions(
            tx,
            realm,
            ending,
            now=services.clock.now(),
            client_id=client.client_id if client else None,
            ip=client_ip(request),
            redirect_uri=target,
        )
        response = _after_logout(realm, target, form.get("state"), framed, page_locale.language(request, realm))
        cookies.expire(
            request, response, realm, cookies.IDENTITY, cookies.SESSION, cookies.AUTH_SESSION_ID, cookies.LOGOUT_CSRF
        )
        return response

    return await in_transaction(request, work)


def _after_logout(
    realm: Realm,
    target: str | None,
    given_state: str | None,
    framed: list[frontchannel_logout.Notice],
    ui: Language,
) -> Response:
    """OIDCLoginProtocol.finishBrowserLogout: the front-channel page when a client is framed, else
    LogoutUtil.sendResponseAfterLogoutFinished (the redirect, or "You are logged out")."""
    # Keycloak's getRedirectUriWithAttachedState: ``state`` a query parameter, before any fragment.
    final = redirect_uris.with_state(target, given_state) if target is not None and given_state else target
    if framed:
        response = html(pages.frontchannel_logout(display(realm), framed, final, ui=ui))
        response.headers["Content-Security-Policy"] = frame_src_policy(n.authority for n in framed)
        return response
    if final is not None:
        return RedirectResponse(final, 302)
    return html(pages.info(display(realm), "You are logged out", "You are logged out.", ui=ui))


def _confirm_page(realm: Realm, request: Request, form: Form) -> Response:
    token = secrets.token_urlsafe(24)
    hidden = {
        k: v
        for k in ("id_token_hint", "client_id", "post_logout_redirect_uri", "state")
        if (v := form.get(k)) is not None
    }
    action = f"{base_url(request)}/realms/{realm.name}/protocol/openid-connect/logout"
    ui = page_locale.language(request, realm)
    response = html(pages.logout_confirm(display(realm), action, token, hidden, ui=ui))
    cookies.write(request, response, realm, cookies.LOGOUT_CSRF, token)
    return response


def _csrf_ok(request: Request, form: object) -> bool:
    given = (form.get("session_code") or "").encode()  # type: ignore[attr-defined]
    expected = request.cookies.get(cookies.LOGOUT_CSRF.name, "").encode()
    return bool(expected) and hmac.compare_digest(given, expected)


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
    if await protocol._realm(request) is None:
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
    realm = await protocol._realm(request)
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
