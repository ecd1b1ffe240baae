"""What the identity brokering endpoints share (web/broker.py, web/broker_first_login.py): the login's tab as
IdentityBrokerService finds it again (SessionCodeChecks), the provider a login may use, the error event of an
answer without a tab, and the core's decisions (oauth/login_broker.py, oauth/login_broker_first.py) answered.
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from typing import TYPE_CHECKING

from starlette.requests import Request
from starlette.responses import Response

from doorkeep import events
from doorkeep.broker import providers as idp
from doorkeep.model import JSON, AuthSession, Client, Realm
from doorkeep.oauth.authorize import AuthRequest
from doorkeep.oauth.broker_steps import EXPIRED, Continue, Decision
from doorkeep.oauth.login_step import LoginSite
from doorkeep.web.http import client_ip, state
from doorkeep.web.login_pages import browser, current_tab, error_page
from doorkeep.web.login_responses import render

if TYPE_CHECKING:
    from doorkeep.store.tx import Tx


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


def site(request: Request, tx: Tx, realm: Realm, tab: Tab) -> LoginSite:
    """The login step's context for the core."""
    services = state(request).services
    return LoginSite(tx, services, realm, tab.client, tab.request, browser(request, tab.auth_session))


async def error_event(
    tx: Tx, request: Request, realm: Realm, client_id: str | None, error: str, **details: str | None
) -> None:
    """IDENTITY_PROVIDER_LOGIN_ERROR of an answer the core never sees (no tab, no state)."""
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
    if provider is None or not idp.runs(provider) or provider.get("linkOnly"):
        return None
    return provider


async def respond(request: Request, tx: Tx, realm: Realm, tab: Tab, decision: Decision | None) -> Response:
    """The core's decision answered: the login goes on (its page or its end), a first broker login page, or the
    timeout page when what the login needed is gone."""
    if decision is None:
        return error_page(request, realm, EXPIRED)
    if isinstance(decision, Continue):  # finishBrokerAuthentication: into a required action or consent by redirect
        args = (request, tx, realm, tab.client, decision.request, decision.outcome, tab.auth_session)
        return await render(*args, completes_flow=True)
    from doorkeep.web.broker_first_login import page  # that module answers this one's decisions too

    return await page(request, tx, realm, tab, decision)
