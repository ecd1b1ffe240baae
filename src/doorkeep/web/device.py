"""The device verification pages at /realms/{realm}/device (RFC 8628 §3.3; Keycloak's DeviceEndpoint).

The user types the code the device shows (or arrives with it in ``verification_uri_complete``), then logs in
through the ordinary browser login (SSO cookie, CSRF-protected forms, consent), and ends on the status page.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from starlette.requests import Request
from starlette.responses import Response

from doorkeep.console import pages
from doorkeep.oauth import device_verification, login_flow
from doorkeep.sessions import sso
from doorkeep.web import locale as page_locale
from doorkeep.web.http import base_url, client_ip, in_transaction, issuer, state
from doorkeep.web.login_pages import browser, display, html, open_form, open_realm
from doorkeep.web.login_responses import render

if TYPE_CHECKING:
    from doorkeep.console.i18n import Language
    from doorkeep.model import Realm
    from doorkeep.store.tx import Tx

NO_BACK = {"Cache-Control": "no-store, must-revalidate, max-age=0"}  # CacheControlUtil.noBackButtonCacheControlHeader


def ui(request: Request, realm: Realm) -> Language:
    """The device pages' language; a GET's locale dropdown opens the same URL again with ``kc_locale``."""
    switch = page_locale.current_url(request) if request.method == "GET" else None
    return page_locale.language(request, realm, switch_to=switch)


def code_page(request: Request, realm: Realm, error: str | None = None) -> Response:
    action = f"{base_url(request)}/realms/{realm.name}/device"
    response = html(pages.device_code(display(realm), action, error, ui=ui(request, realm)))
    response.headers.update(NO_BACK)
    return response


async def verify(request: Request, realm: Realm, typed: str | None) -> Response:
    """No code: the page asking for it. A code: Keycloak's checks, then the login for the device's client."""
    if not typed:
        return code_page(request, realm)
    services = state(request).services
    iss = issuer(request, realm.name)

    async def work(tx: Tx) -> Response:
        tx.config.bind(realm)
        now = services.clock.now()
        found = await device_verification.verify_user_code(tx, realm, typed, now, client_ip(request))
        if isinstance(found, str):
            return code_page(request, realm, found)
        client, auth_request = found
        current = await sso.current_session(tx, services, realm, iss, request.cookies.get(sso.IDENTITY_COOKIE))
        auth_request = login_flow.pinned(realm, auth_request, current, now, services.disabled_features)
        outcome = await login_flow.begin(tx, services, realm, client, auth_request, current, browser(request))
        # the flow run at once (an SSO cookie) reaches a required action or the consent screen by the redirect
        response = await render(request, tx, realm, client, auth_request, outcome, None, completes_flow=True)
        response.headers.update(NO_BACK)
        return response

    return await in_transaction(request, work)


async def verification_page(request: Request) -> Response:
    realm = await open_realm(request)
    if isinstance(realm, Response):
        return realm
    return await verify(request, realm, request.query_params.get("user_code"))


async def verification_form(request: Request) -> Response:
    """The code page's form; its Cancel button ends on Keycloak's consent-denied page."""
    opened = await open_form(request)
    if isinstance(opened, Response):
        return opened
    realm, form = opened
    if form.get("cancel") is not None:
        return failed_page(request, realm, device_verification.CONSENT_DENIED)
    return await verify(request, realm, form.get("device_user_code"))


async def status(request: Request) -> Response:
    """Where a device login ends (DeviceEndpoint.status): success, or the failure the ``error`` names."""
    realm = await open_realm(request)
    if isinstance(realm, Response):
        return realm
    error = request.query_params.get("error")
    if error:
        return failed_page(request, realm, device_verification.STATUS_MESSAGES.get(error, device_verification.FAILED))
    complete = device_verification.COMPLETE
    return html(pages.info(display(realm), device_verification.COMPLETE_HEADER, complete, ui=ui(request, realm)))


def failed_page(request: Request, realm: Realm, message: str) -> Response:
    """ "Device Login Failed" with the message, and Keycloak's link back to the code page (its restart URI)."""
    restart = f"{base_url(request)}/realms/{realm.name}/device"
    page = pages.info(
        display(realm), device_verification.FAILED_HEADER, message, action_uri=restart, ui=ui(request, realm)
    )
    return html(page)
