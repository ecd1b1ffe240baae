"""Browser endpoints of identity brokering (Keycloak's IdentityBrokerService and AbstractOAuth2IdentityProvider's
Endpoint): ``/realms/{realm}/broker/{alias}/login`` sends the browser to the provider, ``/broker/{alias}/endpoint``
takes its answer (its "Account already exists" pages are web/broker_first_login.py), and ``kc_idp_hint`` skips the
login page. The calls to the provider (token, keys, userinfo) are made between two transactions, never in one.
"""

from __future__ import annotations

import hmac
import logging
import secrets
from typing import TYPE_CHECKING, Any

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from doorkeep.broker import first_login, oidc
from doorkeep.model import JSON, AuthSession, Client, Realm
from doorkeep.oauth import login_outcomes
from doorkeep.oauth.authorize import AuthRequest
from doorkeep.oauth.login_password import ACCOUNT_DISABLED
from doorkeep.web import broker_links
from doorkeep.web.broker_first_login import page
from doorkeep.web.broker_session import (
    CONFIRM_STEP,
    CONTEXT,
    EXPIRED,
    INVALID_REQUEST,
    MISSING_STATE,
    NOT_PROCEEDING,
    NOTE,
    UNEXPECTED,
    Tab,
    error_event,
    find_tab,
    finish,
    record,
    usable,
)
from doorkeep.web.http import in_transaction, state
from doorkeep.web.login_pages import (
    NO_BACK,
    TAB_ID,
    error_page,
    open_realm,
    set_auth_cookie,
)
from doorkeep.web.login_responses import render

if TYPE_CHECKING:
    from doorkeep.store.tx import Tx

log = logging.getLogger(__name__)


async def begin(request: Request, tx: Tx, realm: Realm, tab: Tab, provider: JSON) -> Response:
    """IdentityBrokerService.performLogin: the state (IdentityBrokerState: a secret, the tab and the client), the
    nonce and the PKCE verifier noted on the tab, then the browser sent to the provider."""
    config = oidc.Config.of(provider)
    secret = secrets.token_urlsafe(16)
    state_value = f"{secret}.{tab.auth_session.id}.{tab.client.client_id}"
    endpoint = broker_links.endpoint_url(request, realm, config.alias)
    started = oidc.start(config, endpoint, state_value, tab.request.login_hint)
    note = {"alias": config.alias, "state": state_value, "nonce": started.nonce, "verifier": started.verifier}
    notes = {k: v for k, v in tab.auth_session.notes.items() if k != CONTEXT} | {NOTE: note}
    s = tab.auth_session
    await tx.flows.advance_auth_session(s.id, s.user_id, s.step, s.form_token, notes)
    response = RedirectResponse(started.url, 302)
    response.headers["Cache-Control"] = NO_BACK
    return response


async def login(request: Request) -> Response:
    """GET ``/broker/{alias}/login?session_code&client_id&tab_id``: the login page's provider button."""
    realm = await open_realm(request)
    if isinstance(realm, Response):
        return realm
    alias, q = request.path_params["alias"], request.query_params

    async def work(tx: Tx) -> Response:
        tx.config.bind(realm)
        code = q.get("session_code")
        if not code or not q.get("client_id") or not q.get(TAB_ID):
            return error_page(request, realm, INVALID_REQUEST)
        tab = await find_tab(request, tx, realm, q.get(TAB_ID), code)
        if tab is None:
            return error_page(request, realm, EXPIRED)
        provider = usable(realm, alias)
        if provider is None:  # IdentityBrokerException: not found, disabled or link-only
            await error_event(
                tx,
                request,
                realm,
                tab.client.client_id,
                "couldNotProceedWithAuthenticationRequestMessage",
                identity_provider=alias,
            )
            return error_page(request, realm, NOT_PROCEEDING, auth_request=tab.request)
        return await begin(request, tx, realm, tab, provider)

    return await in_transaction(request, work)


def _parts(value: str) -> tuple[str, str] | None:
    """IdentityBrokerState.encoded: the tab id and the client id of a state."""
    parts = value.split(".", 2)
    return (parts[1], parts[2]) if len(parts) == 3 and all(parts) else None


async def endpoint(request: Request) -> Response:
    """GET ``/broker/{alias}/endpoint?code&state`` (AbstractOAuth2IdentityProvider.Endpoint.authResponse)."""
    realm = await open_realm(request)
    if isinstance(realm, Response):
        return realm
    alias, q = request.path_params["alias"], request.query_params
    services = state(request).services
    state_value = q.get("state")
    parsed = _parts(state_value) if state_value else None

    async def no_state(tx: Tx) -> Response:
        await error_event(tx, request, realm, None, "identity_provider_login_failure", identity_provider=alias)
        return error_page(request, realm, MISSING_STATE, 502)

    if not state_value:
        return await in_transaction(request, no_state)

    async def read(tx: Tx) -> Tab | Response:
        tx.config.bind(realm)
        tab = await find_tab(request, tx, realm, parsed[0], None) if parsed else None
        note = tab.auth_session.notes.get(NOTE) if tab else None
        if tab is None or not isinstance(note, dict) or note.get("alias") != alias:
            return error_page(request, realm, INVALID_REQUEST)
        if not hmac.compare_digest(str(note.get("state")).encode(), state_value.encode()):
            return error_page(request, realm, INVALID_REQUEST)
        return tab

    found = await in_transaction(request, read, write=False)
    if isinstance(found, Response):
        return found
    provider = usable(realm, alias)
    note: dict[str, Any] = found.auth_session.notes[NOTE]
    error = q.get("error")
    if provider is None or error is not None or not q.get("code"):
        return await in_transaction(request, lambda tx: _refused(request, tx, realm, found, alias, error, provider))
    config = oidc.Config.of(provider)
    try:
        endpoint_url = broker_links.endpoint_url(request, realm, alias)
        verifier, nonce = note.get("verifier"), str(note.get("nonce"))
        brokered = await oidc.authenticate(config, q["code"], endpoint_url, verifier, nonce, services.clock.now())
    except oidc.BrokerError as err:
        log.warning("identity provider %s: %s", alias, err)
        reason = str(err)

        async def failed(tx: Tx) -> Response:
            await error_event(
                tx,
                request,
                realm,
                found.client.client_id,
                "identity_provider_login_failure",
                identity_provider=alias,
                reason=reason,
            )
            return error_page(request, realm, UNEXPECTED, 502, auth_request=found.request)

        return await in_transaction(request, failed)
    return await in_transaction(request, lambda tx: _authenticated(request, tx, realm, found, config, brokered))


async def _refused(
    request: Request, tx: Tx, realm: Realm, found: Tab, alias: str, error: str | None, provider: JSON | None
) -> Response:
    """The provider refused (``access_denied``: the user cancelled, the login page again, as
    IdentityBrokerService.cancelled) or failed (the login page with "Unexpected error…", as its ``error``)."""
    tab = await find_tab(request, tx, realm, found.auth_session.id, None)
    if tab is None:
        return error_page(request, realm, EXPIRED)
    await _forget_note(tx, tab.auth_session)
    message = None
    if provider is None or error != "access_denied":
        message = UNEXPECTED
        await error_event(
            tx, request, realm, tab.client.client_id, "identity_provider_error", identity_provider=alias, reason=error
        )
    outcome = login_outcomes.NeedLogin(error=message)
    return await render(request, tx, realm, tab.client, tab.request, outcome, tab.auth_session)


async def _forget_note(tx: Tx, s: AuthSession) -> None:
    """The state is good for one answer."""
    notes = {k: v for k, v in s.notes.items() if k != NOTE}
    await tx.flows.advance_auth_session(s.id, s.user_id, s.step, s.form_token, notes)


async def _authenticated(
    request: Request, tx: Tx, realm: Realm, found: Tab, config: oidc.Config, brokered: oidc.Identity
) -> Response:
    """IdentityBrokerService.authenticated: the linked user logs in; a new identity runs the first broker login."""
    tx.config.bind(realm)
    tab = await find_tab(request, tx, realm, found.auth_session.id, None)
    note = tab.auth_session.notes.get(NOTE) if tab else None
    if tab is None or not isinstance(note, dict) or note.get("state") != found.auth_session.notes[NOTE]["state"]:
        return error_page(request, realm, EXPIRED)  # the state was used meanwhile
    await _forget_note(tx, tab.auth_session)
    user = await first_login.linked_user(tx, realm, config, brokered)
    if user is not None:
        if not user.enabled:
            await error_event(tx, request, realm, tab.client.client_id, "user_disabled", identity_provider=config.alias)
            outcome = login_outcomes.NeedLogin(error=ACCOUNT_DISABLED)
            return await render(request, tx, realm, tab.client, tab.request, outcome, tab.auth_session)
        await first_login.refresh_token(tx, config, brokered, user)
        return await finish(request, tx, realm, tab, user, config.alias, brokered.username)
    await record(request, tx, realm, tab, None, "IDENTITY_PROVIDER_FIRST_LOGIN", config, brokered)
    clash = await first_login.existing(tx, realm, brokered)
    if clash is None:
        now = state(request).services.clock.now()
        user = await first_login.create(tx, realm, config, brokered, now)
        more = {"register_method": "broker", "email": user.email}
        await record(request, tx, realm, tab, user, "REGISTER", config, brokered, more)
        return await finish(request, tx, realm, tab, user, config.alias, brokered.username)
    context = {
        "alias": config.alias,
        "id": brokered.id,
        "username": brokered.username,
        "token": brokered.token,
        "existing": clash.user.id,
        "attribute": clash.attribute,
        "value": clash.value,
    }
    return await page(request, tx, realm, tab, CONFIRM_STEP, context)


async def idp_hint(
    request: Request, tx: Tx, realm: Realm, client: Client, auth_request: AuthRequest
) -> Response | None:
    """IdentityProviderAuthenticator: ``kc_idp_hint`` naming a usable provider skips the login page; the login's
    tab is made, and the browser goes straight to the provider. Any other hint is ignored."""
    hint = auth_request.kc_idp_hint
    provider = usable(realm, hint) if hint else None
    if provider is None:
        return None
    from doorkeep.oauth import login_session
    from doorkeep.web.login_pages import root_for_new_tab

    now = state(request).services.clock.now()
    root = await root_for_new_tab(request, tx, realm)
    waiting = await login_session.wait_for(
        tx, realm, client, auth_request, login_outcomes.NeedLogin(), None, now, root_id=root
    )
    tab = Tab(waiting.auth_session, client, waiting.request)
    response = await begin(request, tx, realm, tab, provider)
    await set_auth_cookie(response, request, tx, realm, waiting.auth_session)
    return response
