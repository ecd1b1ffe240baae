"""What the identity brokering endpoints share (web/broker.py, web/broker_first_login.py): the login's tab as
IdentityBrokerService finds it again (SessionCodeChecks), the provider a login may use, the events, the texts of
Keycloak's Messages, and the brokered user's way into Doorkeep's login completion.
"""

from __future__ import annotations

import dataclasses
import hmac
from dataclasses import dataclass
from typing import TYPE_CHECKING

from starlette.requests import Request
from starlette.responses import Response

from doorkeep import events
from doorkeep.broker import oidc
from doorkeep.broker import providers as idp
from doorkeep.model import JSON, AuthSession, Client, Realm, User
from doorkeep.oauth import login_completion
from doorkeep.oauth.authorize import AuthRequest
from doorkeep.oauth.login_step import StepContext
from doorkeep.web.http import client_ip, state
from doorkeep.web.login_pages import (
    browser,
    current_tab,
)
from doorkeep.web.login_responses import render

if TYPE_CHECKING:
    from doorkeep.store.tx import Tx

NOTE = "broker"  # the tab's note: the provider's alias, the state, the nonce, the PKCE verifier
CONTEXT = "brokered"  # the tab's note during a first broker login: the identity and the account it matches
CONFIRM_STEP, REAUTH_STEP = "idp-confirm-link", "idp-username-password-form"
INVALID_REQUEST = "Invalid Request"  # Messages.INVALID_REQUEST
EXPIRED = "Your login attempt timed out.  Login will start from the beginning."  # Messages.LOGIN_TIMEOUT
UNEXPECTED = "Unexpected error when authenticating with identity provider"
MISSING_STATE = "Missing state parameter in response from identity provider."
NOT_PROCEEDING = "Could not proceed with authentication request to identity provider."


@dataclass(frozen=True)
class Tab:
    """A live login of this browser, with its client and request."""

    auth_session: AuthSession
    client: Client
    request: AuthRequest


async def find_tab(request: Request, tx: Tx, realm: Realm, tab_id: str | None, code: str | None) -> Tab | None:
    found = await current_tab(request, tx, realm, tab_id=tab_id, code=code)
    if found is None or found.expires <= state(request).services.clock.now():
        return None
    if code is not None and not hmac.compare_digest(code.encode(), found.form_token.encode()):
        return None
    client = await tx.clients.get(found.client_id)
    if client is None or not client.enabled:
        return None
    return Tab(found, client, AuthRequest.from_json(found.request))


async def error_event(
    tx: Tx, request: Request, realm: Realm, client_id: str | None, error: str, **details: str | None
) -> None:
    """IDENTITY_PROVIDER_LOGIN_ERROR, as AbstractOAuth2IdentityProvider and IdentityBrokerService record it."""
    await events.record(
        tx,
        realm,
        "IDENTITY_PROVIDER_LOGIN_ERROR",
        now=state(request).services.clock.now(),
        client_id=client_id,
        ip=client_ip(request),
        error=error,
        details=details,
    )


def usable(realm: Realm, alias: str) -> JSON | None:
    """The provider a login may use: enabled and not link-only."""
    provider = idp.by_alias(realm, alias)
    if provider is None or not provider.get("enabled") or provider.get("linkOnly"):
        return None
    return provider


async def record(
    request: Request,
    tx: Tx,
    realm: Realm,
    tab: Tab,
    user: User | None,
    kind: str,
    config: oidc.Config,
    brokered: oidc.Identity,
    more: dict[str, str | None] | None = None,
) -> None:
    await events.record(
        tx,
        realm,
        kind,
        now=state(request).services.clock.now(),
        client_id=tab.client.client_id,
        user_id=user.id if user else None,
        ip=client_ip(request),
        details={
            "identity_provider": config.alias,
            "identity_provider_identity": brokered.username,
            "redirect_uri": tab.request.redirect_uri or None,
            "username": user.username if user else brokered.username,
            **(more or {}),
        },
    )


async def finish(
    request: Request, tx: Tx, realm: Realm, tab: Tab, user: User, alias: str, identity: str | None
) -> Response:
    """The brokered user is the login's user: Doorkeep's completion (required actions, consent, the code), the
    provider noted on the login for its LOGIN event."""
    login = dataclasses.replace(tab.request, identity_provider=alias, identity_provider_identity=identity)
    await tx.flows.replace_auth_request(tab.auth_session.id, login.to_json())
    ctx = StepContext(tx, state(request).services, realm, tab.client, login, user, browser(request, tab.auth_session))
    outcome = await login_completion.proceed(ctx)
    return await render(request, tx, realm, tab.client, login, outcome, tab.auth_session)
