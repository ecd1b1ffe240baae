"""What every e-mailed link's handler works with (Keycloak's ActionTokenContext), in one place for the links of
web/action_token.py and the organization invitation of web/org_invite_token.py: the checked token, its user and
client, the browser's authentication session, and the steps they share (the event, the confirmation page, the
login carried on in the link's authentication session).
"""

from __future__ import annotations

import dataclasses
import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from starlette.requests import Request
from starlette.responses import Response

from doorkeep import events
from doorkeep.email import action_tokens
from doorkeep.email.action_tokens import ActionToken, Refusal
from doorkeep.model import AuthSession, Client, Realm, User
from doorkeep.oauth import login_completion, login_session, redirect_uris
from doorkeep.oauth.authorize import AuthRequest
from doorkeep.oauth.login_session import new_tab_id
from doorkeep.oauth.login_step import StepContext
from doorkeep.web.http import client_ip, issuer
from doorkeep.web.login_pages import action_url, browser, html, root_for_new_tab, set_auth_cookie
from doorkeep.web.login_responses import render

if TYPE_CHECKING:
    from doorkeep.oauth.context import Services
    from doorkeep.store.tx import Tx

STEP = "action-token"  # the authentication session waits for the confirmed link


@dataclass(frozen=True)
class Link:
    """A link whose token, user and client passed the checks (ActionTokenContext): what its handler is given.
    ``auth_session``: the browser's authentication session (the one the token names, when the browser has it)."""

    request: Request
    tx: Tx
    services: Services
    realm: Realm
    client: Client
    user: User
    token: ActionToken
    auth_session: AuthSession | None

    async def record(
        self, type: str, *, error: str | None = None, details: dict[str, str | None] | None = None
    ) -> None:
        """The handler's event, naming the link's client."""
        ip = client_ip(self.request)
        await record_event(
            self.tx,
            self.services,
            self.realm,
            type,
            ip,
            token=self.token,
            error=error,
            client_id=self.client.client_id,
            details=details,
        )


Handler = Callable[[Link], Awaitable[Response]]


async def record_event(
    tx: Tx,
    services: Services,
    realm: Realm,
    type: str,
    ip: str,
    *,
    token: ActionToken | Refusal | None = None,
    error: str | None = None,
    client_id: str | None = None,
    details: dict[str, str | None] | None = None,
) -> None:
    """handleActionToken's event: the token's id and action (``token_id``, ``action``) and user, then the
    handler's own details."""
    known: dict[str, str | None] = {}
    if token is not None:
        known = {"token_id": token.token_id or None, "action": token.action}
    await events.record(
        tx,
        realm,
        f"{type}_ERROR" if error else type,
        now=services.clock.now(),
        client_id=client_id,
        user_id=token.user_id if token is not None else None,
        ip=ip,
        error=error,
        details={**known, **(details or {})},
    )


async def confirmation(
    link: Link, body: Callable[[str], str], *, remember_original: bool = True, redirect_uri: str | None = None
) -> Response:
    """A fresh tab of the browser's authentication session (the link's, which it replaces) waiting for the link,
    and the page ``body`` makes around the link that confirms it: the same token naming that session (``asid``)
    and, unless ``remember_original`` is off (InviteOrgActionTokenHandler), the one it named before (``oasid``).
    The tab's redirect is ``redirect_uri`` when given (an invitation's, once validated), else the token's."""
    request, tx, realm, old, token = link.request, link.tx, link.realm, link.auth_session, link.token
    root = old.root if old is not None else await root_for_new_tab(request, tx, realm)
    if old is not None:
        await tx.flows.delete_auth_session(old.id)
    redirect = redirect_uri if redirect_uri is not None else token.redirect_uri
    auth_request = AuthRequest(link.client.client_id, redirect or "", "code", "query", "openid")
    auth_session = await new_session(link, auth_request, STEP, root)
    confirmed = dataclasses.replace(token, auth_session_id=auth_session.id)
    if remember_original:
        confirmed = dataclasses.replace(confirmed, original_auth_session_id=token.auth_session_id)
    key = await action_tokens.serialize(tx, link.services, realm.id, issuer(request, realm.name), confirmed)
    # Urls.actionTokenBuilder with the new tab's client: the link names the login's client (the e-mailed one too)
    target = redirect_uris.with_params(
        action_url(request, realm, "action-token"), {"key": key, "client_id": link.client.client_id}
    )
    response = html(body(target))
    await set_auth_cookie(response, request, tx, realm, auth_session)
    return response


async def continue_login(link: Link, auth_request: AuthRequest, auth_session: AuthSession) -> Response:
    """The login's next step for the link's user in ``auth_session``, as the login pages render it."""
    tx = link.tx
    await tx.flows.replace_auth_request(auth_session.id, auth_request.to_json())
    step = StepContext(
        tx, link.services, link.realm, link.client, auth_request, link.user, browser(link.request, auth_session)
    )
    outcome = await login_completion.proceed(step)
    args = (link.request, tx, link.realm, link.client, auth_request, outcome, auth_session)
    return await render(*args, completes_flow=True)  # the handler's redirectToRequiredActions


async def new_session(link: Link, auth_request: AuthRequest, step: str, root_id: str) -> AuthSession:
    """A new tab of the browser's root authentication session ``root_id`` for the link's user."""
    now = link.services.clock.now()
    auth_session = AuthSession(
        new_tab_id(),
        link.realm.id,
        link.client.id,
        secrets.token_urlsafe(24),
        auth_request.to_json(),
        link.user.id,
        now + login_session.lifespan(link.realm),
        step,
        root_id=root_id,
        started=now,
        step_time=now,
    )
    await link.tx.flows.create_auth_session(auth_session)
    return auth_session
