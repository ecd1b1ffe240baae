"""Browser endpoints of identity brokering (Keycloak's IdentityBrokerService and AbstractOAuth2IdentityProvider's
Endpoint): ``/realms/{realm}/broker/{alias}/login`` sends the browser to the provider, ``/broker/{alias}/endpoint``
takes its answer (the first broker login's pages are web/broker_first_login.py), and the Identity Provider
Redirector (``kc_idp_hint``, its ``defaultProvider``) skips the login page. The calls to the provider (token, keys,
userinfo, OpenShift 4's metadata) are made between two transactions, never in one; the decisions are the core's
(oauth/login_broker.py). Where the browser turns out to go to an OpenShift 4 provider only inside a writing transaction
(the ``idp_link`` action's Continue), that transaction is rolled back, the metadata read outside any, and the request
run again with it handed in (fetch_outside.py): a slow cluster never holds SQLite's write lock.
"""

from __future__ import annotations

import functools
import json
import logging
import secrets
from typing import TYPE_CHECKING, Any

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from doorkeep import events, fetch_outside
from doorkeep.broker import claim_filter, client_assertion, linking, oidc, social
from doorkeep.broker import providers as idp
from doorkeep.model import JSON, AuthSession, Client, Realm
from doorkeep.oauth import client_data, login_actions, login_broker, login_outcomes, login_session
from doorkeep.oauth import login_tabs as login_tabs_rules
from doorkeep.oauth.authorize import AuthRequest
from doorkeep.oauth.broker_steps import (
    CONTEXT,
    EXPIRED,
    INVALID_REQUEST,
    MISSING_STATE,
    NOT_PROCEEDING,
    NOT_SENT,
    NOTE,
    UNEXPECTED,
)
from doorkeep.users import locale
from doorkeep.web import broker_link, broker_links, error_pages, login_tabs, not_found
from doorkeep.web import locale as web_locale
from doorkeep.web.broker_session import Tab, error_event, find_tab, respond, site, usable
from doorkeep.web.http import client_ip, in_transaction, state
from doorkeep.web.login_pages import (
    NO_BACK,
    TAB_ID,
    current_tab,
    error_page,
    open_realm,
    set_auth_cookie,
)

if TYPE_CHECKING:
    from doorkeep.store.tx import Tx

log = logging.getLogger(__name__)
SHORT_STATE = "requiresShortStateParameter"  # OAuth2IdentityProviderConfig: no client data in the state


async def begin(
    request: Request,
    tx: Tx,
    realm: Realm,
    tab: Tab,
    provider: JSON,
    link: dict[str, str] | None = None,
    ready: oidc.Config | oidc.BrokerError | None = None,
) -> Response:
    """IdentityBrokerService.performLogin: the state (IdentityBrokerState: a secret, the tab and the client), the
    nonce and the PKCE verifier noted on the tab (with what a link is for, web/broker_link.py), then the browser
    sent to the provider. ``ready``: the provider's config as ``oidc.prepared`` made it before the transaction;
    without it, the one read outside the transaction and handed in (``_handed_in``). A provider
    whose endpoints could not be read (OpenShift 4's metadata) is Keycloak's 500 "Could not send authentication
    request"."""
    prepared = ready if ready is not None else await _handed_in(request, provider)
    if isinstance(prepared, oidc.BrokerError):
        log.warning("identity provider %s: %s", provider.get("alias"), prepared)
        await error_event(
            tx,
            request,
            realm,
            tab.client.client_id,
            "couldNotSendAuthenticationRequestMessage",
            identity_provider=str(provider.get("alias")),
            reason=str(prepared),
        )
        return error_page(request, realm, NOT_SENT, 500, auth_request=tab.request)
    config = prepared
    short = str((provider.get("config") or {}).get(SHORT_STATE)).lower() == "true"
    data = None if short else client_data.encode(tab.request)
    state_value = login_broker.encode_state(secrets.token_urlsafe(16), tab.auth_session.id, tab.client, data)
    endpoint = broker_links.endpoint_url(request, realm, config.alias)
    tag = locale.resolve(realm, web_locale.asked(request, tab.request))
    started = oidc.start(config, endpoint, state_value, tab.request, tag)
    note: JSON = {"alias": config.alias, "state": state_value, "nonce": started.nonce, "verifier": started.verifier}
    if link is not None:
        note[linking.LINK_KEY] = link
    notes = {k: v for k, v in tab.auth_session.notes.items() if k != CONTEXT} | {NOTE: note}
    s = tab.auth_session
    await tx.flows.advance_auth_session(s.id, s.user_id, s.step, s.form_token, notes)
    await login_session.touch(tx, realm, s, state(request).services.clock.now())  # ClientSessionCode.setAction
    response = RedirectResponse(started.url, 302)
    response.headers["Cache-Control"] = NO_BACK
    return response


async def login(request: Request) -> Response:
    """GET ``/broker/{alias}/login?session_code&client_id&tab_id``: the login page's provider button."""
    realm = await open_realm(request)
    if isinstance(realm, Response):
        return realm
    alias, q = request.path_params["alias"], request.query_params

    async def live(tx: Tx) -> bool:  # performLogin parses the session code before it makes the provider
        tx.config.bind(realm)
        tab = await find_tab(request, tx, realm, q.get(TAB_ID), q.get("session_code") or "")
        return tab is not None and _active(request, realm, tab)

    provider = usable(realm, alias)
    asks = provider is not None and social.discovers(str(provider.get("providerId")))
    ready = await prepared_config(realm, alias) if asks and await in_transaction(request, live, write=False) else None

    async def work(tx: Tx) -> Response:
        tx.config.bind(realm)
        code = q.get("session_code")
        if not code or not q.get("client_id") or not q.get(TAB_ID):
            return error_page(request, realm, INVALID_REQUEST)
        tab = await find_tab(request, tx, realm, q.get(TAB_ID), code)
        if tab is None:
            return await _gone(request, tx, realm) or error_page(request, realm, EXPIRED)
        if not _active(request, realm, tab):
            return await _timed_out(request, tx, realm, tab)
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
        return await begin(request, tx, realm, tab, provider, ready=ready)

    return await in_transaction(request, work)


# Where a request's scope keeps the configs read outside its writing transaction, by provider (``_key``).
PREPARED = "doorkeep.prepared_providers"


def _key(provider: JSON) -> str:
    """The provider as the transaction read it: a config changed between two runs is read again."""
    return json.dumps(provider, sort_keys=True, default=str)


async def _handed_in(request: Request, provider: JSON) -> oidc.Config | oidc.BrokerError:
    """The config of ``provider`` for ``begin``. One that reads its endpoints from its server (OpenShift 4) is read
    outside the writing transaction (fetch_outside.py: rolled back, read, run again), kept in the request's scope."""
    if not social.discovers(str(provider.get("providerId"))) or not fetch_outside.deferring():
        return await oidc.prepared(provider)
    kept: dict[str, oidc.Config | oidc.BrokerError] = request.scope.setdefault(PREPARED, {})
    found = kept.get(_key(provider))
    if found is None:

        async def read() -> None:
            kept[_key(provider)] = await oidc.prepared(provider)

        raise fetch_outside.FetchOutside(f"the metadata of identity provider {provider.get('alias')}", read)
    return found


async def prepared_config(
    realm: Realm, alias: str, provider: JSON | None = None
) -> oidc.Config | oidc.BrokerError | None:
    """The config of a provider that reads its endpoints from its server (OpenShift 4), read now, before any
    transaction; None for the others, whose config needs no call."""
    provider = provider or usable(realm, alias)
    if provider is None or not social.discovers(str(provider.get("providerId"))):
        return None
    return await oidc.prepared(provider)


async def endpoint(request: Request) -> Response:
    """GET ``/broker/{alias}/endpoint?code&state`` (AbstractOAuth2IdentityProvider.Endpoint.authResponse): the tab
    the state names read, the provider asked (outside any transaction), then the core's decision answered."""
    realm = await open_realm(request)
    if isinstance(realm, Response):
        return realm
    alias, q = request.path_params["alias"], request.query_params
    services = state(request).services
    known = idp.by_alias(realm, alias)
    ready = await prepared_config(realm, alias, known) if known is not None and idp.runs(known) else None
    if known is None:  # getEndpoint: getIdentityProvider's "not found", a NotFoundException, before the state
        return await not_found.not_found_exception(request, f"Identity Provider [{alias}] not found.")
    if isinstance(ready, oidc.BrokerError):  # getEndpoint: the provider cannot be made, a NotFoundException
        log.warning("identity provider %s: %s", alias, ready)
        return await error_pages.page(request, 404)
    state_value = q.get("state")
    parsed = login_broker.state_parts(state_value) if state_value else None

    async def no_state(tx: Tx) -> Response:
        await error_event(tx, request, realm, None, "identity_provider_login_failure", identity_provider=alias)
        return error_page(request, realm, MISSING_STATE, 502)

    if not state_value:
        return await in_transaction(request, no_state)

    async def read(tx: Tx) -> Tab | Response | None:
        tx.config.bind(realm)
        tab = await find_tab(request, tx, realm, parsed.tab_id, None) if parsed else None
        if tab is None and parsed is not None and await _tab_gone(request, tx, realm, parsed.tab_id):
            return None
        if tab is None or not login_broker.state_matches(tab.auth_session, alias, state_value):
            return error_page(request, realm, INVALID_REQUEST)
        return tab

    found = await in_transaction(request, read, write=False)
    if found is None and parsed is not None:  # getAndVerifyAuthenticationSession: parseSessionCode's answer

        async def gone(tx: Tx) -> Response:
            return await _gone(request, tx, realm, parsed) or error_page(request, realm, INVALID_REQUEST)

        return await in_transaction(request, gone)
    if not isinstance(found, Tab):
        return found or error_page(request, realm, INVALID_REQUEST)
    note = login_broker.noted(found.auth_session)
    if linking.LINK_KEY not in note and not _active(request, realm, found):  # before the provider is asked

        async def expired(tx: Tx) -> Response:
            tab = await find_tab(request, tx, realm, found.auth_session.id, None)
            if tab is None or not login_broker.state_matches(tab.auth_session, alias, state_value):
                return error_page(request, realm, INVALID_REQUEST)
            return await _timed_out(request, tx, realm, tab)

        return await in_transaction(request, expired)
    provider = usable(realm, alias) if linking.LINK_KEY not in note else linking.enabled(realm, alias)
    error = q.get("error")
    if provider is None or error is not None or not q.get("code"):

        async def refused(tx: Tx) -> Response:
            tab = await find_tab(request, tx, realm, found.auth_session.id, None)
            if tab is None:
                return error_page(request, realm, EXPIRED)
            if provider is not None and login_broker.asks_retry(error, q.get("error_description")):
                return await _retry(request, tx, realm, tab, provider)
            if provider is not None and error == "access_denied" and _action_link(note):
                await login_broker.forget_note(tx, tab.auth_session)
                return await broker_link.action_cancelled(request, tx, realm, tab, note, alias)
            answer = await login_broker.refused(
                site(request, tx, realm, tab), tab.auth_session, alias, error, bool(provider)
            )
            return await respond(request, tx, realm, tab, answer)

        return await in_transaction(request, refused)
    config = oidc.with_vault(ready or oidc.Config.of(provider), services.vault, realm.name)
    config = await with_client_key(request, realm, config)
    try:
        endpoint_url = broker_links.endpoint_url(request, realm, alias)
        verifier, nonce = note.get("verifier"), str(note.get("nonce"))
        now = services.clock.now()
        keys = services.client_keys  # the provider's JWK set kept, not fetched for each login
        lookup = functools.partial(keys.provider_key, realm.id, provider) if keys is not None else None
        find = functools.partial(decryption_key, request, realm)
        brokered = await oidc.authenticate(
            config, q["code"], endpoint_url, verifier, nonce, now, found.request, lookup=lookup, find=find
        )
    except oidc.BrokerError as err:
        log.warning("identity provider %s: %s", alias, err)
        reason = str(err)
        shown = claim_filter.UNMATCHED if isinstance(err, claim_filter.UnmatchedClaim) else UNEXPECTED

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
            return error_page(request, realm, shown, 502, auth_request=found.request)

        return await in_transaction(request, failed)

    async def authenticated(tx: Tx) -> Response:
        tx.config.bind(realm)
        tab = await find_tab(request, tx, realm, found.auth_session.id, None)
        if tab is None:
            return error_page(request, realm, EXPIRED)
        if linking.LINK_KEY in note:  # a link: the state is good for one answer, then the link is made
            if login_broker.noted(tab.auth_session).get("state") != note.get("state"):
                return error_page(request, realm, EXPIRED)
            await login_broker.forget_note(tx, tab.auth_session)
            if note[linking.LINK_KEY].get(broker_link.AIA):
                return await broker_link.action_finished(request, tx, realm, tab, note, config, brokered)
            return await broker_link.finished(request, tx, realm, note, config, brokered)
        here = site(request, tx, realm, tab)
        decision = await login_broker.authenticated(here, tab.auth_session, str(note.get("state")), config, brokered)
        return await respond(request, tx, realm, tab, login_broker.passive(decision, here.request))

    return await in_transaction(request, authenticated)


async def with_client_key(request: Request, realm: Realm, config: oidc.Config) -> oidc.Config:
    """The config with what a signed client assertion needs of the realm (``client_key``) and its
    accessCodeLifespan, the assertion's lifetime."""
    key = await client_key(request, realm, config.client_auth_method, config.extra)
    return oidc.with_client_key(config, key, realm.access_code_lifespan)


async def client_key(request: Request, realm: Realm, method: str, extra: JSON) -> client_assertion.RealmKey | None:
    """The realm's key a ``private_key_jwt`` client assertion is signed with, read in a transaction of its own (one
    that may make the realm's fallback key of the algorithm) before the provider is called; None for any other
    client authentication."""
    if client_assertion.realm_alg(method, extra) is None:
        return None
    services = state(request).services

    async def read(tx: Tx) -> client_assertion.RealmKey | None:
        now = services.clock.now()
        return await client_assertion.realm_key(tx, services.keyring, realm.id, realm.name, method, extra, now)

    return await in_transaction(request, read)


async def decryption_key(request: Request, realm: Realm, kid: str | None, alg: str) -> object | None:
    """parseTokenInput's key for a provider's JWE: the realm's encryption key ``kid`` (without one, its asymmetric
    encryption key of the highest priority) registered for ``alg``, read in a transaction of its own."""
    keyring = state(request).services.keyring

    async def read(tx: Tx) -> object | None:
        key = await keyring.request_decryption_key(tx, realm.id, kid)
        if key is None or isinstance(key.signing, bytes) or key.algorithm != alg:
            return None
        found: object = key.signing
        return found

    return await in_transaction(request, read, write=False)


async def _tab_gone(request: Request, tx: Tx, realm: Realm, tab_id: str | None = None) -> bool:
    """No live login in the tab (the URL's, unless given) of this browser: none, or past its lifetime."""
    found = await current_tab(request, tx, realm, tab_id=tab_id)
    return found is None or found.expires <= state(request).services.clock.now()


async def _gone(
    request: Request, tx: Tx, realm: Realm, carried: login_broker.StateParts | None = None
) -> Response | None:
    """A tab whose login is gone or expired, at the provider button or in the provider's answer (performLogin's
    parseSessionCode and getAndVerifyAuthenticationSession, as SessionCodeChecks.initialVerifyAuthSession): a login
    finished in this browser since answers the tab's client with ``temporarily_unavailable`` (by the link's
    ``client_data``, or the one the state carried) or "You are already logged in."; else, at the button, the login
    begins again from KC_RESTART, its form saying the login timed out. None for a live tab (a stale code) and for
    an answer to nobody signed in."""
    from doorkeep.web.login import restart_from_cookie  # web/login imports this module

    tab_id = carried.tab_id if carried is not None else None
    if not await _tab_gone(request, tx, realm, tab_id):
        return None
    # The provider's answer: the tab is gone (Keycloak's expired authentication session is), the state says whose
    found = await current_tab(request, tx, realm) if carried is None else None
    named = None if carried is None else (await _client_id(tx, realm, carried), carried.client_data)
    answered = await login_tabs.already_logged_in(request, tx, realm, login_tabs_rules.BROKER, found, named)
    if answered is not None or carried is not None:
        # An answer naming a tab this browser never had, nobody signed in here: still the forged state's "Invalid
        # Request" (Keycloak restarts from KC_RESTART here too; no restart is begun by a third party's link)
        return answered
    return await restart_from_cookie(request, tx, realm, found, login_tabs_rules.BROKER)


async def _client_id(tx: Tx, realm: Realm, parts: login_broker.StateParts) -> str | None:
    """IdentityBrokerState.encoded's client: the client of that id, else the ``client_id`` the state spells."""
    uuid = parts.client_uuid()
    client = await tx.clients.get(uuid) if uuid is not None else None
    return client.client_id if client is not None and client.realm_id == realm.id else parts.client_id()


def _action_link(note: dict[str, Any]) -> bool:
    """Whether the provider was asked for the ``idp_link`` application-initiated action (IdentityBrokerService's
    isDoingAccountLinking for a ``kc_action``)."""
    link = note.get(linking.LINK_KEY)
    return isinstance(link, dict) and bool(link.get(broker_link.AIA))


async def _retry(request: Request, tx: Tx, realm: Realm, tab: Tab, provider: JSON) -> Response:
    """IdentityBrokerService.retryLogin: the provider's ``authentication_expired`` for a login still alive here is
    asked again of the provider (a new state), IDENTITY_PROVIDER_LOGIN with ``login_retry``."""
    answer = await begin(request, tx, realm, tab, provider)
    if answer.status_code == 302:
        details = {"identity_provider": str(provider.get("alias")), "login_retry": "true"}
        now = state(request).services.clock.now()
        ip = client_ip(request)
        await events.record(
            tx, realm, "IDENTITY_PROVIDER_LOGIN", now=now, client_id=tab.client.client_id, ip=ip, details=details
        )
    return answer


def _active(request: Request, realm: Realm, tab: Tab) -> bool:
    """IdentityBrokerService.parseSessionCode: verifyActiveAndValidAction(AUTHENTICATE, LOGIN), the Login timeout
    from the root's last step (the login page's code, or the redirect to the provider for its answer)."""
    now = state(request).services.clock.now()
    return login_session.action_active(realm, tab.auth_session, login_session.LOGIN_ACTION, now)


async def _timed_out(request: Request, tx: Tx, realm: Realm, tab: Tab) -> Response:
    """Past the Login timeout: IDENTITY_PROVIDER_LOGIN_ERROR ``expired_code``, the flow reset (the provider's state
    forgotten with the tab's notes) and the browser sent to the tab's login form, which says the login timed out."""
    expired = login_actions.TimedOut(tab.auth_session, tab.client)
    return await login_tabs.timed_out(request, tx, realm, expired, login_tabs_rules.BROKER)


async def redirector(
    request: Request, tx: Tx, realm: Realm, client: Client, auth_request: AuthRequest
) -> Response | None:
    """IdentityProviderAuthenticator: the login's tab is made, in the root the authorization endpoint picks for it
    (``login_pages.root_for_authorization``, as createAuthenticationSession made it before the flow ran), and the
    browser sent (303) to ``/broker/{alias}/login`` of the provider the redirector picks
    (oauth/login_broker.redirector_target); None when it picks none and the login page shows."""
    hint_sent = "kc_idp_hint" in request.query_params
    alias = login_broker.redirector_target(realm, client, auth_request, hint_sent)
    if alias is None:
        return None
    return await send_to_provider(request, tx, realm, client, auth_request, alias, None, authorization=True)


async def forward_passive(
    request: Request, tx: Tx, realm: Realm, client: Client, auth_request: AuthRequest
) -> Response | None:
    """KEYCLOAK-8043: ``prompt=none`` with no session here, and the Identity Provider Redirector picks a provider
    with ``acceptsPromptNoneForwardFromClient``: the browser goes to it (the request's ``prompt=none`` passed on
    with the others, broker/forwarding.py) instead of back to the client with ``login_required``. None otherwise."""
    hint_sent = "kc_idp_hint" in request.query_params
    alias = login_broker.redirector_target(realm, client, auth_request, hint_sent)
    if alias is None or not login_broker.accepts_prompt_none(realm, alias):
        return None
    return await send_to_provider(request, tx, realm, client, auth_request, alias, None, authorization=True)


async def send_to_provider(
    request: Request,
    tx: Tx,
    realm: Realm,
    client: Client,
    auth_request: AuthRequest,
    alias: str,
    auth_session: AuthSession | None,
    *,
    authorization: bool = False,
) -> Response:
    """IdentityProviderAuthenticator.redirect: the login's tab (made now for a login that starts here, at the
    authorization endpoint in the root it picks) keeps the request as it stands (its ``login_hint``), and the
    browser goes (303) to ``/broker/{alias}/login``."""
    from doorkeep.web.login_pages import root_for_authorization, root_for_new_tab

    now = state(request).services.clock.now()
    if auth_session is not None:
        root = auth_session.root
    else:
        root = await (root_for_authorization if authorization else root_for_new_tab)(request, tx, realm)
    shown = login_outcomes.NeedLogin(request=auth_request)
    waiting = await login_session.wait_for(tx, realm, client, auth_request, shown, auth_session, now, root_id=root)
    if auth_session is not None:  # a tab already waiting: its request now carries the hint
        await tx.flows.replace_auth_request(auth_session.id, auth_request.to_json())
    response = RedirectResponse(broker_links.login_url(request, realm, alias, waiting.auth_session, client), 303)
    response.headers["Cache-Control"] = NO_BACK
    await set_auth_cookie(response, request, tx, realm, waiting.auth_session)
    return response
