"""The authorization endpoint's browser side (Keycloak's AuthorizationEndpoint): the request parsed (a
``request_uri`` fetched, the client's keys) in a reading transaction, then checked, its refusal recorded, and
the login begun — the SSO session reused, the login form, the registration form (``prompt=create`` and the
registrations endpoint, AuthorizationEndpoint.buildRegister), or the "Forgot Password?" form (the forgot-credentials
endpoint, AuthorizationEndpoint.buildForgotCredential).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import TYPE_CHECKING

from doorkeep import features
from doorkeep.errors import OAuthError
from doorkeep.model import Client, Realm
from doorkeep.oauth import (
    authorize,
    login_events,
    login_flow,
    pushed_authorization,
    registration,
    request_object,
    request_parser,
)
from doorkeep.oauth.authorize import AuthorizeError, AuthRequest, RedirectingError
from doorkeep.oauth.client_keys import ClientKeys
from doorkeep.oauth.context import Form
from doorkeep.oauth.login_actions import ErrorPage
from doorkeep.oauth.login_outcomes import Browser, NeedLogin, NeedRegistration, Outcome
from doorkeep.sessions import remember_me, sso

if TYPE_CHECKING:
    from doorkeep.oauth.context import Services
    from doorkeep.store.tx import Tx


async def parse_request(
    tx: Tx, services: Services, realm: Realm, params: Form, base_url: str
) -> request_parser.Parsed | OAuthError | None:
    """The request parser's work that needs no write lock (fetching a ``request_uri``, the client's keys), in
    a reading transaction; None when there is no usable client (``validate`` then says which error)."""
    client_id = params.get("client_id")
    client = await tx.clients.get_by_client_id(realm.id, client_id) if client_id is not None else None
    if client is None:
        return None
    pushed = None
    request_uri = params.get("request_uri")
    if request_uri is not None and request_parser.is_par(request_uri):
        now = services.clock.now()
        found = await tx.pushed_requests.find(request_parser.pushed_key(request_uri), now)
        stored = found.params if found is not None and found.client_id == client.id else None
        age = now - found.created if found is not None else 0
        pushed = request_parser.Pushed(stored, age, pushed_authorization.lifespan(realm))
    try:
        keys = services.client_keys or ClientKeys(services.clock)
        decryption = request_object.realm_decryption(tx, services.keyring, realm.id)
        return await request_parser.parse(client, params, keys, base_url, pushed, decryption, services.oidc)
    except OAuthError as err:
        return err


@dataclass(frozen=True)
class Browsing:
    """What the browser brings to the authorization endpoint besides the request: where it is, its SSO cookies
    (``KEYCLOAK_IDENTITY``, ``KEYCLOAK_REMEMBER_ME``) and the language it picked (``kc_locale``)."""

    browser: Browser
    identity_cookie: str | None
    remember_me_cookie: str | None
    kc_locale: str | None


@dataclass(frozen=True)
class Invitation:
    """An organization invitation's registration link: the token as sent, the address it was sent to and the
    organization's name."""

    token: str
    email: str
    org_name: str


@dataclass(frozen=True)
class Started:
    """The login begun: its client, its request and its first page; ``registering``: the registration form,
    which starts a new session (the SSO cookies expire); ``forgetting``: the "Forgot Password?" form instead of
    the first page, which expires the SSO cookies too; ``identity``: what the identity cookie named
    (``sso.authenticate_cookie``: whether it expires, the session it logged out)."""

    client: Client
    request: AuthRequest
    outcome: Outcome
    registering: bool = False
    identity: sso.CookieVerdict = sso.NO_COOKIE
    forgetting: bool = False


async def start(
    tx: Tx,
    services: Services,
    realm: Realm,
    params: Form,
    parsed: request_parser.Parsed | OAuthError | None,
    browsing: Browsing,
    *,
    base_url: str,
    issuer: str,
    register: bool = False,
    admin_base: str | None = None,
    invitation: Invitation | None = None,
    forgot: bool = False,
) -> Started | RedirectingError | AuthorizeError | ErrorPage:
    """The request checked (a refusal recorded as LOGIN_ERROR and handed back), then the login begun."""
    ip = browsing.browser.ip_address
    kind = "REGISTER" if register else "RESET_PASSWORD" if forgot else "LOGIN"  # the refusal event's type
    try:
        now = services.clock.now()
        client, request = await authorize.validate(
            tx,
            realm,
            params,
            base_url,
            parsed,
            admin_base=admin_base,
            now=now,
            oidc=services.oidc,
            resource_indicators=features.RESOURCE_INDICATORS in services.enabled_features,
        )
    except RedirectingError as err:
        await login_events.refused_request(tx, services, realm, params, err, ip, kind)
        return err
    except AuthorizeError as err:
        await login_events.refused_page(tx, services, realm, params, err, ip, kind)
        return err
    request = dataclasses.replace(request, kc_locale=browsing.kc_locale)
    if register or params.get("prompt") == "create":
        if invitation is not None and register:  # an organization invitation registers in any realm
            request = dataclasses.replace(request, invitation=invitation.token, invitation_org=invitation.org_name)
            prefill = {"email": invitation.email}  # RegistrationPage.render: the invitation's address
        elif not realm.registration_allowed:
            return ErrorPage(registration.NOT_ALLOWED, request)
        else:
            prefill = login_flow.registration_prefill(request)
        request = dataclasses.replace(request, app_initiated_flow=login_flow.REGISTER)
        return Started(client, request, NeedRegistration(prefill), registering=True)
    if forgot:  # buildForgotCredential (prompt=create registers first): no SSO session looked at, the reset form
        request = dataclasses.replace(request, app_initiated_flow=login_flow.RESET_CREDENTIALS)
        return Started(client, request, NeedLogin(), forgetting=True)
    # createAuthenticationSession (a root gone) and CookieAuthenticator both run authenticateIdentityCookie
    identity = await sso.authenticate_cookie(tx, services, realm, issuer, browsing.identity_cookie)
    current = identity.found
    request = login_flow.pinned(realm, request, current, services.clock.now(), services.disabled_features)
    remembered = remember_me.remembered_username(browsing.remember_me_cookie)
    outcome = await login_flow.begin(tx, services, realm, client, request, current, browsing.browser, remembered)
    return Started(client, request, outcome, identity=identity)
